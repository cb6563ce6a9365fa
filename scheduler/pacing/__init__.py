"""Teaching in step (学科进度同步, issue 21): the consortium pacing calendar.

Data flows one way: the pacing table (``models.pacing``) + scenario + solved timetable ->
:func:`plan_pacing` (:mod:`.planner`, lesson counts from :mod:`.count`, fixes from :mod:`.fixes`) ->
:class:`models.pacing.PacingPlan` -> ``constraints.checks.pacing`` (independent) -> writers
(:mod:`.writers`) and feed events (:mod:`.events`). See docs/pacing.md.
"""

from scheduler.pacing.planner import plan_pacing

__all__ = ["plan_pacing"]
