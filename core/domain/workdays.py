"""Working-day arithmetic over a hall's calendar (SPEC §4.4, §7).

The calendar says which days are working days; these functions count them.
A calendar that does not know a year (no statutory arrangement and no hall
overrides for it) makes every computation touching that year raise
`UnknownYear` — a wrong deadline on the outage notice is worse than none.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Protocol

from core.domain.errors import DomainError

_ONE_DAY = timedelta(days=1)
# No real arrangement keeps a hall shut this long; a calendar that does is
# misconfigured, and scanning on would only hide that.
MAX_DAYS_WITHOUT_WORKDAY = 366


class UnknownYear(DomainError):
    """The calendar has no arrangement for `year` (code ``calendar.unknown_year``, param ``year``)."""

    year: int

    def __init__(self, year: int) -> None:
        super().__init__("calendar.unknown_year", year=year)
        self.year = year


class NoWorkdayFound(DomainError):
    """No working day within `MAX_DAYS_WITHOUT_WORKDAY` days (code ``calendar.no_workday``)."""

    def __init__(self, after: date) -> None:
        super().__init__("calendar.no_workday", after=after.isoformat())


class WorkdayCalendar(Protocol):
    """Which days the hall works.

    `is_workday` may raise `UnknownYear` for a day that `knows` reports False;
    the functions below check `knows` first, so callers get `UnknownYear` either way.
    """

    def is_workday(self, day: date) -> bool:
        """Whether the hall works on `day`."""
        ...

    def knows(self, day: date) -> bool:
        """Whether the calendar has an arrangement for `day`'s year (or an override for it)."""
        ...


class FixedCalendar:
    """An in-memory calendar: Monday–Friday work, weekends off, `overrides` win day by day.

    `years` limits the years it knows (default: every year), so tests can
    exercise `UnknownYear`. It is the same rule the hall's calendar adapter
    applies to a year the statutory-holiday data does not cover but for which
    the hall has entered the official arrangement as overrides.
    """

    def __init__(
        self, overrides: Mapping[date, bool] | None = None, *, years: Collection[int] | None = None
    ) -> None:
        self._overrides = dict(overrides or {})
        self._years = None if years is None else frozenset(years)

    def knows(self, day: date) -> bool:
        """Whether `day`'s year is one this calendar covers."""
        return self._years is None or day.year in self._years

    def is_workday(self, day: date) -> bool:
        """Override if there is one, else Monday–Friday; `UnknownYear` outside `years`."""
        if not self.knows(day):
            raise UnknownYear(day.year)
        if day in self._overrides:
            return self._overrides[day]
        return day.weekday() < 5


def is_workday(calendar: WorkdayCalendar, day: date) -> bool:
    """Whether the hall works on `day`; `UnknownYear` if the calendar does not know its year."""
    if not calendar.knows(day):
        raise UnknownYear(day.year)
    return calendar.is_workday(day)


def next_workday(calendar: WorkdayCalendar, day: date) -> date:
    """The first working day strictly after `day`.

    Raises `UnknownYear` if the search reaches a year the calendar does not know.
    """
    candidate = day
    for _ in range(MAX_DAYS_WITHOUT_WORKDAY):
        candidate += _ONE_DAY
        if is_workday(calendar, candidate):
            return candidate
    raise NoWorkdayFound(day)


def add_workdays(calendar: WorkdayCalendar, day: date, count: int) -> date:
    """The `count`-th working day after `day` (``count=0`` returns `day` unchanged).

    `day` itself never counts, working day or not: one working day after a
    Friday is the next Monday, and so is one working day after a Saturday.
    Raises `ValueError` for a negative `count`: no hall rule counts backwards.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    result = day
    for _ in range(count):
        result = next_workday(calendar, result)
    return result


def workdays_between(calendar: WorkdayCalendar, start: date, end: date) -> int:
    """How many working days lie after `start` up to and including `end`.

    Negative when `end` is before `start`. The inverse of `add_workdays`:
    ``workdays_between(c, d, add_workdays(c, d, n)) == n``.
    """
    if end < start:
        return -workdays_between(calendar, end, start)
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        if is_workday(calendar, day):
            count += 1
    return count
