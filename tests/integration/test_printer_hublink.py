"""The standalone agent's Socket.IO link, against a real Socket.IO server on loopback.

The server here is python-socketio's own (threading mode, served by werkzeug),
standing in for the hub's /printer namespace: it checks the device token,
records what the agent emits, sends print:job, and re-sends unacked jobs on
every connect, as the hub does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import asdict
from functools import partial
from typing import Any

import pytest
import socketio
from werkzeug.serving import make_server

from printers.agent import PrintAgent
from printers.connection import TcpConnection
from printers.emulator import PrinterEmulator
from printers.hublink import NAMESPACE, SocketIOHubLink, ticket_from_payload
from tests.integration.printer_support import FAST_TIMEOUTS, make_ticket, wait_until

TOKEN = "device-token-kiosk-1"


class FakeHub:
    """A /printer namespace that records events and re-sends unacked jobs on connect."""

    def __init__(self) -> None:
        # A short ping interval: engine.io answers a pending long-poll at the
        # latest after one, so a disconnect in teardown takes a fraction of a
        # second instead of the default 25 s.
        self.sio = socketio.Server(async_mode="threading", ping_interval=1, ping_timeout=2)
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.unacked: dict[str, dict[str, Any]] = {}
        self.sids: list[str] = []
        self.refused = 0
        self.unacked_sent_to: set[str] = set()
        self._lock = threading.Lock()
        self.sio.on("connect", self._connect, namespace=NAMESPACE)
        self.sio.on("print:ack", self._ack, namespace=NAMESPACE)
        self.sio.on("device:status", self._status, namespace=NAMESPACE)
        self.server = make_server("127.0.0.1", 0, socketio.WSGIApp(self.sio), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        if not isinstance(auth, dict) or auth.get("token") != TOKEN:
            with self._lock:
                self.refused += 1
            return False
        with self._lock:
            self.sids.append(sid)
        return True

    def _status(self, sid: str, payload: dict[str, Any]) -> None:
        # The agent's device:status right after connecting is when the hub
        # re-sends unacked jobs: an emit from inside the connect handler would
        # reach the client before its namespace is connected, and be dropped.
        self._record("device:status", sid, payload)
        with self._lock:
            pending = list(self.unacked.items())
            if sid in self.unacked_sent_to:
                return
            self.unacked_sent_to.add(sid)
        for job_id, ticket in pending:
            self.sio.emit(
                "print:job", {"job_id": job_id, "ticket": ticket}, to=sid, namespace=NAMESPACE
            )

    def _record(self, event: str, sid: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self.events.append((event, payload))

    def _ack(self, sid: str, payload: dict[str, Any]) -> None:
        self._record("print:ack", sid, payload)
        with self._lock:
            self.unacked.pop(payload["job_id"], None)

    def send_job(self, job_id: str, ticket: dict[str, Any]) -> None:
        """Store the job as unacked, then send it to the connected agent."""
        with self._lock:
            self.unacked[job_id] = ticket
            sid = self.sids[-1]
        self.sio.emit(
            "print:job", {"job_id": job_id, "ticket": ticket}, to=sid, namespace=NAMESPACE
        )

    def received(self, event: str) -> list[dict[str, Any]]:
        """Payloads of `event` received so far."""
        with self._lock:
            return [payload for name, payload in self.events if name == event]

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    """A fake hub's /printer namespace on a free loopback port."""
    with FakeHub() as fake:
        yield fake


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    """The printer the agent prints on."""
    with PrinterEmulator("127.0.0.1", 0, control_port=None) as em:
        yield em


