"""Use cases of a window: open, close, pause, resume, call, recall, serve, transfer."""

from __future__ import annotations

from sqlalchemy import select

from core.adapters import orm
from core.adapters.repository import window_from_row
from core.domain import commands as cmd
from core.domain.errors import Conflict, InvalidInput, NotFound
from core.domain.events import TicketCalled, TicketChanged
from core.domain.policy import choose_next
from core.domain.tickets import (
    Channel,
    Ticket,
    TicketState,
    normalise_number,
    requeue_position,
)
from core.domain.windows import Window, WindowState, require_may_hold
from core.services import ratings
from core.services.context import Context, Outcome
from core.services.tickets import ticket_body
from core.services.views import record_service_time


def called(ticket: Ticket, window: int, *, recall: bool) -> TicketCalled:
    """The call of `ticket` to `window`, marked green-channel or booked as the ticket is."""
    return TicketCalled(
        ticket.number,
        window,
        ticket.service,
        recall=recall,
        green=ticket.green,
        booked=ticket.channel is Channel.APPOINTMENT,
    )


def _window(command: cmd.WindowCommand, context: Context) -> tuple[orm.Window, Window]:
    row, window = context.window(command.window)
    window.require_staff(command.staff)
    return row, window


def _current(context: Context, window: Window) -> Ticket:
    if window.current is None:
        raise Conflict("window.no_ticket", window=window.number)
    return context.uow.tickets.by_number(context.hall, context.day.business_day, window.current)


def _finish(
    context: Context,
    command: cmd.WindowCommand,
    row: orm.Window,
    window: Window,
    ticket: Ticket | None = None,
) -> Outcome:
    """Store what changed, record the queue summary (it holds every window's state and
    current ticket, so screens need no event of their own for the window), answer the
    window's state."""
    uow = context.uow
    uow.halls.save_window(row, window, context.now)
    if ticket is not None:
        uow.tickets.save(ticket, context.seq, command.actor)
    context.record(context.summary())
    body: dict[str, object] = {"window": window.number, "state": window.state.value}
    body["ticket"] = ticket_body(context, uow.tickets.row(ticket)) if ticket else None
    return Outcome(body)


def open_window(command: cmd.OpenWindow, context: Context) -> Outcome:
    """Open for the staff member asking, who may hold only so many windows at once."""
    row, window = context.window(command.window)
    others = [window_from_row(other) for other in context.windows]
    require_may_hold(command.staff, command.window, others, context.rules.windows_per_staff)
    window.open(command.staff)
    return _finish(context, command, row, window)


DEDICATION_ENDS = ("today", "undone")


def dedicate_window(command: cmd.DedicateWindow, context: Context) -> Outcome:
    """A leader turns an open window into a dedicated one (专窗) for a rush: it calls only
    the services given, in their order, from its next call; its current ticket stays."""
    if command.until not in DEDICATION_ENDS:
        raise InvalidInput("dedication.until", field="until", choice=command.until)
    if not command.services or len(set(command.services)) != len(command.services):
        raise InvalidInput("window.service_twice", field="services")
    row, window = context.window(command.window)
    for code in command.services:
        context.service(code)  # an active service of the hall
    if window.state is WindowState.CLOSED:
        raise Conflict("window.closed", window=window.number)
    row.dedicated = list(command.services)
    row.dedicated_until = context.day.business_day if command.until == "today" else None
    return _configured(context, row)


def end_dedication(command: cmd.EndDedication, context: Context) -> Outcome:
    """The window calls its own services again."""
    row, _ = context.window(command.window)
    if row.dedicated is None:
        raise Conflict("window.not_dedicated", window=row.number)
    row.dedicated = row.dedicated_until = None
    return _configured(context, row)


def _configured(context: Context, row: orm.Window) -> Outcome:
    context.record(context.summary())
    return Outcome(
        {
            "window": row.number,
            "services": row.serving,
            "dedicated": row.dedicated is not None,
            "until": row.dedicated_until.isoformat() if row.dedicated_until else None,
        }
    )


