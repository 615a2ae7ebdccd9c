"""Who a window calls next (SPEC §4.2).

The order, for a window that serves an ordered list of services:

1. green-channel tickets of the window's services, oldest first;
2. appointment tickets due now (checked in, within their slot), earliest slot first;
3. the rest: a ticket sent to this very window by a transfer first, then by
   the window's service order and queue time — except that a ticket that has
   waited longer than the hall's `max_wait` goes first whatever its service.

The function only looks at each queue's head, so a repository may hand it
just the heads (oldest green, oldest regular, due appointments per service)
instead of every waiting ticket; `tests/unit/test_policy.py` checks that the
two give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain.tickets import Ticket, TicketState
from core.domain.windows import Window


@dataclass(frozen=True)
class Rules:
    """The hall's calling settings."""

    max_wait: timedelta = timedelta(minutes=60)
    no_show_after_recalls: int = 2
    requeue_after: int = 3
    windows_per_staff: int = 1
    """How many windows one account may hold open at once."""


def eligible(window: Window, ticket: Ticket) -> bool:
    """A waiting ticket this window may call."""
    if ticket.state is not TicketState.WAITING:
        return False
    if ticket.target_window is not None:
        return ticket.target_window == window.number
    return window.serves(ticket.service)


def choose_next(
    window: Window, waiting: Iterable[Ticket], now: datetime, rules: Rules
) -> Ticket | None:
    """The ticket `window` should call now, or None when nobody waits for it."""
    candidates = [ticket for ticket in waiting if eligible(window, ticket)]
    if not candidates:
        return None

    def by_queue_time(ticket: Ticket) -> tuple[datetime, str]:
        return (ticket.queued_at, ticket.number)

    green = [ticket for ticket in candidates if ticket.green]
    if green:
        return min(green, key=by_queue_time)

    due = [ticket for ticket in candidates if ticket.appointment_due(now)]
    if due:
        return min(due, key=lambda ticket: (ticket.appointment_start, *by_queue_time(ticket)))

    starving = [ticket for ticket in candidates if ticket.waited(now) > rules.max_wait]
    if starving:
        return min(starving, key=by_queue_time)

    def by_window_order(ticket: Ticket) -> tuple[int, datetime, str]:
        rank = -1 if ticket.target_window is not None else window.services.index(ticket.service)
        return (rank, *by_queue_time(ticket))

    return min(candidates, key=by_window_order)


def position(ticket: Ticket, waiting: Iterable[Ticket]) -> int:
    """How many people are ahead of `ticket` in its own queue.

    Green-channel tickets are ahead of everyone else of the service; among
    equals the queue time decides. Other services sharing a window are not
    counted: the estimate accounts for them through service times.
    """

    def key(other: Ticket) -> tuple[bool, datetime, str]:
        return (not other.green, other.queued_at, other.number)

    mine = key(ticket)
    return sum(
        1
        for other in waiting
        if other.state is TicketState.WAITING
        and other.number != ticket.number
        and other.service == ticket.service
        and other.target_window == ticket.target_window
        and key(other) < mine
    )
