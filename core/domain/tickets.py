"""Tickets (号票) and their life in a queue (SPEC §4.1).

A ticket is one visit: a number of its service's prefix and the day's
sequence, issued once and never reused that day. Its state changes only
through the methods below, each of which checks the transition and records a
`TicketChange` for the append-only event log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.domain.errors import Conflict, InvalidInput


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"
    EXPIRED = "expired"


OPEN_STATES = frozenset({TicketState.WAITING, TicketState.CALLED, TicketState.SERVING})
"""States a ticket can still leave during the day; at day end these expire."""


class Channel(StrEnum):
    KIOSK = "kiosk"
    GUIDE = "guide"
    PAPER = "paper"
    APPOINTMENT = "appointment"
    TRANSFER = "transfer"


def format_number(prefix: str, sequence: int) -> str:
    """`A` and 12 → ``A012``; past 999 the number simply grows (``A1000``)."""
    if len(prefix) != 1 or not prefix.isalpha() or not prefix.isupper():
        raise InvalidInput("service.prefix", field="prefix", prefix=prefix)
    if sequence < 1:
        raise InvalidInput("ticket.sequence", field="sequence", sequence=sequence)
    return f"{prefix}{sequence:03d}"


def parse_number(number: str) -> tuple[str, int]:
    """``A012`` → (``A``, 12); refuses anything that is not a letter and digits."""
    text = number.strip().upper()
    digits = text[1:]
    if len(text) < 2 or not text[0].isalpha() or not digits.isdigit() or not text.isascii():
        raise InvalidInput("ticket.number", field="number", number=number)
    return text[0], int(digits)


def normalise_number(text: str) -> str:
    """What staff type (``a12``, `` A012 ``) → the ticket's number (``A012``)."""
    prefix, sequence = parse_number(text)
    return format_number(prefix, sequence)


@dataclass(frozen=True)
class TicketChange:
    """One row of a ticket's append-only history: what happened, where, when."""

    kind: str
    from_state: TicketState | None
    to_state: TicketState
    at: datetime
    window: int | None = None
    detail: dict[str, object] = field(default_factory=dict)


