"""Rotation state: who chaired and hosted, so the next term (and year) continues the rotation.

Written to ``OUT/activities/rotation_state.json`` and read back with ``--previous-state``. For each
rotation (``<rule id>|chair``, ``<rule id>|host``, ``<rule id>|teacher``, ``<rule id>|observer``):

* ``round``: how often each member has served in the current round. A round ends when every member
  has served its weight (1, or its size weight for hosts); the next occurrence starts a new round.
  The round does not restart at a new term or year: it continues where the last plan stopped.
* ``year``: counts in the school year ``school_year`` (reset when a plan of a new school year starts),
  the basis of the "differ by at most one over the year" bound.
* ``total``: counts since the first plan; ``history``: (date, member) in order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_VERSION = 1


@dataclass
class Rotation:
    round: dict[str, int] = field(default_factory=dict)
    year: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    history: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"round": dict(sorted(self.round.items())), "year": dict(sorted(self.year.items())),
                "total": dict(sorted(self.total.items())), "history": [list(h) for h in self.history]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rotation:
        return cls(round={str(k): int(v) for k, v in (data.get("round") or {}).items()},
                   year={str(k): int(v) for k, v in (data.get("year") or {}).items()},
                   total={str(k): int(v) for k, v in (data.get("total") or {}).items()},
                   history=[(str(a), str(b)) for a, b in data.get("history") or []])


@dataclass
class RotationState:
    school_year: str = ""
    terms: list[str] = field(default_factory=list)
    rotations: dict[str, Rotation] = field(default_factory=dict)

    def rotation(self, key: str) -> Rotation:
        return self.rotations.get(key, Rotation())

    def for_year(self, school_year: str) -> RotationState:
        """The state as a plan of ``school_year`` sees it: year counts cleared when the year changed."""
        if school_year == self.school_year:
            return self.copy()
        rotations = {k: Rotation(dict(r.round), {}, dict(r.total), list(r.history)) for k, r in self.rotations.items()}
        return RotationState(school_year, list(self.terms), rotations)

    def copy(self) -> RotationState:
        return RotationState.from_json(self.to_json())

    def to_json(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "school_year": self.school_year, "terms": list(self.terms),
                "rotations": {k: self.rotations[k].to_json() for k in sorted(self.rotations)}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RotationState:
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"rotation state version {data.get('version')!r}, expected {STATE_VERSION}")
        return cls(school_year=str(data.get("school_year") or ""), terms=[str(t) for t in data.get("terms") or []],
                   rotations={k: Rotation.from_json(v) for k, v in (data.get("rotations") or {}).items()})


def read_state(path: Path | str) -> RotationState:
    """Read a rotation_state.json (or the one inside an OUT folder / its activities/ folder)."""
    path = Path(path)
    for candidate in (path, path / "rotation_state.json", path / "activities" / "rotation_state.json"):
        if candidate.is_file():
            return RotationState.from_json(json.loads(candidate.read_text(encoding="utf-8")))
    raise FileNotFoundError(f"no rotation_state.json at {path}")


def state_text(state: RotationState) -> str:
    return json.dumps(state.to_json(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def advance(rotation: Rotation, members: dict[str, int], served: list[tuple[str, str]]) -> Rotation:
    """The rotation after ``served`` (date, member) in order; ``members`` are member -> weight this plan."""
    current = {m: n for m, n in rotation.round.items() if m in members}
    year, total, history = dict(rotation.year), dict(rotation.total), list(rotation.history)
    for when, member in served:
        if members and all(current.get(m, 0) >= w for m, w in members.items()):
            current = {}
        current[member] = current.get(member, 0) + 1
        year[member] = year.get(member, 0) + 1
        total[member] = total.get(member, 0) + 1
        history.append((when, member))
    if members and all(current.get(m, 0) >= w for m, w in members.items()):
        current = {}
    return Rotation(current, year, total, history)
