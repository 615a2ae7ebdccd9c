"""Windows and who they call next (SPEC §4.2).

The policy is checked on hand-made queues, then by properties: the answer over
each queue's heads equals the answer over every waiting ticket — for the pure
function, and for the heads the real repository reads from SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from core.adapters import orm
from core.adapters.repository import TicketRepository
from core.domain.errors import Conflict, Forbidden
from core.domain.policy import Rules, choose_next, eligible, position
from core.domain.tickets import Channel, Ticket, TicketState
from core.domain.windows import Window, WindowState, require_may_hold

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 11, 0, tzinfo=SHANGHAI)
RULES = Rules(max_wait=timedelta(minutes=60))
PREFIX = {"registration": "A", "invoice": "B", "filing": "C", "social": "D"}


class Queue:
    """A factory of tickets with per-service numbering, as the hall hands them out."""

    def __init__(self) -> None:
        self.counters = {service: count(1) for service in PREFIX}

    def ticket(
        self,
        service: str,
        minutes_ago: float,
        *,
        green: bool = False,
        target_window: int | None = None,
        slot: tuple[int, int] | None = None,
        state: TicketState = TicketState.WAITING,
    ) -> Ticket:
        """A ticket queued `minutes_ago`; `slot` is an appointment (start, end) in minutes from now."""
        queued = NOW - timedelta(minutes=minutes_ago)
        return Ticket(
            number=f"{PREFIX[service]}{next(self.counters[service]):03d}",
            service=service,
            business_day=DAY,
            channel=Channel.APPOINTMENT if slot else Channel.KIOSK,
            issued_at=queued,
            queued_at=queued,
            state=state,
            green=green,
            target_window=target_window,
            appointment_start=NOW + timedelta(minutes=slot[0]) if slot else None,
            appointment_end=NOW + timedelta(minutes=slot[1]) if slot else None,
        )


def window(number: int = 3, *services: str) -> Window:
    return Window(number, services or ("filing", "invoice"), WindowState.OPEN, staff="clerk")


def called(window_: Window, tickets: list[Ticket], now: datetime = NOW) -> str | None:
    chosen = choose_next(window_, tickets, now, RULES)
    return chosen.number if chosen else None


# --- windows --------------------------------------------------------------------------


def test_a_window_opens_pauses_resumes_and_closes() -> None:
    # GIVEN a closed window
    desk = Window(3, ("filing",))
    # WHEN its clerk opens, pauses, resumes and closes it
    desk.open("wang")
    opened = (desk.state, desk.staff)
    desk.pause()
    paused = desk.state
    desk.resume()
    resumed = desk.state
    desk.close()
    # THEN it goes open (held by wang) → paused → open → closed (held by nobody)
    assert opened == (WindowState.OPEN, "wang")
    assert (paused, resumed) == (WindowState.PAUSED, WindowState.OPEN)
    assert (desk.state, desk.staff) == (WindowState.CLOSED, None)


def test_another_clerk_cannot_open_or_act_on_a_window_in_use() -> None:
    # GIVEN window 3 opened by wang
    desk = Window(3, ("filing",))
    desk.open("wang")
    # WHEN li tries to open it or act on it
    with pytest.raises(Conflict) as taken:
        desk.open("li")
    with pytest.raises(Forbidden) as not_yours:
        desk.require_staff("li")
    # THEN refused; wang still holds it and may act
    assert (taken.value.code, not_yours.value.code) == (
        "window.opened_by_other",
        "window.not_yours",
    )
    assert desk.staff == "wang"
    desk.require_staff("wang")


def test_an_account_holds_as_many_windows_as_the_hall_allows() -> None:
    # GIVEN wang holding window 3 (paused counts: it is still held), window 5 closed
    windows = [
        Window(3, ("filing",), WindowState.PAUSED, staff="wang"),
        Window(4, ("filing",), WindowState.OPEN, staff="li"),
        Window(5, ("filing",)),
    ]
    # WHEN wang opens window 5 in a hall of one window each
    with pytest.raises(Conflict) as refused:
        require_may_hold("wang", 5, windows, allowed=1)
    # THEN refused, naming the window wang holds; li may, and wang may where two are allowed
    assert (refused.value.code, refused.value.params["other"]) == ("window.holding_other", 3)
    require_may_hold("zhao", 5, windows, allowed=1)
    require_may_hold("wang", 5, windows, allowed=2)
    require_may_hold("wang", 3, windows, allowed=1)  # opening one's own window again


def test_a_released_window_is_closed_and_holds_nobody_and_nothing() -> None:
    # GIVEN window 3 left open by wang with C007 in hand
    desk = Window(3, ("filing",), WindowState.OPEN, staff="wang", current="C007")
    # WHEN a leader releases it
    desk.release()
    # THEN it is closed, held by nobody, with no ticket; releasing it again is refused
    assert (desk.state, desk.staff, desk.current) == (WindowState.CLOSED, None, None)
    with pytest.raises(Conflict):
        desk.release()


def test_nobody_acts_on_a_closed_window() -> None:
    # GIVEN a closed window WHEN anyone checks their right to act on it THEN refused
    with pytest.raises(Forbidden):
        Window(3, ("filing",)).require_staff("wang")


@pytest.mark.parametrize(
    ("state", "code"),
    [(WindowState.CLOSED, "window.closed"), (WindowState.PAUSED, "window.paused")],
)
def test_a_closed_or_paused_window_cannot_call_or_pause(state: WindowState, code: str) -> None:
    # GIVEN a closed or paused window
    desk = Window(3, ("filing",), state, staff="wang")
    # WHEN it would call (require_open) or pause again
    # THEN refused with the reason, and the state is unchanged
    for attempt in (desk.require_open, desk.pause):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == code
    assert desk.state is state


def test_resume_needs_a_paused_window() -> None:
    # GIVEN an open window WHEN it is resumed THEN refused
    with pytest.raises(Conflict) as refused:
        window().resume()
    assert refused.value.code == "window.not_paused"


def test_a_window_holding_a_ticket_can_neither_call_nor_close() -> None:
    # GIVEN window 3 holding C004
    desk = window()
    desk.current = "C004"
    # WHEN it would call again or close
    # THEN both refused as busy; it stays open with C004
    for attempt in (desk.require_free, desk.close):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert (refused.value.code, refused.value.params["current"]) == ("window.busy", "C004")
    assert (desk.state, desk.current) == (WindowState.OPEN, "C004")


def test_a_window_serves_only_its_services() -> None:
    # GIVEN window 3 serving filing and invoice WHEN asked THEN those only
    desk = window()
    assert (desk.serves("filing"), desk.serves("invoice"), desk.serves("social")) == (
        True,
        True,
        False,
    )


# --- call next ------------------------------------------------------------------------


def test_green_channel_goes_first_across_the_windows_services() -> None:
    # GIVEN an old filing ticket (the window's first service) and a newer green invoice one
    queue = Queue()
    tickets = [queue.ticket("filing", 50), queue.ticket("invoice", 2, green=True)]
    # WHEN window 3 (filing, invoice) calls THEN the green ticket, whatever the service order
    assert called(window(), tickets) == "B001"


def test_among_green_tickets_the_oldest_goes_first_whatever_the_service() -> None:
    # GIVEN green tickets of filing (newer) and invoice (older)
    queue = Queue()
    tickets = [queue.ticket("filing", 5, green=True), queue.ticket("invoice", 9, green=True)]
    # WHEN window 3 (filing first) calls THEN the oldest green one
    assert called(window(), tickets) == "B001"


def test_green_tickets_of_services_the_window_does_not_serve_wait_for_their_window() -> None:
    # GIVEN a green social-insurance ticket and a regular filing ticket
    queue = Queue()
    tickets = [queue.ticket("social", 30, green=True), queue.ticket("filing", 1)]
    # WHEN window 3 (filing, invoice) calls THEN the filing ticket
    assert called(window(), tickets) == "C001"


def test_a_due_appointment_comes_after_green_and_before_the_rest() -> None:
    # GIVEN a regular filing ticket waiting 50 min, an invoice appointment due now, and no green
    queue = Queue()
    regular = queue.ticket("filing", 50)
    booked = queue.ticket("invoice", 1, slot=(-10, 20))
    # WHEN window 3 calls THEN the appointment; a green ticket would still go before it
    assert called(window(), [regular, booked]) == "B001"
    assert called(window(), [regular, booked, queue.ticket("filing", 0, green=True)]) == "C002"


def test_the_earliest_slot_goes_first_among_due_appointments() -> None:
    # GIVEN two due appointments, the later slot checked in first
    queue = Queue()
    tickets = [
        queue.ticket("filing", 20, slot=(-5, 25)),
        queue.ticket("invoice", 3, slot=(-15, 15)),
    ]
    # WHEN window 3 calls THEN the one whose slot started first
    assert called(window(), tickets) == "B001"


@pytest.mark.parametrize("slot", [(5, 35), (-40, -1)], ids=["early", "late"])
def test_an_appointment_outside_its_slot_queues_like_everyone(slot: tuple[int, int]) -> None:
    # GIVEN an invoice appointment checked in early (or after its slot) and an older filing ticket
    queue = Queue()
    tickets = [queue.ticket("invoice", 1, slot=slot), queue.ticket("filing", 10)]
    # WHEN window 3 (filing first) calls THEN by service order, as for a walk-in
    assert called(window(), tickets) == "C001"


def test_the_windows_service_order_beats_queue_time() -> None:
    # GIVEN an invoice ticket waiting 40 min and a filing ticket waiting 1 min
    queue = Queue()
    tickets = [queue.ticket("invoice", 40), queue.ticket("filing", 1)]
    # WHEN window 3 (filing, invoice) and window 4 (invoice, filing) call
    # THEN each follows its own service order
    assert called(window(3, "filing", "invoice"), tickets) == "C001"
    assert called(window(4, "invoice", "filing"), tickets) == "B001"


def test_within_a_service_the_oldest_goes_first() -> None:
    # GIVEN three filing tickets, not listed in queue order
    queue = Queue()
    tickets = [queue.ticket("filing", 5), queue.ticket("filing", 25), queue.ticket("filing", 15)]
    # WHEN window 3 calls THEN the one queued longest ago
    assert called(window(), tickets) == "C002"


def test_anti_starvation_beats_the_service_order_but_not_before_max_wait() -> None:
    # GIVEN a filing ticket (first service) and an invoice ticket that has waited exactly 60 min
    queue = Queue()
    tickets = [queue.ticket("filing", 59), queue.ticket("invoice", 60)]
    # WHEN window 3 calls now, and again one second later
    at_limit = called(window(), tickets)
    past_limit = called(window(), tickets, NOW + timedelta(seconds=1))
    # THEN the service order holds at exactly max_wait, and the starving ticket wins past it
    assert (at_limit, past_limit) == ("C001", "B001")


def test_the_longest_starving_ticket_goes_first() -> None:
    # GIVEN two starving tickets of the window's second service and one of its first
    queue = Queue()
    tickets = [queue.ticket("invoice", 70), queue.ticket("invoice", 95), queue.ticket("filing", 80)]
    # WHEN window 3 calls THEN the one that has waited longest
    assert called(window(), tickets) == "B002"


def test_anti_starvation_does_not_beat_green_or_due_appointments() -> None:
    # GIVEN a ticket waiting two hours, a due appointment and a fresh green ticket
    queue = Queue()
    starving = queue.ticket("invoice", 120)
    booked = queue.ticket("filing", 1, slot=(-5, 5))
    green = queue.ticket("invoice", 0, green=True)
    # WHEN window 3 calls THEN green first; without it, the appointment; then the starving one
    assert called(window(), [starving, booked, green]) == "B002"
    assert called(window(), [starving, booked]) == "C001"
    assert called(window(), [starving]) == "B001"


def test_a_ticket_transferred_to_this_window_goes_before_its_services() -> None:
    # GIVEN an old filing ticket and a social ticket transferred to window 3 (which serves no social)
    queue = Queue()
    tickets = [queue.ticket("filing", 45), queue.ticket("social", 2, target_window=3)]
    # WHEN window 3 calls THEN the transferred ticket first
    assert called(window(), tickets) == "D001"


def test_a_ticket_transferred_to_another_window_is_not_called_here() -> None:
    # GIVEN only a filing ticket sent to window 5
    queue = Queue()
    sent = queue.ticket("filing", 30, target_window=5)
    # WHEN window 3 (which serves filing) calls THEN nobody; window 5 (no filing) gets it
    assert called(window(), [sent]) is None
    assert called(window(5, "social"), [sent]) == "C001"
    assert not eligible(window(), sent)


def test_anti_starvation_also_beats_a_transfer() -> None:
    # GIVEN a fresh transfer to window 3 and an invoice ticket waiting 61 min
    queue = Queue()
    tickets = [queue.ticket("social", 0, target_window=3), queue.ticket("invoice", 61)]
    # WHEN window 3 calls THEN the starving ticket
    assert called(window(), tickets) == "B001"


def test_only_waiting_tickets_are_called() -> None:
    # GIVEN filing tickets that are called, no-show, done or cancelled
    queue = Queue()
    tickets = [
        queue.ticket("filing", 50, state=state)
        for state in (
            TicketState.CALLED,
            TicketState.NO_SHOW,
            TicketState.DONE,
            TicketState.CANCELLED,
        )
    ]
    # WHEN window 3 calls THEN nobody
    assert called(window(), tickets) is None
    assert called(window(), []) is None


def test_position_counts_green_first_then_queue_time_within_the_queue() -> None:
    # GIVEN four filing tickets (one green, one called), an invoice one and a transfer
    queue = Queue()
    first, mine, later = (
        queue.ticket("filing", 30),
        queue.ticket("filing", 20),
        queue.ticket("filing", 10),
    )
    green = queue.ticket("filing", 1, green=True)
    others = [
        queue.ticket("filing", 40, state=TicketState.CALLED),
        queue.ticket("invoice", 50),
        queue.ticket("filing", 45, target_window=3),
    ]
    everyone = [first, mine, later, green, *others]
    # WHEN / THEN C002 has the older C001 and green C004 ahead; green C004 has nobody ahead
    assert position(mine, everyone) == 2
    assert position(green, everyone) == 0
    assert position(later, everyone) == 3


# --- heads: the policy needs only the head of each queue -------------------------------


@dataclass(frozen=True)
class Spec:
    service: str
    minutes_ago: int
    green: bool
    target: int | None
    slot: tuple[int, int] | None
    state: TicketState


def specs(*, plain_transfers: bool) -> st.SearchStrategy[list[Spec]]:
    """Queues of up to 25 tickets; with `plain_transfers`, transferred ones are never green or booked."""

    def build(
        service: str,
        minutes: int,
        green: bool,
        target: int | None,
        slot: tuple[int, int] | None,
        state: TicketState,
    ) -> Spec:
        if plain_transfers and target is not None:
            green, slot = False, None
        return Spec(service, minutes, green, target, slot, state)

    slots = st.none() | st.tuples(st.integers(-40, 20), st.integers(1, 40)).map(
        lambda pair: (pair[0], pair[0] + pair[1])
    )
    spec = st.builds(
        build,
        st.sampled_from(sorted(PREFIX)),
        st.integers(0, 150),
        st.booleans(),
        st.sampled_from([None, None, None, 3, 4]),
        slots,
        st.sampled_from([TicketState.WAITING] * 4 + [TicketState.CALLED, TicketState.NO_SHOW]),
    )
    return st.lists(spec, max_size=25)


def tickets_of(queue_specs: list[Spec], *, distinct_times: bool = False) -> list[Ticket]:
    queue = Queue()
    tickets = []
    for index, spec in enumerate(queue_specs):
        ticket = queue.ticket(
            spec.service,
            spec.minutes_ago,
            green=spec.green,
            target_window=spec.target,
            slot=spec.slot,
            state=spec.state,
        )
        if distinct_times:  # the hub's clock never hands two tickets the same microsecond
            ticket.queued_at = ticket.issued_at = ticket.queued_at + timedelta(microseconds=index)
        tickets.append(ticket)
    return tickets


def heads(desk: Window, tickets: list[Ticket], now: datetime) -> list[Ticket]:
    """Per queue (each service of the window, and the queue of tickets sent to this window):
    the oldest green ticket, the oldest regular one and the appointments due now."""
    waiting = [ticket for ticket in tickets if ticket.state is TicketState.WAITING]

    def oldest(group: list[Ticket]) -> list[Ticket]:
        return [min(group, key=lambda ticket: (ticket.queued_at, ticket.number))] if group else []

    queues = [[ticket for ticket in waiting if ticket.target_window == desk.number]]
    queues += [
        [ticket for ticket in waiting if ticket.service == service and ticket.target_window is None]
        for service in desk.services
    ]
    chosen: list[Ticket] = []
    for members in queues:
        chosen += oldest([ticket for ticket in members if ticket.green])
        chosen += oldest([ticket for ticket in members if not ticket.green])
        chosen += [ticket for ticket in members if ticket.appointment_due(now)]
    return chosen


service_orders = st.permutations(sorted(PREFIX)).flatmap(
    lambda order: st.integers(1, len(order)).map(lambda size: tuple(order[:size]))
)


@settings(max_examples=300, deadline=None)
@given(queue_specs=specs(plain_transfers=False), services=service_orders)
def test_choose_next_over_the_heads_equals_choose_next_over_everyone(
    queue_specs: list[Spec], services: tuple[str, ...]
) -> None:
    # GIVEN any queue (ties in queue time, green, appointments, transfers, other states)
    tickets = tickets_of(queue_specs)
    desk = window(3, *services)
    # WHEN the policy sees only each queue's heads, and when it sees every ticket
    # THEN it calls the same ticket
    assert called(desk, heads(desk, tickets, NOW)) == called(desk, tickets)


_ENGINE = None


def _engine() -> Engine:
    """One in-memory SQLite database with HallQ's tables, shared by the examples."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = create_engine("sqlite://", poolclass=StaticPool)
        orm.Base.metadata.create_all(_ENGINE)
    return _ENGINE


