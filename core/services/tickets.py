"""Use cases of tickets: issue, requeue a no-show, cancel, expire at day end."""

from __future__ import annotations

import secrets
from typing import Any

from core.adapters import orm
from core.adapters.repository import window_from_row
from core.domain.commands import CancelTicket, CheckDay, IssueTicket, RequeueTicket
from core.domain.continuity import Mode, Route, route_for
from core.domain.errors import Conflict, Forbidden
from core.domain.events import TicketChanged, TicketIssued
from core.domain.identity import validate_phone, validate_taxpayer_id
from core.domain.tickets import Channel, Ticket, format_number, normalise_number, requeue_position
from core.domain.windows import WindowState
from core.halls import green_prefix_of
from core.services.context import SYSTEM_ACTOR, Context, Outcome
from core.services.printing import NOT_PRINTED, print_state_on, printer_of, queue_print_job
from core.services.views import routing_of, ticket_view


def new_token() -> str:
    """An opaque status-page token: 128 random bits, unrelated to the number."""
    return secrets.token_urlsafe(16)


def ticket_body(context: Context, row: orm.Ticket) -> dict[str, Any]:
    """The API's view of a ticket, computed inside the command's transaction."""
    ahead, minutes = context.estimate(row)
    return ticket_view(row, ahead, minutes)


GREEN_COUNTER = "!green"
"""The number counter of the green channel (no service code starts with "!")."""


def issue_ticket(command: IssueTicket, context: Context) -> Outcome:
    """Issue the next number of a service; refuse outside issuing hours."""
    uow, hall = context.uow, context.hall
    service = context.service(command.service)
    if not context.day.issuing:
        raise Conflict("hall.not_issuing", status=context.day.status.value)
    if hall.mode == Mode.PAPER and command.channel is Channel.KIOSK:
        raise Conflict("hall.paper_mode")
    route = route_for(routing_of(service), context.down)
    requested = None
    if route is Route.SELF_SERVICE:
        raise Conflict("route.self_service", service=service.name_zh)
    if route is Route.EMERGENCY:
        requested, service = service.code, emergency_service(context)
    phone = validate_phone(command.phone) if command.phone else None
    taxpayer_id = (
        validate_taxpayer_id(command.taxpayer_id, context.day.business_day).value
        if command.taxpayer_id
        else None
    )
    day = context.day.business_day
    printing = command.print_ticket and hall.mode != Mode.PAPER
    printer = printer_of(context, command.device) if printing else None
    if command.green:
        # The green channel's own numbers (V001…), one count a day for all its tickets.
        prefix = green_prefix_of(hall.settings or {})
        sequence = uow.tickets.next_sequence(hall, GREEN_COUNTER, day)
    else:
        prefix, sequence = service.prefix, uow.tickets.next_sequence(hall, service.code, day)
    ticket = Ticket.issue(
        number=format_number(prefix, sequence),
        service=service.code,
        business_day=day,
        channel=command.channel,
        now=context.now,
        green=command.green,
        appointment=command.appointment,
    )
    row = uow.tickets.add(
        hall,
        ticket,
        token=new_token(),
        phone=phone,
        taxpayer_id=taxpayer_id,
        issued_by=command.actor,
        requested_service=requested,
        print_state=print_state_on(printer) if printer is not None else NOT_PRINTED,
    )
    uow.tickets.save(ticket, context.seq, command.actor)
    body = ticket_body(context, row)
    body["route"], body["requested_service"] = route.value, requested
    where = emergency_notice(context) if route is Route.EMERGENCY else None
    body["notice"] = " / ".join(where) if where else None  # the ticket's printed line
    body["notice_zh"] = where[0] if where else None
    body["notice_en"] = where[1] if where else None
    if printer is not None:
        queue_print_job(context, row, service, body, printer)
    context.record(
        TicketIssued(
            number=ticket.number,
            service=ticket.service,
            channel=ticket.channel.value,
            green=ticket.green,
            ahead=body["ahead"],
            estimated_wait_min=body["estimated_wait_min"],
        ),
        context.summary(),
    )
    return Outcome(body, 201)


def emergency_service(context: Context) -> orm.Service:
    """The service the emergency windows (应急专窗) take during an outage."""
    for service in context.services:
        if (service.settings or {}).get("emergency"):
            return service
    raise Conflict("route.no_emergency_window")


def emergency_notice(context: Context) -> tuple[str, str]:
    """Where to go (Chinese, English), printed on the ticket and shown on the kiosk."""
    windows = [row.number for row in context.windows if row.emergency]
    if not windows:
        return "请到应急窗口", "Please go to the emergency window"
    numbers = "、".join(str(number) for number in windows)
    plural = "s" if len(windows) > 1 else ""
    return (
        f"请到 {numbers} 号应急窗口",
        f"Please go to emergency window{plural} {', '.join(map(str, windows))}",
    )


def requeue_ticket(command: RequeueTicket, context: Context) -> Outcome:
    """过号重排: the holder of a no-show ticket is back; queue them behind N people."""
    uow, hall, day = context.uow, context.hall, context.day.business_day
    ticket = uow.tickets.by_number(hall, day, normalise_number(command.number))
    waiting = [other.queued_at for other in uow.tickets.waiting(hall, day, ticket.service)]
    ticket.requeue(
        context.now,
        queued_at=requeue_position(waiting, context.rules.requeue_after, context.now),
    )
    uow.tickets.save(ticket, context.seq, command.actor)
    context.record(
        TicketChanged(ticket.number, ticket.service, ticket.state.value, None),
        context.summary(),
    )
    return Outcome(ticket_body(context, uow.tickets.row(ticket)))


def cancel_ticket(command: CancelTicket, context: Context) -> Outcome:
    """A waiting taxpayer gives up their number."""
    uow, hall = context.uow, context.hall
    ticket = uow.tickets.by_number(hall, context.day.business_day, normalise_number(command.number))
    if command.only_for_window_of is not None:
        # A clerk cancels only a ticket waiting for their own window; the guide desk
        # and leaders cancel any.
        held = ticket.target_window is not None and (
            context.window(ticket.target_window)[0].staff == command.only_for_window_of
        )
        if not held:
            raise Forbidden("ticket.cancel_not_yours", number=ticket.number)
    ticket.cancel(context.now)
    uow.tickets.save(ticket, context.seq, command.actor)
    context.record(
        TicketChanged(ticket.number, ticket.service, ticket.state.value, None),
        context.summary(),
    )
    return Outcome(ticket_body(context, uow.tickets.row(ticket)))


def roll_over_day(context: Context) -> None:
    """Before any command of a new business day: yesterday's open tickets expire.

    Windows left open overnight close too; their staff open them again. Doing
    this inside the first command of the day (and from the hub's periodic
    check) means no ticket of the new day exists before the old ones expire.
    """
    uow, hall, today = context.uow, context.hall, context.day.business_day
    if hall.business_day == today:
        return
    for ticket in uow.tickets.open_before(hall, today):
        ticket.expire(context.now)
        uow.tickets.save(ticket, context.seq, SYSTEM_ACTOR)
    for row in context.windows:
        window = window_from_row(row)
        if window.state is not WindowState.CLOSED:
            window.release()
            uow.halls.save_window(row, window, context.now)
        if row.dedicated_until is not None and row.dedicated_until < today:
            row.dedicated = row.dedicated_until = None  # a dedication for that day only
    hall.business_day = today
    context.record(context.summary())


def check_day(command: CheckDay, context: Context) -> Outcome:
    """Nothing beyond the roll-over the bus already ran; answers the business day."""
    return Outcome({"business_day": context.day.business_day.isoformat()})
