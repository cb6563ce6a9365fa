"""A seeded synthetic province: N counties x M consortia, each consortium small enough to solve in seconds.

    python -m bench.province --counties 4 --consortia 5 --out /tmp/province   # writes a scenario folder

Each consortium is shaped like the Pengshui "1+1+N" ones (samples/generate.py): a county-seat lead
school, a township centre school and 2-4 village schools, with the same curriculum plan, bell
schedules, teaching bundles, teachers, sync lessons, research blocks, rooms and mountain roads,
built by the sample generator's own functions. Only the sizes differ: 1-2 classes per grade at the
lead and centre schools and one at each village school (a third of them teaching points with
grades 1-4), so a school has 4-12 classes and a consortium about 20-40, where a real county-seat
school has 24-48. School and place names are made up from common place-name syllables, unique in
the province. Consortia share no teacher, sync lesson or research group, so each one is an
independent part of the solve. The same seed always gives the same scenario.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import (  # noqa: E402
    Consortium, ConsortiumKind, DeliveryMode, ResearchBlock, Room, Scenario, School, SchoolClass, SchoolRole,
    SchoolTier, Stage, SyncLesson, Teacher, TeachingAssignment, TravelTimes, Weekday,
)
from samples.generate import (  # noqa: E402
    ZHANGPING_BELLS, County, RosterConsortium, RosterSchool, autumn_term, bell_of, build_travel, computer_rooms,
    curriculum_for, finish_teachers, grades_of, make_classes, plan_research, plan_syncs, received_periods, rng_for,
    staff_school, subjects_for,
)

SEED = 20260901
# Classes per grade (min, max) by kind of school: the samples' village size, smaller town schools.
SMALL_CLASSES_PER_GRADE = {"county_primary": (1, 1), "township_primary": (1, 1), "village": (1, 1)}
SMALL_CLASS_SIZE = {"county_primary": (42, 52), "township_primary": (32, 45), "village": (6, 28)}
FIRST = "青石白云清水黄龙金山柳溪红岩桃源安平长乐大河新华东风永和太平凤凰马鞍高桥竹林梅花双河龙潭石门天星"
SECOND = "坪坝溪湾岭塘桥沟垭口园冲场寨堡湖洲"
NUMERALS = "一二三四五六七八九十"
RESEARCH_DAYS = (Weekday.TUE, Weekday.WED, Weekday.THU)
VILLAGES = (2, 3)  # village schools per consortium (min, max)


def _place(rng: random.Random, taken: set[str]) -> str:
    """A made-up place name, unique in the province (two syllables, three when two are used up)."""
    while True:
        name = rng.choice(FIRST) + rng.choice(SECOND)
        if rng.random() < 0.3 or name in taken:
            name = rng.choice(FIRST) + name
        if name not in taken:
            taken.add(name)
            return name


def _numeral(n: int) -> str:
    """1..99 in Chinese numerals (第十二小学)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[ones - 1] if ones else "")


def province_counties(seed: int, counties: int, consortia: int, villages: tuple[int, int] = VILLAGES) -> list[County]:
    """The counties of the province, each with its roster of ``consortia`` co-built consortia."""
    rng = rng_for(seed, "province", "names")
    taken: set[str] = set()
    result = []
    for c in range(counties):
        county_name = _place(rng, taken) + "县"
        roster = []
        for n in range(consortia):
            lead = f"{county_name}第{_numeral(n + 1)}小学"
            town = _place(rng, taken)
            schools = [RosterSchool(lead, SchoolRole.LEAD, SchoolTier.COUNTY_SEAT, Stage.PRIMARY),
                       RosterSchool(f"{town}镇小学", SchoolRole.CENTRE, SchoolTier.TOWNSHIP, Stage.PRIMARY)]
            count = rng_for(seed, lead, "villages").randint(*villages)
            schools += [RosterSchool(f"{_place(rng, taken)}小学", SchoolRole.MEMBER, SchoolTier.VILLAGE, Stage.PRIMARY)
                        for _ in range(count)]
            roster.append(RosterConsortium(f"{lead}教研共同体", f"{county_name}小学教研共同体{n + 1}（牵头学校：{lead}）",
                                           ConsortiumKind.CO_BUILT, tuple(schools)))
        result.append(County(key=f"province-{c + 1:02d}", district=county_name, prefix=f"P{c + 1:02d}-",
                             seat=f"{county_name}城", roster=tuple(roster), bells=ZHANGPING_BELLS,
                             extra_surnames="陈林黄王李张", research_day=RESEARCH_DAYS[c % len(RESEARCH_DAYS)]))
    return result


def small_classes(seed: int, school: RosterSchool, grades: tuple[int, ...]) -> list[SchoolClass]:
    """samples.generate.make_classes with the smaller sizes above (same random stream per school)."""
    return make_classes(seed, school, grades, SMALL_CLASSES_PER_GRADE, SMALL_CLASS_SIZE)


