"""Working-day arithmetic over an in-memory calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.errors import DomainError
from core.domain.workdays import (
    FixedCalendar,
    NoWorkdayFound,
    UnknownYear,
    WorkdayCalendar,
    add_workdays,
    is_workday,
    next_workday,
    workdays_between,
)

FRIDAY = date(2024, 3, 8)
SATURDAY = date(2024, 3, 9)
SUNDAY = date(2024, 3, 10)
MONDAY = date(2024, 3, 11)


def test_weekends_are_off_and_overrides_win() -> None:
    # GIVEN a calendar where a Saturday is an adjusted working day and a Monday a holiday
    calendar = FixedCalendar({SATURDAY: True, MONDAY: False})
    # WHEN asked about the days around them THEN the overrides decide, the weekday rule the rest
    assert [is_workday(calendar, FRIDAY + timedelta(days=n)) for n in range(5)] == [
        True,  # Friday
        True,  # Saturday, overridden
        False,  # Sunday
        False,  # Monday, overridden
        True,  # Tuesday
    ]


def test_next_workday_is_strictly_after_the_day() -> None:
    # GIVEN an ordinary week
    calendar = FixedCalendar()
    # WHEN asking for the next working day THEN a working day never returns itself
    assert next_workday(calendar, MONDAY) == MONDAY + timedelta(days=1)
    assert next_workday(calendar, FRIDAY) == MONDAY
    assert next_workday(calendar, SATURDAY) == MONDAY


def test_add_workdays_does_not_count_the_start_day() -> None:
    # GIVEN an ordinary week
    calendar = FixedCalendar()
    # WHEN adding working days THEN the start day never counts, working day or not
    assert add_workdays(calendar, FRIDAY, 0) == FRIDAY
    assert add_workdays(calendar, FRIDAY, 1) == MONDAY
    assert add_workdays(calendar, SATURDAY, 1) == MONDAY
    assert add_workdays(calendar, FRIDAY, 3) == date(2024, 3, 13)
    with pytest.raises(ValueError, match="negative"):
        add_workdays(calendar, FRIDAY, -1)


def test_workdays_between_counts_after_start_up_to_end() -> None:
    # GIVEN an ordinary week
    calendar = FixedCalendar()
    # WHEN counting THEN days after the start up to and including the end count
    assert workdays_between(calendar, FRIDAY, MONDAY) == 1
    assert workdays_between(calendar, MONDAY, MONDAY + timedelta(days=4)) == 4
    assert workdays_between(calendar, SATURDAY, SUNDAY) == 0
    assert workdays_between(calendar, MONDAY, FRIDAY) == -1  # reversed: the same count, negated
    assert workdays_between(calendar, MONDAY, MONDAY) == 0


def test_an_unknown_year_is_never_guessed() -> None:
    # GIVEN a calendar that only knows 2024
    calendar = FixedCalendar(years=[2024])
    # WHEN a computation reaches 2025 THEN UnknownYear names the year
    with pytest.raises(UnknownYear) as raised:
        next_workday(calendar, date(2024, 12, 31))
    assert raised.value.year == 2025
    assert raised.value.code == "calendar.unknown_year"
    assert raised.value.params == {"year": 2025}
    assert isinstance(raised.value, DomainError)
    with pytest.raises(UnknownYear):
        workdays_between(calendar, date(2024, 12, 1), date(2025, 1, 2))
    # AND the calendar itself refuses too
    with pytest.raises(UnknownYear):
        calendar.is_workday(date(2025, 1, 2))


class _LyingCalendar:
    """Claims to know every day but would answer is_workday for an unknown one."""

    def knows(self, day: date) -> bool:
        return day.year != 2025

    def is_workday(self, day: date) -> bool:
        return True


def test_functions_check_knows_before_asking() -> None:
    # GIVEN a calendar whose is_workday answers even for a year it does not know
    calendar: WorkdayCalendar = _LyingCalendar()
    # WHEN a computation touches that year THEN UnknownYear is raised anyway
    with pytest.raises(UnknownYear):
        next_workday(calendar, date(2024, 12, 31))


def test_a_calendar_without_working_days_fails_loudly() -> None:
    # GIVEN a calendar closed for more than a year
    closed = {date(2024, 1, 1) + timedelta(days=n): False for n in range(400)}
    calendar = FixedCalendar(closed)
    # WHEN looking for the next working day THEN it says so instead of looping forever
    with pytest.raises(NoWorkdayFound) as raised:
        next_workday(calendar, date(2024, 1, 1))
    assert raised.value.code == "calendar.no_workday"


overrides = st.dictionaries(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)), st.booleans(), max_size=60
)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 10, 31))


@given(overrides, days, st.integers(0, 40))
def test_add_workdays_and_workdays_between_are_inverse(
    extra: dict[date, bool], start: date, count: int
) -> None:
    # GIVEN any mix of overrides
    calendar = FixedCalendar(extra)
    # WHEN adding `count` working days THEN exactly `count` lie between, and the result is one
    result = add_workdays(calendar, start, count)
    assert workdays_between(calendar, start, result) == count
    assert workdays_between(calendar, result, start) == -count
    if count:
        assert is_workday(calendar, result)
        assert workdays_between(calendar, start, result - timedelta(days=1)) == count - 1


@given(overrides, days)
def test_next_workday_skips_exactly_the_days_off(extra: dict[date, bool], start: date) -> None:
    # GIVEN any mix of overrides WHEN finding the next working day
    calendar = FixedCalendar(extra)
    found = next_workday(calendar, start)
    # THEN every day skipped was a day off and the result is the first working one
    skipped = [start + timedelta(days=n) for n in range(1, (found - start).days)]
    assert not any(is_workday(calendar, day) for day in skipped)
    assert is_workday(calendar, found)
    assert found > start
