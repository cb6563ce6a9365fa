"""Rooms (constraints/rooms.py and constraints/checks/rooms.py): tiny scenarios where rooms decide the timetable.

Two schools with the same bells; each of 甲校's two grade-4 classes has its own music teacher and
takes its two music periods a week as a sync lesson with one class of 乙村小. 乙村小 has one 录播教室
(capacity 1), so the two sync lessons can never be live at the same time there, although their
teachers and classes are all different; 甲校's one remote room takes two classes at once.
"""

from __future__ import annotations

from collections import Counter

from constraints.checks import verify
from models import Equipment, LessonPlacement, Room, SchoolClass, SlotRange, Solution, SyncLesson, Teacher, Weekday
from models.enums import SchoolRole, SchoolTier
from scheduler.timetable.solve import solve_scenario
from test_solver_scenarios import STANDARD, bells, school, tiny_scenario

REMOTE = (Equipment.REMOTE, Equipment.RECORDING)


def _only(*free: tuple[Weekday, int]) -> tuple[SlotRange, ...]:
    """Unavailable everywhere but at these (day, period) slots of a six-period Monday-to-Friday week."""
    blocked = []
    for day in (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI):
        for period in range(1, 7):
            if (day, period) not in free:
                blocked.append(SlotRange(day=day, first=period, last=period))
    return tuple(blocked)


def two_sync_lessons(village_capacity: int = 1, free: tuple[tuple[Weekday, int], ...] = (
        (Weekday.MON, 1), (Weekday.MON, 2), (Weekday.TUE, 1), (Weekday.TUE, 2))):
    base = tiny_scenario()
    village = ("乙村小-4-1", "乙村小-4-2")
    teachers = (base.teachers[0], base.teachers[1],
                Teacher(id="t音乐", name="赵敏", school="甲校", subjects=("音乐",), unavailable=_only(*free)),
                Teacher(id="t音乐2", name="孙乐", school="甲校", subjects=("音乐",), unavailable=_only(*free)),
                Teacher(id="乙语文", name="陈静", school="乙村小", subjects=("语文",)),
                Teacher(id="乙数学", name="周红", school="乙村小", subjects=("数学",)))
    return base.model_copy(update={
        "schools": (school("甲校"), school("乙村小", role=SchoolRole.MEMBER, tier=SchoolTier.VILLAGE)),
        "bell_schedules": (bells("std", STANDARD),),
        "classes": base.classes + tuple(SchoolClass(id=c, school="乙村小", grade=4, section=n + 1)
                                        for n, c in enumerate(village)),
        "teachers": teachers,
        "sync_lessons": (
            SyncLesson(id="同步音乐一", subject="音乐", teaching_class="甲校-4-1", receiving_classes=(village[0],),
                       per_week=2, teacher="t音乐"),
            SyncLesson(id="同步音乐二", subject="音乐", teaching_class="甲校-4-2", receiving_classes=(village[1],),
                       per_week=2, teacher="t音乐2")),
        "rooms": (Room(id="甲校-录播", school="甲校", name="录播教室", capacity=2, equipment=REMOTE),
                  Room(id="乙村小-录播", school="乙村小", name="录播教室", capacity=village_capacity, equipment=REMOTE)),
    })


def _solve(scenario):
    return solve_scenario(scenario, time_limit=20, workers=1)


def test_rooms_a_capacity_one_remote_room_keeps_two_sync_lessons_apart() -> None:
    scenario = two_sync_lessons()
    result = _solve(scenario)
    assert result.status in ("optimal", "feasible"), result.explanation
    solution = result.solution
    assert verify(scenario, solution) == []
    ends = [x for x in solution.lessons if x.sync is not None]
    assert len(ends) == 8  # 2 sync lessons x 2 a week x 2 ends
    # Every end is in its school's remote room ...
    assert all(x.room == f"{x.school}-录播" for x in ends)
    # ... and the village's one room is never used twice at once, though nothing else keeps them apart.
    village = Counter((x.day, x.period) for x in ends if x.school == "乙村小")
    assert len(village) == 4 and max(village.values()) == 1
    # The teachers' four free slots hold the four occurrences: 甲校's room, of capacity 2, takes two at once
    # only if the village's rooms could; here each slot has exactly one.
    assert sorted(village) == [(Weekday.MON, 1), (Weekday.MON, 2), (Weekday.TUE, 1), (Weekday.TUE, 2)]


