"""The term calendar: holidays, make-up workdays (调休), assessment days and seasonal bell times."""

from __future__ import annotations

from datetime import date, time

import pytest

from models.term import TermDataMissing, holidays_in_term, teaching_days, term_problems, week_of_term
from models import MakeupDay, Weekday
from test_feeds_fixtures import scenario, term


def _by_date(days):
    return {d.date: d for d in days}


def test_package_holidays_and_declared_days_have_no_lessons():
    days = _by_date(teaching_days(term()))
    # Mid-autumn (Fri 2026-09-25) and National Day (1–7 Oct) from chinesecalendar; 2027-01-01 declared.
    for off in [date(2026, 9, 25)] + [date(2026, 10, d) for d in range(1, 8)] + [date(2027, 1, 1)]:
        assert off not in days, off
    assert date(2026, 9, 24) in days and date(2026, 10, 8) in days


def test_makeup_days_follow_the_declared_weekday():
    days = _by_date(teaching_days(term()))
    assert days[date(2026, 9, 20)].follows is Weekday.FRI and days[date(2026, 9, 20)].makeup
    assert days[date(2026, 10, 10)].follows is Weekday.WED and days[date(2026, 10, 10)].makeup
    # Ordinary weekends stay free; ordinary weekdays follow themselves.
    assert date(2026, 9, 19) not in days and date(2026, 10, 11) not in days
    assert days[date(2026, 9, 21)].follows is Weekday.MON and not days[date(2026, 9, 21)].makeup


def test_assessment_day_replaces_the_timetable():
    days = _by_date(teaching_days(term()))
    assert date(2027, 1, 20) not in days
    assert date(2027, 1, 19) in days and date(2027, 1, 21) in days


def test_counts_of_the_whole_term():
    days = teaching_days(term())
    weekdays_in_term = sum(1 for d in term().dates() if d.weekday() < 5)
    # 1 Mid-autumn Friday, 5 National Day weekdays (1,2,5,6,7 Oct), 1 Jan, 1 assessment day off; 2 make-up days on.
    assert len(days) == weekdays_in_term - 1 - 5 - 1 - 1 + 2
    assert [d.date for d in days] == sorted(d.date for d in days)


def test_uncovered_year_without_declared_days_is_an_error_never_a_guess():
    bare = term(holidays=())
    problems = term_problems(bare)
    assert [p.field for p in problems] == ["term.holidays"]
    assert "2027" in problems[0].en and "chinesecalendar" in problems[0].en and "2027" in problems[0].zh
    with pytest.raises(TermDataMissing) as err:
        teaching_days(bare)
    assert err.value.problems == problems


def test_undeclared_package_makeup_day_is_reported():
    # Drop the declaration of 2026-10-10, a make-up workday in chinesecalendar.
    partial = term(makeup_days=(MakeupDay(date=date(2026, 9, 20), follows=Weekday.FRI),))
    problems = term_problems(partial)
    assert len(problems) == 1
    assert problems[0].field == "term.makeup_days"
    assert "2026-10-10" in problems[0].en and "2026-10-10" in problems[0].zh and "调休" in problems[0].zh
    with pytest.raises(TermDataMissing):
        teaching_days(partial)


def test_package_makeup_day_declared_a_holiday_is_accepted():
    # A school may decide not to teach on a make-up day: declaring it a holiday settles it.
    chosen = term(makeup_days=(MakeupDay(date=date(2026, 9, 20), follows=Weekday.FRI),),
                  holidays=(date(2027, 1, 1), date(2026, 10, 10)))
    assert term_problems(chosen) == []
    assert date(2026, 10, 10) not in _by_date(teaching_days(chosen))


def test_scenario_overrides_a_package_holiday_with_a_makeup_day():
    # 2026-10-03 is a package holiday (Saturday); declaring it a make-up day makes it one.
    overridden = term(makeup_days=term().makeup_days + (MakeupDay(date=date(2026, 10, 3), follows=Weekday.MON),))
    days = _by_date(teaching_days(overridden))
    assert days[date(2026, 10, 3)].follows is Weekday.MON
    assert date(2026, 10, 3) not in holidays_in_term(overridden)
    assert holidays_in_term(overridden)[date(2026, 10, 1)] == "国庆节"


def test_without_official_holidays_only_declared_days_count():
    own = term(use_official_holidays=False, makeup_days=())
    assert term_problems(own) == []
    days = _by_date(teaching_days(own))
    assert date(2026, 10, 1) in days  # the scenario declared no National Day: its choice, stated explicitly
    assert date(2027, 1, 1) not in days


def test_seasonal_switch_changes_clock_times():
    s = scenario()
    bells = s.bells_of("S1")
    days = _by_date(teaching_days(s))
    assert days[date(2026, 10, 8)].periods(bells)[0].start == time(8, 10)  # winter from 8 Oct
    assert days[date(2026, 9, 30)].periods(bells)[0].start == time(8, 0)


def test_week_numbers_start_at_the_first_week():
    t = term()
    assert week_of_term(t, date(2026, 9, 1)) == 1
    assert week_of_term(t, date(2026, 9, 6)) == 1  # Sunday ends week 1
    assert week_of_term(t, date(2026, 9, 7)) == 2