def _start(
    hub: FakeHub, emulator: PrinterEmulator, token: str = TOKEN
) -> tuple[SocketIOHubLink, PrintAgent]:
    # Long-polling: werkzeug's server never answers a WebSocket close frame, so
    # every disconnect would wait out websocket-client's 3 s close timeout.
    link = SocketIOHubLink(hub.url, token, transports=["polling"], min_delay_s=0.1, max_delay_s=0.5)
    connect = partial(TcpConnection, "127.0.0.1", emulator.port, FAST_TIMEOUTS)
    agent = PrintAgent(connect, link, poll_interval_s=0.1)
    link.attach(agent.submit)
    agent.start()
    link.start()
    return link, agent


def test_job_from_hub_is_printed_and_acked_and_survives_a_reconnect(
    hub: FakeHub, emulator: PrinterEmulator
) -> None:
    link, agent = _start(hub, emulator)
    try:
        # GIVEN an agent connected to the hub with its device token
        # THEN the hub hears the printer's state on connect
        assert wait_until(
            lambda: any(p["state"] == "ready" for p in hub.received("device:status")), 3
        )
        # WHEN the hub sends a print job
        ticket = asdict(make_ticket(number="D001"))
        hub.send_job("job-100", ticket)
        # THEN it is printed and acked ok
        assert wait_until(lambda: len(hub.received("print:ack")) == 1, 5)
        assert hub.received("print:ack") == [{"job_id": "job-100", "ok": True, "error": None}]
        assert [t.number for t in emulator.tickets()] == ["D001"]
        # WHEN the hub drops the agent, and the job is resent as unacked on reconnect
        statuses_before = len(hub.received("device:status"))
        hub.unacked["job-100"] = ticket  # as if the first ack had been lost
        hub.sio.disconnect(hub.sids[-1], namespace=NAMESPACE)
        # THEN the link comes back by itself and reports its state again
        assert wait_until(lambda: link.connects >= 2, 5)
        assert wait_until(lambda: len(hub.received("device:status")) > statuses_before, 3)
        # AND the resent job is acked ok again without a second ticket
        assert wait_until(lambda: len(hub.received("print:ack")) == 2, 5)
        assert hub.received("print:ack")[1] == {"job_id": "job-100", "ok": True, "error": None}
        assert [t.number for t in emulator.tickets()] == ["D001"]
    finally:
        link.stop()
        agent.stop()


def test_bad_job_payload_is_acked_failed(hub: FakeHub, emulator: PrinterEmulator) -> None:
    link, agent = _start(hub, emulator)
    try:
        # GIVEN a connected agent that has told the hub its state (and so got
        # any unacked jobs already)
        assert wait_until(lambda: len(hub.received("device:status")) >= 1, 3)
        # WHEN the hub sends a job whose ticket lacks fields
        hub.send_job("job-101", {"number": "D002"})
        # THEN the job is acked failed with the reason, and nothing prints
        assert wait_until(lambda: len(hub.received("print:ack")) == 1, 3)
        ack = hub.received("print:ack")[0]
        assert ack["job_id"] == "job-101"
        assert ack["ok"] is False
        assert "bad ticket" in ack["error"]
        assert emulator.tickets() == []
    finally:
        link.stop()
        agent.stop()


def test_wrong_token_is_refused_and_the_link_keeps_trying(
    hub: FakeHub, emulator: PrinterEmulator
) -> None:
    # GIVEN an agent with a revoked token
    link, agent = _start(hub, emulator, token="revoked")
    try:
        # WHEN it connects THEN the hub refuses it, and it tries again (back-off), never connecting
        assert wait_until(lambda: hub.refused >= 2, 5)
        assert link.connects == 0
        assert hub.received("device:status") == []
    finally:
        link.stop()
        agent.stop()


def test_ticket_payload_ignores_unknown_fields() -> None:
    # GIVEN a ticket payload from a newer hub with an extra field
    payload = {**asdict(make_ticket()), "printed_by": "hub-2"}
    # WHEN it is turned into a TicketPrint THEN the extra field is ignored
    assert ticket_from_payload(payload) == make_ticket()
    # AND a payload that is not an object is refused
    with pytest.raises(ValueError, match="object"):
        ticket_from_payload(["A012"])