def repository_choice(desk: Window, tickets: list[Ticket]) -> str | None:
    """What the hub calls: the policy over the heads the hall's queue (loaded from SQLite)
    names, as the repository reads them back."""
    with _engine().connect() as connection, connection.begin() as transaction:
        session = Session(bind=connection)
        hall = orm.Hall(code="demo", name_zh="厅", seq=0, mode="normal", settings={})
        session.add(hall)
        session.flush()
        for index, ticket in enumerate(tickets):
            session.add(
                orm.Ticket(
                    hall_id=hall.id,
                    business_day=DAY,
                    number=ticket.number,
                    service=ticket.service,
                    channel=ticket.channel.value,
                    state=ticket.state.value,
                    green=ticket.green,
                    token=f"token-{index}",
                    issued_at=ticket.issued_at,
                    queued_at=ticket.queued_at,
                    target_window=ticket.target_window,
                    recalls=0,
                    appointment_start=ticket.appointment_start,
                    appointment_end=ticket.appointment_end,
                    print_state="none",
                )
            )
        session.flush()
        repository = TicketRepository(session)
        queue = repository.load_queue(hall, DAY)
        read = repository.still_waiting(hall, DAY, queue.heads(desk.services, desk.number, NOW))
        chosen = choose_next(desk, read, NOW, RULES)
        session.close()
        transaction.rollback()  # every example starts from an empty hall
    return chosen.number if chosen else None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queue_specs=specs(plain_transfers=True), services=service_orders)
