"""Changes during the term (代课/调课): the cover model and the publishing of its plan."""

from scheduler.changes.planner import PlanOutcome, plan_changes
from scheduler.changes.publish import SubstituteReport, substitute

__all__ = ["PlanOutcome", "SubstituteReport", "plan_changes", "substitute"]