def test_rooms_too_few_remote_places_is_proven_impossible_and_names_the_room() -> None:
    # Both teachers are free at Mon 1 and Tue 1 only: the two sync lessons must share them, and the
    # village's one remote room cannot take both classes.
    scenario = two_sync_lessons(free=((Weekday.MON, 1), (Weekday.TUE, 1)))
    result = _solve(scenario)
    assert result.status == "infeasible"
    rooms = [c for c in result.explanation if c.kind == "rooms"]
    assert [(c.ref, c.en, c.zh) for c in rooms] == [
        ("乙村小:录播教室", "rooms 录播教室 of 乙村小 take at most 1 class at once", "乙村小的录播教室同时最多容纳 1 个班")]
    # With a second place in the village's room the same scenario solves.
    wider = _solve(two_sync_lessons(village_capacity=2, free=((Weekday.MON, 1), (Weekday.TUE, 1))))
    assert wider.status in ("optimal", "feasible")


def _verified_solution():
    scenario = two_sync_lessons()
    result = _solve(scenario)
    assert result.status in ("optimal", "feasible"), result.explanation
    return scenario, result.solution


def _edit(solution: Solution, match, **update) -> Solution:
    lessons = list(solution.lessons)
    index = next(i for i, x in enumerate(lessons) if match(x))
    lessons[index] = lessons[index].model_copy(update=update)
    return solution.model_copy(update={"lessons": tuple(lessons)})


def test_rooms_verify_names_a_sync_end_without_room_and_over_capacity() -> None:
    scenario, solution = _verified_solution()

    def village_end(x: LessonPlacement) -> bool:
        return x.school == "乙村小" and x.sync == "同步音乐一"

    missing = verify(scenario, _edit(solution, village_end, room=None))
    assert [(v.rule, v.en) for v in missing] == [(
        "rooms.missing", next(f"乙村小 4(1): sync lesson 同步音乐一 (音乐) on {d} period {p} has no room; it needs a room "
                             f"with remote equipment at 乙村小" for d, p in
                             [(x.day.value.capitalize(), x.period) for x in solution.lessons if village_end(x)][:1]))]
    # Move the first end of 同步音乐一 in the village onto the slot of one of 同步音乐二 (its teaching end too, so
    # the sync lesson stays live): the village room now holds two classes at once.
    other = next(x for x in solution.lessons if x.school == "乙村小" and x.sync == "同步音乐二")
    moved = solution.lessons
    first = next(x for x in moved if village_end(x))
    twin = next(x for x in moved if x.sync == "同步音乐一" and x.school == "甲校" and x.day == first.day
                and x.period == first.period)
    crowded = _edit(_edit(solution, lambda x: x.key == first.key, day=other.day, period=other.period),
                    lambda x: x.key == twin.key, day=other.day, period=other.period)
    rules = [v.rule for v in verify(scenario, crowded)]
    assert "rooms.capacity" in rules
    capacity = next(v for v in verify(scenario, crowded) if v.rule == "rooms.capacity")
    assert capacity.en.startswith("room 录播教室（乙村小） holds 2 classes at once") and "capacity 1" in capacity.en


def test_rooms_verify_names_a_sync_end_in_an_unequipped_room() -> None:
    scenario, solution = _verified_solution()
    scenario = scenario.model_copy(update={"rooms": scenario.rooms + (
        Room(id="乙村小-音乐", school="乙村小", name="音乐室", subjects=("音乐",)),)})
    moved = _edit(solution, lambda x: x.school == "乙村小" and x.sync == "同步音乐一", room="乙村小-音乐")
    assert [v.rule for v in verify(scenario, moved)] == ["rooms.not_equipped"]