def test_the_repositorys_heads_give_the_policys_answer(
    queue_specs: list[Spec], services: tuple[str, ...]
) -> None:
    # GIVEN any queue stored in SQLite (transfers neither green nor booked)
    tickets = tickets_of(queue_specs, distinct_times=True)
    desk = window(3, *services)
    # WHEN the hub reads the heads with TicketRepository.waiting_heads and applies the policy
    # THEN it calls the ticket the policy calls over every waiting ticket
    assert repository_choice(desk, tickets) == called(desk, tickets)


@pytest.mark.parametrize("kind", ["green", "appointment"])
def test_a_green_or_booked_transfer_goes_first_among_transfers_to_the_window(kind: str) -> None:
    # GIVEN two tickets transferred to window 3: a plain one (10:10) and a newer green or booked one
    queue = Queue()
    plain = queue.ticket("filing", 50, target_window=3)
    special = queue.ticket(
        "invoice",
        20,
        target_window=3,
        green=kind == "green",
        slot=(-10, 20) if kind == "appointment" else None,
    )
    desk = window(3, "social")
    assert called(desk, [plain, special]) == "B001"  # what the policy says
    # WHEN window 3 calls next through the repository
    # THEN it gets the green (or due) ticket, as the policy says
    assert repository_choice(desk, [plain, special]) == "B001"
