"""How a solve runs, above ``models``, ``constraints``, ``reports`` and ``feeds`` (it may import them all; they
import nothing from here). Each planner has its own room; the root holds what they share.

* ``timetable/``: the term timetable engine (consortium scenarios and imported FET files)
* ``itinerant/``: itinerant teachers' assignment and routes (走教)
* ``activities/``: the consortium activity calendar (meetings, demonstration lessons…)
* ``exchange/``: the teacher exchange rotation plan (交流轮岗)
* ``pacing/``: the consortium pacing calendar (学科进度同步) and its outputs
* ``cpsat.py``: the one CP-SAT parameter builder, status map (to ``models.status.Status``) and optimality gap
* ``executor.py``, ``progress.py``: running independent parts locally or on Dask, and reporting them
* ``publish.py``: verifying a result and writing OUT atomically
* ``service.py``: what each command of ``cli.py`` does, raising ``models.errors.TongbuError`` on failure
"""
