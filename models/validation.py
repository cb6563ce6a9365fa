"""``tongbu validate``: references, times and the capacity checks a timetabler does by hand.

Every problem is collected (not only the first) and reported in a stable order, each naming the
file, row and column and what to do.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from models.enums import DeliveryMode, SchoolRole
from models.files import YAML_NAME, Loaded, read_scenario_folder
from models.term import term_problems as calendar_problems
from models.problems import Problem, ScenarioInvalid, sorted_problems
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

    def rooms(self) -> None:
        """Rooms serve something; a subject has one group of rooms at a school; sync ends have a remote room;
        a group's weekly demand fits its capacity (docs/format.md, rooms)."""
        s = self.s
        if not s.rooms:
            return
        first_of: dict[tuple[str, str], object] = {}
        for room in s.rooms:
            if not room.subjects and not room.takes_sync:
                self.at("rooms", room.id, "room_serves_nothing", "subjects", room=room.id)
            uses = list(room.subjects) + (["同步课堂"] if room.takes_sync else [])
            for use in uses:
                other = first_of.setdefault((room.school, use), room)
                if other is not room and _room_group(other) != _room_group(room):  # type: ignore[arg-type]
                    self.at("rooms", room.id, "room_groups_overlap", "subjects", subject=use, school=room.school,
                            room=room.id, other=other.id)  # type: ignore[attr-defined]
        remote_at = {r.school for r in s.rooms if r.takes_sync}
        remote_places: dict[str, int] = defaultdict(int)
        for room in s.rooms:
            if room.takes_sync:
                remote_places[room.school] += room.capacity
        for sync in s.sync_lessons:
            at: dict[str, list[str]] = defaultdict(list)
            for column, class_id in [("teaching_class", sync.teaching_class)] + [
                    ("receiving_classes", c) for c in sync.receiving_classes]:
                klass = s.class_by_id.get(class_id)
                if klass is not None and klass.school in s.school_by_id and klass.school not in remote_at:
                    self.at("sync_lessons", sync.id, "sync_no_remote_room", column, sync=sync.id, school=klass.school,
                            class_id=class_id)
                elif klass is not None:
                    at[klass.school].append(class_id)
            for school, class_ids in sorted(at.items()):
                if len(class_ids) > remote_places[school]:
                    self.at("sync_lessons", sync.id, "sync_remote_too_small", "receiving_classes", sync=sync.id,
                            school=school, classes="、".join(class_ids), count=len(class_ids),
                            places=remote_places[school])
        if not any(kind in self.loaded.broken for kind in CAPACITY_INPUTS + ("rooms",)):
            self.room_capacity(remote_at)

    def room_capacity(self, remote_at: set[str]) -> None:
        s = self.s
        groups: dict[tuple[str, tuple], list] = defaultdict(list)
        for room in s.rooms:
            groups[(room.school, _room_group(room))].append(room)
        ends: dict[str, int] = defaultdict(int)
        synced: dict[tuple[str, str], int] = defaultdict(int)
        for sync in s.sync_lessons:
            for class_id in (sync.teaching_class, *sync.receiving_classes):
                if class_id in s.class_by_id:
                    ends[s.class_by_id[class_id].school] += sync.per_week
                    if s.class_by_id[class_id].school in remote_at:
                        synced[(class_id, sync.subject)] += sync.per_week
        for (school, (takes_sync, subjects)), rooms in sorted(groups.items()):
            if school not in s.school_by_id or s.school_by_id[school].bell_schedule not in s.bells_by_id:
                continue
            need = ends[school] if takes_sync else 0
            for klass in s.classes:
                if klass.school == school:
                    need += sum(max(0, e.periods - synced[(klass.id, e.subject)])
                                for e in s.class_curriculum(klass.id) if e.subject in subjects)
            slots = s.bells_of(school).weekly_slots
            capacity = sum(r.capacity for r in rooms)
            if need > capacity * slots:
                what = "、".join(list(subjects) + (["同步课堂"] if takes_sync else []))
                self.at("rooms", rooms[0].id, "room_over_capacity", "capacity", school=school, what=what, what_zh=what,
                        need=need, rooms="、".join(r.id for r in rooms), offer=capacity * slots, capacity=capacity,
                        slots=slots)

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
            elif sync.teacher and sync.subject in s.subject_by_id \
                    and sync.subject not in s.teacher_by_id[sync.teacher].subjects:
                person = s.teacher_by_id[sync.teacher]
                self.at("sync_lessons", sync.id, "teacher_cannot_teach", "teacher", teacher=f"{person.name}({person.id})",
                        subject=sync.subject, subjects="、".join(person.subjects))
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
                if column == "receiving_classes" and teaching is not None and klass.grade != teaching.grade:
                    self.at("sync_lessons", sync.id, "sync_cross_grade", column, sync=sync.id, grade=teaching.grade,
                            teaching=teaching.id, other=klass.grade, class_id=class_id)
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

    # --- clock times ----------------------------------------------------------------------------

    def sync_times(self) -> None:
        """Every sync lesson can be live: a weekday all its schools teach, and one period of each class that meet.

        The teacher is busy only during the teaching class's period and each receiving class during its own.
        With ``min_overlap_minutes`` m the common window of all of them (the intersection of their clock
        times) lasts at least m minutes; without it, every two of them nest (the shorter period inside the
        longer one). Both under every combination of the schools' bell variants (base and seasons), since
        each school switches to its winter times on its own date.
        """
        s = self.s
        for sync in s.sync_lessons:
            ends = [s.class_by_id.get(c) for c in (sync.teaching_class, *sync.receiving_classes)]
            if len(ends) < 2 or any(k is None or k.school not in s.school_by_id
                                    or s.school_by_id[k.school].bell_schedule not in s.bells_by_id for k in ends):
                continue  # unknown classes, schools and bell schedules are reported where they are
            classes = [k for k in ends if k is not None]
            bells = [s.bells_of(k.school) for k in classes]
            if not set.intersection(*(set(b.days) for b in bells)):
                days = "; ".join(f"{k.school} {'、'.join(d.zh for d in b.days)}"
                                 for k, b in _unique_by_school(classes, bells))
                self.at("sync_lessons", sync.id, "sync_no_common_day", "receiving_classes", sync=sync.id, days=days)
                continue
            ok = _PeriodMatch(classes, bells, sync.min_overlap_minutes)
            if ok.search() is not None:
                continue
            how = _overlap_words(sync.min_overlap_minutes)
            pair = ok.first_pair_without_match()
            if pair is not None:
                i, j = pair
                self.at("sync_lessons", sync.id, "sync_no_common_time", "receiving_classes", sync=sync.id,
                        class_id=classes[j].id, bells=_bells_text(bells[j]), teaching=classes[i].id,
                        teaching_bells=_bells_text(bells[i]), **how)
            else:
                self.at("sync_lessons", sync.id, "sync_no_common_time_all", "receiving_classes", sync=sync.id,
                        classes="、".join(k.id for k in classes), **how)

    def research_lengths(self) -> None:
        """A research block fits in the teaching day of its schools: first period start to last period end, the
        widest over their bell schedules and seasons (the window the solver places blocks in)."""
        s = self.s
        for block in s.research_blocks:
            schools = [x for x in s.schools if block.consortium is None or x.consortium == block.consortium]
            schools += [s.school_by_id[t.school] for t in (s.teacher_by_id.get(i) for i in block.teachers)
                        if t is not None and t.school in s.school_by_id]
            bells = [s.bells_by_id[x.bell_schedule] for x in schools if x.bell_schedule in s.bells_by_id]
            if not bells:
                continue
            first = min(p.start_minute for b in bells for variant in b.variants() for p in variant)
            last = max(p.end_minute for b in bells for variant in b.variants() for p in variant)
            if block.minutes > last - first:
                self.at("research_blocks", block.id, "research_too_long", "minutes", block=block.id,
                        minutes=block.minutes, span=last - first, first=_clock(first), last=_clock(last))

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
        teachers_at = self.teachers_at()  # itinerant teachers count where they serve
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
        """Each teacher's load: assigned classes, the sync lessons they are named for, and the class-subjects
        only they can take (no one else at the school teaches the subject), against max_weekly and their
        available times."""
        s = self.s
        loads = self.assigned_loads()
        for teacher in s.teachers:
            parts = loads.get(teacher.id, {})
            used = sum(sum(kinds.values()) for kinds in parts.values())
            if not used or teacher.school not in s.school_by_id \
                    or s.school_by_id[teacher.school].bell_schedule not in s.bells_by_id:
                continue
            name = f"{teacher.name}({teacher.id})"
            if used > teacher.max_weekly:
                detail, detail_zh = _load_detail(parts)
                self.at("teachers", teacher.id, "teacher_over_weekly", "max_weekly", teacher=name, load=used,
                        max=teacher.max_weekly, detail=detail, detail_zh=detail_zh)
            bells = s.bells_of(teacher.school)
            free_by_day = [sum(1 for p in range(1, bells.periods_per_day + 1) if not teacher.is_unavailable(d, p))
                           if teacher.unavailable else bells.periods_per_day for d in bells.days]
            if teacher.unavailable and not self.ever_available(teacher):
                detail, detail_zh = _load_detail(parts)
                self.at("teachers", teacher.id, "teacher_never_available", "unavailable", teacher=name, load=used,
                        unavailable=_slots_text(teacher), detail=detail, detail_zh=detail_zh)
                continue
            free = sum(free_by_day)
            daily_cap = sum(min(teacher.max_daily, n) for n in free_by_day)
            if used > free:
                self.at("teachers", teacher.id, "teacher_over_slots", "unavailable", teacher=name,
                        load=used, free=free, why="unavailable times", why_zh="不可排时间")
            elif used > daily_cap:
                self.at("teachers", teacher.id, "teacher_over_slots", "max_daily", teacher=name,
                        load=used, free=daily_cap, why=f"max_daily {teacher.max_daily}",
                        why_zh=f"日课时上限 {teacher.max_daily}")

    def ever_available(self, teacher) -> bool:
        """Some period of some teaching day, at a school where the teacher may teach, is not in ``unavailable``."""
        s = self.s
        for school in (teacher.school, *teacher.also_schools):
            if school not in s.school_by_id or s.school_by_id[school].bell_schedule not in s.bells_by_id:
                continue
            bells = s.bells_of(school)
            if any(not teacher.is_unavailable(d, p) for d in bells.days for p in range(1, bells.periods_per_day + 1)):
                return True
        return False

    def assigned_loads(self) -> dict[str, dict[str, dict[str, int]]]:
        """Teacher id -> subject -> where the periods come from ('assigned', 'sync', 'only') -> periods a week.

        As the solver's assignment counts them: a class-subject's periods less those it receives by sync
        lessons go to its teacher, less those of the teaching class given by a sync lesson's named teacher,
        which are that teacher's. A class-subject not in the assignments table that only one teacher at the
        school can teach (home school, also_schools or an itinerant post reaching it) is certainly theirs.
        """
        s = self.s
        received: dict[tuple[str, str], int] = defaultdict(int)
        named: dict[tuple[str, str], int] = defaultdict(int)
        load: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
        for sync in s.sync_lessons:
            for class_id in sync.receiving_classes:
                received[(class_id, sync.subject)] += sync.per_week
            if sync.teacher in s.teacher_by_id:
                named[(sync.teaching_class, sync.subject)] += sync.per_week
                load[sync.teacher][sync.subject]["sync"] += sync.per_week

        valid = {c.id for c in s.classes if c.school in s.school_by_id}
        entries = {c.id: s.class_curriculum(c.id) for c in s.classes if c.id in valid}
        periods_of: dict[tuple[str, str], int] = defaultdict(int)
        for class_id, class_entries in entries.items():
            for entry in class_entries:
                periods_of[(class_id, entry.subject)] += entry.periods

        def local(class_id: str, subject: str) -> int:
            periods = periods_of.get((class_id, subject), 0)
            return max(0, periods - received[(class_id, subject)] - named[(class_id, subject)])

        assigned: set[tuple[str, str]] = set()
        for a in s.assignments:
            if a.class_id not in s.class_by_id or a.teacher not in s.teacher_by_id:
                continue
            assigned.add((a.class_id, a.subject))
            if a.class_id in valid and (periods := local(a.class_id, a.subject)):
                load[a.teacher][a.subject]["assigned"] += periods
        able: dict[tuple[str, str], list] = {}
        teachers_at = self.teachers_at()
        for klass in s.classes:
            for entry in entries.get(klass.id, ()):
                if (klass.id, entry.subject) in assigned:
                    continue
                key = (klass.school, entry.subject)
                if key not in able:
                    able[key] = [t for t in teachers_at[klass.school] if entry.subject in t.subjects]
                if len(able[key]) == 1 and (periods := local(klass.id, entry.subject)):
                    load[able[key][0].id][entry.subject]["only"] += periods
        return load

    def teachers_at(self) -> dict[str, list]:
        """School id -> the teachers who may teach there: its own, those listing it in also_schools, and
        itinerant teachers whose post reaches it."""
        s = self.s
        teachers_at: dict[str, list] = defaultdict(list)
        for teacher in s.teachers:
            for school in (teacher.school, *teacher.also_schools):
                teachers_at[school].append(teacher)
        for teacher_id, schools in sorted(itinerant_reach(s).items()):
            for school in sorted(schools):
                if teacher_id in s.teacher_by_id and s.teacher_by_id[teacher_id] not in teachers_at[school]:
                    teachers_at[school].append(s.teacher_by_id[teacher_id])
        return teachers_at


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


