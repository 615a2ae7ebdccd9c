"""The print agent against the emulator over loopback TCP: faults, retries, no lost jobs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import pytest

from printers.agent import PrintAgent
from printers.connection import TcpConnection
from printers.emulator import Fault, PrinterEmulator
from printers.layout import PrinterProfile, render
from printers.status import PrinterState
from tests.integration.printer_support import FAST_TIMEOUTS, RecordingHub, make_ticket, wait_until

AgentFactory = Callable[..., tuple[PrintAgent, RecordingHub]]


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    """An emulator on a free loopback port, no control API needed."""
    with PrinterEmulator("127.0.0.1", 0, control_port=None) as em:
        yield em


@pytest.fixture
def start_agent(emulator: PrinterEmulator) -> Iterator[AgentFactory]:
    """Start agents on the emulator with fast polling; stopped after the test."""
    agents: list[PrintAgent] = []

    def start(**options: object) -> tuple[PrintAgent, RecordingHub]:
        hub = RecordingHub()
        connect = partial(TcpConnection, "127.0.0.1", emulator.port, FAST_TIMEOUTS)
        settings: dict[str, object] = {"poll_interval_s": 0.1, "print_timeout_s": 6.0}
        settings.update(options)
        agent = PrintAgent(connect, hub, PrinterProfile(80, "gb18030"), **settings).start()  # type: ignore[arg-type]
        agents.append(agent)
        assert hub.wait_for_state(PrinterState.READY, timeout=2)
        return agent, hub

    yield start
    for agent in agents:
        agent.stop()


def _printed(emulator: PrinterEmulator, number: str) -> int:
    return sum(1 for ticket in emulator.tickets() if ticket.number == number)


@pytest.mark.parametrize(
    ("fault", "state"),
    [
        (Fault.PAPER_NEAR_END, PrinterState.PAPER_NEAR_END),
        (Fault.PAPER_OUT, PrinterState.PAPER_OUT),
        (Fault.COVER_OPEN, PrinterState.COVER_OPEN),
        (Fault.OFFLINE, PrinterState.OFFLINE),
        (Fault.SILENT, PrinterState.NOT_RESPONDING),
    ],
)
def test_fault_is_reported_within_2s_and_the_job_survives_it(
    emulator: PrinterEmulator, start_agent: AgentFactory, fault: Fault, state: PrinterState
) -> None:
    # GIVEN a running agent that has reported the printer ready
    agent, hub = start_agent()
    # WHEN the printer goes into the fault
    emulator.set_fault(fault)
    # THEN the hub is told within 2 s
    assert hub.wait_for_state(state, timeout=2)
    # WHEN a job is submitted during the fault, and then the fault clears
    agent.submit("job-1", make_ticket(number="A101"))
    emulator.set_fault(Fault.NONE)
    # THEN the hub hears "ready" within 2 s
    assert hub.wait_for_state(PrinterState.READY, timeout=2)
    # AND the job is acknowledged exactly once, printed, and printed once
    acks = hub.wait_for_acks("job-1", 1, timeout=6)
    assert acks == [("job-1", True, None)]
    assert _printed(emulator, "A101") == 1


@pytest.mark.parametrize("fault", [Fault.PAPER_OUT, Fault.SILENT])
def test_job_that_cannot_print_in_time_is_acked_failed_with_the_reason(
    emulator: PrinterEmulator, start_agent: AgentFactory, fault: Fault
) -> None:
    # GIVEN an agent with a 1 s print timeout and a printer stuck in a fault
    agent, hub = start_agent(print_timeout_s=1.0)
    emulator.set_fault(fault)
    # WHEN a job is submitted
    agent.submit("job-2", make_ticket(number="A102"))
    # THEN it is acked failed once, saying what the printer was doing
    acks = hub.wait_for_acks("job-2", 1, timeout=4)
    assert len(acks) == 1
    _, ok, error = acks[0]
    assert not ok
    assert error is not None
    assert str(PrinterState.PAPER_OUT if fault is Fault.PAPER_OUT else "not_responding") in error
    # AND nothing came out of the printer, even after it recovers
    emulator.set_fault(Fault.NONE)
    assert hub.wait_for_state(PrinterState.READY, timeout=2)
    assert _printed(emulator, "A102") == 0
    assert hub.acks_for("job-2") == acks


def test_job_cut_mid_stream_is_retried_and_printed_exactly_once(
    emulator: PrinterEmulator, start_agent: AgentFactory
) -> None:
    # GIVEN a printer that will reset the connection in the middle of the next job
    agent, hub = start_agent()
    emulator.set_fault(Fault.RESET)
    # WHEN a job is submitted
    agent.submit("job-3", make_ticket(number="A103"))
    # THEN the cut-off attempt happened, the job was retried, acked ok once,
    # and exactly one whole ticket came out
    assert hub.wait_for_acks("job-3", 1, timeout=6) == [("job-3", True, None)]
    assert emulator.interrupted_jobs == 1
    assert _printed(emulator, "A103") == 1


def test_job_cut_mid_stream_with_no_retries_left_is_acked_failed(
    emulator: PrinterEmulator, start_agent: AgentFactory
) -> None:
    # GIVEN an agent allowed a single attempt, and a printer that resets mid-job
    agent, hub = start_agent(max_attempts=1)
    emulator.set_fault(Fault.RESET)
    # WHEN a job is submitted
    agent.submit("job-4", make_ticket(number="A104"))
    # THEN it is reported failed (so the kiosk shows the number), not dropped
    acks = hub.wait_for_acks("job-4", 1, timeout=6)
    assert len(acks) == 1
    assert acks[0][1] is False
    assert "attempt 1" in (acks[0][2] or "")
    assert _printed(emulator, "A104") == 0


def test_redelivered_job_is_acked_again_without_reprinting(
    emulator: PrinterEmulator, start_agent: AgentFactory
) -> None:
    # GIVEN a job already printed and acked
    agent, hub = start_agent()
    agent.submit("job-5", make_ticket(number="A105"))
    assert hub.wait_for_acks("job-5", 1, timeout=5) == [("job-5", True, None)]
    # WHEN the hub sends it again (its ack was lost in a reconnect)
    agent.submit("job-5", make_ticket(number="A105"))
    # THEN it is acked ok again, and the ticket came out once only
    assert hub.wait_for_acks("job-5", 2, timeout=5) == [("job-5", True, None)] * 2
    assert _printed(emulator, "A105") == 1


def test_jobs_print_in_the_order_submitted(
    emulator: PrinterEmulator, start_agent: AgentFactory
) -> None:
    # GIVEN a printer out of paper, so that jobs queue up
    agent, hub = start_agent()
    emulator.set_fault(Fault.PAPER_OUT)
    assert hub.wait_for_state(PrinterState.PAPER_OUT, timeout=2)
    # WHEN three jobs are submitted (one twice, as a redelivery would) and paper is loaded
    for number in ("A201", "A202", "A203"):
        agent.submit(f"job-{number}", make_ticket(number=number))
    agent.submit("job-A202", make_ticket(number="A202"))
    emulator.set_fault(Fault.NONE)
    # THEN they come out in order, once each, each acked once
    assert wait_until(lambda: len(emulator.tickets()) >= 3, timeout=6)
    assert [ticket.number for ticket in emulator.tickets()] == ["A201", "A202", "A203"]
    assert wait_until(lambda: len(hub.acks) >= 3, timeout=2)
    assert [ack[0] for ack in hub.acks] == ["job-A201", "job-A202", "job-A203"]


def test_stopping_acks_unprinted_jobs_as_failed(
    emulator: PrinterEmulator, start_agent: AgentFactory
) -> None:
    # GIVEN jobs waiting for a printer whose cover is open
    agent, hub = start_agent()
    emulator.set_fault(Fault.COVER_OPEN)
    assert hub.wait_for_state(PrinterState.COVER_OPEN, timeout=2)
    agent.submit("job-6", make_ticket(number="A106"))
    agent.submit("job-7", make_ticket(number="A107"))
    # WHEN the agent is stopped
    agent.stop()
    # THEN every job got a failed ack saying so; none vanished
    assert sorted(hub.acks) == [
        ("job-6", False, "print agent stopped"),
        ("job-7", False, "print agent stopped"),
    ]
    assert agent.pending == 0


def test_state_is_repeated_as_a_heartbeat(start_agent: AgentFactory) -> None:
    # GIVEN an agent with a 0.2 s heartbeat and a printer that stays ready
    _, hub = start_agent(heartbeat_s=0.2)
    # WHEN time passes THEN "ready" is reported again and again, not only once
    assert wait_until(lambda: len(hub.statuses) >= 3, timeout=2)
    assert {state for state, _ in hub.statuses} == {PrinterState.READY}


def test_unreachable_printer_is_not_responding_then_recovers() -> None:
    # GIVEN an agent for a printer port where nothing listens yet
    hub = RecordingHub()
    emulator = PrinterEmulator("127.0.0.1", 0, control_port=None).start()
    port = emulator.port
    emulator.stop()  # the port is now closed: connection refused
    agent = PrintAgent(
        partial(TcpConnection, "127.0.0.1", port, FAST_TIMEOUTS), hub, poll_interval_s=0.1
    ).start()
    try:
        # WHEN it polls THEN the hub hears not_responding, with the reason
        assert hub.wait_for_state(PrinterState.NOT_RESPONDING, timeout=2)
        assert "cannot connect" in hub.statuses[-1][1]
        # WHEN the printer comes up on that port THEN a new connection finds it ready
        with PrinterEmulator("127.0.0.1", port, control_port=None):
            assert hub.wait_for_state(PrinterState.READY, timeout=2)
    finally:
        agent.stop()


def test_job_submitted_after_stop_is_acked_failed(start_agent: AgentFactory) -> None:
    # GIVEN a stopped agent
    agent, hub = start_agent()
    agent.stop()
    # WHEN a job arrives anyway (a late print:job from the hub)
    agent.submit("job-8", make_ticket(number="A108"))
    # THEN it is acked failed at once rather than queued for no one
    assert hub.acks_for("job-8") == [("job-8", False, "print agent stopped")]


def test_a_ticket_the_paper_ran_out_under_never_prints_late_after_the_refill(
    emulator: PrinterEmulator, start_agent: AgentFactory
) -> None:
    # GIVEN a ready printer whose paper runs out under the next ticket (it keeps the
    # ticket in its buffer, as a real printer does), and an agent with a 1 s deadline
    agent, hub = start_agent(print_timeout_s=1.0)
    emulator.set_fault(Fault.PAPER_RUNS_OUT)
    # WHEN a ticket is sent, acknowledged as not printed (the kiosk shows the number)
    agent.submit("job-9", make_ticket(number="A109"))
    [(_, ok, _error)] = hub.wait_for_acks("job-9", 1, timeout=4)
    assert not ok
    # THEN the printer's buffer was cleared, so the refill prints nothing late
    assert wait_until(lambda: emulator.held_jobs == 0, timeout=2)
    emulator.set_fault(Fault.NONE)
    assert hub.wait_for_state(PrinterState.READY, timeout=2)
    assert _printed(emulator, "A109") == 0
    # AND the next ticket prints normally
    agent.submit("job-10", make_ticket(number="A110"))
    assert hub.wait_for_acks("job-10", 1, timeout=4) == [("job-10", True, None)]
    assert _printed(emulator, "A110") == 1


def test_a_new_link_clears_what_the_printer_kept_from_before(emulator: PrinterEmulator) -> None:
    # GIVEN a printer out of paper holding a ticket sent before (by an agent since gone)
    emulator.set_fault(Fault.PAPER_OUT)
    before = TcpConnection("127.0.0.1", emulator.port, FAST_TIMEOUTS)
    before.send(render(make_ticket(number="A111"), PrinterProfile(80, "gb18030")))
    before.close()
    assert wait_until(lambda: emulator.held_jobs == 1, timeout=2)
    # WHEN a print agent connects to it
    hub = RecordingHub()
    connect = partial(TcpConnection, "127.0.0.1", emulator.port, FAST_TIMEOUTS)
    agent = PrintAgent(connect, hub, PrinterProfile(80, "gb18030"), poll_interval_s=0.1).start()
    try:
        assert hub.wait_for_state(PrinterState.PAPER_OUT, timeout=2)
        # THEN the old ticket is dropped before the refill could print it
        emulator.set_fault(Fault.NONE)
        assert hub.wait_for_state(PrinterState.READY, timeout=2)
        assert _printed(emulator, "A111") == 0
        assert emulator.discarded_jobs == 1
    finally:
        agent.stop()
