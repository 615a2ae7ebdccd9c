"""The hall's queue of the day, in memory: who waits in which queue, which tickets are
at a window.

Screens receive a summary of it after every command, and each new ticket learns
how many people are ahead. Counted in memory these cost microseconds; counted in
the database they were most of a command's time. The unit of work keeps a hall's
`Queue` in step with every ticket it stores; the command bus keeps it from one
command to the next and says when it is trusted (see `core.services.bus`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass, field
from datetime import date, datetime

from core.domain.continuity import PaperRange
from core.domain.tickets import Ticket, TicketState

IN_HAND = frozenset({TicketState.CALLED, TicketState.SERVING})


def slot(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime] | None:
    """An appointment's booked slot, if the ticket has one."""
    return (start, end) if start and end else None


@dataclass(frozen=True)
class Queued:
    """A waiting ticket, as much of it as its place in the queue needs."""

    id: int
    service: str
    target_window: int | None
    green: bool
    queued_at: datetime
    appointment: tuple[datetime, datetime] | None = None
    """The booked slot of an appointment ticket (start, end)."""

    @property
    def line(self) -> tuple[str, int | str]:
        """Which queue it stands in: a ticket sent to a window queues with the others
        sent there; the rest queue per service."""
        if self.target_window is not None:
            return ("window", self.target_window)
        return ("service", self.service)

    @property
    def place(self) -> tuple[datetime, int]:
        """Its order among equals: the queue time, then the order of issue."""
        return (self.queued_at, self.id)


def _remove(places: list[tuple[datetime, int]], place: tuple[datetime, int]) -> None:
    """Take `place` out of a sorted list of places (each is unique: it holds the
    ticket's id) by bisection; `list.remove` compared it with every place before it,
    a millisecond with a few thousand waiting."""
    del places[bisect_left(places, place)]


@dataclass
class Line:
    """One queue's waiting tickets in the order they are called: the green channel
    first, each part by queue time (lists kept sorted, so a place is a bisection)."""

    green: list[tuple[datetime, int]] = field(default_factory=list)
    regular: list[tuple[datetime, int]] = field(default_factory=list)
    booked: dict[int, Queued] = field(default_factory=dict)
    """The appointment tickets among them."""

    def part(self, queued: Queued) -> list[tuple[datetime, int]]:
        return self.green if queued.green else self.regular

    def ahead(self, queued: Queued, now: datetime | None = None) -> int:
        """People called before `queued`: earlier green tickets; for any other ticket
        every green one, then the appointments due at `now` (a booked visit within its
        slot goes next, earliest slot first), then the earlier regular ones."""
        before = bisect_left(self.part(queued), queued.place)
        if queued.green:
            return before
        due = self.due(now) if now is not None else []
        if queued in due:
            mine = (queued.appointment, queued.place)
            return len(self.green) + sum(
                1 for other in due if (other.appointment, other.place) < mine
            )
        return len(self.green) + before + sum(1 for other in due if other.place > queued.place)

    def due(self, now: datetime) -> list[Queued]:
        """The appointment tickets within their slot at `now`."""
        return [
            queued
            for queued in self.booked.values()
            if queued.appointment and queued.appointment[0] <= now <= queued.appointment[1]
        ]

    def heads(self, now: datetime) -> list[int]:
        """The tickets a window may call first from this queue: the oldest green one, the
        oldest regular one, and the (first five) appointments due at `now`."""
        firsts = [part[0][1] for part in (self.green, self.regular) if part]
        due = sorted(
            (queued.appointment[0], queued.place, queued.id)
            for queued in self.booked.values()
            if queued.appointment and queued.appointment[0] <= now <= queued.appointment[1]
        )
        return firsts + [ticket_id for _start, _place, ticket_id in due[:5]]


@dataclass
class Queue:
    """One business day of one hall: the waiting tickets, and the called or served ones
    by number. Kept with them, for the summary and estimates: each queue's order and
    each service's waiting tickets by queue time."""

    business_day: date
    waiting: dict[int, Queued] = field(default_factory=dict)
    in_hand: dict[str, TicketState] = field(default_factory=dict)
    paper: dict[str, list[PaperRange]] = field(default_factory=dict)
    """Per service, the paper ticket ranges registered: numbers the kiosks skip."""
    lines: dict[tuple[str, int | str], Line] = field(default_factory=dict, compare=False)
    by_service: dict[str, list[tuple[datetime, int]]] = field(default_factory=dict, compare=False)

    def track(self, ticket: Ticket) -> None:
        """Take in a ticket's new state (tickets of other days are not in this queue)."""
        if ticket.business_day != self.business_day or ticket.id is None:
            return
        queued = Queued(
            ticket.id,
            ticket.service,
            ticket.target_window,
            ticket.green,
            ticket.queued_at,
            slot(ticket.appointment_start, ticket.appointment_end),
        )
        self.take(queued, ticket.number, ticket.state)

    def take(self, queued: Queued, number: str, state: TicketState) -> None:
        """A ticket of the day is now in `state`: waiting in its queue, at a window, or
        neither."""
        self._leave(queued.id)
        self.in_hand.pop(number, None)
        if state is TicketState.WAITING:
            self._join(queued)
        elif state in IN_HAND:
            self.in_hand[number] = state

    def _join(self, queued: Queued) -> None:
        self.waiting[queued.id] = queued
        line = self.lines.setdefault(queued.line, Line())
        insort(line.part(queued), queued.place)
        if queued.appointment:
            line.booked[queued.id] = queued
        insort(self.by_service.setdefault(queued.service, []), queued.place)

    def _leave(self, ticket_id: int) -> None:
        queued = self.waiting.pop(ticket_id, None)
        if queued is None:
            return
        line = self.lines[queued.line]
        _remove(line.part(queued), queued.place)
        line.booked.pop(ticket_id, None)
        _remove(self.by_service[queued.service], queued.place)

    def waiting_by_service(self) -> dict[str, tuple[int, datetime]]:
        """Per service: how many wait, and since when the longest has waited."""
        return {
            service: (len(places), places[0][0])
            for service, places in self.by_service.items()
            if places
        }

    def heads(self, services: tuple[str, ...], window: int, now: datetime) -> list[int]:
        """The tickets `window` may call first (see `Line.heads`): from the tickets sent
        to it, and from each of its services' queues."""
        keys = [("window", window), *(("service", service) for service in services)]
        return [
            ticket_id
            for key in keys
            if key in self.lines
            for ticket_id in self.lines[key].heads(now)
        ]

    def ahead(self, ticket_id: int, now: datetime | None = None) -> int:
        """People ahead of a ticket in its own queue at `now` (appointments due then go
        first); 0 once it no longer waits."""
        mine = self.waiting.get(ticket_id)
        return 0 if mine is None else self.lines[mine.line].ahead(mine, now)