_LOAD_SOURCES = (("assigned", "assigned", "任课安排"), ("only", "only teacher", "唯一可任教"),
                 ("sync", "sync lessons", "同步课堂"))


def _load_detail(parts: dict[str, dict[str, int]]) -> tuple[str, str]:
    """A teacher's load by subject and source, e.g. '语文 8: assigned 8; 体育与健康 5: only teacher 4, sync lessons 1'."""
    en, zh = [], []
    for subject in sorted(parts):
        kinds = parts[subject]
        total = sum(kinds.values())
        if not total:
            continue
        sources = [(kinds[k], en_word, zh_word) for k, en_word, zh_word in _LOAD_SOURCES if kinds.get(k)]
        en.append(f"{subject} {total}: " + ", ".join(f"{word} {n}" for n, word, _ in sources))
        zh.append(f"{subject} {total} 节：" + "，".join(f"{word} {n}" for n, _, word in sources))
    return "; ".join(en), "；".join(zh)


def _slots_text(teacher) -> str:
    parts = []
    for r in teacher.unavailable:
        if r.first is None:
            parts.append(r.day.zh)
        elif r.last in (None, r.first):
            parts.append(f"{r.day.zh}{r.first}")
        else:
            parts.append(f"{r.day.zh}{r.first}-{r.last}")
    return ";".join(parts)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _bells_text(bells) -> str:
    """A bell schedule and its seasons, as the timetabler named them: '县城作息 + 冬季作息'."""
    return " + ".join([bells.id] + [season.name for season in bells.seasons])


