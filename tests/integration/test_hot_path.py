"""The hot path stays short: statements per kiosk ticket and per call-next (issue 15).

Each statement costs 0.3–1 ms of Python on the hall's machines, inside the hall's
write lock; these counts are what keeps a ticket in a few milliseconds. They count
every statement the request sends, the token lookup and ``BEGIN`` included.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask_socketio import SocketIOTestClient
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from core.adapters.db import Database
from core.halls import DEMO_FILE, ServiceSpec, load_hall, read_hall_file
from core.protocol import PUBLIC, STATE_SNAPSHOT
from tests.integration.conftest import Api

KIOSK_TICKET_STATEMENTS = 8
CALL_NEXT_STATEMENTS = 9
PHONE_CONNECT_STATEMENTS = 2
"""Its ticket's hall, the hall's seq (the snapshot itself is shared): what 2,000 phones
reconnecting after a hub restart cost the hub."""
SEQ_CHECK_STATEMENTS = 1


@contextmanager
def statements(app: Flask, *, compiled: list[str] | None = None) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the block runs; those SQLAlchemy had to
    compile for it (not found in its statement cache) are added to `compiled`."""
    engine = app.extensions["hallq"].db.engine
    sent: list[str] = []

    def record(
        _conn: object, _cursor: object, statement: str, _params: object, context: Any, _many: bool
    ) -> None:
        sent.append(statement)
        built = context.compiled is not None and context.cache_hit is not CacheStats.CACHE_HIT
        if compiled is not None and built:
            compiled.append(f"{context.cache_hit.name}: {statement}")

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_kiosk_ticket_and_a_call_send_no_more_statements_than_counted(
    app: Flask, api: Api
) -> None:
    # GIVEN a working hall: window 3 open, tickets waiting, earlier commands warmed up
    assert api.window(3, "open").status_code == 200
    for _ in range(5):
        assert api.issue("filing").status_code == 201

    # WHEN a kiosk issues a printed ticket
    with statements(app) as issued:
        assert api.issue("filing").status_code == 201
    # AND window 3 calls the next ticket
    with statements(app) as called:
        assert api.window(3, "call-next").status_code == 200

    # THEN each sent no more statements than the hot path is allowed
    assert len(issued) <= KIOSK_TICKET_STATEMENTS, "\n".join(issued)
    assert len(called) <= CALL_NEXT_STATEMENTS, "\n".join(called)


def test_every_statement_of_a_ticket_and_a_call_comes_compiled_from_the_cache(
    app: Flask, api: Api
) -> None:
    # GIVEN a working hall whose commands have each run once (SQLAlchemy compiled
    # their statements then)
    assert api.window(3, "open").status_code == 200
    for _ in range(3):
        assert api.issue("filing").status_code == 201
    assert api.window(3, "call-next").status_code == 200
    assert api.window(3, "start").status_code == 200
    assert api.window(3, "finish").status_code == 200

    # WHEN a kiosk issues a ticket and window 3 calls the next one
    compiled: list[str] = []
    with statements(app, compiled=compiled) as sent:
        assert api.issue("filing").status_code == 201
        assert api.window(3, "call-next").status_code == 200

    # THEN none of their statements was compiled again (an upsert without a cache
    # key, as SQLAlchemy 2.0 built SQLite's, costs a millisecond on every ticket)
    assert len(sent) > KIOSK_TICKET_STATEMENTS
    assert compiled == []


def test_a_phone_connecting_and_checking_its_seq_reads_single_statements(
    app: Flask, api: Api
) -> None:
    # GIVEN two taxpayers' tickets, and the first phone connected (the hall's
    # snapshot for phones is built once and shared)
    first, second = (api.issue("filing").json["token"] for _ in range(2))
    socketio = app.extensions["socketio"]
    earlier = socketio.test_client(app, namespace=PUBLIC, auth={"ticket": first})
    snapshots(earlier)

    # WHEN the second phone connects and gets its snapshot, then checks its seq
    with statements(app) as connected:
        phone = socketio.test_client(app, namespace=PUBLIC, auth={"ticket": second})
        received = snapshots(phone)
    with statements(app) as checked:
        answer = phone.emit("state:check", {}, namespace=PUBLIC, callback=True)

    # THEN each statement ran alone, outside any transaction, and no more of them
    assert received[0]["seq"] == answer["seq"]
    assert len(connected) <= PHONE_CONNECT_STATEMENTS, "\n".join(connected)
    assert len(checked) <= SEQ_CHECK_STATEMENTS, "\n".join(checked)
    assert all(statement.startswith("SELECT") for statement in connected + checked)


def snapshots(client: SocketIOTestClient) -> list[dict[str, Any]]:
    """The snapshots a test client received, waiting up to 5 s for the first."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        received = [
            event["args"][0]
            for event in client.get_received(PUBLIC)
            if event["name"] == STATE_SNAPSHOT
        ]
        if received:
            return received
        time.sleep(0.02)
    raise AssertionError("no snapshot within 5 s")


def test_a_hall_file_loaded_while_the_hub_runs_applies_to_the_next_ticket(
    app: Flask, api: Api
) -> None:
    # GIVEN a hall without a customs service, and a hub that has just issued a ticket
    # (it keeps the hall's services in memory)
    assert api.issue("customs").status_code == 404
    assert api.issue("filing").status_code == 201

    # WHEN the hall's file, with a new service, is loaded from the shell meanwhile
    spec = read_hall_file(DEMO_FILE)
    spec.services.append(ServiceSpec(code="customs", prefix="K", name="出口退税"))
    database = Database(app.extensions["hallq"].db.url)
    with database.write_session() as session:
        load_hall(session, spec)
        session.commit()
    database.dispose()

    # THEN the next ticket of the new service is issued, and the queue lists it
    issued = api.issue("customs")
    assert issued.status_code == 201, issued.json
    assert issued.json["number"] == "K001"
    queue = api.get("/api/v1/queue", as_="kiosk-1").json
    assert "customs" in [service["code"] for service in queue["services"]]
