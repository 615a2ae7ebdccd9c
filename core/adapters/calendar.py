"""The hall's working-day calendar: statutory arrangements plus the hall's own overrides (SPEC §4.4).

Statutory holidays and adjusted working days (调休) come from the
`chinesecalendar` package, which only has data for the years it was released
with (it raises NotImplementedError for others). The hall's overrides — days the
administrator marked open or closed — win day by day. For a year the package
does not cover, the calendar works only if the hall has entered at least one
override for that year (taken to mean the administrator has typed in the State
Council's arrangement): then weekends are off and the overrides decide the
rest. With no overrides for such a year it does not guess: `knows()` is False
and `is_workday()` raises `UnknownYear`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

import chinese_calendar

from core.domain.workdays import UnknownYear

DaySource = Literal["package", "override", "weekend-rule-with-overrides"]


class ChineseCalendar:
    """A `WorkdayCalendar` over chinese_calendar's data and the hall's overrides.

    `overrides` maps a day to True (the hall works) or False (it is closed); it
    is copied, so build a new calendar when the administrator changes it.
    """

    def __init__(self, overrides: Mapping[date, bool]) -> None:
        for day in overrides:
            # datetime is a date subclass but never equal to one, so a datetime
            # key would silently never match.
            if isinstance(day, datetime) or not isinstance(day, date):
                raise TypeError(f"override keys must be dates, got {day!r}")
        self._overrides = dict(overrides)
        self._override_years = frozenset(day.year for day in self._overrides)

    def knows(self, day: date) -> bool:
        """True if the package covers `day`'s year or the hall has overrides for that year."""
        return self._package_knows(day.year) or day.year in self._override_years

    def is_workday(self, day: date) -> bool:
        """Whether the hall works on `day`; raises `UnknownYear` when `knows(day)` is False."""
        if day in self._overrides:
            return self._overrides[day]
        statutory = _statutory_workday(day)
        if statutory is not None:
            return statutory
        if day.year in self._override_years:
            return day.weekday() < 5
        raise UnknownYear(day.year)

    def source(self, day: date) -> DaySource:
        """Where `is_workday(day)` gets its answer; raises `UnknownYear` when `knows(day)` is False.

        ``"override"``: the hall's own entry for that day; ``"package"``: the
        statutory data; ``"weekend-rule-with-overrides"``: a year the package
        does not cover, so Monday–Friday work unless the hall's overrides say otherwise.
        """
        if day in self._overrides:
            return "override"
        if self._package_knows(day.year):
            return "package"
        if day.year in self._override_years:
            return "weekend-rule-with-overrides"
        raise UnknownYear(day.year)

    def unknown_years(self, years: Iterable[int]) -> list[int]:
        """Which of `years` the calendar cannot answer for — for the console to warn about.

        Pass the clock's current and next year so an administrator is told to
        enter next year's arrangement before the hall reaches it.
        """
        return sorted({year for year in years if not self.knows(date(year, 1, 1))})

    def _package_knows(self, year: int) -> bool:
        return _statutory_workday(date(year, 1, 1)) is not None


StatutoryKind = Literal["workday", "weekend", "holiday", "adjusted_workday", "unknown"]


def statutory_day(day: date) -> tuple[StatutoryKind, str | None]:
    """What the State Council's arrangement makes of `day` (as the package knows it), and
    the festival a holiday or an adjusted working day (调休上班) belongs to, in Chinese."""
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return "unknown", None
    festival = _FESTIVALS.get(name) if name else None
    if holiday and name:
        return "holiday", festival
    if name:
        return "adjusted_workday", festival
    return ("weekend" if day.weekday() >= 5 else "workday"), None


_FESTIVALS = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


@lru_cache(maxsize=1024)
def _statutory_workday(day: date) -> bool | None:
    """The package's answer for `day`, None for a year it has no data for. Kept: every
    command asks about today (the package's own lookup costs ~40 µs)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None
