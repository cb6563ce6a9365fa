"""The planned activity calendar of a term: plain result objects, no solver types."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from models.activity_rules import ActivitySpec
from models.rotation import RotationState
from models.status import Status


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class PlannedActivity:
    """One occurrence: when, where, who chairs, who attends (and, for a demonstration lesson, who teaches)."""

    id: str
    rule: str
    consortium: str
    kind: str
    name: str
    index: int
    date: date
    start: int
    end: int
    mode: str
    host: str | None
    chair: str | None
    attendees: tuple[str, ...]
    teacher: str | None = None
    class_id: str | None = None
    lesson_key: str | None = None
    observers: tuple[str, ...] = ()

    @property
    def everyone(self) -> tuple[str, ...]:
        """Attendees, chair, demonstrating teacher and observers, sorted, once each."""
        people = set(self.attendees) | set(self.observers)
        people |= {p for p in (self.chair, self.teacher) if p}
        return tuple(sorted(people))

    @property
    def time_label(self) -> str:
        return f"{clock(self.start)}-{clock(self.end)}"


@dataclass(frozen=True)
class ActivityPlan:
    """A term's activities for every consortium, with the rotation state before and after."""

    district: str
    term: str
    school_year: str
    season: str
    #: Written to plan.json by its member name (OPTIMAL, FEASIBLE...), as the file has always spelled it.
    status: Status
    rules: tuple[ActivitySpec, ...]
    activities: tuple[PlannedActivity, ...]
    state_before: RotationState = field(default_factory=RotationState)
    state_after: RotationState = field(default_factory=RotationState)
    objective: float | None = None
    problems: tuple[tuple[str, str], ...] = ()
    # Display names ("school:<id>", "teacher:<id>", "consortium:<id>", "class:<id>") for the writers.
    names: dict[str, str] = field(default_factory=dict)
    #: How long planning took (not written to plan.json: it differs run to run).
    seconds: float = field(default=0.0, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))  # a status word given as text

    @property
    def ok(self) -> bool:
        return self.status.found


def name_of(plan: ActivityPlan, kind: str, ident: str | None) -> str:
    if not ident:
        return ""
    return plan.names.get(f"{kind}:{ident}", ident)


def _activity_json(activity: PlannedActivity) -> dict[str, Any]:
    data = asdict(activity)
    data["date"] = activity.date.isoformat()
    for key in ("attendees", "observers"):
        data[key] = list(data[key])
    return data


def plan_json(plan: ActivityPlan) -> str:
    """The plan as written to OUT/activities/plan.json (sorted, no clock stamps)."""
    data = {
        "district": plan.district, "term": plan.term, "school_year": plan.school_year, "season": plan.season,
        "status": plan.status.name, "objective": plan.objective,
        "problems": [list(p) for p in plan.problems],
        "rules": [r.model_dump(mode="json") for r in plan.rules],
        "activities": [_activity_json(a) for a in plan.activities],
        "state_before": plan.state_before.to_json(), "state_after": plan.state_after.to_json(),
        "names": dict(sorted(plan.names.items())),
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def read_plan(path: Path | str) -> ActivityPlan:
    """Read plan.json (or the one in an OUT folder / its activities/ folder)."""
    path = Path(path)
    for candidate in (path, path / "plan.json", path / "activities" / "plan.json"):
        if candidate.is_file():
            data = json.loads(candidate.read_text(encoding="utf-8"))
            break
    else:
        raise FileNotFoundError(f"no activity plan.json at {path}")
    activities = tuple(PlannedActivity(**{**a, "date": date.fromisoformat(a["date"]), "attendees": tuple(a["attendees"]),
                                          "observers": tuple(a["observers"])}) for a in data["activities"])
    return ActivityPlan(
        district=data["district"], term=data["term"], school_year=data["school_year"], season=data["season"],
        status=Status[data["status"]], rules=tuple(ActivitySpec.model_validate(r) for r in data["rules"]), activities=activities,
        state_before=RotationState.from_json(data["state_before"]), state_after=RotationState.from_json(data["state_after"]),
        objective=data.get("objective"), problems=tuple(tuple(p) for p in data.get("problems", [])),
        names=dict(data.get("names", {})))
