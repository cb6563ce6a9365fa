"""Itinerant teachers (多校设岗、一岗多校、共聘一人、就近走教): who serves which classes, and their routes.

``demand`` finds the periods no school's own staff can teach and who could travel to them;
``assign`` chooses, with CP-SAT, which itinerant teacher takes which classes (and names the
cheapest fix when some demand stays uncovered); ``baseline`` is the greedy nearest-school rule
used only by the benchmark; ``routes`` turns a solved timetable into each teacher's weekly route.
The timetable side is ``constraints/itinerant.py`` (solver) and ``constraints/checks/itinerant.py``
(independent check).
"""

from scheduler.itinerant.assign import ItinerantPlan, plan_itinerant, with_itinerant_assignments

__all__ = ["ItinerantPlan", "plan_itinerant", "with_itinerant_assignments"]
