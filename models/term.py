"""The teaching days of a term: which dates have lessons, whose weekday timetable each follows.

A date of the term is a teaching day when it is not a holiday and not an assessment day, and it is
either a make-up workday (调休上班日, teaching the timetable of the weekday the scenario names) or
an ordinary day whose own weekday is taught.

Holidays are the union of the statutory holidays in the ``chinesecalendar`` package (for the years
it covers, when ``term.use_official_holidays``) and ``term.holidays``; a date the scenario declares a
make-up day is a make-up day even if the package calls it a holiday (the scenario overrides).

Two things are never guessed (``term_problems`` reports them, ``teaching_days`` refuses to run):

* a year of the term that the package has no data for (chinesecalendar 1.11 covers 2004–2026) and
  for which the scenario declares no holidays or make-up days — an autumn term that ends in January
  2027 needs its 2027 days declared;
* a make-up workday of the package inside the term that the scenario does not declare: no package
  says which weekday's timetable a make-up day follows, only the school does.

Assessment days (统一测试/期末考试) have no lessons: the assessment replaces the whole day's timetable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from models.bells import BellPeriod, BellSchedule
from models.calendar import TermCalendar
from models.enums import Weekday
from models.scenario import Scenario

WORKING_WEEK = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)

# English holiday names of chinesecalendar and their Chinese names, for messages and calendars.
HOLIDAY_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class TermProblem:
    """A gap in the term's calendar data, said in both languages; ``field`` is the scenario.yaml key to fix."""

    field: str
    en: str
    zh: str


