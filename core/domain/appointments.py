"""预约办税 (SPEC §13): a service's bookable slots on a day, and the bureau's booking rules.

Slots are not stored: they follow from the hall's hours, its working-day calendar, the
days it closed for booking, and the service's quota. What is stored is the bookings; a
slot is full when its bookings fill its places.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.domain.errors import Conflict, InvalidInput
from core.domain.hallday import Hours
from core.domain.workdays import WorkdayCalendar


@dataclass(frozen=True)
class Quota:
    """How one service is booked: slots of `slot_minutes`, each with `places`, or with
    `per_window` places for every window that serves the service."""

    slot_minutes: int = 30
    places: int | None = None
    per_window: int | None = None
    taxpayer_id: bool = False
    """The booking names the taxpayer (纳税人识别号), as the business needs it."""

    def places_for(self, windows: int) -> int:
        """A slot's places when `windows` windows serve the service."""
        if self.places is not None:
            return self.places
        return (self.per_window or 0) * windows


@dataclass(frozen=True)
class BookingRules:
    """The bureau's booking rules, as a hall sets them (defaults: the usual ones)."""

    days_ahead: int = 7
    """The last bookable day is today + `days_ahead`."""
    same_day_lead: timedelta = timedelta(hours=2)
    """A slot is booked at least this long before it starts."""
    periods: tuple[tuple[time, time], ...] = ()
    """The parts of the day that are booked (a lunch break between them); none: from
    opening to the ticket cut-off."""
    closed_days: frozenset[date] = frozenset()
    """Working days the hall takes no bookings on."""
    cancel_lead: timedelta = timedelta(hours=3)
    """A booking is cancelled (or moved) at least this long before its slot starts."""
    no_show_limit: int = 3
    no_show_days: int = 30
    block_days: int = 90
    """`no_show_limit` no-shows within `no_show_days` days block booking for `block_days`."""
    late_grace: timedelta = timedelta(minutes=15)
    """A booking not checked in by its slot's end plus this is a no-show."""
    early: timedelta = timedelta(minutes=30)
    """Check-in opens this long before the slot starts."""


@dataclass(frozen=True)
class Slot:
    """A bookable stretch of one service's day; `start` and `end` in the hall's zone."""

    start: datetime
    end: datetime
    places: int

    def take(self, booked: int) -> None:
        """One more booking of this slot, which has `booked` already: refused when full."""
        if booked >= self.places:
            raise Conflict("appointment.full", start=self.start.strftime("%H:%M"))


def is_open_for_booking(
    day: date, hours: Hours, calendar: WorkdayCalendar, rules: BookingRules
) -> bool:
    """Whether `day` takes bookings: a working day of the hall (weekdays in a year its
    calendar does not know, as the hall day assumes) that the hall did not close."""
    if day in rules.closed_days:
        return False
    if hours.every_day:
        return True
    return calendar.is_workday(day) if calendar.knows(day) else day.weekday() < 5


def day_slots(
    day: date,
    zone: ZoneInfo,
    hours: Hours,
    calendar: WorkdayCalendar,
    rules: BookingRules,
    quota: Quota,
    windows: int,
) -> list[Slot]:
    """The slots of `day` for a service with `quota`, served by `windows` windows: back to
    back through each booked period (opening to cut-off unless the hall set periods); a
    slot that would run past its period's end is not offered."""
    if not is_open_for_booking(day, hours, calendar, rules):
        return []
    places = quota.places_for(windows)
    if places <= 0:
        return []
    length = timedelta(minutes=quota.slot_minutes)
    slots = []
    for begins, ends in rules.periods or ((hours.opens, hours.cutoff),):
        start = datetime.combine(day, begins, tzinfo=zone)
        end_of_period = datetime.combine(day, ends, tzinfo=zone)
        while start + length <= end_of_period:
            slots.append(Slot(start, start + length, places))
            start += length
    return slots


def check_bookable(start: datetime, now: datetime, zone: ZoneInfo, rules: BookingRules) -> None:
    """Refuse a slot starting at `start` that can't be booked at `now`: begun or past, too
    soon (the same-day lead), or beyond the days the hall books ahead."""
    today = now.astimezone(zone).date()
    day = start.astimezone(zone).date()
    if start <= now:
        raise InvalidInput("appointment.past", field="start", day=day.isoformat())
    if (day - today).days > rules.days_ahead:
        raise InvalidInput("appointment.too_far", field="start", days=rules.days_ahead)
    if start - now < rules.same_day_lead:
        hours = rules.same_day_lead.total_seconds() / 3600
        raise InvalidInput("appointment.too_soon", field="start", hours=f"{hours:g}")


def check_cancellable(start: datetime, now: datetime, rules: BookingRules) -> None:
    """Refuse to cancel or move a booking whose slot starts within the cancel lead."""
    if start - now < rules.cancel_lead:
        hours = rules.cancel_lead.total_seconds() / 3600
        raise Conflict("appointment.cancel_too_late", hours=f"{hours:g}")


def blocked_until(
    missed: Sequence[datetime], now: datetime, rules: BookingRules
) -> datetime | None:
    """Until when booking is blocked for a taxpayer who missed the slots starting at
    `missed`: `no_show_limit` of them within `no_show_days` days block it for
    `block_days` from the last of those; None when not blocked at `now`."""
    ordered = sorted(missed)
    window = timedelta(days=rules.no_show_days)
    until = None
    for last in range(rules.no_show_limit - 1, len(ordered)):
        first = ordered[last - rules.no_show_limit + 1]
        if ordered[last] - first <= window:
            until = ordered[last] + timedelta(days=rules.block_days)
    return until if until is not None and until > now else None


def on_time(start: datetime, end: datetime, now: datetime, rules: BookingRules) -> bool:
    """Whether a check-in at `now` is on time for the slot `start`–`end`: True from
    `early` before it starts to `late_grace` after it ends, False (late) after that; too
    early is refused, saying from when."""
    opens = start - rules.early
    if now < opens:
        raise Conflict(
            "appointment.too_early", at=opens.strftime("%H:%M"), day=opens.date().isoformat()
        )
    return now <= end + rules.late_grace


def bookable_days(now: datetime, zone: ZoneInfo, rules: BookingRules) -> list[date]:
    """Today and the days ahead a booking may be for (closed ones included: they say so)."""
    today = now.astimezone(zone).date()
    return [today + timedelta(days=offset) for offset in range(rules.days_ahead + 1)]


def find_slot(slots: Sequence[Slot], start: datetime) -> Slot:
    """The slot starting at `start`; none there is a bad request, not a full slot."""
    for slot in slots:
        if slot.start == start:
            return slot
    raise InvalidInput("appointment.no_slot", field="start", start=start.isoformat())


def closed_reason(
    day: date, hours: Hours, calendar: WorkdayCalendar, rules: BookingRules
) -> str | None:
    """Why `day` has no slots (``closed_day``, ``not_workday``), or None."""
    if day in rules.closed_days:
        return "closed_day"
    if not is_open_for_booking(day, hours, calendar, rules):
        return "not_workday"
    return None


def count_windows(services_of_windows: Collection[Collection[str]], service: str) -> int:
    """How many windows list `service` among theirs."""
    return sum(1 for services in services_of_windows if service in services)
