"""How ``tongbu substitute`` covers lessons (代课): ``substitution:`` in scenario.yaml, ``policy:`` in a change set.

A scenario sets the county's order of preference and the extra load a teacher may take on; a change set's
``changes.yaml`` may override any of it for its own run.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator

from models.base import Frozen

#: The ways a lesson touched by an absence can be covered, in the default order of preference.
COVER_KINDS = ("substitute", "remote", "swap", "self_study")
KIND_ALIASES = {"代课": "substitute", "专递课堂": "remote", "专递": "remote", "调课": "swap", "自习": "self_study"}


class ChangePolicy(Frozen):
    """How covers are chosen."""

    order: tuple[str, ...] = Field(default=COVER_KINDS, description="kinds of cover, most preferred first: substitute "
                                   "代课, remote 专递课堂, swap 调课, self_study 自习")
    max_extra_per_week: int = Field(default=4, ge=0, description="covers (代课, 看班) a teacher takes on in a week")
    max_extra_per_day: int = Field(default=2, ge=0, description="covers a teacher takes on in a day")
    remote_schools: tuple[str, ...] = Field(
        default=(), description="schools equipped to receive 专递课堂; empty = schools receiving a sync lesson")

    @field_validator("order", mode="before")
    @classmethod
    def _kinds(cls, value: Any) -> Any:
        items = re.split(r"[;；,，、/|\s]+", value) if isinstance(value, str) else list(value or [])
        kinds = tuple(KIND_ALIASES.get(str(k).strip(), str(k).strip()) for k in items if str(k).strip())
        bad = [k for k in kinds if k not in COVER_KINDS]
        if bad or not kinds or len(set(kinds)) != len(kinds):
            raise ValueError(f"order lists some of {', '.join(COVER_KINDS)} once each (got {', '.join(bad or kinds)})")
        return kinds