def build_province(counties: int = 2, consortia: int = 4, seed: int = SEED, *, villages: tuple[int, int] = VILLAGES,
                   grades: tuple[int, ...] | None = None, district: str = "合成省") -> Scenario:
    """One scenario holding every county of the province (the steps of samples.generate.build_county).

    ``grades`` keeps only those grades in every school (tests use (1, 2, 3) for parts that solve in
    about a second); ``villages`` is the range of village schools per consortium.
    """
    stages = {Stage.PRIMARY}
    curriculum = curriculum_for(stages)
    plan_of = {(e.stage, e.grade, e.subject): e.periods for e in curriculum}
    schools: list[School] = []
    classes: list[SchoolClass] = []
    teachers: list[Teacher] = []
    assignments: list[TeachingAssignment] = []
    rooms: list[Room] = []
    syncs: list[SyncLesson] = []
    blocks: list[ResearchBlock] = []
    edges = []
    all_consortia = []
    for county in province_counties(seed, counties, consortia, villages):
        names: set[str] = set()
        county_schools: list[School] = []
        county_teachers = 0
        for consortium in county.roster:
            grades_at = {s.name: tuple(g for g in grades_of(seed, s) if grades is None or g in grades)
                         for s in consortium.schools}
            plans = plan_syncs(seed, consortium, grades_at)
            received = received_periods(plans)
            members: list[Teacher] = []
            for roster_school in consortium.schools:
                school = School(id=roster_school.name, name=roster_school.name, consortium=consortium.id,
                                role=roster_school.role, tier=roster_school.tier, stage=roster_school.stage,
                                grades=grades_at[roster_school.name], bell_schedule=bell_of(county, roster_school))
                own = small_classes(seed, roster_school, school.grades)
                local = {(c.id, subject): periods - received.get((c.id, subject), 0)
                         for c in own for (stage, grade, subject), periods in plan_of.items()
                         if stage == school.stage and grade == c.grade}
                staff = staff_school(seed, roster_school, own, local)
                hired = finish_teachers(seed, county, roster_school, staff, county_teachers + 1, names, own)
                county_teachers += len(hired)
                for person, teacher in zip(staff, hired):
                    assignments += [TeachingAssignment(teacher=teacher.id, class_id=c, subject=s)
                                    for c, s, _ in person.lessons]
                county_schools.append(school)
                classes += own
                teachers += hired
                members += hired
                rooms += computer_rooms(school, own, local)
            by_class_subject = {(a.class_id, a.subject): a.teacher for a in assignments}
            class_ids = {c.id for c in classes}
            for plan in plans:
                # The samples teach the English sync lesson from section 2; a small lead school may have one.
                section = plan.teaching_section if f"{consortium.schools[0].name}{plan.grade}(2)" in class_ids else 1
                teaching = f"{consortium.schools[0].name}{plan.grade}({section})"
                syncs.append(SyncLesson(
                    id=plan.id, subject=plan.subject, teaching_class=teaching,
                    receiving_classes=tuple(f"{s}{plan.grade}(1)" for s in plan.receiving_schools),
                    per_week=plan.per_week, teacher=by_class_subject[(teaching, plan.subject)], mode=plan.mode))
            class_by_id = {c.id: c for c in classes}
            # With ``grades`` cut down the lead may have no upper-grade teachers for the in-person
            # block: a block listing nobody would mean something else, so it is left out.
            blocks += [b for b in plan_research(county, consortium, members, assignments, class_by_id)
                       if b.mode != DeliveryMode.IN_PERSON or b.teachers]
            all_consortia.append(Consortium(id=consortium.id, name=consortium.name, kind=consortium.kind))
        # Each county's roads form their own graph: no consortium crosses a county line.
        edges += build_travel(seed, county, county_schools).edges
        schools += county_schools
    return Scenario(
        district=district, term=autumn_term(), consortia=tuple(all_consortia), schools=tuple(schools),
        bell_schedules=ZHANGPING_BELLS[:2], subjects=subjects_for(stages), curriculum=curriculum,
        classes=tuple(classes), teachers=tuple(teachers), assignments=tuple(assignments), rooms=tuple(rooms),
        travel=TravelTimes(edges=tuple(edges)), sync_lessons=tuple(syncs), research_blocks=tuple(blocks))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a seeded synthetic province scenario folder.")
    parser.add_argument("--counties", type=int, default=2)
    parser.add_argument("--consortia", type=int, default=4, help="consortia per county")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--grades", type=int, nargs="+", help="keep only these grades (smaller parts)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from models.files import write_scenario

    scenario = build_province(args.counties, args.consortia, args.seed,
                              grades=tuple(args.grades) if args.grades else None)
    args.out.mkdir(parents=True, exist_ok=True)
    written = write_scenario(scenario, args.out)
    print(f"{len(scenario.consortia)} consortia, {len(scenario.schools)} schools, {len(scenario.classes)} classes, "
          f"{len(scenario.teachers)} teachers: {len(written)} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
