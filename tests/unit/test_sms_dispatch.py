"""The SMS dispatcher with the fake sender on a real SQLite file holding the demo hall."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import migrate
from core.adapters import orm
from core.adapters.clock import FixedClock
from core.adapters.db import Database
from core.adapters.sms import RecordingSender, SmsSendError
from core.halls import DEMO_FILE, load_hall, read_hall_file
from core.hub.sms import QuietHours, SmsDispatcher, backoff
from core.services.sms import SmsKind, queue_sms

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
PHONE = "13800138000"
OTHER_PHONE = "13900139000"


class Crash(BaseException):
    """The process dying in the middle of a send (not an exception anyone handles)."""


class CrashingSender:
    def send(self, phone: str, body: str) -> None:
        raise Crash


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
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


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_10AM)


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def dispatcher(db: Database, clock: FixedClock, sender: RecordingSender) -> SmsDispatcher:
    return SmsDispatcher(db, clock, sender, daily_cap=5)


@dataclass
class Outbox:
    """Queues messages as the services do, and reads them back."""

    db: Database
    clock: FixedClock

    def queue(
        self, kind: SmsKind = SmsKind.TICKET, phone: str = PHONE, body: str = "您的号码是 A001"
    ) -> int:
        with self.db.write_session() as session:
            hall = session.scalars(select(orm.Hall)).one()
            message = queue_sms(session, hall, phone, body, kind, self.clock.now())
            session.commit()
            return message.id

    def get(self, message_id: int) -> orm.SmsMessage:
        with self.db.read_session() as session:
            message = session.get(orm.SmsMessage, message_id)
            assert message is not None
            return message

    def set_hall_settings(self, **settings: Any) -> None:
        with self.db.write_session() as session:
            hall = session.scalars(select(orm.Hall)).one()
            hall.settings = {**hall.settings, **settings}
            session.commit()


@pytest.fixture
def outbox(db: Database, clock: FixedClock) -> Outbox:
    return Outbox(db, clock)


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


# -- quiet hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "until"),
    [
        (time(20, 59), None),
        (time(21, 0), datetime(2026, 11, 24, 8, 0)),
        (time(23, 30), datetime(2026, 11, 24, 8, 0)),
        (time(3, 0), datetime(2026, 11, 23, 8, 0)),
        (time(8, 0), None),
    ],
)
def test_default_quiet_hours_wrap_midnight(at: time, until: datetime | None) -> None:
    # GIVEN the default window 21:00–08:00
    quiet = QuietHours.from_settings({})
    # WHEN a moment of 23 November is checked
    ends = quiet.until(datetime.combine(MONDAY_10AM.date(), at, tzinfo=SHANGHAI))
    # THEN it is inside until the next 08:00, or outside
    assert ends == (None if until is None else until.replace(tzinfo=SHANGHAI))


def test_quiet_hours_postpone_a_ticket_sms_but_not_an_outage_sms(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN 22:30 hall time, a ticket SMS and an outage notice queued
    clock.set(datetime(2026, 11, 23, 22, 30, tzinfo=SHANGHAI))
    ticket = outbox.queue(SmsKind.TICKET, body="您的号码是 A001")
    outage = outbox.queue(SmsKind.OUTAGE, body="系统故障，申报期限顺延")
    # WHEN the dispatcher runs
    assert dispatcher.run_once() == 2
    # THEN the outage notice goes out and the ticket SMS waits for 08:00, not failed
    assert [sms.body for sms in sender.sent] == ["系统故障，申报期限顺延"]
    assert outbox.get(outage).state == "sent"
    postponed = outbox.get(ticket)
    assert (postponed.state, postponed.attempts, postponed.error) == ("queued", 0, "")
    assert local(postponed.next_attempt_at) == datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
    # WHEN the clock reaches 08:00 the next morning
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))
    dispatcher.run_once()
    # THEN the ticket SMS is sent
    assert outbox.get(ticket).state == "sent"
    assert len(sender.sent) == 2


def test_a_halls_own_quiet_hours_apply(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN a hall quiet over lunch, 12:00–13:30, and a follow-up answer queued at 12:10
    outbox.set_hall_settings(quiet_hours={"start": "12:00", "end": "13:30"})
    clock.set(datetime(2026, 11, 23, 12, 10, tzinfo=SHANGHAI))
    message = outbox.queue(SmsKind.FOLLOW_UP)
    # WHEN the dispatcher runs
    dispatcher.run_once()
    # THEN the message waits until 13:30 the same day
    assert sender.sent == []
    assert local(outbox.get(message).next_attempt_at) == datetime(
        2026, 11, 23, 13, 30, tzinfo=SHANGHAI
    )


# -- daily cap --------------------------------------------------------------------------


def test_the_daily_cap_skips_messages_past_it_but_never_an_outage_notice(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN five messages already sent to one number today
    for _ in range(5):
        outbox.queue(SmsKind.BACKFILL)
    dispatcher.run_once()
    assert len(sender.sent) == 5
    # WHEN a sixth ordinary message, an outage notice and a message to another number follow
    clock.advance(timedelta(hours=1))
    sixth = outbox.queue(SmsKind.FOLLOW_UP)
    outage = outbox.queue(SmsKind.OUTAGE)
    other = outbox.queue(SmsKind.FOLLOW_UP, phone=OTHER_PHONE)
    dispatcher.run_once()
    # THEN the sixth is skipped with the reason; the outage notice and the other number go out
    skipped = outbox.get(sixth)
    assert (skipped.state, skipped.error) == (
        "skipped",
        "daily cap of 5 messages to this number reached",
    )
    assert outbox.get(outage).state == "sent"
    assert outbox.get(other).state == "sent"
    # WHEN the next hall-local day begins (00:00 Shanghai is 16:00 UTC)
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))
    tomorrow = outbox.queue(SmsKind.FOLLOW_UP)
    dispatcher.run_once()
    # THEN the number has a fresh allowance
    assert outbox.get(tomorrow).state == "sent"


def test_the_cap_counts_messages_of_the_same_batch(
    outbox: Outbox, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN seven messages to one number queued at once
    ids = [outbox.queue(SmsKind.FOLLOW_UP, body=f"答复 {n}") for n in range(7)]
    # WHEN one round handles them all
    assert dispatcher.run_once() == 7
    # THEN the five oldest are sent and the last two skipped
    assert [sms.body for sms in sender.sent] == [f"答复 {n}" for n in range(5)]
    assert [outbox.get(id_).state for id_ in ids[5:]] == ["skipped", "skipped"]


# -- retries ----------------------------------------------------------------------------


def test_retryable_failures_back_off_then_give_up(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN a gateway that keeps failing with a retryable error
    sender.fail_with(SmsSendError(True, "gateway answered HTTP 503"), times=8)
    message = outbox.queue()
    waits = []
    # WHEN the dispatcher tries each time the message falls due
    for _ in range(8):
        before = clock.now()
        dispatcher.run_once()
        row = outbox.get(message)
        if row.state != "queued":
            break
        waits.append(row.next_attempt_at - before)
        clock.advance(waits[-1] - timedelta(seconds=1))
        assert dispatcher.run_once() == 0  # not due a second early
        clock.advance(timedelta(seconds=1))
    # THEN it waited 30 s, 2, 8, 32 min, then 1 h each time, and gave up after 8 attempts
    minutes = [wait.total_seconds() / 60 for wait in waits]
    assert minutes == [0.5, 2, 8, 32, 60, 60, 60]
    row = outbox.get(message)
    assert (row.state, row.attempts) == ("failed", 8)
    assert row.error == "gave up after 8 attempts: gateway answered HTTP 503"
    assert sender.attempts == 8


def test_backoff_is_capped_at_an_hour() -> None:
    # GIVEN / WHEN a message failing many times, THEN the wait never passes an hour
    assert [backoff(n) for n in (1, 2, 5, 50)] == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


def test_a_retry_succeeds_after_a_transient_failure(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN one retryable failure
    sender.fail_with(SmsSendError(True, "timeout"))
    message = outbox.queue()
    # WHEN the dispatcher runs, and again 30 s later
    dispatcher.run_once()
    clock.advance(timedelta(seconds=30))
    dispatcher.run_once()
    # THEN the message is sent on the second attempt
    row = outbox.get(message)
    assert (row.state, row.attempts, row.error) == ("sent", 2, "")
    assert row.sent_at == clock.now()


def test_a_non_retryable_failure_fails_at_once(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN a gateway rejecting the message
    sender.fail_with(SmsSendError(False, "gateway answered HTTP 400"))
    message = outbox.queue()
    # WHEN the dispatcher runs, and again much later
    dispatcher.run_once()
    clock.advance(timedelta(hours=2))
    dispatcher.run_once()
    # THEN it failed with the gateway's reason, tried once
    row = outbox.get(message)
    assert (row.state, row.attempts, row.error) == ("failed", 1, "gateway answered HTTP 400")
    assert sender.attempts == 1


def test_a_sender_bug_is_retried_not_lost(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, db: Database
) -> None:
    # GIVEN a sender raising something that is not an SmsSendError
    class Broken:
        def send(self, phone: str, body: str) -> None:
            raise KeyError("template")

    message = outbox.queue()
    # WHEN it is used once, then a working sender later
    SmsDispatcher(db, clock, Broken()).run_once()
    clock.advance(timedelta(seconds=30))
    SmsDispatcher(db, clock, sender).run_once()
    # THEN the message is sent
    assert outbox.get(message).state == "sent"


def test_run_forever_sends_and_sleeps_until_stopped(
    outbox: Outbox, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN a queued message and a sleep that stops the loop when first called
    outbox.queue(SmsKind.RECOVERY, body="系统已恢复")
    stop = threading.Event()
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        stop.set()

    # WHEN the loop runs
    dispatcher.run_forever(sleep, interval_s=2.0, stop=stop)
    # THEN the message went out in the first round, then the loop slept once and ended
    assert [sms.body for sms in sender.sent] == ["系统已恢复"]
    assert naps == [2.0]


# -- crashes ----------------------------------------------------------------------------


def test_a_crash_between_claim_and_outcome_leaves_the_message_to_retry(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, db: Database
) -> None:
    # GIVEN a message claimed by a dispatcher whose process dies during the send
    message = outbox.queue(SmsKind.OUTAGE)
    with pytest.raises(Crash):
        SmsDispatcher(db, clock, CrashingSender()).run_once()
    assert outbox.get(message).state == "queued"
    # WHEN a new dispatcher starts (the hub restarted), at once and after the claim's lease
    restarted = SmsDispatcher(db, clock, sender)
    assert restarted.run_once() == 0
    clock.advance(timedelta(minutes=10))
    restarted.run_once()
    # THEN the message is sent, its lost attempt counted
    row = outbox.get(message)
    assert (row.state, row.attempts) == ("sent", 2)
    assert len(sender.sent) == 1


def test_claims_not_tried_in_time_are_given_back(
    outbox: Outbox, clock: FixedClock, db: Database
) -> None:
    # GIVEN a sender so slow that the batch outlives half of the claim's lease
    class Slow(RecordingSender):
        def send(self, phone: str, body: str) -> None:
            super().send(phone, body)
            clock.advance(timedelta(minutes=6))

    slow = Slow()
    first, second = outbox.queue(body="一"), outbox.queue(body="二")
    # WHEN one round runs
    handled = SmsDispatcher(db, clock, slow).run_once()
    # THEN the first is sent, the second given back due now and without a counted attempt
    assert handled == 1
    assert outbox.get(first).state == "sent"
    row = outbox.get(second)
    assert (row.state, row.attempts, row.next_attempt_at) == ("queued", 0, clock.now())


# -- retention --------------------------------------------------------------------------


def test_erase_old_phones_blanks_phones_past_retention(
    outbox: Outbox, clock: FixedClock, sender: RecordingSender, dispatcher: SmsDispatcher
) -> None:
    # GIVEN a message sent 8 days ago, one still queued from 8 days ago, one queued yesterday
    clock.set(MONDAY_10AM - timedelta(days=8))
    old_sent = outbox.queue(body="旧")
    dispatcher.run_once()
    old_queued = outbox.queue(body="旧，未发")
    clock.set(MONDAY_10AM - timedelta(days=1))
    recent = outbox.queue(body="昨天")
    # WHEN phones older than 7 days are erased
    clock.set(MONDAY_10AM)
    erased = dispatcher.erase_old_phones(clock.now() - timedelta(days=7))
    # THEN the two old rows lose their phone, the queued one is skipped, the recent one is kept
    assert erased == 2
    assert outbox.get(old_sent).phone is None
    assert (outbox.get(old_queued).phone, outbox.get(old_queued).state) == (None, "skipped")
    assert outbox.get(recent).phone == PHONE
    # WHEN the dispatcher runs again THEN only the recent message goes out
    dispatcher.run_once()
    assert [sms.body for sms in sender.sent] == ["旧", "昨天"]
