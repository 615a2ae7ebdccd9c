"""Pooled PostgreSQL connections: pinged when idle, trusted when just used (issue 15).

A ping on every checkout cost a kiosk ticket two round trips, one inside the hall's
lock; a connection idle past `PING_IDLE_S` is still tested before a request uses it,
so a database restarted during a quiet hour costs no request an error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from core.adapters.db import make_engine
from tests.support.databases import PostgresTemplate

pytestmark = pytest.mark.postgres

IDLE_S = 0.3


@pytest.fixture
def engine(postgres_template: PostgresTemplate) -> Iterator[Engine]:
    engine = make_engine(postgres_template.copy(), pool_size=1, ping_idle_s=IDLE_S)
    yield engine
    engine.dispose()


def cut_off(engine: Engine, postgres_template: PostgresTemplate) -> None:
    """The server ends the pooled connection's session, as a restart would."""
    with engine.connect() as connection:
        pid = connection.scalar(text("SELECT pg_backend_pid()"))
    admin = create_engine(postgres_template.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
    engine: Engine, postgres_template: PostgresTemplate
) -> None:
    # GIVEN the pool's one connection, cut off by the server, and left idle
    cut_off(engine, postgres_template)
    time.sleep(IDLE_S + 0.1)
    # WHEN a request uses the pool
    with engine.connect() as connection:
        answer = connection.scalar(text("SELECT 1"))
    # THEN it gets an answer: the dead connection was found and replaced
    assert answer == 1


def test_a_connection_used_a_moment_ago_is_not_pinged(
    engine: Engine, postgres_template: PostgresTemplate
) -> None:
    # GIVEN the pool's one connection, cut off by the server right after use
    cut_off(engine, postgres_template)
    # WHEN a request uses it at once
    with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
        connection.scalar(text("SELECT 1"))
    # THEN it was trusted without a round trip (the error shows it), and the pool is
    # renewed for the next request
    assert failed.value.connection_invalidated
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT 1")) == 1
