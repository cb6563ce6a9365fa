"""The auditable draw (随机抽测): which young teacher gives the spot-check lesson, drawn the day before.

Anyone can recompute a draw by hand from the published seed:

1. eligible = the consortium's young teachers (younger than the rule's ``young_age``, 35, in the
   year of the date: ``year - birth_year < 35``) who have a lesson inside the rule's time window that
   day (of the rule's subject, when it names one) and who have not been drawn in this term's current
   cycle (a cycle ends when every young teacher of the consortium has been drawn once);
2. text = ``<seed>|<YYYY-MM-DD>|<eligible teacher ids sorted, joined by ','>`` (UTF-8);
3. digest = SHA-256 of text, in hex; index = int(digest, 16) mod len(eligible);
4. the teacher is eligible[index]; the lesson is that teacher's first lesson in the window that day.

Every draw is recorded in ``OUT/activities/draws.json`` (text, digest and index included); drawing
again for the same activity with the same seed returns the recorded draw unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from models.activity_plan import ActivityPlan, PlannedActivity, clock
from models.scenario import Scenario
from models.solution import Solution
from models.term import teaching_days

LOG_VERSION = 1


class DrawError(ValueError):
    """A draw that cannot be made; ``en`` and ``zh`` say why."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


@dataclass(frozen=True)
class DrawRecord:
    activity: str
    consortium: str
    term: str
    date: str
    seed: str
    eligible: tuple[str, ...]
    text: str
    digest: str
    index: int
    teacher: str
    lesson_key: str
    class_id: str
    subject: str
    time: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["eligible"] = list(self.eligible)
        return data


def draw_index(seed: str, on: date, eligible: list[str]) -> tuple[str, str, int]:
    """(text, digest, index) of the published formula; ``eligible`` is sorted here."""
    text = f"{seed}|{on.isoformat()}|{','.join(sorted(eligible))}"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text, digest, int(digest, 16) % len(eligible)


def read_log(path: Path | str) -> list[DrawRecord]:
    path = Path(path)
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [DrawRecord(**{**item, "eligible": tuple(item["eligible"])}) for item in data.get("draws", [])]


def write_log(path: Path | str, records: list[DrawRecord]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(records, key=lambda r: (r.term, r.date, r.activity))
    text = json.dumps({"version": LOG_VERSION, "draws": [r.to_json() for r in ordered]}, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def young_teachers(scenario: Scenario, consortium: str, on: date, young_age: int) -> list[str]:
    schools = {s.id for s in scenario.schools if s.consortium == consortium}
    return sorted(t.id for t in scenario.teachers if t.school in schools and t.birth_year is not None
                  and on.year - t.birth_year < young_age)


def _lessons_in_window(scenario: Scenario, solution: Solution, teacher: str, on: date, window: tuple[int, int],
                       subject: str | None) -> list[tuple[int, int, Any]]:
    follows = {d.date: d.follows for d in teaching_days(scenario)}.get(on)
    found = []
    for lesson in solution.lessons:
        if lesson.teacher != teacher or lesson.day != follows or (subject and lesson.subject != subject):
            continue
        periods = scenario.bells_of(lesson.school).periods_on(on)
        start, end = periods[lesson.period - 1].start_minute, periods[lesson.period + lesson.length - 2].end_minute
        if window[0] <= start and end <= window[1]:
            found.append((start, end, lesson))
    return sorted(found, key=lambda x: (x[0], x[2].class_id))


def drawn_in_cycle(records: list[DrawRecord], consortium: str, term: str, pool: set[str]) -> set[str]:
    """Teachers drawn in the term's current cycle (cleared whenever everyone in ``pool`` has been drawn)."""
    cycle: set[str] = set()
    for record in sorted(records, key=lambda r: (r.date, r.activity)):
        if record.consortium != consortium or record.term != term:
            continue
        cycle.add(record.teacher)
        if pool and pool <= cycle:
            cycle = set()
    return cycle


def draw(scenario: Scenario, solution: Solution, plan: ActivityPlan, activity_id: str, *, seed: str,
         records: list[DrawRecord]) -> DrawRecord:
    """Draw the teacher of a spot-check activity; returns the recorded draw when it was already made."""
    activity = _find(plan, activity_id)
    rule = next(r for r in plan.rules if r.id == activity.rule)
    for record in records:
        if record.activity == activity.id:
            if record.seed != seed:
                raise DrawError(f"{activity.id} was already drawn with seed '{record.seed}'",
                                f"{activity.id} 已用种子“{record.seed}”抽取过")
            return record
    pool = set(young_teachers(scenario, activity.consortium, activity.date, rule.young_age))
    done = drawn_in_cycle(records, activity.consortium, plan.term, pool)
    window = (activity.start, activity.end)
    teaching = {t: _lessons_in_window(scenario, solution, t, activity.date, window, rule.subject) for t in sorted(pool)}
    eligible = sorted(t for t, lessons in teaching.items() if lessons and t not in done)
    if not eligible:
        raise DrawError(
            f"{activity.id}: no young teacher of {activity.consortium} who has not been drawn this cycle has a lesson "
            f"on {activity.date} {activity.time_label}",
            f"{activity.id}：{activity.date} {activity.time_label} 没有本轮尚未抽到且有课的青年教师")
    text, digest, index = draw_index(seed, activity.date, eligible)
    teacher = eligible[index]
    start, end, lesson = teaching[teacher][0]
    return DrawRecord(activity=activity.id, consortium=activity.consortium, term=plan.term, date=str(activity.date),
                      seed=seed, eligible=tuple(eligible), text=text, digest=digest, index=index, teacher=teacher,
                      lesson_key=lesson.key, class_id=lesson.class_id, subject=lesson.subject,
                      time=f"{clock(start)}-{clock(end)}")


def _find(plan: ActivityPlan, activity_id: str) -> PlannedActivity:
    for activity in plan.activities:
        if activity.id == activity_id:
            if activity.kind != "spot_check":
                raise DrawError(f"{activity_id} is a {activity.kind}, not a spot-check lesson",
                                f"{activity_id} 不是随机抽测课")
            return activity
    raise DrawError(f"no activity {activity_id} in the plan", f"活动安排中没有 {activity_id}")


def spot_checks_on(plan: ActivityPlan, on: date) -> list[PlannedActivity]:
    """The spot-check activities held on a date (the draw for them is made the day before)."""
    return [a for a in plan.activities if a.kind == "spot_check" and a.date == on]


def draw_and_record(scenario: Scenario, solution: Solution, plan: ActivityPlan, activity_id: str, *, seed: str,
                    log_path: Path | str) -> DrawRecord:
    """Draw (or recall) and append to the log file."""
    records = read_log(log_path)
    record = draw(scenario, solution, plan, activity_id, seed=seed, records=records)
    if record not in records:
        write_log(log_path, records + [record])
    return record
