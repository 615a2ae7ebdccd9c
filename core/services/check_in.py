"""预约取号 (SPEC §13): a booked taxpayer checks in at a kiosk or the guide desk, and the
booking becomes a ticket — issued (and printed) as any ticket is, with its booked slot.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from core.adapters import orm
from core.domain.appointment_commands import CheckInAppointment
from core.domain.appointments import on_time
from core.domain.commands import IssueTicket
from core.domain.errors import Conflict, InvalidInput, NotFound
from core.domain.identity import validate_phone
from core.domain.tickets import Channel
from core.halls import appointments_of
from core.services.appointments import booking_body
from core.services.context import Context, Outcome
from core.services.tickets import issue_ticket


def check_in(command: CheckInAppointment, context: Context) -> Outcome:
    """预约取号: the booking becomes a ticket of the appointment channel, called first within
    its slot; too early is refused, saying from when; late (past the slot's end and the
    grace, a no-show already, the same day) gets an ordinary ticket, and says so."""
    row = _booking_to_check_in(context, command)
    today = context.day.business_day
    if row.business_day < today:
        raise Conflict("appointment.no_show", booking=row.code)
    # A no-show already (marked after the grace) who came the same day after all is late.
    late = row.state == "no_show" or not on_time(
        row.slot_start.astimezone(context.zone),
        row.slot_end.astimezone(context.zone),
        context.now,
        appointments_of(context.hall.settings),
    )
    outcome = issue_ticket(
        IssueTicket(
            hall=command.hall,
            actor=command.actor,
            service=row.service,
            channel=command.channel if late else Channel.APPOINTMENT,
            phone=row.phone,
            taxpayer_id=row.taxpayer_id,
            device=command.device,
            print_ticket=command.print_ticket,
            appointment=None if late else (row.slot_start, row.slot_end),
        ),
        context,
    )
    ticket = context.uow.session.scalars(
        select(orm.Ticket).where(
            orm.Ticket.hall_id == context.hall.id,
            orm.Ticket.business_day == today,
            orm.Ticket.number == outcome.body["number"],
        )
    ).one()
    row.state, row.ended_at, row.ticket_id = (
        ("late" if late else "checked_in"),
        context.now,
        ticket.id,
    )
    service = context.service(row.service)
    body = {**outcome.body, "booking": {**booking_body(row, service, context.zone), "late": late}}
    return Outcome(body, 201)


def _booking_to_check_in(context: Context, command: CheckInAppointment) -> orm.Appointment:
    """The booking a check-in names: by its code, or by phone and the ID's last four."""
    where = [orm.Appointment.hall_id == context.hall.id]
    if command.code:
        where.append(orm.Appointment.code == command.code.strip())
    elif command.phone and command.id_last4:
        phone = validate_phone(command.phone)
        last4 = command.id_last4.strip().upper()
        if not re.fullmatch(r"[0-9A-Z]{4}", last4):
            raise InvalidInput("appointment.id_last4", field="id_last4")
        where += [
            orm.Appointment.phone == phone,
            orm.Appointment.business_day == context.day.business_day,
            orm.Appointment.taxpayer_id.like(f"%{last4}"),
        ]
    else:
        raise InvalidInput("appointment.check_in", field="code")
    rows = context.uow.session.scalars(
        select(orm.Appointment).where(*where).order_by(orm.Appointment.slot_start)
    ).all()
    if not rows:
        raise NotFound("appointment.not_found")
    open_rows = [row for row in rows if row.state in ("booked", "no_show")]
    if not open_rows:
        raise Conflict(f"appointment.{rows[0].state}", booking=rows[0].code)
    return open_rows[0]
