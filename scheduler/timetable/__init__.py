"""The term timetable engine: a scenario's lessons placed on every school's bell grid with CP-SAT.

``solve.solve_scenario`` completes the assignment, splits the scenario into independent parts
(``parts``), solves each (``part``: a first timetable, then the large-neighbourhood search of ``lns``
bounded by ``bounds``) on an executor and assembles the one result type, ``SolveResult``; an imported
FET file is one part, indexed by ``constraints.index_fet``. The requirement families it posts live in
``constraints/``, their independent checks in ``constraints/checks/``.
"""
