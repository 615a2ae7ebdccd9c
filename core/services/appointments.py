"""预约办税 use cases (SPEC §13): a service's slots of a day with their places left, and
booking one.

Bookings are commands of the hall like any other: under the hall's lock, one at a time,
so two taxpayers pressing for the last place of a slot cannot both get it.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.appointment_commands import BookAppointment
from core.domain.appointments import (
    BookingRules,
    Quota,
    Slot,
    check_bookable,
    closed_reason,
    count_windows,
    day_slots,
    find_slot,
)
from core.domain.errors import Conflict, InvalidInput
from core.domain.identity import validate_phone, validate_taxpayer_id
from core.domain.workdays import WorkdayCalendar
from core.halls import appointments_of, hours_of, quota_of
from core.services.context import Context, Outcome

TAKEN = ("booked", "checked_in", "no_show")
"""The states that hold a place of their slot (a cancelled booking gives it back)."""


def quota(service: orm.Service) -> Quota:
    """The service's booking quota; a service nobody may book is refused."""
    found = quota_of(service.settings or {})
    if found is None:
        raise InvalidInput("appointment.not_bookable", field="service", service=service.code)
    return found


def slots_of(
    hall: orm.Hall,
    service: orm.Service,
    windows: list[orm.Window],
    day: date,
    calendar: WorkdayCalendar,
) -> list[Slot]:
    """The slots of `service` on `day`, with their places."""
    return day_slots(
        day,
        ZoneInfo(hall.timezone),
        hours_of(hall.settings),
        calendar,
        appointments_of(hall.settings),
        quota(service),
        count_windows([window.services for window in windows], service.code),
    )


def booked(session: Session, hall: orm.Hall, service: str, day: date) -> dict[datetime, int]:
    """Places taken per slot start of `service` on `day`."""
    rows = session.execute(
        select(orm.Appointment.slot_start, func.count())
        .where(
            orm.Appointment.hall_id == hall.id,
            orm.Appointment.service == service,
            orm.Appointment.business_day == day,
            orm.Appointment.state.in_(TAKEN),
        )
        .group_by(orm.Appointment.slot_start)
    )
    return {start: count for start, count in rows}


def day_view(
    session: Session,
    hall: orm.Hall,
    service: orm.Service,
    windows: list[orm.Window],
    day: date,
    now: datetime,
    calendar: WorkdayCalendar,
) -> dict[str, Any]:
    """What the booking page shows of a day: each slot with its places left, and whether
    it may still be booked now; or why the day has none."""
    zone, rules = ZoneInfo(hall.timezone), appointments_of(hall.settings)
    taken = booked(session, hall, service.code, day)
    slots = []
    for slot in slots_of(hall, service, windows, day, calendar):
        left = max(slot.places - taken.get(slot.start, 0), 0)
        slots.append(
            {
                "start": slot.start.isoformat(),
                "end": slot.end.isoformat(),
                "places": slot.places,
                "left": left,
                "bookable": left > 0 and _bookable(slot.start, now, zone, rules),
            }
        )
    return {
        "service": service.code,
        "day": day.isoformat(),
        "closed": closed_reason(day, hours_of(hall.settings), calendar, rules),
        "slots": slots,
    }


def _bookable(start: datetime, now: datetime, zone: ZoneInfo, rules: BookingRules) -> bool:
    try:
        check_bookable(start, now, zone, rules)
    except InvalidInput:
        return False
    return True


def book_appointment(command: BookAppointment, context: Context) -> Outcome:
    """Book a place of one slot: refused when the slot is past, too soon, too far ahead,
    on a closed day, or full."""
    hall, session = context.hall, context.uow.session
    service = context.service(command.service)
    rules = appointments_of(hall.settings)
    start = command.start.astimezone(context.zone)
    day = start.date()
    check_bookable(start, context.now, context.zone, rules)
    closed = closed_reason(day, hours_of(hall.settings), context.calendar, rules)
    if closed:
        raise Conflict(f"appointment.{closed}", day=day.isoformat())
    slot = find_slot(slots_of(hall, service, context.windows, day, context.calendar), start)
    phone = validate_phone(command.phone)
    taxpayer_id = (
        validate_taxpayer_id(command.taxpayer_id, context.day.business_day).value
        if command.taxpayer_id
        else None
    )
    slot.take(booked(session, hall, service.code, day).get(slot.start, 0))
    row = orm.Appointment(
        hall_id=hall.id,
        code=_new_code(session, hall),
        service=service.code,
        business_day=day,
        slot_start=slot.start,
        slot_end=slot.end,
        state="booked",
        channel=command.channel,
        phone=phone,
        taxpayer_id=taxpayer_id,
        created_at=context.now,
        note="",
    )
    session.add(row)
    session.flush()
    return Outcome(booking_body(row, context.zone), 201)


def _new_code(session: Session, hall: orm.Hall) -> str:
    """Six random digits no booking of the hall has had."""
    for _ in range(50):
        code = f"{secrets.randbelow(1_000_000):06d}"
        taken = session.scalar(
            select(orm.Appointment.id).where(
                orm.Appointment.hall_id == hall.id, orm.Appointment.code == code
            )
        )
        if taken is None:
            return code
    raise Conflict("appointment.no_code")


def booking_body(row: orm.Appointment, zone: ZoneInfo) -> dict[str, Any]:
    """A booking as its taxpayer sees it."""
    return {
        "id": row.id,
        "code": row.code,
        "service": row.service,
        "day": row.business_day.isoformat(),
        "start": row.slot_start.astimezone(zone).isoformat(),
        "end": row.slot_end.astimezone(zone).isoformat(),
        "state": row.state,
    }
