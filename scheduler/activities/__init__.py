"""Issue 6: the consortium activity calendar (joint meetings, demonstration lessons, exchanges,
forums, open days, unified assessments, spot-check lessons).

Data flows one way: rules (:mod:`.rules`) + scenario + solved timetable -> :func:`plan_activities`
(CP-SAT, :mod:`.solver`) -> :class:`ActivityPlan` -> :func:`check_activities` (independent,
:mod:`.check`) -> writers (:mod:`.writers`) and calendar events (:mod:`.events`). See docs/activities.md.
"""

from scheduler.activities.check import check_activities
from scheduler.activities.draw import DrawError, DrawRecord, draw, draw_and_record, read_log, spot_checks_on
from scheduler.activities.events import CalendarEvent, activity_events
from scheduler.activities.plan import ActivityPlan, PlannedActivity, plan_json, read_plan
from scheduler.activities.rules import ActivitySpec, RulesInvalid, load_activity_rules
from scheduler.activities.solver import plan_activities
from scheduler.activities.state import RotationState, read_state
from scheduler.activities.writers import write_activity_outputs

__all__ = [
    "ActivityPlan", "ActivitySpec", "CalendarEvent", "DrawError", "DrawRecord", "PlannedActivity", "RotationState",
    "RulesInvalid", "activity_events", "check_activities", "draw", "draw_and_record", "load_activity_rules",
    "plan_activities", "plan_json", "read_log", "read_plan", "read_state", "spot_checks_on", "write_activity_outputs",
]