# --- the post-pass always succeeds when the model's counts hold (constraints/rooms.py, proof) --------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from constraints import rooms as room_family  # noqa: E402


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(capacities=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       lessons=st.lists(st.tuples(st.integers(1, 6), st.integers(1, 2)), max_size=14))
def test_rooms_assign_gives_every_lesson_a_room_whenever_the_counts_fit(capacities, lessons) -> None:
    scenario = tiny_scenario().model_copy(update={"rooms": tuple(
        Room(id=f"甲校-科学{n}", school="甲校", name=f"科学室{n}", subjects=("科学",), capacity=c)
        for n, c in enumerate(capacities))})
    total = sum(capacities)
    placed: list[LessonPlacement] = []
    count: Counter = Counter()
    for n, (period, length) in enumerate(lessons):
        length = min(length, 7 - period)
        if any(count[p] >= total for p in range(period, period + length)):
            continue  # the model would not allow it
        count.update(range(period, period + length))
        placed.append(LessonPlacement(key=f"k{n}", class_id=f"甲校-4-{n}", school="甲校", subject="科学",
                                      teacher="t", day=Weekday.WED, period=period, length=length))
    given_out = room_family.assign(scenario, placed)
    assert all(x.room is not None for x in given_out)
    load = Counter((x.room, p) for x in given_out for p in x.periods())
    capacity = {r.id: r.capacity for r in scenario.rooms}
    assert all(n <= capacity[room] for (room, _p), n in load.items())


# --- outputs: a room's timetable in the school's workbook and page, and a room feed ----------------------


def test_rooms_have_their_timetable_and_feed(tmp_path) -> None:
    from openpyxl import load_workbook

    from feeds.writer import feed_id, feed_specs, prepare
    from reports import room_grid, write_all

    scenario, solution = _verified_solution()
    grid = room_grid(scenario, solution, "乙村小-录播")
    assert grid.kind == "room" and grid.title == "乙村小 录播教室 使用表"
    village = sorted((x for x in solution.lessons if x.room == "乙村小-录播"), key=lambda x: (x.day.index, x.period))
    assert [(d, p) for (d, p) in sorted(grid.cells, key=lambda s: (s[0].index, s[1]))] == [
        (x.day, x.period) for x in village]
    assert all(cell.lines[0] == "同步·音乐" for cell in grid.cells.values())
    written = write_all(scenario, solution, tmp_path)
    page = next(p for p in written if p.name == "乙村小.html").read_text(encoding="utf-8")
    assert "乙村小 录播教室 使用表" in page and "<strong>教室：</strong>" in page
    book = load_workbook(next(p for p in written if p.name == "乙村小.xlsx"))
    assert book.sheetnames[-1] == "录播教室"
    spec = next(s for s in feed_specs(scenario, solution) if s.kind == "room" and s.of == "乙村小-录播")
    assert spec.id == feed_id("room", "乙村小-录播") and spec.label == "乙村小 录播教室"
    job = prepare(scenario, solution, {})
    sources = {job.occurrences[i].source.split("\x1f")[2] for i in job.members[spec.id]}
    assert sources == {x.key for x in village}


def test_rooms_validation_names_a_sync_lesson_with_more_classes_at_a_school_than_remote_places(tmp_path) -> None:
    from models.files import write_scenario
    from models.validation import validate_folder

    base = two_sync_lessons()
    both = SyncLesson(id="同步音乐", subject="音乐", teaching_class="甲校-4-1",
                      receiving_classes=("乙村小-4-1", "乙村小-4-2"), per_week=2, teacher="t音乐")
    write_scenario(base.model_copy(update={"sync_lessons": (both,)}), tmp_path / "county")
    _scenario, problems = validate_folder(tmp_path / "county")
    found = [p for p in problems if p.code == "sync_remote_too_small"]
    assert [(p.file, p.row, p.column) for p in found] == [("sync_lessons.csv", 2, "receiving_classes")]
    assert found[0].render("en").endswith(
        "sync lesson 同步音乐: 2 of its classes are at 乙村小 (乙村小-4-1、乙村小-4-2), but its rooms with remote "
        "equipment take 1 at once: add a 录播教室 or raise its capacity")
