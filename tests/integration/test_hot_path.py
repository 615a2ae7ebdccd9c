"""The hot path stays short: statements per kiosk ticket and per call-next (issue 15).

Each statement costs 0.3–1 ms of Python on the hall's machines, inside the hall's
write lock; these counts are what keeps a ticket in a few milliseconds. They count
every statement the request sends, the token lookup and ``BEGIN`` included.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from core.adapters.db import Database
from core.halls import DEMO_FILE, ServiceSpec, load_hall, read_hall_file
from tests.integration.conftest import Api

KIOSK_TICKET_STATEMENTS = 12
CALL_NEXT_STATEMENTS = 10


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the block runs."""
    engine = app.extensions["hallq"].db.engine
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

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
