"""Tickets (SPEC §4.1, §4.2): the state machine, numbers, transfer and requeue positions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.errors import Conflict, InvalidInput
from core.domain.tickets import (
    Channel,
    Ticket,
    TicketState,
    format_number,
    normalise_number,
    parse_number,
    requeue_position,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUED = datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
NOW = ISSUED + timedelta(minutes=20)
S = TicketState


def a_ticket(state: TicketState = S.WAITING, **fields: object) -> Ticket:
    """A filing ticket C007 in `state`, issued at 09:30; `fields` override the rest."""
    values: dict[str, object] = {
        "number": "C007",
        "service": "filing",
        "business_day": date(2026, 11, 23),
        "channel": Channel.KIOSK,
        "issued_at": ISSUED,
        "queued_at": ISSUED,
        "state": state,
        **fields,
    }
    if state in (S.CALLED, S.SERVING) and "window" not in fields:
        values["window"] = 3
    return Ticket(**values)  # type: ignore[arg-type]


# What each action does from each state, written out from SPEC §4.1/§4.2 rather than
# derived from the code: the state reached, or absent when the action is refused.
# (mark_no_show is given recalls_required=0 here; the recall rule has its own tests.)
ACTIONS: dict[str, Callable[[Ticket], None]] = {
    "call": lambda ticket: ticket.call(5, NOW),
    "recall": lambda ticket: ticket.recall(NOW),
    "no_show": lambda ticket: ticket.mark_no_show(NOW, recalls_required=0),
    "start": lambda ticket: ticket.start(NOW),
    "finish": lambda ticket: ticket.finish(NOW),
    "transfer": lambda ticket: ticket.transfer(NOW, to_service="invoice"),
    "requeue": lambda ticket: ticket.requeue(NOW, queued_at=NOW),
    "cancel": lambda ticket: ticket.cancel(NOW),
    "release": lambda ticket: ticket.release(NOW, queued_at=ISSUED),
    "expire": lambda ticket: ticket.expire(NOW),
}
ALLOWED: dict[tuple[TicketState, str], TicketState] = {
    (S.WAITING, "call"): S.CALLED,
    (S.NO_SHOW, "call"): S.CALLED,  # call specific: the taxpayer came back to the window
    (S.CALLED, "recall"): S.CALLED,
    (S.CALLED, "no_show"): S.NO_SHOW,
    (S.CALLED, "start"): S.SERVING,
    (S.SERVING, "finish"): S.DONE,
    (S.SERVING, "transfer"): S.WAITING,  # through transferred, in the history
    (S.NO_SHOW, "requeue"): S.WAITING,
    (S.WAITING, "cancel"): S.CANCELLED,
    (S.CALLED, "release"): S.WAITING,  # a leader released its window
    (S.SERVING, "release"): S.WAITING,
    (S.WAITING, "expire"): S.EXPIRED,
    (S.CALLED, "expire"): S.EXPIRED,
    (S.SERVING, "expire"): S.EXPIRED,
    (S.NO_SHOW, "expire"): S.EXPIRED,
}
EVERY_PAIR = [(state, action) for state in TicketState for action in ACTIONS]


@pytest.mark.parametrize(
    ("state", "action"),
    [pair for pair in EVERY_PAIR if pair in ALLOWED],
    ids=lambda value: str(value),
)
def test_an_allowed_transition_moves_and_is_recorded(state: TicketState, action: str) -> None:
    # GIVEN a ticket in `state` with an empty history
    ticket = a_ticket(state)
    # WHEN the action is applied
    ACTIONS[action](ticket)
    # THEN it reaches the state the spec names, and the history starts from where it was
    assert ticket.state is ALLOWED[(state, action)]
    assert ticket.changes, "no history row recorded"
    assert ticket.changes[0].from_state is state
    assert ticket.changes[-1].to_state is ticket.state
    assert all(change.at == NOW for change in ticket.changes)


@pytest.mark.parametrize(
    ("state", "action"),
    [pair for pair in EVERY_PAIR if pair not in ALLOWED],
    ids=lambda value: str(value),
)
def test_a_refused_transition_raises_and_changes_nothing(state: TicketState, action: str) -> None:
    # GIVEN a ticket in `state`
    ticket = a_ticket(state)
    before = (ticket.state, ticket.window, ticket.service, ticket.queued_at, ticket.recalls)
    # WHEN an action the spec does not allow from there is tried
    with pytest.raises(Conflict) as refused:
        ACTIONS[action](ticket)
    # THEN it is refused as an invalid transition, and neither the ticket nor its history moved
    assert refused.value.code == "ticket.invalid_transition"
    assert refused.value.params["state"] == state.value
    assert (ticket.state, ticket.window, ticket.service, ticket.queued_at, ticket.recalls) == before
    assert ticket.changes == []


def test_issue_starts_waiting_at_the_issue_time_with_one_history_row() -> None:
    # GIVEN / WHEN a green-channel ticket is issued at the kiosk
    ticket = Ticket.issue(
        number="A001",
        service="registration",
        business_day=date(2026, 11, 23),
        channel=Channel.KIOSK,
        now=ISSUED,
        green=True,
    )
    # THEN it waits, queued at its issue time, with an "issued" row from nowhere to waiting
    assert (ticket.state, ticket.issued_at, ticket.queued_at, ticket.green) == (
        S.WAITING,
        ISSUED,
        ISSUED,
        True,
    )
    assert [(c.kind, c.from_state, c.to_state) for c in ticket.changes] == [
        ("issued", None, S.WAITING)
    ]


def test_call_recall_and_start_keep_the_window_and_count_recalls() -> None:
    # GIVEN a waiting ticket
    ticket = a_ticket()
    # WHEN window 5 calls it, recalls it twice and starts serving
    ticket.call(5, NOW)
    ticket.recall(NOW + timedelta(seconds=30))
    ticket.recall(NOW + timedelta(seconds=60))
    ticket.start(NOW + timedelta(seconds=90))
    # THEN every row names window 5, the recalls are counted, the times are kept
    assert [(c.kind, c.window) for c in ticket.changes] == [
        ("called", 5),
        ("recalled", 5),
        ("recalled", 5),
        ("started", 5),
    ]
    assert (ticket.window, ticket.recalls, ticket.called_at, ticket.started_at) == (
        5,
        2,
        NOW,
        NOW + timedelta(seconds=90),
    )


def test_no_show_needs_the_halls_number_of_recalls() -> None:
    # GIVEN a ticket called and recalled once, in a hall that wants two recalls
    ticket = a_ticket()
    ticket.call(5, NOW)
    ticket.recall(NOW)
    # WHEN the clerk marks it a no-show
    with pytest.raises(Conflict) as early:
        ticket.mark_no_show(NOW, recalls_required=2)
    # THEN refused with the recall rule; after the second recall it is allowed and frees the window
    assert (early.value.code, early.value.params["recalls"], ticket.state) == (
        "ticket.recalls_required",
        1,
        S.CALLED,
    )
    ticket.recall(NOW)
    ticket.mark_no_show(NOW, recalls_required=2)
    assert (ticket.state, ticket.window) == (S.NO_SHOW, None)


def test_calling_a_returning_no_show_starts_its_recall_count_afresh() -> None:
    # GIVEN a no-show that had been recalled twice
    ticket = a_ticket()
    ticket.call(5, NOW)
    ticket.recall(NOW)
    ticket.recall(NOW)
    ticket.mark_no_show(NOW, recalls_required=2)
    # WHEN window 2 calls it by number
    ticket.call(2, NOW + timedelta(minutes=5))
    # THEN it is called at window 2 with no recalls yet, so no immediate no-show
    assert (ticket.state, ticket.window, ticket.recalls) == (S.CALLED, 2, 0)
    with pytest.raises(Conflict):
        ticket.mark_no_show(NOW, recalls_required=2)


def test_transfer_to_a_service_keeps_number_and_issue_time_and_records_both_steps() -> None:
    # GIVEN C007 (green channel) being served at window 3; it had been requeued to 09:45
    ticket = a_ticket(S.SERVING, green=True, queued_at=ISSUED + timedelta(minutes=15), recalls=1)
    ticket.called_at = ticket.started_at = NOW
    # WHEN window 3 transfers it to registration
    ticket.transfer(NOW, to_service="registration")
    # THEN same number, original issue time as its queue time, waiting in registration
    assert (ticket.number, ticket.issued_at, ticket.queued_at) == ("C007", ISSUED, ISSUED)
    assert (ticket.state, ticket.service, ticket.target_window) == (S.WAITING, "registration", None)
    assert (ticket.window, ticket.called_at, ticket.started_at, ticket.recalls) == (
        None,
        None,
        None,
        0,
    )
    assert (ticket.channel, ticket.green) == (Channel.TRANSFER, True)
    # AND the history says serving → transferred, then transferred → waiting, from window 3
    assert [(c.kind, c.from_state, c.to_state, c.window) for c in ticket.changes] == [
        ("transferred", S.SERVING, S.TRANSFERRED, 3),
        ("requeued", S.TRANSFERRED, S.WAITING, None),
    ]
    assert ticket.changes[0].detail == {"to_service": "registration", "to_window": None}
    assert ticket.changes[1].detail == {"from_window": 3}


def test_transfer_to_a_window_targets_that_window_and_keeps_the_service() -> None:
    # GIVEN C007 being served at window 3
    ticket = a_ticket(S.SERVING)
    # WHEN it is sent to window 6
    ticket.transfer(NOW, to_window=6)
    # THEN it waits for window 6 only, still a filing ticket
    assert (ticket.state, ticket.target_window, ticket.service) == (S.WAITING, 6, "filing")
    assert ticket.changes[0].detail == {"to_service": None, "to_window": 6}


@pytest.mark.parametrize(
    "target", [{}, {"to_service": "invoice", "to_window": 6}], ids=["neither", "both"]
)
def test_transfer_needs_exactly_one_target(target: dict[str, object]) -> None:
    # GIVEN a ticket being served
    ticket = a_ticket(S.SERVING)
    # WHEN the transfer names no target, or two
    with pytest.raises(InvalidInput) as refused:
        ticket.transfer(NOW, **target)  # type: ignore[arg-type]
    # THEN it is refused as bad input, and the taxpayer is still being served
    assert (refused.value.code, refused.value.field) == ("transfer.target", "target")
    assert (ticket.state, ticket.window, ticket.changes) == (S.SERVING, 3, [])


def test_requeue_sets_the_new_queue_time_and_keeps_the_issue_time() -> None:
    # GIVEN a no-show
    ticket = a_ticket(S.NO_SHOW, recalls=2)
    later = NOW + timedelta(minutes=3)
    # WHEN it is requeued to a later position
    ticket.requeue(NOW, queued_at=later)
    # THEN it waits from there, with its recalls forgotten and its issue time intact
    assert (ticket.state, ticket.queued_at, ticket.issued_at, ticket.recalls) == (
        S.WAITING,
        later,
        ISSUED,
        0,
    )


def test_expiry_releases_the_window() -> None:
    # GIVEN a ticket still called at window 3 at day end
    ticket = a_ticket(S.CALLED)
    # WHEN the day ends
    ticket.expire(NOW)
    # THEN it expires and no window holds it
    assert (ticket.state, ticket.window) == (S.EXPIRED, None)


def test_an_appointment_is_due_within_its_slot_bounds_included() -> None:
    # GIVEN a ticket booked for 10:00–10:30 and a walk-in ticket
    start = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    booked = a_ticket(appointment_start=start, appointment_end=start + timedelta(minutes=30))
    walk_in = a_ticket()
    one = timedelta(microseconds=1)
    # WHEN / THEN due from the first to the last instant of the slot, not outside; walk-ins never
    assert [
        booked.appointment_due(moment)
        for moment in (
            start - one,
            start,
            start + timedelta(minutes=30),
            start + timedelta(minutes=30) + one,
        )
    ] == [False, True, True, False]
    assert not walk_in.appointment_due(start)


def test_waited_counts_from_the_queue_time() -> None:
    # GIVEN a ticket queued at 09:45 (after a requeue), issued at 09:30
    ticket = a_ticket(queued_at=ISSUED + timedelta(minutes=15))
    # WHEN / THEN at 09:50 it has waited 5 minutes in its current queue
    assert ticket.waited(NOW) == timedelta(minutes=5)


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "sequence", "number"),
    [
        ("A", 1, "A001"),
        ("C", 12, "C012"),
        ("A", 999, "A999"),
        ("A", 1000, "A1000"),
        ("Z", 12345, "Z12345"),
    ],
)
def test_format_number_pads_to_three_digits_then_grows(
    prefix: str, sequence: int, number: str
) -> None:
    # GIVEN a prefix and a daily sequence WHEN formatted THEN three digits, more past 999
    assert format_number(prefix, sequence) == number


@pytest.mark.parametrize(
    ("prefix", "sequence", "code"),
    [
        ("a", 1, "service.prefix"),
        ("AB", 1, "service.prefix"),
        ("", 1, "service.prefix"),
        ("1", 1, "service.prefix"),
        ("A", 0, "ticket.sequence"),
        ("A", -3, "ticket.sequence"),
    ],
)
def test_format_number_refuses_bad_prefixes_and_sequences(
    prefix: str, sequence: int, code: str
) -> None:
    # GIVEN a lower-case, long, empty or digit prefix, or a sequence below 1
    # WHEN formatted THEN refused with the rule's code
    with pytest.raises(InvalidInput) as refused:
        format_number(prefix, sequence)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("A012", ("A", 12)),
        ("a12", ("A", 12)),
        ("  c051 ", ("C", 51)),
        ("A1000", ("A", 1000)),
        ("b0007", ("B", 7)),
    ],
)
def test_parse_number_reads_what_staff_type(typed: str, parsed: tuple[str, int]) -> None:
    # GIVEN what a clerk types WHEN parsed THEN the prefix letter (upper case) and the sequence
    assert parse_number(typed) == parsed


@pytest.mark.parametrize(
    "typed", ["", "A", "12", "AB12", "A-1", "A 12", "A1.5", "Ａ012", "A０１２", "A¹²", "号012"]
)
def test_parse_number_refuses_anything_but_a_letter_and_ascii_digits(typed: str) -> None:
    # GIVEN empty text, a bare letter or digits, two letters, signs, spaces, full-width or CJK
    # WHEN parsed THEN refused as a bad ticket number
    with pytest.raises(InvalidInput) as refused:
        parse_number(typed)
    assert (refused.value.code, refused.value.field) == ("ticket.number", "number")


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("a12", "A012"),
        (" A012 ", "A012"),
        ("c0051", "C051"),
        ("a1000", "A1000"),
        ("A01000", "A1000"),
    ],
)
def test_normalise_number(typed: str, number: str) -> None:
    # GIVEN what staff type WHEN normalised THEN the ticket's printed number
    assert normalise_number(typed) == number


def test_normalise_number_refuses_sequence_zero() -> None:
    # GIVEN "A000", which no ticket ever carries WHEN normalised THEN refused
    with pytest.raises(InvalidInput) as refused:
        normalise_number("A000")
    assert refused.value.code == "ticket.sequence"


@given(
    prefix=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    sequence=st.integers(min_value=1, max_value=20_000),
)
def test_numbers_round_trip(prefix: str, sequence: int) -> None:
    # GIVEN any A–Z prefix and daily sequence
    number = format_number(prefix, sequence)
    # WHEN the number is parsed back, or typed in lower case without the padding
    # THEN the same prefix, sequence and number come back
    assert parse_number(number) == (prefix, sequence)
    assert normalise_number(f"{prefix.lower()}{sequence}") == number
    assert len(number) == 1 + max(3, len(str(sequence)))


# --- requeue position (过号重排) ---------------------------------------------------------


def at(minute: int) -> datetime:
    return ISSUED + timedelta(minutes=minute)


def test_requeue_with_fewer_people_than_n_joins_the_end() -> None:
    # GIVEN two people waiting and a hall that requeues behind three
    # WHEN a no-show comes back at 09:50
    position = requeue_position([at(5), at(1)], 3, NOW)
    # THEN it queues from now, behind both
    assert position == NOW


def test_requeue_with_exactly_n_people_goes_behind_the_nth() -> None:
    # GIVEN exactly three people waiting (given out of order)
    waiting = [at(7), at(2), at(4)]
    # WHEN a no-show returns and the hall says behind three
    position = requeue_position(waiting, 3, NOW)
    # THEN it is right behind the third: all three are ahead of it
    assert at(7) < position < NOW
    assert sum(queued < position for queued in waiting) == 3


def test_requeue_behind_n_leaves_later_people_behind_it() -> None:
    # GIVEN five people waiting
    waiting = [at(1), at(2), at(3), at(4), at(5)]
    # WHEN a no-show returns, to go behind three
    position = requeue_position(waiting, 3, NOW)
    # THEN exactly three are ahead and two behind
    assert sum(queued < position for queued in waiting) == 3
    assert sum(queued > position for queued in waiting) == 2


def test_requeue_never_cuts_into_people_tied_with_the_nth() -> None:
    # GIVEN four people, two of whom were queued at the same instant as the second
    waiting = [at(1), at(2), at(2), at(6)]
    # WHEN a no-show returns, to go behind two
    position = requeue_position(waiting, 2, NOW)
    # THEN it goes behind both tied people (it never jumps someone tied with the Nth), before 09:36
    assert sum(queued < position for queued in waiting) == 3
    assert position < at(6)


def test_requeue_behind_zero_goes_first() -> None:
    # GIVEN people waiting and a hall that puts returning no-shows first
    waiting = [at(3), at(1)]
    # WHEN one returns THEN it is ahead of everyone; with nobody waiting, it queues from now
    assert requeue_position(waiting, 0, NOW) < at(1)
    assert requeue_position([], 0, NOW) == NOW


@given(
    offsets=st.lists(st.integers(min_value=0, max_value=600_000_000), max_size=12),
    behind=st.integers(min_value=1, max_value=8),
)
def test_requeue_position_property(offsets: list[int], behind: int) -> None:
    # GIVEN any queue (microsecond queue times, ties allowed) and any N ≥ 1
    waiting = [ISSUED + timedelta(microseconds=offset) for offset in offsets]
    now = ISSUED + timedelta(seconds=700)
    # WHEN a no-show is requeued
    position = requeue_position(waiting, behind, now)
    # THEN with fewer than N waiting it joins the end; otherwise exactly those up to the Nth
    # (and any tied with the Nth) are ahead of it, and nobody later than the Nth is
    if len(waiting) < behind:
        assert position == now
        return
    nth = sorted(waiting)[behind - 1]
    assert sum(queued < position for queued in waiting) == sum(queued <= nth for queued in waiting)
    assert all(position <= queued for queued in waiting if queued > nth)
