"""What the sample consortia teach across schools (issue 17): sync lessons, itinerant posts, partial overlap.

Kept apart from samples/generate.py, which calls it, so the rules read in one place:

* **Small schools lack specialists.** Pengshui's village schools (乡村小学, including its teaching
  points 教学点) have no English, music, art or IT teacher; Yangcheng's nine-year sections have no
  music, art or IT teacher (阳教字〔2020〕14号 names art, PE and IT as the shortage subjects that
  "多校设岗、一岗多校、共聘一人、就近走教" solves). The consortium brings those lessons in.
* **From grade 3, by remote delivery (专递课堂).** Every class of grade 3 and up at a small school
  receives all its periods of a missing subject live from a class of the lead school. A grade's
  receiving classes in the consortium are split, in roster order, into the fewest groups of at
  most three; group k is joined to the lead's class of that grade in section k for all its missing
  subjects, so a receiving class always meets the same lead class and at most three receive at once.
* **Grades 1-2, in person (走教).** Six- and seven-year-olds need the teacher in the room: their
  music and art come from itinerant teachers. The small schools of a consortium are grouped by
  road (two or three near each other; the group farthest from a hub first), each group served from
  the nearest non-lead member school without a shortage (the township centre in Pengshui) by one
  teacher per subject — or one teacher for both when the group is small. Each post's schools are
  its own, so every itinerant teacher has work only they can do, and a teacher with three schools
  whose classes each need two lesson days has more school-days than weekdays: some days two schools.
* **Partial overlap.** Township and village mornings run 10-15 minutes behind the county seat's, so
  a sync lesson with them sets ``min_overlap_minutes`` to what its receiving schools accept
  (``PARTIAL_OVERLAP`` in samples/generate.py); lessons among schools on one bell schedule keep the nesting rule.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models import DeliveryMode, SchoolClass, SchoolRole, SchoolTier, Stage, TravelTimes

if TYPE_CHECKING:  # the roster types live in the generator, which imports this module
    from samples.generate import RosterConsortium, RosterSchool

#: Subjects a county's small schools have no teacher of.
SHORTAGE_SUBJECTS: dict[str, tuple[str, ...]] = {
    "pengshui": ("英语", "音乐", "美术", "信息科技"),
    "yangcheng": ("音乐", "美术", "信息科技"),
}
#: Grades up to this one get the missing subjects in person (itinerant teachers), later ones remotely.
IN_PERSON_UP_TO_GRADE = 2
#: Receiving classes of one remote lesson, and small schools in one remote or itinerant group.
GROUP_SIZE = 3
#: Periods an itinerant teacher is planned for; a group whose music and art together fit gets one teacher.
ITINERANT_LOAD = 12
#: An itinerant teacher's own limits.
ITINERANT_MAX_WEEKLY = 16
ITINERANT_MAX_DAILY = 4
ITINERANT_BUFFER = 10  # minutes between arriving at a school and the lesson


@dataclass(frozen=True)
class LessonPlan:
    """One sync lesson as planned, before teachers exist (the teacher is the teaching class's)."""

    id: str
    subject: str
    teaching_class: str
    receiving_classes: tuple[str, ...]
    per_week: int
    mode: DeliveryMode


@dataclass(frozen=True)
class PostPlan:
    """One itinerant post (one teacher): its subjects, base, schools, weekly demand and travel limits."""

    id: str
    subjects: tuple[str, ...]
    base: str
    schools: tuple[str, ...]
    periods: int
    max_travel_day: int
    max_travel_week: int


def lacking(county_key: str, school: RosterSchool) -> tuple[str, ...]:
    """The subjects this school has no teacher of (empty for a fully staffed school)."""
    small = (school.tier == SchoolTier.VILLAGE if county_key == "pengshui"
             else school.campus is not None if county_key == "yangcheng" else False)
    return SHORTAGE_SUBJECTS.get(county_key, ()) if small else ()


def balanced_groups(count: int, size: int = GROUP_SIZE) -> list[int]:
    """Sizes of the fewest groups of at most ``size`` covering ``count`` items, as even as possible."""
    if count <= 0:
        return []
    groups = math.ceil(count / size)
    return [count // groups + (1 if i < count % groups else 0) for i in range(groups)]


def _chunks(items: Sequence[str], sizes: Iterable[int]) -> list[tuple[str, ...]]:
    result, start = [], 0
    for n in sizes:
        result.append(tuple(items[start:start + n]))
        start += n
    return result


def plan_remote(consortium: RosterConsortium, classes_at: dict[str, list[SchoolClass]],
                missing: dict[str, tuple[str, ...]], plan_of: dict[tuple[Stage, int, str], int]) -> list[LessonPlan]:
    """专递课堂: from grade 3, every missing subject of a small school's class, all its periods, from the lead.

    A grade's receiving classes (roster order) are split into the fewest groups of at most three,
    as even as possible; group k is taught by the lead's section k in every missing subject.
    """
    lead = consortium.schools[0]
    small = [s.name for s in consortium.schools if missing.get(s.name)]
    lead_classes = {c.id for c in classes_at[lead.name]}
    plans: list[LessonPlan] = []
    for grade in lead.stage.grades:
        if grade <= IN_PERSON_UP_TO_GRADE:
            continue
        receivers = [c.id for school in small for c in classes_at[school] if c.grade == grade]
        school_of = {c.id: c.school for school in small for c in classes_at[school]}
        for section, chunk in enumerate(_chunks(receivers, balanced_groups(len(receivers))), start=1):
            teaching = f"{lead.name}{grade}({section})"
            if teaching not in lead_classes:
                raise ValueError(f"{lead.name} has no class {grade}({section}) to teach {chunk}")
            for subject in dict.fromkeys(s for c in chunk for s in missing[school_of[c]]):
                periods = plan_of.get((lead.stage, grade, subject), 0)
                if periods:
                    plans.append(LessonPlan(f"{teaching}专递{subject}", subject, teaching, chunk, periods,
                                            DeliveryMode.REMOTE))
    return plans


def next_free_section(plans: list[LessonPlan], lead: str, grade: int) -> int:
    """The first section of the lead's grade that teaches no remote lesson yet."""
    used = {p.teaching_class for p in plans}
    section = 1
    while f"{lead}{grade}({section})" in used:
        section += 1
    return section


def post_demand(school: str, classes: list[SchoolClass], subjects: tuple[str, ...], stage: Stage,
                plan_of: dict[tuple[Stage, int, str], int]) -> dict[str, int]:
    """Weekly periods of each missing subject that itinerant teachers teach at one school (grades 1-2)."""
    demand = {s: sum(plan_of.get((stage, c.grade, s), 0) for c in classes if c.grade <= IN_PERSON_UP_TO_GRADE)
              for s in subjects}
    return {s: p for s, p in demand.items() if p}


def _minutes(travel: TravelTimes, a: str, b: str) -> int:
    minutes = travel.minutes(a, b)
    if minutes is None:
        raise ValueError(f"no road between {a} and {b}")
    return minutes


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def plan_posts(consortium: RosterConsortium, classes_at: dict[str, list[SchoolClass]], missing: dict[str, tuple[str, ...]],
               plan_of: dict[tuple[Stage, int, str], int], travel: TravelTimes,
               place_of: dict[str, str]) -> list[PostPlan]:
    """Itinerant posts for the lower grades' missing subjects: groups of nearby small schools, one teacher a subject."""
    order = [s.name for s in consortium.schools]
    stage = consortium.schools[0].stage
    demand = {s: post_demand(s, classes_at[s], missing[s], stage, plan_of) for s in order if missing.get(s)}
    needing = [s for s in order if demand.get(s)]
    hubs = [s.name for s in consortium.schools[1:] if not missing.get(s.name)] or [order[0]]

    def d(a: str, b: str) -> int:
        return _minutes(travel, place_of[a], place_of[b])

    posts: list[PostPlan] = []
    remaining = list(needing)
    numbers: dict[tuple[str, str], int] = {}
    for size in sorted(balanced_groups(len(needing)), reverse=True):
        # The school farthest from every hub starts a group; its nearest neighbours join it.
        first = max(remaining, key=lambda s: (min(d(h, s) for h in hubs), -order.index(s)))
        group = [first]
        while len(group) < size:
            rest = [s for s in remaining if s not in group]
            group.append(min(rest, key=lambda s: (min(d(s, g) for g in group), order.index(s))))
        remaining = [s for s in remaining if s not in group]
        group.sort(key=order.index)
        base = min(hubs, key=lambda h: (sum(d(h, s) for s in group), order.index(h)))
        subjects = tuple(dict.fromkeys(subj for s in group for subj in demand[s]))
        total = sum(sum(demand[s].values()) for s in group)
        bundles = [subjects] if total <= ITINERANT_LOAD else [(subj,) for subj in subjects]
        day = max([2 * d(base, s) for s in group]
                  + [d(base, a) + d(a, b) + d(b, base) for a in group for b in group if a != b])
        for bundle in bundles:
            periods = sum(demand[s].get(subj, 0) for s in group for subj in bundle)
            # Each class's lessons of a subject fall on distinct days and a day holds ITINERANT_MAX_DAILY
            # periods: that many days at each school, each a round trip from the base.
            days = {s: max(max(plan_of.get((stage, c.grade, subj), 0)
                               for c in classes_at[s] if c.grade <= IN_PERSON_UP_TO_GRADE for subj in bundle),
                           math.ceil(sum(demand[s].get(subj, 0) for subj in bundle) / ITINERANT_MAX_DAILY))
                    for s in group}
            week = sum(days[s] * 2 * d(base, s) for s in group)
            label = "".join(bundle) if len(bundle) < 3 else "艺术"
            key = (base, label)
            numbers[key] = numbers.get(key, 0) + 1
            posts.append(PostPlan(
                id=f"{base}{label}走教{numbers[key]}", subjects=bundle, base=base, schools=tuple(group),
                periods=periods, max_travel_day=max(120, _round_up(day, 30)),
                max_travel_week=max(240, _round_up(week * 1.25, 60))))
    return posts


def min_overlap(bell_ids: Sequence[str], accepted: dict[str, int]) -> int | None:
    """The overlap a sync lesson asks for: None when every school keeps the teaching school's bells
    (the periods nest), else the least that its other schools accept."""
    others = [b for b in bell_ids[1:] if b != bell_ids[0]]
    if not others:
        return None
    return min(accepted[b] for b in others)


def plan_shared(rng: random.Random, consortium: RosterConsortium, co_built: bool,
                classes_at: dict[str, list[SchoolClass]], missing: dict[str, tuple[str, ...]],
                remote: list[LessonPlan], never_receives: Iterable[str] = ()) -> list[LessonPlan]:
    """同步课堂 with schools that have teachers of their own: the receiving classes' teacher does not teach
    the shared period (it is one of the class's periods of the subject, taught live from the lead).

    Co-built consortia share English weekly: primary grade 5 or 6 with the township centre (Pengshui)
    or two member schools (Yangcheng), once a week; junior grade 8 with two members, twice a week.
    Collaborative alliances (Zhangping) share three lessons a week, music, English and art, each with
    two member schools (协作型: "借助各校的优势学科开展同步课堂").
    """
    lead = consortium.schools[0]
    junior = lead.stage == Stage.JUNIOR
    skip = set(never_receives)
    others = [s for s in consortium.schools[1:] if not missing.get(s.name) and s.name not in skip]
    if co_built:
        wanted = [("英语", 8 if junior else rng.choice((5, 6)), 2 if junior else 1)]
    else:
        wanted = [("音乐", rng.choice((3, 4)), 1), ("英语", rng.choice((5, 6)), 1), ("美术", rng.choice((3, 4, 5, 6)), 1)]
    plans: list[LessonPlan] = []
    for subject, grade, per_week in wanted:
        having = [s for s in others if any(c.grade == grade for c in classes_at[s.name])]
        centre = [s.name for s in having if s.role == SchoolRole.CENTRE]
        rest = [s.name for s in having if s.role != SchoolRole.CENTRE]
        chosen = centre or sorted(rng.sample(rest, min(2, len(rest))), key=rest.index)
        if not chosen:
            continue
        section = next_free_section(remote + plans, lead.name, grade)
        teaching = f"{lead.name}{grade}({section})"
        plans.append(LessonPlan(f"{teaching}同步{subject}", subject, teaching,
                                tuple(f"{s}{grade}(1)" for s in chosen), per_week, DeliveryMode.SYNC))
    return plans
