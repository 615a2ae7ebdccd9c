"""The queue's invariants, checked by a hypothesis state machine against the real bus and SQLite.

The oracle for *call next* is the pure policy applied to *every* waiting ticket;
the hub only reads each queue's head (and locks rows). They must agree. The bus's
queue in memory, and the summary screens get from it, must equal what the database
says after every step.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.adapters.db import Database
from core.adapters.repository import TicketRepository, ticket_from_row, window_from_row
from core.domain import commands as cmd
from core.domain import continuity_commands as cc
from core.domain.errors import DomainError
from core.domain.events import QueueChanged
from core.domain.policy import choose_next
from core.domain.tickets import TicketState
from core.halls import calendar_for, rules_of
from core.services.bus import CommandBus
from core.services.handlers import HANDLERS, KEEPS_CONFIGURATION
from core.services.tickets import roll_over_day
from core.services.uow import Stamped
from core.services.views import ahead_of, queue_summary
from tests.integration.conftest import MONDAY_10AM
from tests.support.databases import SqliteTemplate

SERVICES = ("registration", "invoice", "filing", "social", "consult", "emergency")
WINDOWS = (3, 5, 7, 8)  # a few windows, so calls, transfers and conflicts happen often
TEMPLATE: SqliteTemplate | None = None


class QueueMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        assert TEMPLATE is not None
        self.folder = tempfile.TemporaryDirectory()
        self.db = Database(TEMPLATE.copy(Path(self.folder.name) / "hallq.db"))
        self.clock = FixedClock(MONDAY_10AM)
        # Two hub processes on one database: each keeps its own queue in memory.
        self.processes = [
            CommandBus(
                self.db,
                self.clock,
                calendar_for,
                self.published,
                HANDLERS,
                prepare=roll_over_day,
                keeps_configuration=KEEPS_CONFIGURATION,
            )
            for _ in range(2)
        ]
        self.bus = self.processes[0]
        self.issued: list[tuple[date | None, str]] = []
        self.summaries: list[tuple[datetime, Stamped]] = []
        # Start from a hall at work, so most runs get to the interesting part.
        for window in WINDOWS:
            self.window_command(cmd.OpenWindow, window)
        for service in SERVICES:
            self.issue(service, green=False)

    def published(self, _hall: str, events: list[Stamped]) -> None:
        """The bus announces a command: keep its queue summary, and when it was made."""
        self.summaries += [
            (self.clock.now(), e) for e in events if isinstance(e.event, QueueChanged)
        ]

    def teardown(self) -> None:
        if hasattr(self, "db"):
            self.db.dispose()
            self.folder.cleanup()

    def run(self, command: cmd.Command) -> dict[str, object] | None:
        try:
            result = self.bus.handle(command)
        except DomainError:
            return None
        return result.body if result.status != 204 else {}

    def window_command(
        self, kind: type[cmd.WindowCommand], window: int, **fields: object
    ) -> dict[str, object] | None:
        staff = f"window{window}"
        return self.run(
            kind(hall="demo", actor=f"staff:{staff}", window=window, staff=staff, **fields)
        )

    def snapshot(self) -> tuple[list[orm.Ticket], list[orm.Window], orm.Hall]:
        with self.db.read_session() as session:
            tickets = list(session.scalars(select(orm.Ticket)))
            windows = list(session.scalars(select(orm.Window).order_by(orm.Window.number)))
            hall = session.scalars(select(orm.Hall)).one()
        return tickets, windows, hall

    @rule(service=st.sampled_from(SERVICES), green=st.booleans())
    def issue(self, service: str, green: bool) -> None:
        body = self.run(
            cmd.IssueTicket(hall="demo", actor="device:kiosk-1", service=service, green=green)
        )
        assert body is not None
        # Numbers start again each business day (time_passes crosses midnight): key by day.
        issued = (self.snapshot()[2].business_day, str(body["number"]))
        assert issued not in self.issued, f"{issued[1]} issued twice on {issued[0]}"
        self.issued.append(issued)

    @rule(window=st.sampled_from(WINDOWS))
    def open_window(self, window: int) -> None:
        self.window_command(cmd.OpenWindow, window)

    @rule(
        window=st.sampled_from(WINDOWS),
        kind=st.sampled_from([cmd.CloseWindow, cmd.PauseWindow, cmd.ResumeWindow]),
    )
    def change_window(self, window: int, kind: type[cmd.WindowCommand]) -> None:
        self.window_command(kind, window)

    @rule(window=st.sampled_from(WINDOWS))
    def call_next(self, window: int) -> None:
        tickets, windows, hall = self.snapshot()
        row = windows[window - 1]
        waiting = [
            ticket_from_row(ticket) for ticket in tickets if ticket.state == TicketState.WAITING
        ]
        expected = choose_next(
            window_from_row(row), waiting, self.clock.now(), rules_of(hall.settings)
        )
        body = self.window_command(cmd.CallNext, window)
        if body is None:  # refused: closed, paused, busy, or not this clerk's window
            event("call next refused")
            return
        called = body.get("ticket")
        event("call next called a ticket" if called else "call next found nobody")
        assert (called["number"] if called else None) == (expected.number if expected else None)  # type: ignore[index]

    @rule(
        window=st.sampled_from(WINDOWS),
        kind=st.sampled_from([cmd.Recall, cmd.MarkNoShow, cmd.StartService, cmd.FinishService]),
    )
    def act_on_current(self, window: int, kind: type[cmd.WindowCommand]) -> None:
        self.window_command(kind, window)

    @rule(window=st.sampled_from(WINDOWS), service=st.sampled_from(SERVICES))
    def transfer_to_service(self, window: int, service: str) -> None:
        self.window_command(cmd.TransferTicket, window, to_service=service)

    @rule(window=st.sampled_from(WINDOWS), to_window=st.sampled_from(WINDOWS))
    def transfer_to_window(self, window: int, to_window: int) -> None:
        self.window_command(cmd.TransferTicket, window, to_window=to_window)

    @precondition(lambda self: bool(self.issued))
    @rule(data=st.data(), window=st.sampled_from(WINDOWS))
    def call_specific(self, data: st.DataObject, window: int) -> None:
        self.window_command(
            cmd.CallSpecific,
            window,
            number=data.draw(st.sampled_from([number for _day, number in self.issued])),
        )

    @precondition(lambda self: bool(self.issued))
    @rule(data=st.data())
    def requeue(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from([number for _day, number in self.issued]))
        self.run(cmd.RequeueTicket(hall="demo", actor="staff:guide", number=number))

    @rule(
        service=st.sampled_from(SERVICES),
        first=st.integers(min_value=2, max_value=5),
        count=st.integers(min_value=1, max_value=3),
    )
    def hand_out_paper_tickets(self, service: str, first: int, count: int) -> None:
        """The guide desk registers paper tickets; the kiosks skip their numbers."""
        body = self.run(
            cc.RegisterPaperTickets(
                hall="demo",
                actor="staff:guide",
                service=service,
                first=first,
                last=first + count - 1,
            )
        )
        event("paper tickets registered" if body else "paper tickets refused")

    @rule()
    def switch_process(self) -> None:
        """The next commands reach the other hub process (as behind nginx)."""
        self.bus = self.processes[1 - self.processes.index(self.bus)]

    @rule(minutes=st.integers(min_value=1, max_value=90))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    @invariant()
    def one_holder_per_ticket_and_one_ticket_per_window(self) -> None:
        if not hasattr(self, "db"):
            return
        tickets, windows, _hall = self.snapshot()
        held = [window.current for window in windows if window.current is not None]
        assert len(held) == len(set(held)), f"a ticket held by two windows: {held}"
        in_hand = {
            ticket.number: ticket.window
            for ticket in tickets
            if ticket.state in (TicketState.CALLED, TicketState.SERVING)
        }
        assert in_hand == {window.current: window.number for window in windows if window.current}
        assert all(ticket.state in {state.value for state in TicketState} for ticket in tickets)

    @invariant()
    def every_waiting_ticket_is_callable_by_an_open_window_serving_it(self) -> None:
        if not hasattr(self, "db"):
            return
        tickets, windows, hall = self.snapshot()
        waiting = [
            ticket_from_row(ticket) for ticket in tickets if ticket.state == TicketState.WAITING
        ]
        for row in windows:
            domain = window_from_row(row)
            serves_someone = any(
                (t.target_window == row.number) if t.target_window else domain.serves(t.service)
                for t in waiting
            )
            if row.state == "open" and serves_someone:
                assert (
                    choose_next(domain, waiting, self.clock.now(), rules_of(hall.settings))
                    is not None
                )

    @invariant()
    def the_queue_in_memory_and_its_summary_are_the_database_s(self) -> None:
        if not hasattr(self, "db"):
            return
        with self.db.read_session() as session:
            hall = session.scalars(select(orm.Hall)).one()
            kept = self.bus.kept.get("demo")
            if kept is not None and kept.queue is not None and kept.seq == hall.seq:
                queue = kept.queue
                assert queue == TicketRepository(session).load_queue(hall, queue.business_day)
                for ticket_id in queue.waiting:
                    ticket = session.get_one(orm.Ticket, ticket_id)
                    assert queue.ahead(ticket_id) == ahead_of(session, ticket), ticket.number
            if self.summaries and self.summaries[-1][1].seq == hall.seq:
                at, last = self.summaries[-1]
                assert last.event == queue_summary(session, hall, at)


@pytest.fixture(autouse=True)
def _template(sqlite_template: SqliteTemplate) -> None:
    global TEMPLATE
    TEMPLATE = sqlite_template


TestQueueMachine = QueueMachine.TestCase
TestQueueMachine.settings = settings(
    max_examples=12,  # 20 before the suite neared 10 minutes (issue 14's e2e tests)
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
