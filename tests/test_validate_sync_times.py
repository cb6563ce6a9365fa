"""When a sync lesson can be live, as validate decides it before any search.

The teacher is at the teaching school, busy only in the teaching class's period; each receiving class
is busy in its own. With min_overlap_minutes m the window common to all of them lasts m minutes; without
it, every two of them nest (the shorter inside the longer). Both under every combination of the schools'
bell variants: each school switches to its winter times on its own date, so a school's base times may
meet another's winter times. Two classes of one school always share that school's variant.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

from fixtures.validate_base import append_row, edit_yaml, read_rows, write_base, write_rows
from models.bells import BellPeriod, BellSchedule, BellSeason
from models.validation import _PeriodMatch, validate_folder


def _bells(name: str, *spans: str, winter: tuple[str, ...] = ()) -> BellSchedule:
    def periods(items: tuple[str, ...]) -> tuple[BellPeriod, ...]:
        return tuple(BellPeriod(start=s.split("-")[0], end=s.split("-")[1]) for s in items)

    seasons = (BellSeason(name="冬季作息", starts=date(2026, 10, 8), periods=periods(winter)),) if winter else ()
    return BellSchedule(id=name, periods=periods(spans), seasons=seasons)


def _match(ends: list[tuple[str, BellSchedule]], minutes: int | None) -> list[int] | None:
    classes = [SimpleNamespace(school=school) for school, _ in ends]
    return _PeriodMatch(classes, [bells for _, bells in ends], minutes).search()


def test_without_min_overlap_the_shorter_period_must_lie_inside_the_longer() -> None:
    teaching = ("A", _bells("a", "08:00-08:40"))
    assert _match([teaching, ("B", _bells("b", "08:05-08:35"))], None) == [0, 0]
    assert _match([teaching, ("B", _bells("b", "08:05-08:45"))], None) is None  # 35 of 40 minutes is not nested


def test_every_combination_of_seasons_must_hold() -> None:
    teaching = ("A", _bells("a", "08:00-08:40", winter=("08:10-08:50",)))
    # 08:00-08:50 holds both the base and the winter period: nested whatever the dates.
    assert _match([teaching, ("B", _bells("b", "08:00-08:50"))], None) == [0, 0]
    # Equal to the base times, but A's winter period sticks out: not live all term.
    assert _match([teaching, ("B", _bells("b", "08:00-08:40"))], None) is None


def test_two_classes_of_one_school_share_its_season() -> None:
    school_x = _bells("x", "08:00-08:40", winter=("08:30-09:10",))
    teaching = ("T", _bells("t", "08:00-09:10"))
    # Both receiving classes are at X: on any date both have base or both winter times, so period 1 nests.
    assert _match([teaching, ("X", school_x), ("X", school_x)], None) == [0, 0, 0]
    # At two schools with the same bells, X's base may meet Y's winter (each switches on its own date).
    assert _match([teaching, ("X", school_x), ("Y", school_x)], None) is None


def test_min_overlap_is_the_window_common_to_every_class() -> None:
    ends = [("T", _bells("t", "08:00-08:40")), ("A", _bells("a", "08:10-08:50")), ("B", _bells("b", "08:20-09:00"))]
    # T and B share 08:20-08:40; all three share the same 20 minutes.
    assert _match(ends, 20) == [0, 0, 0]
    assert _match(ends, 21) is None


def test_each_pair_can_meet_but_not_all_three() -> None:
    teaching = ("T", _bells("t", "08:00-08:45", "14:00-14:40"))
    a = ("A", _bells("a", "08:25-09:10", "10:00-10:40"))
    b = ("B", _bells("b", "07:40-08:25", "10:00-10:40"))
    classes = [SimpleNamespace(school=s) for s, _ in (teaching, a, b)]
    match = _PeriodMatch(classes, [teaching[1], a[1], b[1]], 20)
    # T1-A1 share 20 minutes, T1-B1 25, A2-B2 40; but A1 and B1 only touch at 08:25.
    assert match.search() is None and match.first_pair_without_match() is None


def test_validate_names_a_sync_lesson_whose_classes_cannot_all_meet(tmp_path: Path) -> None:
    folder = write_base(tmp_path / "county")

    def bells(data: dict) -> None:
        data["bell_schedules"] = [
            {"id": "县城作息", "periods": ["08:00-08:45", "14:00-14:40"]},
            {"id": "乡村作息", "periods": ["08:25-09:10", "10:00-10:40"]},
            {"id": "镇作息", "periods": ["07:40-08:25", "10:00-10:40"]},
        ]

    edit_yaml(folder, bells)
    schools = read_rows(folder, "schools")
    schools[2][schools[0].index("bell_schedule")] = "镇作息"
    write_rows(folder, "schools", schools)
    syncs = read_rows(folder, "sync_lessons")
    syncs[1][syncs[0].index("receiving_classes")] = "示例村小4(1);示例镇小4(1)"
    write_rows(folder, "sync_lessons", [syncs[0] + ["min_overlap_minutes"], syncs[1] + ["20"]])
    append_row(folder, "rooms", {"id": "示例镇小-录播", "school": "示例镇小", "name": "录播教室", "equipment": "远程互动"})
    _, problems = validate_folder(folder)
    found = [p for p in problems if p.file == "sync_lessons.csv"]
    assert [(p.row, p.column, p.code) for p in found] == [(2, "receiving_classes", "sync_no_common_time_all")]
    assert ("sync lesson S1: each pair of its classes has periods that meet, but no one period of every class "
            "(示例一小4(1)、示例村小4(1)、示例镇小4(1)) overlap by at least 20 minutes all together") in found[0].render("en")
    assert "找不到一组课节让所有班级（示例一小4(1)、示例村小4(1)、示例镇小4(1)）在所有作息（含季节作息）下同时重叠至少 20 分钟" \
        in found[0].render("zh")
