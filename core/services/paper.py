"""Paper tickets (纸质号票): registered at the guide desk as they are handed out, so the
windows call them in order with the rest; their numbers are reserved for the day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.adapters import orm
from core.domain.continuity import PaperRange, check_paper_range
from core.domain.continuity_commands import RegisterPaperTickets
from core.domain.events import TicketIssued
from core.domain.tickets import Channel, Ticket, format_number, parse_number
from core.services.context import Context, Outcome
from core.services.tickets import new_token


def register_paper_tickets(command: RegisterPaperTickets, context: Context) -> Outcome:
    """Register C051–C060 (or one number): each becomes a waiting ticket, in order."""
    uow, hall, day = context.uow, context.hall, context.day.business_day
    service = context.service(command.service)
    candidate = PaperRange(command.first, command.last)
    issued = [
        parse_number(number)[1]
        for number in uow.session.scalars(
            select(orm.Ticket.number).where(
                orm.Ticket.hall_id == hall.id,
                orm.Ticket.business_day == day,
                orm.Ticket.service == service.code,
            )
        )
        if number.startswith(service.prefix)
    ]
    registered = context.queue.paper.get(service.code, [])
    check_paper_range(candidate, issued, registered, service.prefix)
    uow.tickets.reserve_paper_range(
        hall,
        service.code,
        day,
        candidate,
        registered_by=command.actor,
        registered_at=context.now,
    )
    numbers = []
    for offset, sequence in enumerate(range(candidate.first, candidate.last + 1)):
        ticket = Ticket.issue(
            number=format_number(service.prefix, sequence),
            service=service.code,
            business_day=day,
            channel=Channel.PAPER,
            now=context.now,
        )
        # Handed out in order: keep that order in the queue, a microsecond apart.
        ticket.queued_at = ticket.issued_at = context.now + timedelta(microseconds=offset)
        uow.tickets.add(
            hall, ticket, token=new_token(), issued_by=command.actor, print_state="paper"
        )
        uow.tickets.save(ticket, context.seq, command.actor)
        context.record(TicketIssued(ticket.number, service.code, Channel.PAPER.value, False, 0, 0))
        numbers.append(ticket.number)
    context.record(context.summary())
    return Outcome({"service": service.code, "numbers": numbers}, 201)