def open_window_for(command: cmd.OpenWindowFor, context: Context) -> Outcome:
    """A leader opens a window for a clerk, who may hold only so many windows at once."""
    staff = context.uow.session.scalars(
        select(orm.Staff).where(orm.Staff.username == command.staff)
    ).one_or_none()
    if staff is None or not staff.active or staff.hall_id not in (None, context.hall.id):
        raise NotFound("staff.unknown", username=command.staff)
    row, window = context.window(command.window)
    others = [window_from_row(other) for other in context.windows]
    require_may_hold(command.staff, command.window, others, context.rules.windows_per_staff)
    window.open(command.staff)
    context.uow.halls.save_window(row, window, context.now)
    context.record(context.summary())
    return Outcome({"window": window.number, "state": window.state.value, "staff": window.staff})


def pause_service_windows(command: cmd.PauseServiceWindows, context: Context) -> Outcome:
    """Every open window calling the service pauses (or every paused one resumes): a
    service that cannot be done for a while (its system is slow, its clerks are needed
    elsewhere) stops being called without closing a window."""
    context.service(command.service)
    changed = []
    for row in context.windows:
        window = window_from_row(row)
        if command.service not in window.services:
            continue
        if command.resume and window.state is WindowState.PAUSED:
            window.resume()
        elif not command.resume and window.state is WindowState.OPEN:
            window.pause()
        else:
            continue
        context.uow.halls.save_window(row, window, context.now)
        changed.append(window.number)
    if changed:
        context.record(context.summary())
    return Outcome({"service": command.service, "windows": changed})


RELEASE_CHOICES = ("requeue", "finish")


def release_window(command: cmd.ReleaseWindow, context: Context) -> Outcome:
    """A leader closes a window its clerk left open. Its current ticket goes back to
    the head of its queue, or is finished, as the leader chooses."""
    if command.ticket not in RELEASE_CHOICES:
        raise InvalidInput("release.ticket", field="ticket", choice=command.ticket)
    uow, hall, day = context.uow, context.hall, context.day.business_day
    row, window = context.window(command.window)
    ticket = _current(context, window) if window.current is not None else None
    window.release()
    uow.halls.save_window(row, window, context.now)
    if ticket is not None:
        if command.ticket == "requeue":
            waiting = [other.queued_at for other in uow.tickets.waiting(hall, day, ticket.service)]
            ticket.release(context.now, queued_at=requeue_position(waiting, 0, context.now))
        else:
            if ticket.state is TicketState.CALLED:
                ticket.start(context.now)
            ticket.finish(context.now)
        uow.tickets.save(ticket, context.seq, command.actor)
        context.record(TicketChanged(ticket.number, ticket.service, ticket.state.value, None))
    context.record(context.summary())
    body = {"window": window.number, "state": window.state.value}
    return Outcome(
        {**body, "ticket": ticket_body(context, uow.tickets.row(ticket)) if ticket else None}
    )


def close_window(command: cmd.CloseWindow, context: Context) -> Outcome:
    """Close; the window must not hold a ticket."""
    row, window = _window(command, context)
    window.close()
    return _finish(context, command, row, window)


def pause_window(command: cmd.PauseWindow, context: Context) -> Outcome:
    """Stop receiving calls."""
    row, window = _window(command, context)
    window.pause()
    return _finish(context, command, row, window)


def resume_window(command: cmd.ResumeWindow, context: Context) -> Outcome:
    """Receive calls again."""
    row, window = _window(command, context)
    window.resume()
    return _finish(context, command, row, window)


def _call(
    context: Context, command: cmd.WindowCommand, row: orm.Window, window: Window, ticket: Ticket
) -> Outcome:
    ticket.call(window.number, context.now)
    window.current = ticket.number
    context.record(called(ticket, window.number, recall=False))
    return _finish(context, command, row, window, ticket)


def call_next(command: cmd.CallNext, context: Context) -> Outcome:
    """Call whoever the policy puts first for this window; 204 when nobody waits."""
    row, window = _window(command, context)
    window.require_open()
    window.require_free()
    # Per queue the window takes from (its services, the tickets sent to it): the
    # oldest green ticket, the oldest regular one and the appointments due now.
    heads = context.uow.tickets.still_waiting(
        context.hall,
        context.day.business_day,
        context.queue.heads(window.services, window.number, context.now),
    )
    ticket = choose_next(window, heads, context.now, context.rules)
    if ticket is None:
        return Outcome({}, 204)
    return _call(context, command, row, window, ticket)


