"""The HTTP gateway sender against a real HTTP server on loopback, driven by the dispatcher."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core import migrate
from core.adapters import orm
from core.adapters.clock import FixedClock
from core.adapters.db import Database
from core.adapters.sms import HttpGatewaySender, SmsSendError
from core.halls import DEMO_FILE, load_hall, read_hall_file
from core.hub.sms import SmsDispatcher
from core.services.sms import SmsKind, queue_sms
from tests.support.http_stub import Gateway, gateway

__all__ = ["gateway"]  # the scripted gateway, a fixture of these tests

TEMPLATE = '{"mobile": "{phone}", "content": "{text}", "sign": "办税服务厅"}'
HEADERS = {"Authorization": "Bearer gateway-secret", "X-Account": "hall-demo"}
PHONE = "13800138000"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo hall alone (no staff: their password hashing is what makes the shared
    template slow, and the outbox does not need them)."""
    path = tmp_path_factory.mktemp("sms") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    database = Database(f"sqlite:///{path}")
    with database.write_session() as session:
        load_hall(session, read_hall_file(DEMO_FILE))
        session.commit()
    database.dispose()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    shutil.copy(template, tmp_path / "hallq.db")
    database = Database(f"sqlite:///{tmp_path / 'hallq.db'}")
    yield database
    database.dispose()


def sender_for(url: str, timeout_s: float = 2.0) -> HttpGatewaySender:
    return HttpGatewaySender(url, headers=HEADERS, body_template=TEMPLATE, timeout_s=timeout_s)


def queue(db: Database, clock: FixedClock, body: str, kind: SmsKind = SmsKind.OUTAGE) -> int:
    with db.write_session() as session:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        message = queue_sms(session, hall, PHONE, body, kind, clock.now())
        session.commit()
        return message.id


def outbox_row(db: Database, message_id: int) -> orm.SmsMessage:
    with db.read_session() as session:
        message = session.get(orm.SmsMessage, message_id)
        assert message is not None
        return message


def test_messages_reach_the_gateway_with_the_json_body_and_headers(
    db: Database, clock: FixedClock, gateway: Gateway
) -> None:
    # GIVEN an outage notice in the outbox and the gateway up
    body = '税务系统故障，请到"应急专窗"办理。\n申报期限顺延至11月24日'
    message = queue(db, clock, body)
    # WHEN the dispatcher runs once
    SmsDispatcher(db, clock, sender_for(gateway.url)).run_once()
    # THEN the gateway received the filled template, with the auth headers, and it is sent
    [request] = gateway.received
    assert request.path == "/api/sms/send"
    assert request.body == {"mobile": PHONE, "content": body, "sign": "办税服务厅"}
    assert request.headers["Authorization"] == "Bearer gateway-secret"
    assert request.headers["X-Account"] == "hall-demo"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    row = outbox_row(db, message)
    assert (row.state, row.sent_at) == ("sent", clock.now())


def test_a_gateway_answering_503_twice_is_retried_until_sent(
    db: Database, clock: FixedClock, gateway: Gateway
) -> None:
    # GIVEN a gateway that answers 503, 503, then 200
    gateway.answers = [503, 503]
    message = queue(db, clock, "系统已恢复", SmsKind.RECOVERY)
    dispatcher = SmsDispatcher(db, clock, sender_for(gateway.url))
    # WHEN the dispatcher runs now, after 30 s, and after 2 more minutes
    dispatcher.run_once()
    assert outbox_row(db, message).error == "gateway answered HTTP 503"
    clock.advance(timedelta(seconds=30))
    dispatcher.run_once()
    clock.advance(timedelta(minutes=2))
    dispatcher.run_once()
    # THEN the third request got through and the message is sent
    assert len(gateway.received) == 3
    row = outbox_row(db, message)
    assert (row.state, row.attempts, row.error) == ("sent", 3, "")


def test_a_gateway_that_is_down_is_retried(
    db: Database, clock: FixedClock, gateway: Gateway
) -> None:
    # GIVEN a gateway port with nothing listening
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    message = queue(db, clock, "系统故障")
    # WHEN the dispatcher runs
    SmsDispatcher(db, clock, sender_for(f"http://127.0.0.1:{closed_port}/sms")).run_once()
    # THEN the message waits 30 s for another try, the reason recorded
    row = outbox_row(db, message)
    assert (row.state, row.attempts) == ("queued", 1)
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert row.error.startswith("gateway unreachable: ConnectionRefusedError")
    # WHEN the gateway is back (configured at its real address) and the wait is over
    clock.advance(timedelta(seconds=30))
    SmsDispatcher(db, clock, sender_for(gateway.url)).run_once()
    # THEN the message is sent
    assert outbox_row(db, message).state == "sent"


def test_a_gateway_that_hangs_times_out_as_retryable(gateway: Gateway) -> None:
    # GIVEN a gateway that accepts the request but does not answer
    gateway.hang = threading.Event()
    # WHEN a message is sent with a short timeout
    with pytest.raises(SmsSendError) as caught:
        sender_for(gateway.url, timeout_s=0.3).send(PHONE, "x")
    # THEN the failure is retryable
    assert caught.value.retryable
    assert "timed out" in caught.value.reason


def test_a_gateway_rejecting_the_message_fails_it(
    db: Database, clock: FixedClock, gateway: Gateway
) -> None:
    # GIVEN a gateway that answers 400 Bad Request
    gateway.answers = [400]
    message = queue(db, clock, "您的号码是 A001", SmsKind.TICKET)
    dispatcher = SmsDispatcher(db, clock, sender_for(gateway.url))
    # WHEN the dispatcher runs, and again an hour later
    dispatcher.run_once()
    clock.advance(timedelta(hours=1))
    dispatcher.run_once()
    # THEN it failed after one request, with the status as the reason
    assert len(gateway.received) == 1
    row = outbox_row(db, message)
    assert (row.state, row.error) == ("failed", "gateway answered HTTP 400")
