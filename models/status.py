"""How a solve ended: the one status vocabulary of every planner (timetable, itinerant, activities, exchange).

The values are the words tongbu writes (solution.json, messages); the member names are CP-SAT's own
(``cp_model.OPTIMAL`` ...), and ``scheduler.cpsat.status_of`` maps each CP-SAT code to its member.
No solver type here: the domain only names the outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    """How a solve ended (optimal, feasible, infeasible, unknown, invalid); a solve in parts ends as its weakest."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"
    MODEL_INVALID = "invalid"

    @property
    def found(self) -> bool:
        """A solution exists in hand (optimal or not)."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def zh(self) -> str:
        return STATUS_ZH[self]

    @classmethod
    def worst(cls, statuses: Iterable[str], default: Status | None = None) -> Status:
        """The status of a whole made of parts: its weakest part's (invalid < infeasible < unknown < feasible
        < optimal); ``default`` (optimal) when there are no parts."""
        found = [cls(s) for s in statuses]
        return min(found, key=WORST_FIRST.index) if found else (default or cls.OPTIMAL)


WORST_FIRST = (Status.MODEL_INVALID, Status.INFEASIBLE, Status.UNKNOWN, Status.FEASIBLE, Status.OPTIMAL)
STATUS_ZH = {Status.OPTIMAL: "最优", Status.FEASIBLE: "已找到", Status.INFEASIBLE: "无解", Status.UNKNOWN: "未找到",
             Status.MODEL_INVALID: "模型无效"}
