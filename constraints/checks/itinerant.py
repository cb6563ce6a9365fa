"""Itinerant routes: every day of every itinerant teacher can be travelled as the post allows.

From the written solution alone, for each teacher of a post and each weekday, under every bell
regime of the term: the teacher's lessons in clock order make a route base -> schools -> base.
Checked: every school is one the post serves; at most ``max_schools_per_day`` schools (one with
``whole_days``); between lessons at different schools, the clock gap is at least the shortest
travel time plus ``buffer_minutes``; the route's minutes within ``max_travel_minutes_day``; the
week's within ``max_travel_minutes_week``. Re-derived here from the scenario, sharing no code
with the solver side (``constraints/itinerant.py``, ``scheduler/itinerant``).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import Clocks, Names, clock, day_en, is_receiving
from models import ItinerantPost, LessonPlacement, Scenario, Solution


def served_schools(scenario: Scenario, teacher_id: str) -> set[str]:
    """Schools any post of the teacher serves: its list (and base), or all within its radius."""
    found: set[str] = set()
    for post in scenario.itinerant_posts:
        if teacher_id not in post.teachers:
            continue
        found.add(post.base)
        if post.schools:
            found.update(post.schools)
        elif post.radius_minutes is not None:
            found.update(s.id for s in scenario.schools
                         if (m := scenario.travel_minutes(post.base, s.id)) is not None and m <= post.radius_minutes)
    return found


def _minutes(scenario: Scenario, a: str, b: str) -> int | None:
    if a not in scenario.school_by_id or b not in scenario.school_by_id:
        return None
    return scenario.travel_minutes(a, b)


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names, clocks = Names(scenario), Clocks(scenario)
    post_of: dict[str, ItinerantPost] = {}
    for post in sorted(scenario.itinerant_posts, key=lambda p: p.id):
        for teacher in post.teachers:
            post_of.setdefault(teacher, post)
    lessons: dict[str, list[LessonPlacement]] = defaultdict(list)
    for lesson in solution.lessons:
        if lesson.teacher in post_of and not is_receiving(scenario, lesson):
            lessons[lesson.teacher].append(lesson)
    found: list[Violation] = []
    for teacher in sorted(lessons):
        found += _teacher(scenario, names, clocks, post_of[teacher], teacher, lessons[teacher])
    return found


def _teacher(scenario: Scenario, names: Names, clocks: Clocks, post: ItinerantPost, teacher: str,
             lessons: list[LessonPlacement]) -> list[Violation]:
    who = names.teacher(teacher)
    found: list[Violation] = []
    served = served_schools(scenario, teacher)
    for lesson in lessons:
        if lesson.school not in served:
            found.append(Violation(
                "itinerant.reach", who,
                f"{who} (itinerant post {post.id}) teaches at {names.school(lesson.school)}, which the post does not serve",
                f"{who}（走教岗位 {post.id}）在{names.school(lesson.school)}上课，但该岗位不服务这所学校"))
    limit = 1 if post.whole_days else post.max_schools_per_day
    week = 0
    by_day: dict = defaultdict(list)
    for lesson in lessons:
        by_day[lesson.day].append(lesson)
    for day in sorted(by_day, key=lambda d: d.index):
        today = by_day[day]
        schools = sorted({x.school for x in today})
        if len(schools) > limit:
            found.append(Violation(
                "itinerant.schools_per_day", f"{who} {day_en(day)}",
                f"{who} teaches at {len(schools)} schools on {day_en(day)} "
                f"({', '.join(names.school(s) for s in schools)}); post {post.id} allows {limit}",
                f"{who}{day.zh}在 {len(schools)} 所学校上课（{'、'.join(names.school(s) for s in schools)}），"
                f"走教岗位 {post.id} 最多 {limit} 所"))
        worst = 0
        for regime in clocks.regimes:
            timed = sorted(((w, x) for x in today if (w := clocks.lesson_window(x, regime)) is not None),
                           key=lambda item: (item[0], item[1].key))
            if not timed:
                continue
            stops = [post.base]
            for (window, lesson), (next_window, following) in zip(timed, timed[1:]):
                if lesson.school == following.school:
                    continue
                minutes = _minutes(scenario, lesson.school, following.school)
                need = None if minutes is None else minutes + post.buffer_minutes
                if need is None or next_window[0] - window[1] < need:
                    found.append(Violation(
                        "itinerant.gap", f"{who} {day_en(day)}",
                        f"{who} leaves {names.school(lesson.school)} at {clock(window[1])} and teaches at "
                        f"{names.school(following.school)} at {clock(next_window[0])} on {day_en(day)}: needs "
                        + ("a road between them" if need is None else f"{minutes} minutes' travel + {post.buffer_minutes} buffer"),
                        f"{who}{day.zh} {clock(window[1])} 离开{names.school(lesson.school)}，{clock(next_window[0])} "
                        f"在{names.school(following.school)}上课：" + ("两校之间没有道路" if need is None else
                                                                     f"需路上 {minutes} 分钟、留 {post.buffer_minutes} 分钟")))
            for _window, lesson in timed:
                if lesson.school != stops[-1]:
                    stops.append(lesson.school)
            stops.append(post.base)
            legs = [_minutes(scenario, a, b) for a, b in zip(stops, stops[1:]) if a != b]
            if any(m is None for m in legs):
                continue  # already named as a gap or reach problem
            worst = max(worst, sum(m for m in legs if m is not None))
        if worst > post.max_travel_minutes_day:
            found.append(Violation(
                "itinerant.day_travel", f"{who} {day_en(day)}",
                f"{who}'s route on {day_en(day)} takes {worst} minutes of travel; post {post.id} allows "
                f"{post.max_travel_minutes_day}",
                f"{who}{day.zh}的走教路线路上 {worst} 分钟，走教岗位 {post.id} 每天最多 {post.max_travel_minutes_day} 分钟"))
        week += worst
    if week > post.max_travel_minutes_week:
        found.append(Violation(
            "itinerant.week_travel", who,
            f"{who}'s routes take {week} minutes of travel a week; post {post.id} allows {post.max_travel_minutes_week}",
            f"{who}每周走教路上 {week} 分钟，走教岗位 {post.id} 每周最多 {post.max_travel_minutes_week} 分钟"))
    return found