@dataclass
class Ticket:
    """One visit in a queue. Mutate only through the transition methods."""

    number: str
    service: str
    business_day: date
    channel: Channel
    issued_at: datetime
    queued_at: datetime
    state: TicketState = TicketState.WAITING
    green: bool = False
    window: int | None = None
    target_window: int | None = None
    recalls: int = 0
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    appointment_start: datetime | None = None
    appointment_end: datetime | None = None
    id: int | None = None
    changes: list[TicketChange] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def issue(
        cls,
        *,
        number: str,
        service: str,
        business_day: date,
        channel: Channel,
        now: datetime,
        green: bool = False,
        appointment: tuple[datetime, datetime] | None = None,
    ) -> Ticket:
        """A new waiting ticket, queued at its issue time."""
        ticket = cls(
            number=number,
            service=service,
            business_day=business_day,
            channel=channel,
            issued_at=now,
            queued_at=now,
            green=green,
            appointment_start=appointment[0] if appointment else None,
            appointment_end=appointment[1] if appointment else None,
        )
        # The service and channel at issue, for the reports: a transfer changes both.
        at_issue: dict[str, object] = {"service": service, "channel": channel.value}
        ticket.changes.append(
            TicketChange("issued", None, TicketState.WAITING, now, None, at_issue)
        )
        return ticket

    def _move(
        self,
        kind: str,
        allowed_from: frozenset[TicketState],
        to_state: TicketState,
        now: datetime,
        *,
        window: int | None = None,
        **detail: object,
    ) -> None:
        if self.state not in allowed_from:
            raise Conflict(
                "ticket.invalid_transition", number=self.number, state=str(self.state), action=kind
            )
        where = window if window is not None else self.window
        change = TicketChange(kind, self.state, to_state, now, where, dict(detail))
        self.state = to_state
        self.changes.append(change)

    def call(self, window: int, now: datetime, *, by_hand: bool = False) -> None:
        """A window calls this ticket: call next, or call specific — which may also
        call a no-show whose holder came back to the window.

        `by_hand`: a call made by voice while the hub was down, entered when it is
        back; recorded as ``called_by_hand``, history that is never announced again
        nor shown as a recent call.
        """
        self._move(
            "called_by_hand" if by_hand else "called",
            frozenset({TicketState.WAITING, TicketState.NO_SHOW}),
            TicketState.CALLED,
            now,
            window=window,
        )
        self.window = window
        self.called_at = now
        self.recalls = 0

    def recall(self, now: datetime) -> None:
        """Announce again (重呼); the ticket stays called at the same window."""
        self._move("recalled", frozenset({TicketState.CALLED}), TicketState.CALLED, now)
        self.recalls += 1

    def mark_no_show(self, now: datetime, *, recalls_required: int) -> None:
        """过号: allowed once the window has recalled `recalls_required` times."""
        if self.state is TicketState.CALLED and self.recalls < recalls_required:
            raise Conflict(
                "ticket.recalls_required",
                number=self.number,
                recalls=self.recalls,
                required=recalls_required,
            )
        self._move("no_show", frozenset({TicketState.CALLED}), TicketState.NO_SHOW, now)
        self.window = None

    def start(self, now: datetime) -> None:
        """The taxpayer has arrived at the window; service begins."""
        self._move("started", frozenset({TicketState.CALLED}), TicketState.SERVING, now)
        self.started_at = now

    def finish(self, now: datetime) -> None:
        """Service is complete."""
        self._move("finished", frozenset({TicketState.SERVING}), TicketState.DONE, now)
        self.finished_at = now

    def transfer(
        self, now: datetime, *, to_service: str | None = None, to_window: int | None = None
    ) -> None:
        """Send the taxpayer on with the same number and original issue time.

        The history records ``serving → transferred``; the ticket then waits
        again, in `to_service`'s queue or for window `to_window` only.
        """
        if (to_service is None) == (to_window is None):
            raise InvalidInput("transfer.target", field="target")
        from_window = self.window
        self._move(
            "transferred",
            frozenset({TicketState.SERVING}),
            TicketState.TRANSFERRED,
            now,
            to_service=to_service,
            to_window=to_window,
        )
        if to_service is not None:
            self.service = to_service
        self.target_window = to_window
        self.window = None
        self.queued_at = self.issued_at
        self.called_at = self.started_at = None
        self.recalls = 0
        self.channel = Channel.TRANSFER
        self.changes.append(
            TicketChange(
                "requeued",
                TicketState.TRANSFERRED,
                TicketState.WAITING,
                now,
                None,
                {"from_window": from_window},
            )
        )
        self.state = TicketState.WAITING

    def reroute(self, now: datetime, *, to_service: str) -> None:
        """An outage sends a waiting ticket to another service's queue (the emergency
        window's): same number, same place in the queue (its queue time is kept)."""
        from_service = self.service
        self._move(
            "rerouted",
            frozenset({TicketState.WAITING}),
            TicketState.WAITING,
            now,
            from_service=from_service,
            to_service=to_service,
        )
        self.service = to_service
        self.target_window = None

    def requeue(self, now: datetime, *, queued_at: datetime) -> None:
        """过号重排: a no-show comes back and waits again from `queued_at`."""
        self._move("requeued", frozenset({TicketState.NO_SHOW}), TicketState.WAITING, now)
        self.queued_at = queued_at
        self.recalls = 0

    def release(self, now: datetime, *, queued_at: datetime) -> None:
        """Its window was released by a leader: the ticket waits again from `queued_at`
        (the head of its queue), for any window of its service (or its target window)."""
        self._move(
            "released",
            frozenset({TicketState.CALLED, TicketState.SERVING}),
            TicketState.WAITING,
            now,
        )
        self.window = None
        self.queued_at = queued_at
        self.called_at = self.started_at = None
        self.recalls = 0

    def cancel(self, now: datetime) -> None:
        """The taxpayer gives up before being called."""
        self._move("cancelled", frozenset({TicketState.WAITING}), TicketState.CANCELLED, now)

    def expire(self, now: datetime) -> None:
        """Day end: whatever is still open is closed."""
        self._move("expired", OPEN_STATES | {TicketState.NO_SHOW}, TicketState.EXPIRED, now)
        self.window = None

    def appointment_due(self, now: datetime) -> bool:
        """True while an appointment ticket is within its booked slot."""
        if self.appointment_start is None or self.appointment_end is None:
            return False
        return self.appointment_start <= now <= self.appointment_end

    def waited(self, now: datetime) -> timedelta:
        """How long the ticket has been in its current queue."""
        return now - self.queued_at


def requeue_position(waiting_queued_at: list[datetime], behind: int, now: datetime) -> datetime:
    """Where a returning no-show re-enters: just behind the `behind`-th waiting person.

    `waiting_queued_at` are the queue times of the people waiting in that queue.
    With fewer than `behind` people waiting, the ticket simply joins the end.
    """
    ordered = sorted(waiting_queued_at)
    if behind <= 0:
        return ordered[0] - timedelta(microseconds=1) if ordered else now
    if len(ordered) < behind:
        return now
    return ordered[behind - 1] + timedelta(microseconds=1)
