"""The hall's queue of the day, in memory: who waits in which queue, which tickets are
at a window.

Screens receive a summary of it after every command, and each new ticket learns
how many people are ahead. Counted in memory these cost microseconds; counted in
the database they were most of a command's time. The unit of work keeps a hall's
`Queue` in step with every ticket it stores; the command bus rebuilds it from the
database whenever it could be out of step (see `core.services.bus`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from core.domain.tickets import Ticket, TicketState

IN_HAND = frozenset({TicketState.CALLED, TicketState.SERVING})


@dataclass(frozen=True)
class Queued:
    """A waiting ticket, as much of it as its place in the queue needs."""

    id: int
    service: str
    target_window: int | None
    green: bool
    queued_at: datetime

    def same_queue(self, other: Queued) -> bool:
        """A ticket sent to a window queues with the others sent there; the rest queue
        per service."""
        if self.target_window is not None:
            return other.target_window == self.target_window
        return other.target_window is None and other.service == self.service

    def ahead_of(self, other: Queued) -> bool:
        """Called before `other` in its queue: green channel first, then the queue time
        (then the order of issue, for tickets queued in the same instant)."""
        earlier = (self.queued_at, self.id) < (other.queued_at, other.id)
        return (self.green and earlier) if other.green else (self.green or earlier)


@dataclass
class Queue:
    """One business day of one hall: the waiting tickets, and the called or served ones
    by number."""

    business_day: date
    waiting: dict[int, Queued] = field(default_factory=dict)
    in_hand: dict[str, TicketState] = field(default_factory=dict)

    def track(self, ticket: Ticket) -> None:
        """Take in a ticket's new state (tickets of other days are not in this queue)."""
        if ticket.business_day != self.business_day or ticket.id is None:
            return
        self.waiting.pop(ticket.id, None)
        self.in_hand.pop(ticket.number, None)
        if ticket.state is TicketState.WAITING:
            self.waiting[ticket.id] = Queued(
                ticket.id, ticket.service, ticket.target_window, ticket.green, ticket.queued_at
            )
        elif ticket.state in IN_HAND:
            self.in_hand[ticket.number] = ticket.state

    def waiting_by_service(self) -> dict[str, tuple[int, datetime]]:
        """Per service: how many wait, and since when the longest has waited."""
        counts: dict[str, tuple[int, datetime]] = {}
        for queued in self.waiting.values():
            count, oldest = counts.get(queued.service, (0, queued.queued_at))
            counts[queued.service] = (count + 1, min(oldest, queued.queued_at))
        return counts

    def ahead(self, ticket_id: int) -> int:
        """People ahead of a ticket in its own queue; 0 once it no longer waits."""
        mine = self.waiting.get(ticket_id)
        if mine is None:
            return 0
        return sum(
            1
            for other in self.waiting.values()
            if other.id != ticket_id and mine.same_queue(other) and other.ahead_of(mine)
        )
