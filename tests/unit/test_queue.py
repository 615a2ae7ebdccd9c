"""The hall's queue in memory: who is ahead of whom, and what a stored ticket changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain.queue import Queue
from core.domain.tickets import Channel, Ticket, TicketState

MONDAY = date(2026, 11, 23)
NINE = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def ticket(
    id_: int, service: str = "filing", *, minute: int = 0, green: bool = False, day: date = MONDAY
) -> Ticket:
    issued = Ticket.issue(
        number=f"C{id_:03d}",
        service=service,
        business_day=day,
        channel=Channel.KIOSK,
        now=NINE + timedelta(minutes=minute),
        green=green,
    )
    issued.id = id_
    return issued


def queue_of(*tickets: Ticket) -> Queue:
    queue = Queue(MONDAY)
    for each in tickets:
        queue.track(each)
    return queue


def test_people_ahead_are_the_earlier_of_the_same_queue_with_the_green_channel_first() -> None:
    # GIVEN two regular filing tickets, a green one issued last, and a consult ticket
    first, second, green = ticket(1, minute=0), ticket(2, minute=1), ticket(3, minute=2, green=True)
    queue = queue_of(first, second, green, ticket(4, "consult", minute=0))

    # THEN the green ticket has nobody ahead, the regular ones have it and the earlier ones
    assert queue.ahead(green.id or 0) == 0
    assert queue.ahead(1) == 1
    assert queue.ahead(2) == 2
    # AND another service's queue counts nobody of this one
    assert queue.ahead(4) == 0


def test_tickets_queued_in_the_same_instant_keep_their_order_of_issue() -> None:
    # GIVEN paper tickets registered in one instant
    queue = queue_of(ticket(7), ticket(8), ticket(9))

    # THEN each has the ones issued before it ahead
    assert [queue.ahead(n) for n in (7, 8, 9)] == [0, 1, 2]


def test_a_ticket_sent_to_a_window_queues_only_with_the_others_sent_there() -> None:
    # GIVEN two filing tickets waiting, and a third transferred to window 5
    sent = ticket(3, minute=5)
    sent.state, sent.target_window = TicketState.WAITING, 5
    queue = queue_of(ticket(1), ticket(2, minute=1), sent)

    # THEN nobody is ahead of it, and it is ahead of nobody in the filing queue
    assert queue.ahead(3) == 0
    assert queue.ahead(2) == 1


def test_a_stored_ticket_moves_from_waiting_to_in_hand_and_out_of_the_queue() -> None:
    # GIVEN a waiting ticket and one behind it
    first, second = ticket(1), ticket(2, minute=1)
    queue = queue_of(first, second)

    # WHEN the first is called
    first.call(3, NINE + timedelta(minutes=5))
    queue.track(first)
    # THEN it is in hand, no longer waiting, and the second has nobody ahead
    assert queue.in_hand == {"C001": TicketState.CALLED}
    assert queue.waiting_by_service() == {"filing": (1, second.queued_at)}
    assert queue.ahead(2) == 0

    # WHEN it is served and finished
    first.start(NINE + timedelta(minutes=6))
    queue.track(first)
    assert queue.in_hand == {"C001": TicketState.SERVING}
    first.finish(NINE + timedelta(minutes=9))
    queue.track(first)
    # THEN it has left the queue altogether
    assert queue.in_hand == {}
    assert 1 not in queue.waiting


def test_the_longest_wait_is_the_oldest_waiting_ticket_of_each_service() -> None:
    queue = queue_of(ticket(1, minute=3), ticket(2, minute=1), ticket(3, "consult", minute=7))

    assert queue.waiting_by_service() == {
        "filing": (2, NINE + timedelta(minutes=1)),
        "consult": (1, NINE + timedelta(minutes=7)),
    }


def test_tickets_of_another_day_are_not_in_the_queue() -> None:
    queue = queue_of(ticket(1, day=MONDAY - timedelta(days=1)))

    assert queue.waiting == {}
    assert queue.ahead(1) == 0


def test_a_ticket_leaving_from_the_middle_of_a_long_queue_leaves_only_itself() -> None:
    # GIVEN 500 tickets waiting, several issued in the same instant
    tickets = [ticket(n, minute=n // 3) for n in range(1, 501)]
    queue = queue_of(*tickets)

    # WHEN the 250th is called and the 251st issued again unchanged (stored twice)
    tickets[249].call(window=3, now=NINE + timedelta(hours=3))
    queue.track(tickets[249])
    queue.track(tickets[250])

    # THEN everyone behind the called ticket has one person fewer ahead, nobody else
    # moved, and the waiting count is one less
    assert [queue.ahead(n) for n in (1, 249, 251, 500)] == [0, 248, 249, 498]
    assert queue.waiting_by_service()["filing"][0] == 499


def test_an_appointment_within_its_slot_is_ahead_of_the_walk_ins_and_behind_the_green_ones() -> (
    None
):
    # GIVEN two walk-ins, a green ticket, and a booked visit for 09:30–10:00 checked in last
    booked = Ticket.issue(
        number="C004",
        service="filing",
        business_day=MONDAY,
        channel=Channel.APPOINTMENT,
        now=NINE + timedelta(minutes=20),
        appointment=(NINE + timedelta(minutes=30), NINE + timedelta(minutes=60)),
    )
    booked.id = 4
    queue = queue_of(ticket(1), ticket(2, minute=1), ticket(3, minute=2, green=True), booked)
    before_slot, in_slot = NINE + timedelta(minutes=25), NINE + timedelta(minutes=35)
    # THEN before its slot it waits in turn: behind the green one and both walk-ins
    assert [queue.ahead(n, before_slot) for n in (1, 2, 4)] == [1, 2, 3]
    # … and within it, only the green one is ahead of it, and it is ahead of both walk-ins
    assert [queue.ahead(n, in_slot) for n in (1, 2, 4)] == [2, 3, 1]
    assert queue.ahead(3, in_slot) == 0