def call_specific(command: cmd.CallSpecific, context: Context) -> Outcome:
    """Call a given waiting number: a paper ticket, or a no-show who came back."""
    row, window = _window(command, context)
    window.require_open()
    window.require_free()
    ticket = context.uow.tickets.by_number(
        context.hall, context.day.business_day, normalise_number(command.number)
    )
    return _call(context, command, row, window, ticket)


def recall(command: cmd.Recall, context: Context) -> Outcome:
    """Announce the current ticket again."""
    row, window = _window(command, context)
    ticket = _current(context, window)
    ticket.recall(context.now)
    context.record(called(ticket, window.number, recall=True))
    return _finish(context, command, row, window, ticket)


def _changed(
    context: Context, command: cmd.WindowCommand, row: orm.Window, window: Window, ticket: Ticket
) -> Outcome:
    context.record(TicketChanged(ticket.number, ticket.service, ticket.state.value, window.number))
    return _finish(context, command, row, window, ticket)


def mark_no_show(command: cmd.MarkNoShow, context: Context) -> Outcome:
    """过号: allowed after the hall's number of recalls."""
    row, window = _window(command, context)
    ticket = _current(context, window)
    ticket.mark_no_show(context.now, recalls_required=context.rules.no_show_after_recalls)
    window.current = None
    return _changed(context, command, row, window, ticket)


def start_service(command: cmd.StartService, context: Context) -> Outcome:
    """The called taxpayer is at the window."""
    row, window = _window(command, context)
    ticket = _current(context, window)
    ticket.start(context.now)
    return _changed(context, command, row, window, ticket)


def finish_service(command: cmd.FinishService, context: Context) -> Outcome:
    """Service complete; the window is free for the next call."""
    row, window = _window(command, context)
    ticket = _current(context, window)
    ticket.finish(context.now)
    if ticket.started_at is not None:
        service = context.service(ticket.service)
        record_service_time(service, context.now - ticket.started_at)
    window.current = None
    ratings.served(context, ticket, window.number, command.staff)
    return _changed(context, command, row, window, ticket)


RECONCILE_OUTCOMES = ("served", "no_show", "at_window")


def reconcile_call(command: cmd.ReconcileCall, context: Context) -> Outcome:
    """A number this window called by hand while the hub was down: what became of it."""
    if command.outcome not in RECONCILE_OUTCOMES:
        raise InvalidInput("reconcile.outcome", field="outcome", outcome=command.outcome)
    row, window = _window(command, context)
    if command.outcome == "at_window":
        window.require_open()
        window.require_free()
    ticket = context.uow.tickets.by_number(
        context.hall, context.day.business_day, normalise_number(command.number)
    )
    ticket.call(window.number, context.now, by_hand=True)
    if command.outcome == "served":
        ticket.start(context.now)
        ticket.finish(context.now)
    elif command.outcome == "no_show":
        ticket.mark_no_show(context.now, recalls_required=0)
    else:
        window.current = ticket.number
    return _changed(context, command, row, window, ticket)


def transfer(command: cmd.TransferTicket, context: Context) -> Outcome:
    """Send the taxpayer to another service or window, keeping number and issue time."""
    row, window = _window(command, context)
    ticket = _current(context, window)
    if command.to_service is not None:
        context.service(command.to_service)
    if command.to_window is not None:
        if command.to_window == window.number:
            raise InvalidInput("transfer.same_window", field="to_window")
        context.window(command.to_window)
    served_as = ticket.service
    ticket.transfer(context.now, to_service=command.to_service, to_window=command.to_window)
    window.current = None
    ratings.served(context, ticket, window.number, command.staff, service=served_as)
    context.record(TicketChanged(ticket.number, ticket.service, TicketState.WAITING.value, None))
    return _finish(context, command, row, window, ticket)
