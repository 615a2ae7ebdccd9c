"""预约办税 use cases (SPEC §13): a service's slots of a day with their places left, and
booking one.

Bookings are commands of the hall like any other: under the hall's lock, one at a time,
so two taxpayers pressing for the last place of a slot cannot both get it.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import false, func, or_, select, update
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.db import Database
from core.adapters.repository import HallRepository
from core.domain.appointment_commands import (
    BookAppointment,
    CancelAppointment,
    ChangeAppointment,
    CloseBookingDay,
    OpenBookingDay,
)
from core.domain.appointments import (
    BookingRules,
    Quota,
    Slot,
    blocked_until,
    check_bookable,
    check_cancellable,
    closed_reason,
    count_windows,
    day_slots,
    find_slot,
)
from core.domain.continuity import Route, System, route_for
from core.domain.errors import Conflict, InvalidInput, NotFound
from core.domain.identity import validate_phone, validate_taxpayer_id
from core.domain.workdays import WorkdayCalendar
from core.halls import appointments_of, hours_of, quota_of
from core.services.context import Context, Outcome
from core.services.sms import SmsKind, queue_sms
from core.services.views import routing_of

TAKEN = ("booked", "checked_in", "no_show")
STATES = ("booked", "checked_in", "late", "no_show", "cancelled")
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
    on a closed day, or full; the booking's code goes to the phone by SMS."""
    hall, session = context.hall, context.uow.session
    service = context.service(command.service)
    needs_id = bool(quota(service).taxpayer_id)
    phone = validate_phone(command.phone)
    if needs_id and not command.taxpayer_id:
        raise InvalidInput("appointment.taxpayer_id", field="taxpayer_id")
    taxpayer_id = (
        validate_taxpayer_id(command.taxpayer_id, context.day.business_day).value
        if command.taxpayer_id
        else None
    )
    slot = _slot_to_book(context, service, command.start)
    _refuse_blocked(context, phone, taxpayer_id)
    _refuse_second(context, service.code, slot.start.date(), phone, taxpayer_id)
    if command.sms_code is not None:
        _use_code(context, command.sms_code)
    row = orm.Appointment(
        hall_id=hall.id,
        code=_new_code(session, hall),
        service=service.code,
        business_day=slot.start.date(),
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
    _text(context, row, service, "booked")
    return Outcome(booking_body(row, service, context.zone), 201)


def _slot_to_book(context: Context, service: orm.Service, start: datetime) -> Slot:
    """The slot of `service` starting at `start`, with a place left and bookable now."""
    hall = context.hall
    rules = appointments_of(hall.settings)
    start = start.astimezone(context.zone)
    check_bookable(start, context.now, context.zone, rules)
    closed = closed_reason(start.date(), hours_of(hall.settings), context.calendar, rules)
    if closed:
        raise Conflict(f"appointment.{closed}", day=start.date().isoformat())
    slots = slots_of(hall, service, context.windows, start.date(), context.calendar)
    slot = find_slot(slots, start)
    slot.take(booked(context.uow.session, hall, service.code, start.date()).get(slot.start, 0))
    return slot


def _same_taxpayer(phone: str | None, taxpayer_id: str | None) -> Any:
    """Bookings of the same phone, or of the same taxpayer ID when there is one."""
    same = [orm.Appointment.phone == phone] if phone else []
    if taxpayer_id:
        same.append(orm.Appointment.taxpayer_id == taxpayer_id)
    return or_(*same) if same else false()


def _refuse_blocked(context: Context, phone: str | None, taxpayer_id: str | None) -> None:
    """No booking for a taxpayer blocked for their no-shows; the block's end is said."""
    rules = appointments_of(context.hall.settings)
    since = context.now - timedelta(days=rules.no_show_days + rules.block_days)
    missed = context.uow.session.scalars(
        select(orm.Appointment.slot_start).where(
            orm.Appointment.hall_id == context.hall.id,
            orm.Appointment.state == "no_show",
            orm.Appointment.slot_start >= since,
            _same_taxpayer(phone, taxpayer_id),
        )
    ).all()
    until = blocked_until(list(missed), context.now, rules)
    if until is not None:
        raise Conflict(
            "appointment.blocked",
            count=rules.no_show_limit,
            until=until.astimezone(context.zone).date().isoformat(),
        )


def _refuse_second(
    context: Context,
    service: str,
    day: date,
    phone: str | None,
    taxpayer_id: str | None,
    *,
    besides: int | None = None,
) -> None:
    """One open booking per phone (or taxpayer ID) per service and day."""
    found = context.uow.session.scalar(
        select(orm.Appointment.code).where(
            orm.Appointment.hall_id == context.hall.id,
            orm.Appointment.service == service,
            orm.Appointment.business_day == day,
            orm.Appointment.state == "booked",
            orm.Appointment.id != (besides or 0),
            _same_taxpayer(phone, taxpayer_id),
        )
    )
    if found is not None:
        raise Conflict("appointment.duplicate", day=day.isoformat())


def _use_code(context: Context, code_id: int) -> None:
    """The SMS code proving the phone is spent by this booking (once: a second booking
    racing with the same code is refused)."""
    row = context.uow.session.get_one(orm.SmsCode, code_id)
    if row.used_at is not None:
        raise InvalidInput("sms_code.expired", field="sms_code")
    row.used_at = context.now


def find_booking(session: Session, hall: orm.Hall, code: str, phone: str) -> orm.Appointment:
    """The hall's booking with check-in `code`, when `phone` is the one it was booked with;
    otherwise it is not found (a wrong phone learns nothing about the code)."""
    row = session.scalars(
        select(orm.Appointment).where(
            orm.Appointment.hall_id == hall.id, orm.Appointment.code == code
        )
    ).first()
    if row is None or row.phone is None or not secrets.compare_digest(row.phone, phone):
        raise NotFound("appointment.unknown")
    return row


def _own_booking(context: Context, code: str, phone: str) -> orm.Appointment:
    """The booking `find_booking` finds, while it is still booked."""
    row = find_booking(context.uow.session, context.hall, code, phone)
    if row.state != "booked":
        raise Conflict(f"appointment.{row.state}", booking=code)
    return row


def cancel_appointment(command: CancelAppointment, context: Context) -> Outcome:
    """The taxpayer cancels: the place is free again."""
    row = _own_booking(context, command.code, command.phone)
    check_cancellable(row.slot_start, context.now, appointments_of(context.hall.settings))
    row.state, row.ended_at, row.note = "cancelled", context.now, "taxpayer"
    service = context.service(row.service)
    _text(context, row, service, "cancelled")
    return Outcome(booking_body(row, service, context.zone))


def change_appointment(command: ChangeAppointment, context: Context) -> Outcome:
    """The taxpayer moves the booking to another slot of the same service."""
    row = _own_booking(context, command.code, command.phone)
    service = context.service(row.service)
    if command.start.astimezone(context.zone) == row.slot_start.astimezone(context.zone):
        return Outcome(booking_body(row, service, context.zone))
    check_cancellable(row.slot_start, context.now, appointments_of(context.hall.settings))
    row.state = "moving"  # its own place does not count while the new one is taken
    context.uow.session.flush()
    slot = _slot_to_book(context, service, command.start)
    _refuse_second(
        context, service.code, slot.start.date(), row.phone, row.taxpayer_id, besides=row.id
    )
    row.state, row.business_day = "booked", slot.start.date()
    row.slot_start, row.slot_end = slot.start, slot.end
    _text(context, row, service, "changed")
    return Outcome(booking_body(row, service, context.zone))


def close_booking_day(command: CloseBookingDay, context: Context) -> Outcome:
    """Close a day for booking, with the reason; every booking of that day still open is
    cancelled by the hall and texted why (the only way the hall cancels a booking)."""
    reason = command.reason.strip()
    if not reason:
        raise InvalidInput("appointment.close_reason", field="reason")
    _set_closed(context, command.day, closed=True)
    rows = context.uow.session.scalars(
        select(orm.Appointment).where(
            orm.Appointment.hall_id == context.hall.id,
            orm.Appointment.business_day == command.day,
            orm.Appointment.state == "booked",
        )
    ).all()
    for row in rows:
        row.state, row.ended_at, row.note = "cancelled", context.now, f"hall: {reason}"
        _text(context, row, context.service(row.service), "closed", reason=reason)
    context.audited = {"target": command.day.isoformat(), "detail": {"reason": reason}}
    return Outcome({"day": command.day.isoformat(), "cancelled": len(rows)})


def open_booking_day(command: OpenBookingDay, context: Context) -> Outcome:
    """Take bookings on a closed day again."""
    _set_closed(context, command.day, closed=False)
    return Outcome({"day": command.day.isoformat(), "cancelled": 0})


def _set_closed(context: Context, day: date, *, closed: bool) -> None:
    """Add `day` to the hall's closed booking days, or take it out (the hall file's
    ``[hall.appointments] closed_days``: an export keeps it)."""
    settings = dict(context.hall.settings or {})
    booking = dict(settings.get("appointments", {}))
    days = set(booking.get("closed_days", []))
    if closed:
        days.add(day.isoformat())
    else:
        days.discard(day.isoformat())
    booking["closed_days"] = sorted(days)
    settings["appointments"] = booking
    context.hall.settings = settings


def mark_no_shows(db: Database, now: datetime) -> int:
    """Bookings not checked in by their slot's end plus the hall's grace are no-shows (the
    hub runs it with its day check). Returns how many."""
    marked = 0
    with db.writing() as session, session.begin():
        for hall in session.scalars(select(orm.Hall)):
            grace = appointments_of(hall.settings).late_grace
            result = session.execute(
                update(orm.Appointment)
                .where(
                    orm.Appointment.hall_id == hall.id,
                    orm.Appointment.state == "booked",
                    orm.Appointment.slot_end <= now - grace,
                )
                .values(state="no_show", ended_at=now)
                .execution_options(synchronize_session=False)
            )
            marked += int(result.rowcount)  # type: ignore[attr-defined]
    return marked


def send_reminders(db: Database, now: datetime) -> int:
    """Queue each open booking's reminders: the day before (for a booking made before that
    day) and an hour before its slot. They wait in the outbox through the hall's quiet
    hours (a reminder is no outage notice). The hub runs it with its day check; returns
    how many it queued."""
    queued = 0
    with db.writing() as session, session.begin():
        for hall in session.scalars(select(orm.Hall)):
            zone = ZoneInfo(hall.timezone)
            today = now.astimezone(zone).date()
            midnight = datetime.combine(today, datetime.min.time(), tzinfo=zone)
            names = {
                row.code: row.name_zh
                for row in session.scalars(
                    select(orm.Service).where(orm.Service.hall_id == hall.id)
                )
            }
            rows = session.scalars(
                select(orm.Appointment).where(
                    orm.Appointment.hall_id == hall.id,
                    orm.Appointment.state == "booked",
                    orm.Appointment.business_day.in_([today, today + timedelta(days=1)]),
                    orm.Appointment.slot_start > now,
                )
            ).all()
            for row in rows:
                hour = row.slot_start - timedelta(hours=1)
                if row.day_reminder_at is None and row.business_day > today:
                    row.day_reminder_at = now
                    if row.created_at < midnight:  # booked today: its confirmation was enough
                        queued += _remind(session, hall, row, names, "day_before", now)
                if row.hour_reminder_at is None and now >= hour:
                    row.hour_reminder_at = now
                    if row.created_at < hour:
                        queued += _remind(session, hall, row, names, "hour_before", now)
    return queued


def _remind(
    session: Session,
    hall: orm.Hall,
    row: orm.Appointment,
    names: dict[str, str],
    what: str,
    now: datetime,
) -> int:
    if not row.phone:
        return 0
    body = sms_body(hall, row, names.get(row.service, row.service), what)
    queue_sms(session, hall, row.phone, body, SmsKind.REMINDER, now)
    return 1


def notify_outage(context: Context, incident: orm.Incident) -> int:
    """An outage began: every booking of today not yet due past, of a business it
    affects, is texted what to do instead (the self-service area, or the emergency
    window's pre-review and a later backfill, or another time). Returns how many."""
    down = {System(system) for system in incident.systems}
    rows = context.uow.session.scalars(
        select(orm.Appointment).where(
            orm.Appointment.hall_id == context.hall.id,
            orm.Appointment.state == "booked",
            orm.Appointment.business_day == context.day.business_day,
            orm.Appointment.slot_end > context.now,
            orm.Appointment.outage_incident_id.is_(None),
        )
    ).all()
    texted = 0
    for row in rows:
        service = context.service(row.service)
        route = route_for(routing_of(service), down)
        if route is Route.NORMAL or not row.phone:
            continue
        row.outage_incident_id = incident.id
        _text(context, row, service, f"outage_{route.value}", incident=incident.id)
        texted += 1
    return texted


SMS_TEXTS = {
    "booked": "【{hall}】您已预约{day} {start}-{end}办理{service}，签到码{code}。请在预约时段内到取号机点“预约取号”输入签到码。",
    "changed": "【{hall}】您的预约已改为{day} {start}-{end}办理{service}，签到码{code}不变。",
    "cancelled": "【{hall}】您{day} {start}办理{service}的预约（签到码{code}）已取消。",
    "closed": "【{hall}】因{reason}，{day}暂停预约办税，您{start}办理{service}的预约（签到码{code}）已取消，请另行预约。给您带来不便，敬请谅解。",
    "day_before": "【{hall}】温馨提示：您已预约明天（{day}）{start}-{end}办理{service}，签到码{code}。请按时到厅，在取号机点“预约取号”签到。",
    "hour_before": "【{hall}】温馨提示：您预约的{service}将于{start}开始，签到码{code}。请按时到厅签到取号；如不能前来，请及时取消预约。",
    "outage_self_service": "【{hall}】因税务系统故障，您{day} {start}预约的{service}请到自助办税区办理，无需取号（签到码{code}）。也可改约其他时间。",
    "outage_emergency": "【{hall}】因税务系统故障，您{day} {start}预约的{service}暂时无法在窗口办结：到厅后凭签到码{code}取号，由应急窗口预审登记，系统恢复后补录办理；也可改约其他时间。",
}


def _text(
    context: Context,
    row: orm.Appointment,
    service: orm.Service,
    what: str,
    reason: str = "",
    incident: int | None = None,
) -> None:
    """The booking's SMS, in the outbox with it."""
    if not row.phone:
        return
    body = sms_body(context.hall, row, service.name_zh, what, reason)
    kind = SmsKind.OUTAGE if incident is not None else SmsKind.BOOKING
    session = context.uow.session
    queue_sms(session, context.hall, row.phone, body, kind, context.now, incident_id=incident)


def sms_body(
    hall: orm.Hall, row: orm.Appointment, service_name: str, what: str, reason: str = ""
) -> str:
    """The text `what` (a key of `SMS_TEXTS`) about booking `row`, in the hall's time."""
    zone = ZoneInfo(hall.timezone)
    start, end = row.slot_start.astimezone(zone), row.slot_end.astimezone(zone)
    return SMS_TEXTS[what].format(
        hall=hall.name_zh,
        day=f"{start.month}月{start.day}日",
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        service=service_name,
        code=row.code,
        reason=reason,
    )


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


def booking_body(row: orm.Appointment, service: orm.Service, zone: ZoneInfo) -> dict[str, Any]:
    """A booking as its taxpayer sees it."""
    return {
        "code": row.code,
        "service": row.service,
        "service_name": service.name_zh,
        "service_name_en": service.name_en,
        "day": row.business_day.isoformat(),
        "start": row.slot_start.astimezone(zone).isoformat(),
        "end": row.slot_end.astimezone(zone).isoformat(),
        "state": row.state,
        "channel": row.channel,
    }


def day_board(
    session: Session,
    hall: orm.Hall,
    day: date,
    calendar: WorkdayCalendar,
) -> dict[str, Any]:
    """A day's bookings for the console: per service its slots with the places taken, every
    booking (the phone whole: leaders call the taxpayers), and the counts per state."""
    zone, rules = ZoneInfo(hall.timezone), appointments_of(hall.settings)
    halls = HallRepository(session)
    services, windows = halls.services(hall), halls.window_rows(hall)
    rows = session.scalars(
        select(orm.Appointment)
        .where(orm.Appointment.hall_id == hall.id, orm.Appointment.business_day == day)
        .order_by(orm.Appointment.slot_start, orm.Appointment.id)
    ).all()
    by_code = {service.code: service for service in services}
    lines = []
    for service in services:
        if quota_of(service.settings or {}) is None:
            continue
        taken = booked(session, hall, service.code, day)
        lines.append(
            {
                "code": service.code,
                "name": service.name_zh,
                "name_en": service.name_en,
                "slots": [
                    {
                        "start": slot.start.isoformat(),
                        "end": slot.end.isoformat(),
                        "places": slot.places,
                        "taken": taken.get(slot.start, 0),
                    }
                    for slot in slots_of(hall, service, windows, day, calendar)
                ],
            }
        )
    counts = {state: 0 for state in STATES}
    bookings = []
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
        if row.service in by_code:
            body = booking_body(row, by_code[row.service], zone)
            bookings.append({**body, "phone": row.phone})
    return {
        "day": day.isoformat(),
        "closed": closed_reason(day, hours_of(hall.settings), calendar, rules),
        "services": lines,
        "bookings": bookings,
        "counts": counts,
    }


def history(
    session: Session,
    hall: orm.Hall,
    now: datetime,
    *,
    phone: str | None = None,
    taxpayer_id: str | None = None,
) -> dict[str, Any]:
    """A taxpayer's bookings (by phone or taxpayer ID), newest first, and until when their
    no-shows block booking (None: they may book)."""
    zone, rules = ZoneInfo(hall.timezone), appointments_of(hall.settings)
    rows = session.scalars(
        select(orm.Appointment)
        .where(orm.Appointment.hall_id == hall.id, _same_taxpayer(phone, taxpayer_id))
        .order_by(orm.Appointment.slot_start.desc())
        .limit(200)
    ).all()
    services = {
        service.code: service
        for service in session.scalars(select(orm.Service).where(orm.Service.hall_id == hall.id))
    }
    missed = [row.slot_start for row in rows if row.state == "no_show"]
    until = blocked_until(missed, now, rules)
    return {
        "bookings": [
            booking_body(row, services[row.service], zone)
            for row in rows
            if row.service in services
        ],
        "blocked_until": until.astimezone(zone).date().isoformat() if until else None,
    }
