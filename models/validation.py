"""``tongbu validate``: references, times and the capacity checks a timetabler does by hand.

Every problem is collected (not only the first) and reported in a stable order, each naming the
file, row and column and what to do.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from models.enums import DeliveryMode, SchoolRole
from models.files import YAML_NAME, Loaded, read_scenario_folder
from models.problems import Problem, sorted_problems
from models.scenario import Scenario


# The table each kind of reference points into (models.files records unreadable rows per table).
REF_TABLE = {"school": "schools", "class": "classes", "teacher": "teachers", "subject": "subjects",
             "consortium": "consortia", "bell schedule": "bell_schedules", "room": "rooms"}
# Capacity sums over these: with a row missing, a sum would report a shortage that is not there.
CAPACITY_INPUTS = ("schools", "classes", "teachers", "curriculum", "assignments", "sync_lessons", "bell_schedules")


class Checker:
    def __init__(self, scenario: Scenario, loaded: Loaded) -> None:
        self.s = scenario
        self.loaded = loaded
        self.problems: list[Problem] = []

    def at(self, kind: str, key: str, code: str, column: str | None = None, /, severity: str = "error",
           **params: object) -> None:
        """A problem at the row of object ``key`` of table ``kind`` (positional-only: messages have a ``kind`` too)."""
        if kind == "yaml":
            file, row = YAML_NAME, self.loaded.yaml_line(column)
        else:
            file, row = self.loaded.files.get(kind, f"{kind}.csv"), self.loaded.rows.get((kind, key))
        self.problems.append(Problem(file=file, code=code, params=params, row=row, column=column, severity=severity))

    def unknown(self, kind: str, key: str, column: str, ref_kind: str, value: str, where: str) -> None:
        if value in self.loaded.broken.get(REF_TABLE.get(ref_kind, ""), ()):
            return  # it exists but has its own problem, already reported where it is
        self.at(kind, key, "unknown_ref", column, kind=ref_kind, value=value, where=where)

    # --- references ---------------------------------------------------------------------------

    def references(self) -> None:
        s = self.s
        for school in s.schools:
            if school.consortium not in s.consortium_by_id:
                self.unknown("schools", school.id, "consortium", "consortium", school.consortium, "scenario.yaml consortia")
            if school.bell_schedule not in s.bells_by_id:
                self.unknown("schools", school.id, "bell_schedule", "bell schedule", school.bell_schedule,
                             "scenario.yaml bell_schedules")
            for grade in school.grades:
                if grade not in school.stage.grades:
                    self.at("schools", school.id, "stage_mismatch", "grades", grade=grade, stage=school.stage.value)
        for index, consortium in enumerate(s.consortia, start=1):
            leads = [x.id for x in s.schools if x.consortium == consortium.id and x.role == SchoolRole.LEAD]
            if not leads:
                self.at("yaml", "", "consortium_no_lead", f"consortia[{index}]", consortium=consortium.id)
            elif len(leads) > 1:
                self.at("schools", leads[1], "consortium_two_leads", "role", consortium=consortium.id, count=len(leads),
                        schools="、".join(leads))
        for klass in s.classes:
            school = s.school_by_id.get(klass.school)
            if school is None:
                self.unknown("classes", klass.id, "school", "school", klass.school, self.loaded.files["schools"])
            elif klass.grade not in school.grades:
                self.at("classes", klass.id, "grade_not_offered", "grade", grade=klass.grade, school=school.id,
                        grades=_grades(school.grades))
        for teacher in s.teachers:
            if teacher.school not in s.school_by_id:
                self.unknown("teachers", teacher.id, "school", "school", teacher.school, self.loaded.files["schools"])
            for subject in teacher.subjects:
                if subject not in s.subject_by_id:
                    self.unknown("teachers", teacher.id, "subjects", "subject", subject, "scenario.yaml subjects")
            for other in teacher.also_schools:
                if other not in s.school_by_id:
                    self.unknown("teachers", teacher.id, "also_schools", "school", other, self.loaded.files["schools"])
        for index, entry in enumerate(s.curriculum):
            if entry.subject not in s.subject_by_id:
                self.unknown("curriculum", str(index), "subject", "subject", entry.subject, "scenario.yaml subjects")
            if entry.grade not in entry.stage.grades:
                self.at("curriculum", str(index), "stage_mismatch", "grade", grade=entry.grade, stage=entry.stage.value)
        self.assignment_references()
        for room in s.rooms:
            if room.school not in s.school_by_id:
                self.unknown("rooms", room.id, "school", "school", room.school, self.loaded.files["schools"])
            for subject in room.subjects:
                if subject not in s.subject_by_id:
                    self.unknown("rooms", room.id, "subjects", "subject", subject, "scenario.yaml subjects")
        self.sync_references()
        self.research_references()

    def assignment_references(self) -> None:
        s = self.s
        taken: dict[tuple[str, str], str] = {}
        for index, a in enumerate(s.assignments):
            key = str(index)
            teacher, klass = s.teacher_by_id.get(a.teacher), s.class_by_id.get(a.class_id)
            if teacher is None:
                self.unknown("assignments", key, "teacher", "teacher", a.teacher, self.loaded.files["teachers"])
            if klass is None:
                self.unknown("assignments", key, "class", "class", a.class_id, self.loaded.files["classes"])
            if a.subject not in s.subject_by_id:
                self.unknown("assignments", key, "subject", "subject", a.subject, "scenario.yaml subjects")
                continue
            if teacher is None or klass is None or klass.school not in s.school_by_id:
                continue
            if a.subject not in teacher.subjects:
                self.at("assignments", key, "teacher_cannot_teach", "subject", teacher=f"{teacher.name}({teacher.id})",
                        subject=a.subject, subjects="、".join(teacher.subjects))
            if klass.school != teacher.school and klass.school not in teacher.also_schools:
                self.at("assignments", key, "teacher_wrong_school", "teacher", teacher=f"{teacher.name}({teacher.id})",
                        school=teacher.school, other=klass.school)
            if not any(e.subject == a.subject for e in s.class_curriculum(klass.id)):
                self.at("assignments", key, "subject_not_in_curriculum", "subject", subject=a.subject, grade=klass.grade)
            if (klass.id, a.subject) in taken:
                self.at("assignments", key, "duplicate_assignment", "class", class_id=klass.id, subject=a.subject,
                        other=taken[(klass.id, a.subject)])
            taken.setdefault((klass.id, a.subject), a.teacher)

    def sync_references(self) -> None:
        s = self.s
        per_class: dict[tuple[str, str], int] = defaultdict(int)
        first_sync: dict[tuple[str, str], str] = {}
        for sync in s.sync_lessons:
            if sync.subject not in s.subject_by_id:
                self.unknown("sync_lessons", sync.id, "subject", "subject", sync.subject, "scenario.yaml subjects")
            if sync.teacher and sync.teacher not in s.teacher_by_id:
                self.unknown("sync_lessons", sync.id, "teacher", "teacher", sync.teacher, self.loaded.files["teachers"])
            teaching = s.class_by_id.get(sync.teaching_class)
            if teaching is None:
                self.unknown("sync_lessons", sync.id, "teaching_class", "class", sync.teaching_class, self.loaded.files["classes"])
            for column, class_id in [("teaching_class", sync.teaching_class)] + [("receiving_classes", c) for c in sync.receiving_classes]:
                klass = s.class_by_id.get(class_id)
                if klass is None:
                    if column == "receiving_classes":
                        self.unknown("sync_lessons", sync.id, column, "class", class_id, self.loaded.files["classes"])
                    continue
                if klass.school not in s.school_by_id:
                    continue
                if column == "receiving_classes" and teaching is not None and klass.school == teaching.school:
                    self.at("sync_lessons", sync.id, "sync_same_school", column, class_id=class_id, school=klass.school)
                if not any(e.subject == sync.subject for e in s.class_curriculum(klass.id)):
                    self.at("sync_lessons", sync.id, "sync_grade", column, sync=sync.id, subject=sync.subject, class_id=class_id)
                per_class[(class_id, sync.subject)] += sync.per_week
                first_sync.setdefault((class_id, sync.subject), sync.id)
        for (class_id, subject), count in sorted(per_class.items()):
            klass = s.class_by_id[class_id]
            if klass.school not in s.school_by_id:
                continue
            periods = sum(e.periods for e in s.class_curriculum(class_id) if e.subject == subject)
            if periods and count > periods:
                self.at("sync_lessons", first_sync[(class_id, subject)], "sync_too_many", "per_week", class_id=class_id,
                        count=count, subject=subject, periods=periods)

    def research_references(self) -> None:
        s = self.s
        for block in s.research_blocks:
            if block.subject and block.subject not in s.subject_by_id:
                self.unknown("research_blocks", block.id, "subject", "subject", block.subject, "scenario.yaml subjects")
            if block.consortium and block.consortium not in s.consortium_by_id:
                self.unknown("research_blocks", block.id, "consortium", "consortium", block.consortium, "scenario.yaml consortia")
            for teacher in block.teachers:
                if teacher not in s.teacher_by_id:
                    self.unknown("research_blocks", block.id, "teachers", "teacher", teacher, self.loaded.files["teachers"])
            if block.host and block.host not in s.school_by_id:
                self.unknown("research_blocks", block.id, "host", "school", block.host, self.loaded.files["schools"])
            if block.mode == DeliveryMode.IN_PERSON and not block.host:
                self.at("research_blocks", block.id, "required", "host", what="host (承办学校) for an in-person block")

    # --- travel -------------------------------------------------------------------------------

    def travel(self) -> None:
        s = self.s
        if not s.travel.edges:
            return
        places = s.travel.places()
        for school in s.schools:
            if school.place not in places:
                self.at("schools", school.id, "not_in_travel", "name", school=school.id)
        for consortium in s.consortia:
            members = [x for x in s.schools if x.consortium == consortium.id and x.place in places]
            lead = next((x for x in members if x.role == SchoolRole.LEAD), None)
            for school in members:
                if lead is not None and s.travel.minutes(lead.place, school.place) is None:
                    self.at("schools", school.id, "unreachable", "name", school=school.id, other=lead.id)

    def itinerant_references(self) -> None:
        """Itinerant posts (scenario.yaml itinerant_posts): teachers, base, schools and subjects exist."""
        s = self.s
        seen: dict[str, str] = {}
        for index, post in enumerate(s.itinerant_posts, start=1):
            where = f"itinerant_posts[{index}]"
            for teacher in post.teachers:
                if teacher not in s.teacher_by_id:
                    self.at("yaml", "", "unknown_ref", f"{where}.teachers", kind="teacher", value=teacher,
                            where=self.loaded.files.get("teachers", "teachers.csv"))
                elif not set(post.subjects) <= set(s.teacher_by_id[teacher].subjects):
                    person = s.teacher_by_id[teacher]
                    self.at("yaml", "", "teacher_cannot_teach", f"{where}.teachers", teacher=f"{person.name}({person.id})",
                            subject="、".join(x for x in post.subjects if x not in person.subjects),
                            subjects="、".join(person.subjects))
                elif teacher in seen:
                    self.at("yaml", "", "itinerant_teacher_twice", f"{where}.teachers", teacher=teacher,
                            post=post.id, other=seen[teacher])
                seen.setdefault(teacher, post.id)
            for column, schools in (("base", (post.base,)), ("schools", post.schools)):
                for school in schools:
                    if school not in s.school_by_id:
                        self.at("yaml", "", "unknown_ref", f"{where}.{column}", kind="school", value=school,
                                where=self.loaded.files.get("schools", "schools.csv"))
            for subject in post.subjects:
                if subject not in s.subject_by_id:
                    self.at("yaml", "", "unknown_ref", f"{where}.subjects", kind="subject", value=subject,
                            where="scenario.yaml subjects")
            if not post.schools and post.radius_minutes is None:
                self.at("yaml", "", "itinerant_no_reach", where, post=post.id)

    # --- capacity -----------------------------------------------------------------------------

    def capacity(self) -> None:
        """Weekly periods against slots and teachers; skipped while rows it adds up could not be read."""
        if any(kind in self.loaded.broken for kind in CAPACITY_INPUTS):
            return
        s = self.s
        valid_classes = [c for c in s.classes if c.school in s.school_by_id and s.school_by_id[c.school].bell_schedule in s.bells_by_id]
        synced: dict[tuple[str, str], int] = defaultdict(int)
        for sync in s.sync_lessons:
            for class_id in sync.receiving_classes:
                synced[(class_id, sync.subject)] += sync.per_week
        demand: dict[tuple[str, str], int] = defaultdict(int)
        for klass in valid_classes:
            bells = s.bells_of(klass.school)
            entries = s.class_curriculum(klass.id)
            need = sum(e.periods for e in entries)
            if need > bells.weekly_slots:
                self.at("classes", klass.id, "class_over_slots", "grade", class_id=klass.id, need=need, slots=bells.weekly_slots)
            for entry in entries:
                if entry.doubles and not _has_double_slot(bells):
                    self.at("curriculum", str(s.curriculum.index(entry)), "double_no_room", "doubles", class_id=klass.id,
                            subject=entry.subject, doubles=entry.doubles)
                demand[(klass.school, entry.subject)] += max(0, entry.periods - synced[(klass.id, entry.subject)])
        teachers_at: dict[str, list] = defaultdict(list)
        for teacher in s.teachers:
            for school in (teacher.school, *teacher.also_schools):
                teachers_at[school].append(teacher)
        for teacher_id, schools in sorted(itinerant_reach(s).items()):  # itinerant teachers count where they serve
            for school in sorted(schools):
                if teacher_id in s.teacher_by_id and s.teacher_by_id[teacher_id] not in teachers_at[school]:
                    teachers_at[school].append(s.teacher_by_id[teacher_id])
        per_school: dict[str, int] = defaultdict(int)
        for (school, subject), need in sorted(demand.items()):
            per_school[school] += need
            able = [t for t in teachers_at[school] if subject in t.subjects]
            if need and not able:
                self.at("schools", school, "no_teacher_for_subject", "name", school=school, subject=subject, need=need)
            elif need > sum(t.max_weekly for t in able):
                self.at("schools", school, "subject_over_capacity", "name", school=school, subject=subject, need=need,
                        cap=sum(t.max_weekly for t in able), teachers="、".join(t.name for t in able))
        for school, need in sorted(per_school.items()):
            cap = sum(t.max_weekly for t in teachers_at[school])
            if need > cap:
                self.at("schools", school, "school_over_capacity", "name", school=school, need=need, cap=cap)
        self.teacher_loads()

    def teacher_loads(self) -> None:
        s = self.s
        load: dict[str, int] = defaultdict(int)
        synced: dict[tuple[str, str], int] = defaultdict(int)
        for sync in s.sync_lessons:
            for class_id in sync.receiving_classes:
                synced[(class_id, sync.subject)] += sync.per_week
        for a in s.assignments:
            if a.class_id not in s.class_by_id or a.teacher not in s.teacher_by_id:
                continue
            periods = sum(e.periods for e in s.class_curriculum(a.class_id) if e.subject == a.subject) \
                if s.class_by_id[a.class_id].school in s.school_by_id else 0
            load[a.teacher] += max(0, periods - synced[(a.class_id, a.subject)])
        for teacher in s.teachers:
            used = load.get(teacher.id, 0)
            if not used or teacher.school not in s.school_by_id or s.school_by_id[teacher.school].bell_schedule not in s.bells_by_id:
                continue
            if used > teacher.max_weekly:
                self.at("teachers", teacher.id, "teacher_over_weekly", "max_weekly", teacher=f"{teacher.name}({teacher.id})",
                        load=used, max=teacher.max_weekly)
            bells = s.bells_of(teacher.school)
            free = sum(1 for d in bells.days for p in range(1, bells.periods_per_day + 1) if not teacher.is_unavailable(d, p))
            daily_cap = sum(min(teacher.max_daily, sum(1 for p in range(1, bells.periods_per_day + 1)
                                                          if not teacher.is_unavailable(d, p))) for d in bells.days)
            if used > free:
                self.at("teachers", teacher.id, "teacher_over_slots", "unavailable", teacher=f"{teacher.name}({teacher.id})",
                        load=used, free=free, why="unavailable times")
            elif used > daily_cap:
                self.at("teachers", teacher.id, "teacher_over_slots", "max_daily", teacher=f"{teacher.name}({teacher.id})",
                        load=used, free=daily_cap, why=f"max_daily {teacher.max_daily}")


def itinerant_reach(scenario: Scenario) -> dict[str, set[str]]:
    """Teacher id -> schools their itinerant posts serve (the list, or all within the radius)."""
    reach: dict[str, set[str]] = defaultdict(set)
    for post in scenario.itinerant_posts:
        if post.base not in scenario.school_by_id:
            continue
        schools = {x for x in post.schools if x in scenario.school_by_id} if post.schools else {
            x.id for x in scenario.schools if post.radius_minutes is not None
            and (m := scenario.travel_minutes(post.base, x.id)) is not None and m <= post.radius_minutes}
        for teacher in post.teachers:
            reach[teacher] |= schools
    return reach


def _has_double_slot(bells) -> bool:
    periods = bells.periods
    return any(a.is_morning == b.is_morning for a, b in zip(periods, periods[1:]))


def _grades(grades: tuple[int, ...]) -> str:
    return ",".join(str(g) for g in grades)


def validate_folder(folder: Path) -> tuple[Scenario | None, list[Problem]]:
    """Read and check a folder: the scenario (None if it could not be built) and every problem, sorted."""
    loaded = read_scenario_folder(Path(folder))
    problems = list(loaded.problems)
    if loaded.scenario is not None:
        checker = Checker(loaded.scenario, loaded)
        checker.references()
        checker.travel()
        checker.itinerant_references()
        checker.capacity()
        problems += checker.problems
        problems += term_problems(loaded.scenario, loaded)
    return loaded.scenario, sorted_problems(problems)


def term_problems(scenario: Scenario, loaded: Loaded | None = None) -> list[Problem]:
    """Calendar problems (package coverage of holidays, undeclared make-up days) from the feeds' term module."""
    try:
        from feeds.term import term_problems as calendar_problems  # type: ignore[import-not-found]
    except ImportError:
        return []
    return [Problem(file=YAML_NAME, code="term_data", params={"detail": p.en, "detail_zh": p.zh}, column=p.field,
                    row=loaded.yaml_line(p.field) if loaded else None)
            for p in calendar_problems(scenario.term)]
