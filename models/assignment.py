"""Complete the teaching assignment (任课安排): every class-subject gets a teacher, deterministically.

A scenario may list only some assignments; the rest are filled here, before any model is built,
so the solver works with one fixed teacher per class-subject. Periods that a class receives
through a synchronized lesson need no local teacher: the sync lesson's teacher gives them live.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from models import Scenario, SyncLesson, Teacher


class AssignmentError(ValueError):
    """No teacher can take a class-subject. Carries the message in English and Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh


@dataclass(frozen=True)
class Assignment:
    """The completed assignment of a scenario.

    ``teacher_of`` maps (class id, subject) to the local teacher; a class-subject whose periods all
    arrive by synchronized lessons has no entry. ``sync_teacher`` maps a sync lesson id to the
    teacher who teaches it. ``local_periods`` is how many periods of a class-subject are taught
    locally (not received), ``received`` how many arrive by sync lessons.
    """

    teacher_of: dict[tuple[str, str], str]
    sync_teacher: dict[str, str]
    local_periods: dict[tuple[str, str], int]
    received: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (itinerant teacher, school) -> most days a week there, as the itinerant assignment planned.
    visit_days: dict[tuple[str, str], int] = field(default_factory=dict)


def received_periods(scenario: Scenario) -> dict[tuple[str, str], int]:
    """Periods per (class, subject) that the class receives through synchronized lessons."""
    received: dict[tuple[str, str], int] = defaultdict(int)
    for sync in scenario.sync_lessons:
        for class_id in sync.receiving_classes:
            received[(class_id, sync.subject)] += sync.per_week
    return dict(received)


def weekly_capacity(scenario: Scenario, teacher: Teacher) -> int:
    """Periods a week the teacher can really give: max_weekly, but no more than max_daily on each teaching
    day of their home school, nor more than that school's week has periods (a max_weekly of 1000 would
    otherwise draw every unassigned class to one teacher)."""
    bells = scenario.bells_of(teacher.school)
    return min(teacher.max_weekly, teacher.max_daily * len(bells.days), bells.weekly_slots)


def _may_teach(teacher: Teacher, subject: str, school: str) -> bool:
    return subject in teacher.subjects and (teacher.school == school or school in teacher.also_schools)


def _no_teacher_error(scenario: Scenario, class_id: str, subject: str, need: int) -> AssignmentError:
    klass = scenario.class_by_id[class_id]
    school = scenario.school_by_id[klass.school]
    subject_name = scenario.subject_by_id[subject].name if subject in scenario.subject_by_id else subject
    return AssignmentError(
        f"no teacher can teach {subject_name} to {school.name} {klass.label} ({need} periods a week): "
        f"add a teacher of {subject_name} at {school.name} (or list the school in a teacher's also_schools), "
        f"or deliver it as a synchronized lesson",
        f"{school.name} {klass.label} 的{subject_name}（每周 {need} 节）没有可任课的教师："
        f"请为 {school.name} 增加{subject_name}教师（或在教师的兼课学校中加上该校），或安排同步课堂",
    )


def _sync_teacher(sync: SyncLesson, teacher_of: dict[tuple[str, str], str]) -> str | None:
    return sync.teacher or teacher_of.get((sync.teaching_class, sync.subject))


def complete_assignment(scenario: Scenario) -> Assignment:
    """Give every class-subject that needs one a teacher; raise :class:`AssignmentError` when none can.

    Order and ties are fixed (fewest candidate teachers first, then larger needs, school, class and
    subject ids; among
    candidates the lowest load relative to their weekly capacity, home-school teachers first, then id),
    so the result depends on the scenario only. Candidates with room under their capacity are
    preferred; when none has room the least loaded is still chosen and the solver reports the
    overload as a conflict with the teacher's weekly limit.
    """
    received = received_periods(scenario)
    # Sync lessons given by a named teacher other than the class's teacher are that teacher's load.
    explicit_sync: dict[tuple[str, str], int] = defaultdict(int)
    for sync in scenario.sync_lessons:
        if sync.teacher is not None:
            explicit_sync[(sync.teaching_class, sync.subject)] += sync.per_week

    teacher_of: dict[tuple[str, str], str] = {}
    for given in scenario.assignments:
        teacher_of[(given.class_id, given.subject)] = given.teacher

    local: dict[tuple[str, str], int] = {}
    needs: list[tuple[int, str, str, str]] = []
    for klass in scenario.classes:
        for entry in scenario.class_curriculum(klass.id):
            key = (klass.id, entry.subject)
            own = entry.periods - received.get(key, 0)
            local[key] = max(own, 0)
            taught_by_class_teacher = own - explicit_sync.get(key, 0)
            if key not in teacher_of and taught_by_class_teacher > 0:
                needs.append((-taught_by_class_teacher, klass.school, klass.id, entry.subject))

    load: dict[str, int] = defaultdict(int)
    for key, teacher in teacher_of.items():
        load[teacher] += local.get(key, 0) - explicit_sync.get(key, 0)
    for sync in scenario.sync_lessons:
        if sync.teacher is not None:
            load[sync.teacher] += sync.per_week

    teachers = sorted(scenario.teachers, key=lambda t: t.id)
    capacity = {t.id: weekly_capacity(scenario, t) for t in teachers}
    candidates_of = {(school, subject): [t for t in teachers if _may_teach(t, subject, school)]
                     for _n, school, _c, subject in needs}
    # Most constrained first (fewest candidate teachers), then larger needs: shared teachers are kept
    # for the schools that have no one else.
    for negative_need, school, class_id, subject in sorted(needs, key=lambda n: (len(candidates_of[(n[1], n[3])]), n)):
        need = -negative_need
        candidates = candidates_of[(school, subject)]
        if not candidates:
            raise _no_teacher_error(scenario, class_id, subject, need)
        with_room = [t for t in candidates if load[t.id] + need <= capacity[t.id]]
        pool = with_room or candidates
        chosen = min(pool, key=lambda t: ((load[t.id] + need) / max(capacity[t.id], 1), t.school != school, t.id))
        teacher_of[(class_id, subject)] = chosen.id
        load[chosen.id] += need

    sync_teacher: dict[str, str] = {}
    for sync in scenario.sync_lessons:
        teacher = _sync_teacher(sync, teacher_of)
        if teacher is None:
            raise _no_teacher_error(scenario, sync.teaching_class, sync.subject, sync.per_week)
        sync_teacher[sync.id] = teacher
    return Assignment(teacher_of=teacher_of, sync_teacher=sync_teacher, local_periods=local, received=received)
