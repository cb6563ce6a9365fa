"""The term timetable engine: a scenario's lessons placed on every school's bell grid with CP-SAT.

``solve.solve_scenario`` completes the assignment, splits the scenario into independent parts
(``parts``), solves each (``part``) on an executor and assembles the result; imported FET files go
through ``explicit``. The requirement families it posts live in ``constraints/``.
"""
