"""The hall's business day: opening hours, ticket cut-off, extended service (SPEC §4.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.domain.workdays import WorkdayCalendar

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Weekday names as hall files write them (``date.weekday()`` indexes them)."""


class DayStatus(StrEnum):
    CLOSED = "closed"  # not a working day
    BEFORE_OPENING = "before_opening"
    OPEN = "open"  # issuing tickets
    AFTER_CUTOFF = "after_cutoff"  # no new tickets; windows serve who waits (延时服务)
    AFTER_CLOSING = "after_closing"


@dataclass(frozen=True)
class Hours:
    """Opening, ticket cut-off and closing, in the hall's local time."""

    opens: time = time(9, 0)
    cutoff: time = time(17, 0)
    closes: time = time(17, 30)
    every_day: bool = False
    """Ignore the calendar: a demo hall or a 24-hour self-service hall."""


@dataclass(frozen=True)
class HallDay:
    """Where a moment falls in the hall's day."""

    business_day: date
    status: DayStatus
    opens_at: datetime
    cutoff_at: datetime
    closes_at: datetime
    calendar_known: bool = True
    """False when the calendar has no data for this year: weekdays are assumed open."""

    @property
    def issuing(self) -> bool:
        """Kiosks and the guide desk may issue tickets now."""
        return self.status is DayStatus.OPEN


def business_day(now: datetime, zone: ZoneInfo) -> date:
    """The hall's local date: a ticket belongs to the day it was issued on, locally."""
    return now.astimezone(zone).date()


def hall_day(now: datetime, zone: ZoneInfo, hours: Hours, calendar: WorkdayCalendar) -> HallDay:
    """Classify `now` for a hall in `zone` with `hours` and a working-day calendar."""
    local = now.astimezone(zone)
    day = local.date()

    def at(moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=zone)

    opens_at, cutoff_at, closes_at = at(hours.opens), at(hours.cutoff), at(hours.closes)
    # A calendar package older than the year must not shut the hall: weekdays
    # stay open, and the console says the year's arrangement is missing.
    known = calendar.knows(day)
    workday = calendar.is_workday(day) if known else day.weekday() < 5
    if not hours.every_day and not workday:
        status = DayStatus.CLOSED
    elif local < opens_at:
        status = DayStatus.BEFORE_OPENING
    elif local < cutoff_at:
        status = DayStatus.OPEN
    elif local < closes_at:
        status = DayStatus.AFTER_CUTOFF
    else:
        status = DayStatus.AFTER_CLOSING
    return HallDay(day, status, opens_at, cutoff_at, closes_at, known)


def next_opening(
    now: datetime, zone: ZoneInfo, hours: Hours, calendar: WorkdayCalendar
) -> datetime:
    """When the hall next starts issuing tickets: today's opening if it is still ahead
    on a working day, else the next working day's (a kiosk says "明天 09:00 开始取号")."""
    for offset in range(0, 60):
        moment = now + timedelta(days=offset)
        day = hall_day(moment, zone, hours, calendar)
        if day.status is DayStatus.CLOSED:
            continue
        if offset == 0 and now.astimezone(zone) >= day.opens_at:
            continue
        return day.opens_at
    return hall_day(now, zone, hours, calendar).opens_at
