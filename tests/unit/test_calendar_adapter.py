"""The hall calendar over the real chinesecalendar data plus overrides (SPEC §4.4).

These use the installed package's real data for 2025 and 2026; 2027 stands for
"a year the package has not been released for" (it knows 2004–2026). If a
package upgrade adds 2027, `test_the_package_does_not_know_2027` fails first
and says which year to move these tests to.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from core.adapters.calendar import ChineseCalendar
from core.domain.workdays import UnknownYear, add_workdays, next_workday, workdays_between

UNRELEASED_YEAR = 2027


def test_the_package_does_not_know_2027() -> None:
    # GIVEN the installed package WHEN asked about 2027 THEN it has no data (precondition)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(UNRELEASED_YEAR, 1, 4))


def test_national_day_2025_and_its_adjusted_working_days() -> None:
    # GIVEN the package's 2025 data and no overrides
    calendar = ChineseCalendar({})
    # WHEN asked about late September and October 2025
    # THEN Oct 1–8 are off, and Sunday Sept 28 and Saturday Oct 11 are working days
    assert all(not calendar.is_workday(date(2025, 10, day)) for day in range(1, 9))
    assert calendar.is_workday(date(2025, 9, 28))
    assert date(2025, 9, 28).weekday() == 6
    assert calendar.is_workday(date(2025, 10, 11))
    assert date(2025, 10, 11).weekday() == 5
    assert calendar.is_workday(date(2025, 10, 9))
    assert not calendar.is_workday(date(2025, 10, 12))
    assert calendar.source(date(2025, 10, 1)) == "package"
    # AND arithmetic runs across the holiday
    assert next_workday(calendar, date(2025, 9, 30)) == date(2025, 10, 9)
    assert add_workdays(calendar, date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert workdays_between(calendar, date(2025, 9, 26), date(2025, 10, 12)) == 6


def test_spring_festival_2026() -> None:
    # GIVEN the package's 2026 data WHEN asked about the Spring Festival
    calendar = ChineseCalendar({})
    # THEN Feb 15–23 are off and Saturdays Feb 14 and Feb 28 are worked
    assert not any(calendar.is_workday(date(2026, 2, day)) for day in range(15, 24))
    assert calendar.is_workday(date(2026, 2, 14))
    assert calendar.is_workday(date(2026, 2, 28))
    assert next_workday(calendar, date(2026, 2, 14)) == date(2026, 2, 24)


def test_hall_overrides_win_day_by_day() -> None:
    # GIVEN a hall closed on Oct 9 2025 (a statutory working day) for renovation,
    # and open on Oct 4 2025 (a statutory holiday) for a filing rush
    calendar = ChineseCalendar({date(2025, 10, 9): False, date(2025, 10, 4): True})
    # WHEN asked THEN the overrides win on those days only
    assert not calendar.is_workday(date(2025, 10, 9))
    assert calendar.is_workday(date(2025, 10, 4))
    assert calendar.source(date(2025, 10, 9)) == "override"
    assert calendar.source(date(2025, 10, 10)) == "package"
    assert next_workday(calendar, date(2025, 10, 4)) == date(2025, 10, 10)


def test_a_year_the_package_lacks_and_the_hall_has_not_entered_is_unknown() -> None:
    # GIVEN no overrides for 2027 (only for 2026)
    calendar = ChineseCalendar({date(2026, 12, 31): True})
    day = date(UNRELEASED_YEAR, 3, 1)
    # WHEN asked about 2027 THEN the calendar says it does not know, and refuses to guess
    assert not calendar.knows(day)
    with pytest.raises(UnknownYear) as raised:
        calendar.is_workday(day)
    assert raised.value.year == UNRELEASED_YEAR
    with pytest.raises(UnknownYear):
        calendar.source(day)
    # AND a computation that crosses into 2027 raises too
    with pytest.raises(UnknownYear):
        next_workday(calendar, date(2026, 12, 31))
    assert calendar.unknown_years([2026, UNRELEASED_YEAR]) == [UNRELEASED_YEAR]


def test_years_before_the_package_data_are_unknown_too() -> None:
    # GIVEN no overrides WHEN asked about 2003 THEN unknown, not guessed
    calendar = ChineseCalendar({})
    assert not calendar.knows(date(2003, 6, 2))
    with pytest.raises(UnknownYear):
        calendar.is_workday(date(2003, 6, 2))


def test_overrides_for_an_unreleased_year_make_it_known_with_the_weekend_rule() -> None:
    # GIVEN the hall entered 2027's New Year arrangement by hand
    overrides = {
        date(2027, 1, 1): False,  # Friday, holiday
        date(2027, 1, 2): False,
        date(2027, 1, 3): False,
    }
    calendar = ChineseCalendar(overrides)
    # WHEN asked about 2027 THEN it knows the year
    assert calendar.knows(date(2027, 7, 1))
    assert calendar.unknown_years([2026, 2027]) == []
    # AND the overrides decide their days, Monday–Friday work otherwise
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.source(date(2027, 1, 1)) == "override"
    assert calendar.is_workday(date(2027, 1, 4))  # Monday
    assert not calendar.is_workday(date(2027, 1, 9))  # Saturday
    assert calendar.source(date(2027, 1, 4)) == "weekend-rule-with-overrides"
    assert next_workday(calendar, date(2026, 12, 31)) == date(2027, 1, 4)
    # AND 2028 is still unknown
    assert not calendar.knows(date(2028, 1, 3))


def test_overrides_are_copied() -> None:
    # GIVEN a calendar built from a dict that is changed afterwards
    overrides = {date(2025, 10, 9): False}
    calendar = ChineseCalendar(overrides)
    overrides[date(2025, 10, 9)] = True
    overrides[date(2027, 1, 4)] = True
    # WHEN asked THEN the calendar still answers from what it was built with
    assert not calendar.is_workday(date(2025, 10, 9))
    assert not calendar.knows(date(2027, 1, 4))


def test_datetime_override_keys_are_refused() -> None:
    # GIVEN an override keyed by a datetime (which would never equal a date)
    # WHEN building the calendar THEN it is refused
    with pytest.raises(TypeError, match="dates"):
        ChineseCalendar({datetime(2025, 10, 9): False})


def test_every_day_of_2025_agrees_with_the_package_without_overrides() -> None:
    # GIVEN no overrides WHEN every day of 2025 is asked THEN the answer is the package's
    calendar = ChineseCalendar({})
    start = date(2025, 1, 1)
    for offset in range(365):
        day = start + timedelta(days=offset)
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day)
