"""The activity planner's room: the consortium activity calendar (joint meetings, demonstration lessons,
exchanges, forums, open days, unified assessments, spot-check lessons).

Data flows one way: rules (:mod:`models.activity_rules`) + scenario + solved timetable ->
:func:`plan_activities` (CP-SAT, :mod:`.solver`) -> :class:`models.activity_plan.ActivityPlan` ->
``check_activities`` (independent, :mod:`constraints.checks.activities`) -> writers (:mod:`.writers`) and
calendar events (:mod:`.events`). The rules, the plan and the rotation state are domain data in ``models``;
this room holds the planning. See docs/activities.md.
"""

from constraints.checks.activities import check as check_activities
from models.activity_plan import ActivityPlan, PlannedActivity, plan_json, read_plan
from models.activity_rules import ActivitySpec, RulesInvalid, load_activity_rules
from models.rotation import RotationState, read_state
from scheduler.activities.draw import DrawError, DrawRecord, draw, draw_and_record, read_log, spot_checks_on
from scheduler.activities.events import CalendarEvent, activity_events
from scheduler.activities.solver import plan_activities
from scheduler.activities.writers import write_activity_outputs

__all__ = [
    "ActivityPlan", "ActivitySpec", "CalendarEvent", "DrawError", "DrawRecord", "PlannedActivity", "RotationState",
    "RulesInvalid", "activity_events", "check_activities", "draw", "draw_and_record", "load_activity_rules",
    "plan_activities", "plan_json", "read_log", "read_plan", "read_state", "spot_checks_on", "write_activity_outputs",
]