def _unique_by_school(classes: list, bells: list) -> list:
    seen: dict[str, tuple] = {}
    for klass, schedule in zip(classes, bells):
        seen.setdefault(klass.school, (klass, schedule))
    return list(seen.values())


def _overlap_words(minutes: int | None) -> dict[str, str]:
    if minutes is None:
        return {"how": "nest (the shorter period inside the other's clock times)",
                "how_zh": "完全重合（较短的一节落在另一节的时间之内）",
                "or_overlap": ", or set min_overlap_minutes to the overlap that is enough",
                "or_overlap_zh": "，或在 min_overlap_minutes（最少重叠分钟）中填写足够的重叠分钟数"}
    return {"how": f"overlap by at least {minutes} minutes", "how_zh": f"重叠至少 {minutes} 分钟",
            "or_overlap": ", or lower min_overlap_minutes", "or_overlap_zh": "，或减小 min_overlap_minutes（最少重叠分钟）"}


class _PeriodMatch:
    """One period per class of a sync lesson such that they meet live under every combination of bell variants.

    Whether a set of periods meets is decided pair by pair: the common window of all of them is
    min(ends) - max(starts), i.e. the least over pairs of one period's end minus another's start, so it
    lasts ``m`` minutes exactly when every pair overlaps by ``m``; nesting is a pairwise condition by
    definition. Each pair depends only on its two schools' variants (two classes of one school share
    them), so the search is over periods with a pairwise test, which is small enough to do exhaustively.
    """

    def __init__(self, classes: list, bells: list, minutes: int | None) -> None:
        self.schools = [k.school for k in classes]
        self.windows = [[[(p.start_minute, p.end_minute) for p in variant] for variant in b.variants()] for b in bells]
        self.counts = [b.periods_per_day for b in bells]
        self.minutes = minutes
        self.cache: dict[tuple[int, int, int, int], bool] = {}

    def meets(self, i: int, p: int, j: int, q: int) -> bool:
        key = (i, p, j, q)
        if key not in self.cache:
            a, b = self.windows[i], self.windows[j]
            combos = ([(v, v) for v in range(len(a))] if self.schools[i] == self.schools[j]
                      else [(v, w) for v in range(len(a)) for w in range(len(b))])
            self.cache[key] = all(self._pair(a[v][p], b[w][q]) for v, w in combos)
        return self.cache[key]

    def _pair(self, x: tuple[int, int], y: tuple[int, int]) -> bool:
        if self.minutes is None:
            return (x[0] <= y[0] and y[1] <= x[1]) or (y[0] <= x[0] and x[1] <= y[1])
        return min(x[1], y[1]) - max(x[0], y[0]) >= self.minutes

    def search(self) -> list[int] | None:
        """Period indexes (0-based), one per class, that meet pairwise; None when there are none."""
        chosen: list[int] = []

        def extend(k: int) -> bool:
            if k == len(self.counts):
                return True
            for q in range(self.counts[k]):
                if all(self.meets(i, p, k, q) for i, p in enumerate(chosen)):
                    chosen.append(q)
                    if extend(k + 1):
                        return True
                    chosen.pop()
            return False

        return chosen if extend(0) else None

    def first_pair_without_match(self) -> tuple[int, int] | None:
        """The first two classes (teaching class first) with no pair of periods that meet, if any."""
        for i in range(len(self.counts)):
            for j in range(i + 1, len(self.counts)):
                if not any(self.meets(i, p, j, q) for p in range(self.counts[i]) for q in range(self.counts[j])):
                    return i, j
        return None


