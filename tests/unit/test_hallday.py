"""The hall's day (SPEC §4.4): opening, cut-off and extended service, holidays, unknown years."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.adapters.calendar import ChineseCalendar
from core.domain.hallday import DayStatus, Hours, business_day, hall_day
from core.domain.workdays import FixedCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = Hours(opens=time(9, 0), cutoff=time(17, 0), closes=time(17, 30))
MONDAY = date(2026, 11, 23)
NATIONAL_DAY = date(2026, 10, 1)  # a Thursday, a statutory holiday
ADJUSTED_SATURDAY = date(2026, 10, 10)  # 调休: a Saturday the halls work
UNKNOWN_YEAR = 2099  # far beyond any chinesecalendar release


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ((8, 59, 59), DayStatus.BEFORE_OPENING),
        ((9, 0, 0), DayStatus.OPEN),
        ((16, 59, 59), DayStatus.OPEN),
        ((17, 0, 0), DayStatus.AFTER_CUTOFF),
        ((17, 29, 59), DayStatus.AFTER_CUTOFF),
        ((17, 30, 0), DayStatus.AFTER_CLOSING),
        ((23, 59, 59), DayStatus.AFTER_CLOSING),
    ],
)
def test_a_working_day_runs_through_opening_cutoff_and_closing(
    moment: tuple[int, int, int], status: DayStatus
) -> None:
    # GIVEN an ordinary Monday and hours 09:00 / cut-off 17:00 / 17:30
    # WHEN the hall looks at the clock
    day = hall_day(local(MONDAY, *moment), SHANGHAI, HOURS, FixedCalendar())
    # THEN the status changes exactly at each boundary, and only OPEN issues tickets
    assert day.status is status
    assert day.issuing is (status is DayStatus.OPEN)
    assert (day.business_day, day.calendar_known) == (MONDAY, True)


def test_after_the_cutoff_the_hall_is_in_extended_service_until_closing() -> None:
    # GIVEN 17:10 on a Monday
    day = hall_day(local(MONDAY, 17, 10), SHANGHAI, HOURS, FixedCalendar())
    # WHEN / THEN no new tickets (延时服务), and the day's three moments are the local wall-clock times
    assert (day.status, day.issuing) == (DayStatus.AFTER_CUTOFF, False)
    assert (day.opens_at, day.cutoff_at, day.closes_at) == (
        local(MONDAY, 9),
        local(MONDAY, 17),
        local(MONDAY, 17, 30),
    )
    assert day.cutoff_at.utcoffset() == timedelta(hours=8)


def test_the_clock_is_read_in_the_halls_time_zone() -> None:
    # GIVEN instants given in UTC: 01:00Z and 16:30Z the day before (00:30 in Shanghai)
    # WHEN the hall in Shanghai classifies them
    morning = hall_day(datetime(2026, 11, 23, 1, 0, tzinfo=UTC), SHANGHAI, HOURS, FixedCalendar())
    night = hall_day(datetime(2026, 11, 22, 16, 30, tzinfo=UTC), SHANGHAI, HOURS, FixedCalendar())
    # THEN 09:00 local is open, and 00:30 local belongs to Monday, before opening
    assert (morning.business_day, morning.status) == (MONDAY, DayStatus.OPEN)
    assert (night.business_day, night.status) == (MONDAY, DayStatus.BEFORE_OPENING)
    assert business_day(datetime(2026, 11, 22, 16, 30, tzinfo=UTC), SHANGHAI) == MONDAY


def test_a_statutory_holiday_is_closed_all_day() -> None:
    # GIVEN National Day 2026, a Thursday, and the real statutory calendar
    calendar = ChineseCalendar({})
    assert NATIONAL_DAY.weekday() == 3
    # WHEN the hall looks at 10:00 that day
    day = hall_day(local(NATIONAL_DAY, 10), SHANGHAI, HOURS, calendar)
    # THEN it is closed: no tickets, and the calendar did know the year
    assert (day.status, day.issuing, day.calendar_known) == (DayStatus.CLOSED, False, True)


def test_an_adjusted_working_weekend_day_is_open() -> None:
    # GIVEN Saturday 10 October 2026, a working day by the State Council's arrangement
    calendar = ChineseCalendar({})
    assert ADJUSTED_SATURDAY.weekday() == 5
    # WHEN the hall looks at 10:00, and at the Saturday after
    adjusted = hall_day(local(ADJUSTED_SATURDAY, 10), SHANGHAI, HOURS, calendar)
    ordinary = hall_day(local(ADJUSTED_SATURDAY + timedelta(days=7), 10), SHANGHAI, HOURS, calendar)
    # THEN the adjusted Saturday issues tickets, an ordinary Saturday does not
    assert (adjusted.status, adjusted.issuing) == (DayStatus.OPEN, True)
    assert ordinary.status is DayStatus.CLOSED


def test_the_halls_own_overrides_win_over_the_statutory_calendar() -> None:
    # GIVEN a hall that closes on a Monday (training day) and opens on National Day
    calendar = ChineseCalendar({MONDAY: False, NATIONAL_DAY: True})
    # WHEN / THEN the Monday is closed and National Day is open
    assert hall_day(local(MONDAY, 10), SHANGHAI, HOURS, calendar).status is DayStatus.CLOSED
    assert hall_day(local(NATIONAL_DAY, 10), SHANGHAI, HOURS, calendar).status is DayStatus.OPEN


def test_a_year_the_calendar_does_not_know_opens_on_weekdays_and_says_so() -> None:
    # GIVEN the real calendar with no data and no overrides for 2099
    calendar = ChineseCalendar({})
    assert not calendar.knows(date(UNKNOWN_YEAR, 1, 1))
    weekday = next(
        date(UNKNOWN_YEAR, 3, d) for d in range(1, 8) if date(UNKNOWN_YEAR, 3, d).weekday() == 2
    )
    sunday = weekday + timedelta(days=4)
    # WHEN the hall looks at 10:00 on a Wednesday and on a Sunday of that year
    wednesday_day = hall_day(local(weekday, 10), SHANGHAI, HOURS, calendar)
    sunday_day = hall_day(local(sunday, 10), SHANGHAI, HOURS, calendar)
    # THEN it is not shut: weekdays open, weekends closed, and the console is told the year is missing
    assert (wednesday_day.status, wednesday_day.calendar_known) == (DayStatus.OPEN, False)
    assert (sunday_day.status, sunday_day.calendar_known) == (DayStatus.CLOSED, False)


@pytest.mark.parametrize(
    "day",
    [NATIONAL_DAY, date(2026, 11, 22), date(UNKNOWN_YEAR, 1, 4)],
    ids=["holiday", "sunday", "unknown-year"],
)
def test_every_day_hours_ignore_the_calendar(day: date) -> None:
    # GIVEN a hall open every day (demo, 24-hour self-service hall)
    hours = Hours(opens=time(9), cutoff=time(17), closes=time(17, 30), every_day=True)
    calendar = ChineseCalendar({})
    # WHEN it looks at a holiday, a Sunday, or a day of an unknown year
    # THEN the hours still apply: open at 10:00, before opening at 08:00, extended service at 17:15
    assert hall_day(local(day, 10), SHANGHAI, hours, calendar).status is DayStatus.OPEN
    assert hall_day(local(day, 8), SHANGHAI, hours, calendar).status is DayStatus.BEFORE_OPENING
    assert hall_day(local(day, 17, 15), SHANGHAI, hours, calendar).status is DayStatus.AFTER_CUTOFF
