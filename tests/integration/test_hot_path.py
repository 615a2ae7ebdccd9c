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

from tests.integration.conftest import Api

KIOSK_TICKET_STATEMENTS = 16
CALL_NEXT_STATEMENTS = 15


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