def _room_group(room) -> tuple[bool, tuple[str, ...]]:
    """The group a room belongs to at its school: its remote equipment and the subjects it serves."""
    return room.takes_sync, tuple(sorted(set(room.subjects)))


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
        checker.rooms()
        checker.sync_times()
        checker.research_lengths()
        checker.travel()
        checker.itinerant_references()
        checker.capacity()
        from models.pacing_validation import check_pacing

        check_pacing(checker)
        problems += checker.problems
        problems += term_problems(loaded.scenario, loaded)
        problems += change_problems(Path(folder), loaded.scenario)
    return loaded.scenario, sorted_problems(problems)


def change_problems(folder: Path, scenario: Scenario) -> list[Problem]:
    """The problems of the folder's change set (``changes/``, for tongbu substitute), when it has one."""
    from models.changes import CHANGES_DIR, load_changes
    from models.problems import ScenarioInvalid

    if not (folder / CHANGES_DIR).is_dir():
        return []
    try:
        load_changes(folder / CHANGES_DIR, scenario)
    except ScenarioInvalid as err:
        return list(err.problems)
    return []


def term_problems(scenario: Scenario, loaded: Loaded | None = None) -> list[Problem]:
    """Calendar problems (package coverage of holidays, undeclared make-up days) of the term calendar."""
    return [Problem(file=YAML_NAME, code="term_data", params={"detail": p.en, "detail_zh": p.zh}, column=p.field,
                    row=loaded.yaml_line(p.field) if loaded else None)
            for p in calendar_problems(scenario.term)]


def load_scenario(folder: Path | str) -> Scenario:
    """Load and validate a scenario folder; raise :class:`ScenarioInvalid` with every error found."""
    scenario, problems = validate_folder(Path(folder))
    errors = [p for p in problems if p.severity == "error"]
    if errors or scenario is None:
        raise ScenarioInvalid(sorted_problems(errors))
    return scenario
