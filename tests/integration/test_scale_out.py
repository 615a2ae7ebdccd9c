"""Several hub processes on one PostgreSQL database and one Redis message queue (SPEC §3)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio
from sqlalchemy import select

from core import protocol
from core.adapters import orm
from core.adapters.clock import SystemClock
from core.adapters.db import Database
from core.services.access import staff_token
from tests.integration.test_concurrent_calls import busy_hall
from tests.support.databases import PostgresTemplate, Tokens
from tests.support.hub import HubProcess, wait_for
from tests.support.protocol_client import FollowingClient
from tests.support.redis_server import RedisServer

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CALLERS = 40
TICKETS = 200


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def cluster(
    postgres_template: PostgresTemplate, redis_server: RedisServer, tmp_path: Path
) -> Iterator[tuple[HubProcess, HubProcess, str, Tokens]]:
    """Two hub processes, one database, one message queue; jobs run in the first only."""
    url = postgres_template.copy()
    shared = {"HALLQ_MESSAGE_QUEUE": redis_server.url}
    first = HubProcess(url, tmp_path / "one", **shared)
    second = HubProcess(
        url, tmp_path / "two", HALLQ_PRINT_AGENTS="0", HALLQ_SMS_DISPATCH="0", **shared
    )
    for hub in (first, second):
        hub.folder.mkdir()
        hub.start()
    yield first, second, url, postgres_template.tokens
    for hub in (first, second):
        hub.stop()
    postgres_template.drop(url)


def post(hub: HubProcess, path: str, token: str, **body: object) -> requests.Response:
    return requests.post(
        f"{hub.url}{path}",
        json=body or None,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_a_call_made_on_one_process_reaches_a_display_on_the_other(
    cluster: tuple[HubProcess, HubProcess, str, Tokens],
) -> None:
    # GIVEN a display connected to process 2 and a ticket issued through process 1
    first, second, _url, tokens = cluster
    display = FollowingClient(
        second.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]}, check_every_s=60
    )
    try:
        post(
            first, "/api/v1/tickets", tokens.devices["kiosk-1"], service="filing"
        ).raise_for_status()
        post(first, "/api/v1/windows/3/open", tokens.staff["window3"]).raise_for_status()
        # WHEN window 3 calls next through process 1
        called = post(first, "/api/v1/windows/3/call-next", tokens.staff["window3"]).json()[
            "ticket"
        ]["number"]
        # THEN the display on process 2 shows it, by events alone, and its seq is the hall's
        wait_for(
            lambda: (
                display.state.get("recent_calls")
                and display.state["recent_calls"][0]["number"] == called
            ),
            message="call seen on process 2",
        )
        # (read again each time: a device's status may move the hall on meanwhile)
        wait_for(
            lambda: (
                display.seq == requests.get(f"{second.url}/api/v1/queue", timeout=5).json()["seq"]
            ),
            message="seq in step",
        )
        assert display.resyncs == 1  # only the snapshot on connect: no gap along the way
    finally:
        display.close()


def test_forty_callers_on_two_processes_never_call_a_ticket_twice(
    cluster: tuple[HubProcess, HubProcess, str, Tokens],
) -> None:
    # GIVEN 40 windows, their clerks' tokens, and 200 waiting tickets
    first, second, url, _tokens = cluster
    database = Database(url)
    busy_hall(database, tickets=TICKETS)
    with database.write_session() as session:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "busy")).one()
        for n in range(1, CALLERS + 1):
            session.add(
                orm.Staff(username=f"clerk{n}", role="staff", password_hash="!", hall_id=hall.id)
            )
        session.flush()
        tokens = [
            staff_token(session, f"clerk{n}", SystemClock().now()) for n in range(1, CALLERS + 1)
        ]
        session.commit()
    errors: list[str] = []
    start = threading.Barrier(CALLERS)

    def clerk(window: int) -> None:
        hub = (first, second)[window % 2]  # half the clerks on each process
        token = tokens[window - 1]
        post(hub, f"/api/v1/windows/{window}/open", token).raise_for_status()
        start.wait()
        while True:
            called = post(hub, f"/api/v1/windows/{window}/call-next", token)
            if called.status_code == 204:
                return
            if called.status_code != 200:
                errors.append(called.text)
                return
            post(hub, f"/api/v1/windows/{window}/no-show", token)

    # WHEN they all call as fast as they can
    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(1, CALLERS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # THEN every ticket was called exactly once, through both processes
    assert not errors, errors[:3]
    with database.read_session() as session:
        calls = Counter(
            session.scalars(
                select(orm.Ticket.number)
                .join(orm.TicketEvent, orm.TicketEvent.ticket_id == orm.Ticket.id)
                .where(orm.TicketEvent.kind == "called", orm.Ticket.hall_id == hall.id)
            )
        )
    database.dispose()
    assert len(calls) == TICKETS
    assert set(calls.values()) == {1}


def test_clients_end_with_the_right_state_after_redis_stops_and_restarts(
    cluster: tuple[HubProcess, HubProcess, str, Tokens],
    redis_server: RedisServer,
) -> None:
    # GIVEN a display on process 2 that checks its seq every second, and window 3 open on process 1
    first, second, _url, tokens = cluster
    display = FollowingClient(
        second.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]}, check_every_s=1
    )
    try:
        post(
            first, "/api/v1/tickets", tokens.devices["kiosk-1"], service="filing"
        ).raise_for_status()
        post(first, "/api/v1/windows/3/open", tokens.staff["window3"]).raise_for_status()
        # WHEN Redis stops, a call is made (committed; its emit is lost), and Redis comes back
        redis_server.stop()
        answer = post(first, "/api/v1/windows/3/call-next", tokens.staff["window3"])
        redis_server.start()
        # THEN the call itself succeeded, and the display ends with it through its seq check
        assert answer.status_code == 200
        number = answer.json()["ticket"]["number"]
        wait_for(
            lambda: (
                display.state.get("recent_calls")
                and display.state["recent_calls"][0]["number"] == number
            ),
            timeout=15,
            message="display resynced",
        )
        hall_seq = requests.get(f"{second.url}/api/v1/queue", timeout=5).json()["seq"]
        wait_for(lambda: display.seq == hall_seq, message="seq in step")
        # AND events flow again through the restarted queue
        post(first, "/api/v1/windows/3/recall", tokens.staff["window3"]).raise_for_status()
        wait_for(
            lambda: display.state["recent_calls"][0].get("recall") is True,
            message="recall by event",
        )
    finally:
        display.close()


def test_revoking_a_device_cuts_its_sockets_on_every_process_within_2_s(
    cluster: tuple[HubProcess, HubProcess, str, Tokens],
) -> None:
    # GIVEN kiosk-1 connected to process 1 and to process 2, and display-1 to process 2
    first, second, _url, tokens = cluster
    sockets = {
        (hub.url, namespace): socketio.Client(reconnection=False)
        for hub, namespace in ((first, protocol.KIOSK), (second, protocol.KIOSK))
    }
    sockets[(second.url, protocol.DISPLAY)] = socketio.Client(reconnection=False)
    cut_off: dict[tuple[str, str], float] = {}
    for (url, namespace), client in sockets.items():
        client.on(
            "disconnect",
            lambda *_, at=(url, namespace): cut_off.setdefault(at, time.monotonic()),
            namespace,
        )
        device = "kiosk-1" if namespace == protocol.KIOSK else "display-1"
        client.connect(
            url,
            namespaces=[namespace],
            auth={"token": tokens.devices[device]},
            transports=["websocket"],
            wait_timeout=10,
        )
    try:
        # WHEN an operator revokes both devices with `hallq device revoke` (a third process)
        for device in ("kiosk-1", "display-1"):
            revoked = first.cli("device", "revoke", device)
            assert revoked.returncode == 0, revoked.stderr
        done = time.monotonic()
        # THEN every one of their sockets, on both processes, is ended within 2 s
        wait_for(lambda: len(cut_off) == len(sockets), timeout=3.0, message="all sockets cut")
        assert max(cut_off.values()) - done < 2.0, cut_off
        assert not any(client.connected for client in sockets.values())
    finally:
        for client in sockets.values():
            client.disconnect()