class TermDataMissing(ValueError):
    """The term needs calendar data nobody gave (see ``term_problems``); carries the problems."""

    def __init__(self, problems: list[TermProblem]) -> None:
        super().__init__("; ".join(p.en for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class TeachingDay:
    """A date with lessons: ``follows`` is the weekday whose timetable is taught (its own, or a make-up day's)."""

    date: date
    follows: Weekday
    makeup: bool = False

    @property
    def weekday(self) -> Weekday:
        return Weekday.of_index(self.date.weekday())

    def periods(self, bells: BellSchedule) -> tuple[BellPeriod, ...]:
        """The clock times in force at a school with ``bells`` on this date (seasonal switch included)."""
        return bells.periods_on(self.date)


@dataclass(frozen=True)
class PackageCalendar:
    """What the chinesecalendar package knows: covered years, holidays and make-up workdays (name by date)."""

    first_year: int
    last_year: int
    holidays: dict[date, str]
    workdays: dict[date, str]

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


@lru_cache(maxsize=1)
def package_calendar() -> PackageCalendar:
    """The chinesecalendar data; its covered years are read from the data, never assumed."""
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays}
    # The package's ``workdays`` are the weekend days made working days (调休上班日).
    return PackageCalendar(first_year=min(years), last_year=max(years), holidays=dict(constants.holidays),
                           workdays={d: n for d, n in constants.workdays.items() if d.weekday() >= 5})


def _term_of(source: Scenario | TermCalendar) -> TermCalendar:
    return source.term if isinstance(source, Scenario) else source


def _term_years(term: TermCalendar) -> list[int]:
    return list(range(term.start.year, term.end.year + 1))


def _declared_years(term: TermCalendar) -> set[int]:
    return {d.year for d in term.holidays} | {m.date.year for m in term.makeup_days}


def _in_term(term: TermCalendar, day: date) -> bool:
    return term.start <= day <= term.end


def term_problems(term: TermCalendar) -> list[TermProblem]:
    """Calendar data the term needs and nobody gave: uncovered years, undeclared package make-up days."""
    if not term.use_official_holidays:
        return []  # the scenario declares every holiday and make-up day itself
    package = package_calendar()
    problems: list[TermProblem] = []
    declared_years = _declared_years(term)
    for year in _term_years(term):
        if package.covers(year) or year in declared_years:
            continue
        first, last = max(term.start, date(year, 1, 1)), min(term.end, date(year, 12, 31))
        problems.append(TermProblem(
            field="term.holidays",
            en=(f"the term runs {first} to {last} in {year} but chinesecalendar has data only for "
                f"{package.first_year}–{package.last_year} and scenario.yaml declares no holidays or make-up days "
                f"for {year}: add term.holidays / term.makeup_days for {year} (or set use_official_holidays: false "
                f"and declare every holiday yourself)"),
            zh=(f"学期在 {year} 年有 {first} 至 {last} 这段，但 chinesecalendar 只有 {package.first_year}–"
                f"{package.last_year} 年的数据，scenario.yaml 也没有填写 {year} 年的假日或调休：请在 term.holidays / "
                f"term.makeup_days 中补充 {year} 年的日期（或设 use_official_holidays: false 后自行填写全部假日）"),
        ))
    declared_makeups = {m.date for m in term.makeup_days}
    overridden = set(term.holidays) | set(term.assessment_days)
    for day, name in sorted(package.workdays.items()):
        if not _in_term(term, day) or day in declared_makeups or day in overridden:
            continue
        weekday = Weekday.of_index(day.weekday())
        problems.append(TermProblem(
            field="term.makeup_days",
            en=(f"{day} ({weekday.value}) is a make-up workday (调休) for {name} in chinesecalendar; say which "
                f"weekday's timetable it follows in term.makeup_days, e.g. {{date: {day}, follows: 周一}} "
                f"(or list it in term.holidays if the schools do not teach that day)"),
            zh=(f"{day}（{weekday.zh}）是 chinesecalendar 中{HOLIDAY_ZH.get(name, name)}的调休上班日：请在 "
                f"term.makeup_days 中写明这天按周几的课表上课，例如 {{date: {day}, follows: 周一}}"
                f"（若各校这天不上课，请把它写入 term.holidays）"),
        ))
    return problems


def holidays_in_term(term: TermCalendar) -> dict[date, str]:
    """Every holiday of the term with its name ('' when only the scenario names it)."""
    makeups = {m.date for m in term.makeup_days}
    result: dict[date, str] = {}
    if term.use_official_holidays:
        package = package_calendar()
        for day, name in package.holidays.items():
            if _in_term(term, day) and day not in makeups:
                result[day] = HOLIDAY_ZH.get(name, name)
    for day in term.holidays:
        if _in_term(term, day):
            result.setdefault(day, "")
    return dict(sorted(result.items()))


def teaching_days(source: Scenario | TermCalendar,
                  weekdays: tuple[Weekday, ...] | None = None) -> list[TeachingDay]:
    """The teaching days of the term, in date order.

    ``weekdays`` are the weekdays that have a timetable (default: those of the scenario's bell
    schedules, or Monday–Friday for a bare term); a date counts when the weekday it follows is one.
    Raises ``TermDataMissing`` when ``term_problems`` finds data the term needs and does not have.
    """
    term = _term_of(source)
    problems = term_problems(term)
    if problems:
        raise TermDataMissing(problems)
    if weekdays is None:
        weekdays = _taught_weekdays(source) if isinstance(source, Scenario) else WORKING_WEEK
    taught = set(weekdays)
    holidays = holidays_in_term(term)
    assessments = set(term.assessment_days)
    makeups = {m.date: m.follows for m in term.makeup_days}
    days: list[TeachingDay] = []
    for day in term.dates():
        if day in holidays or day in assessments:
            continue
        if day in makeups:
            days.append(TeachingDay(date=day, follows=makeups[day], makeup=True))
        elif Weekday.of_index(day.weekday()) in taught:
            days.append(TeachingDay(date=day, follows=Weekday.of_index(day.weekday())))
    return [d for d in days if d.follows in taught]


def _taught_weekdays(scenario: Scenario) -> tuple[Weekday, ...]:
    days = {d for bells in scenario.bell_schedules for d in bells.days}
    return tuple(sorted(days, key=lambda d: d.index)) or WORKING_WEEK


def season_switches(scenario: Scenario) -> list[tuple[date, str, str]]:
    """(date, bell schedule id, season name) of every seasonal switch inside the term, in date order."""
    term = scenario.term
    return sorted((s.starts, b.id, s.name) for b in scenario.bell_schedules for s in b.seasons
                  if term.start < s.starts <= term.end)


def week_of_term(term: TermCalendar, day: date) -> int:
    """Teaching week number (第N周), 1 for the Monday–Sunday week containing the term's first day."""
    monday = term.start.toordinal() - term.start.weekday()
    return (day.toordinal() - monday) // 7 + 1
