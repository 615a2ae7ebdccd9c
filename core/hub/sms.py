"""Sending the SMS outbox: quiet hours, a daily cap per number, retries with back-off.

Delivery is **at least once**. A message is never sent inside a database
transaction (a transaction that waits on the network can freeze the hub under
eventlet), so each round goes:

1. *claim* — one short write transaction takes the due messages, oldest first,
   postpones those in their hall's quiet hours, skips those over the daily cap,
   and claims the rest: ``attempts + 1`` and ``next_attempt_at = now + lease``.
   A claimed message stays ``queued`` on disk.
2. *send* — outside any transaction, one message at a time.
3. *record* — right after each send, a short write transaction stores that
   message's outcome (sent, retry later, failed).

If the process dies between 1 and 3 the message is still ``queued`` and falls
due again when the lease runs out, so it is sent by the next dispatcher — or
sent twice if the first send did go out. A duplicate SMS is a nuisance; a lost
outage notice is not acceptable. Recording after every send keeps the
duplicates of a crash to the one message in flight.

Decisions the SPEC leaves open:
- Quiet hours come from the hall's ``settings["quiet_hours"]`` (``{"start":
  "21:00", "end": "08:00"}`` in hall-local time, the default; a window may wrap
  midnight; start == end means none). Outage and recovery messages
  (`core.services.sms.URGENT`) ignore them; others wait until the window ends.
- The daily cap counts the messages *sent* to a number during the hall-local
  day, urgent ones included, but never stops an urgent message: an outage
  notice always goes out, it just uses up the number's budget for the rest.
  A message over the cap is ``skipped`` (not postponed to tomorrow).
- Retryable failures wait 30 s, 2 min, 8 min, 32 min, then 1 h each time; after
  `max_attempts` (8, about four hours) the message is ``failed``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.clock import Clock
from core.adapters.db import Database
from core.adapters.sms import SmsSender, SmsSendError
from core.services.sms import URGENT

log = logging.getLogger(__name__)

DEFAULT_QUIET_HOURS = {"start": "21:00", "end": "08:00"}
FIRST_BACKOFF = timedelta(seconds=30)
BACKOFF_FACTOR = 4
MAX_BACKOFF = timedelta(hours=1)
ERROR_LENGTH = 300  # the width of sms_outbox.error


@dataclass(frozen=True)
class QuietHours:
    """A daily window, in hall-local time, in which only urgent messages go out."""

    start: time
    end: time

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> QuietHours:
        """From a hall's settings; the default 21:00–08:00 when absent or malformed."""
        raw = (settings or {}).get("quiet_hours") or DEFAULT_QUIET_HOURS
        try:
            return cls(time.fromisoformat(raw["start"]), time.fromisoformat(raw["end"]))
        except (KeyError, TypeError, ValueError):
            log.warning("malformed quiet_hours %r; using %s", raw, DEFAULT_QUIET_HOURS)
            return cls(time(21), time(8))

    def until(self, local: datetime) -> datetime | None:
        """When the quiet period that `local` (hall-local, aware) falls in ends; None if outside."""
        moment = local.time()
        if self.start == self.end:
            return None
        if self.start < self.end:
            inside, next_day = self.start <= moment < self.end, False
        else:  # wraps midnight: 21:00–08:00
            inside, next_day = moment >= self.start or moment < self.end, moment >= self.start
        if not inside:
            return None
        day = local.date() + timedelta(days=1 if next_day else 0)
        return datetime.combine(day, self.end, tzinfo=local.tzinfo)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 30 s, 2 min, 8 min, 32 min, then 1 h."""
    factor: int = BACKOFF_FACTOR ** min(max(attempts - 1, 0), 10)  # no overflow
    return min(FIRST_BACKOFF * factor, MAX_BACKOFF)


def mask_phone(phone: str) -> str:
    """A phone number fit for a log line (个人信息保护法): ``138****5678``."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


@dataclass(frozen=True)
class _Claim:
    id: int
    phone: str
    body: str
    attempts: int  # after this claim; the outcome is stored only if it still matches


class SmsDispatcher:
    """Sends due outbox messages through `sender`; see the module docstring for the rules."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        sender: SmsSender,
        *,
        daily_cap: int = 5,
        batch: int = 50,
        max_attempts: int = 8,
        lease: timedelta = timedelta(minutes=10),
    ) -> None:
        self.db = db
        self.clock = clock
        self.sender = sender
        self.daily_cap = daily_cap
        self.batch = batch
        self.max_attempts = max_attempts
        self.lease = lease
        self._zones: dict[str, ZoneInfo] = {}

    def run_once(self) -> int:
        """One round: claim due messages, send them, record each outcome. Returns how many
        messages left the due set (sent, retried, failed, postponed or skipped)."""
        now = self.clock.now()
        claims, handled = self._claim(now)
        # Stop well before the lease runs out, so no other dispatcher re-sends what we hold.
        release_at = now + self.lease / 2
        for position, claim in enumerate(claims):
            if self.clock.now() >= release_at:
                self._release(claims[position:])
                return handled - (len(claims) - position)
            self._send(claim)
        return handled

    def run_forever(
        self,
        sleep: Callable[[float], None],
        interval_s: float = 1.0,
        stop: threading.Event | None = None,
    ) -> None:
        """Run rounds until `stop` is set; `sleep` is ``socketio.sleep`` under eventlet."""
        while stop is None or not stop.is_set():
            try:
                handled = self.run_once()
            except Exception:  # keep the loop alive; the messages stay queued
                log.exception("SMS dispatch round failed")
                handled = 0
            if handled < self.batch:
                sleep(interval_s)

    def erase_old_phones(self, before: datetime, *, hall_id: int | None = None) -> int:
        """Erase the phone of every outbox message created before `before` (SPEC §10),
        of one hall or all; such a message still queued can no longer be sent and is
        skipped. Returns the number of phones erased."""
        old = [orm.SmsMessage.created_at < before, orm.SmsMessage.phone.is_not(None)]
        if hall_id is not None:
            old.append(orm.SmsMessage.hall_id == hall_id)
        with self.db.writing() as session, session.begin():
            session.execute(
                update(orm.SmsMessage)
                .where(*old, orm.SmsMessage.state == "queued")
                .values(state="skipped", error="phone erased (retention)")
                .execution_options(synchronize_session=False)
            )
            result = session.execute(
                update(orm.SmsMessage)
                .where(*old)
                .values(phone=None)
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    # -- claim ----------------------------------------------------------------------

    def _claim(self, now: datetime) -> tuple[list[_Claim], int]:
        with self.db.writing() as session, session.begin():
            due = session.scalars(
                select(orm.SmsMessage)
                .where(orm.SmsMessage.state == "queued", orm.SmsMessage.next_attempt_at <= now)
                .order_by(orm.SmsMessage.created_at, orm.SmsMessage.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has BEGIN IMMEDIATE
            ).all()
            halls = {
                hall.id: hall
                for hall in session.scalars(
                    select(orm.Hall).where(orm.Hall.id.in_({message.hall_id for message in due}))
                )
            }
            counted: dict[tuple[str, datetime], int] = {}
            claims: list[_Claim] = []
            for message in due:
                claim = self._decide(session, message, halls[message.hall_id], now, counted)
                if claim is not None:
                    claims.append(claim)
            return claims, len(due)

    def _decide(
        self,
        session: Session,
        message: orm.SmsMessage,
        hall: orm.Hall,
        now: datetime,
        counted: dict[tuple[str, datetime], int],
    ) -> _Claim | None:
        if message.phone is None:
            message.state, message.error = "skipped", "phone erased (retention)"
            return None
        local = now.astimezone(self._zone(hall.timezone))
        urgent = message.kind in URGENT
        if not urgent:
            quiet_until = QuietHours.from_settings(hall.settings).until(local)
            if quiet_until is not None:
                message.next_attempt_at = quiet_until
                return None
        day_start = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
        key = (message.phone, day_start)
        if key not in counted:
            counted[key] = self._sent_on_day(session, message.phone, day_start)
        if not urgent and counted[key] >= self.daily_cap:
            message.state = "skipped"
            message.error = f"daily cap of {self.daily_cap} messages to this number reached"
            return None
        counted[key] += 1  # in flight in this batch: counts against the cap already
        message.attempts += 1
        message.next_attempt_at = now + self.lease
        return _Claim(message.id, message.phone, message.body, message.attempts)

    def _sent_on_day(self, session: Session, phone: str, day_start: datetime) -> int:
        day_end = datetime.combine(
            day_start.date() + timedelta(days=1), time(0), tzinfo=day_start.tzinfo
        )
        return (
            session.scalar(
                select(func.count())
                .select_from(orm.SmsMessage)
                .where(
                    orm.SmsMessage.phone == phone,
                    orm.SmsMessage.state == "sent",
                    orm.SmsMessage.sent_at >= day_start,
                    orm.SmsMessage.sent_at < day_end,
                )
            )
            or 0
        )

    def _zone(self, name: str) -> ZoneInfo:
        if name not in self._zones:
            self._zones[name] = ZoneInfo(name)
        return self._zones[name]

    # -- send and record --------------------------------------------------------------

    def _send(self, claim: _Claim) -> None:
        try:
            self.sender.send(claim.phone, claim.body)
        except SmsSendError as error:
            self._failed(claim, error.retryable, error.reason)
            return
        except Exception as error:  # a sender bug must not lose the message: retry it
            log.exception("SMS sender raised unexpectedly")
            self._failed(claim, True, f"{type(error).__name__}: {error}")
            return
        self._store(
            claim,
            {"state": "sent", "sent_at": self.clock.now(), "error": ""},
            owned_only=False,  # it went out: say so even if a re-claim raced us
        )
        log.info("SMS %s sent to %s", claim.id, mask_phone(claim.phone))

    def _failed(self, claim: _Claim, retryable: bool, reason: str) -> None:
        if retryable and claim.attempts < self.max_attempts:
            retry_at = self.clock.now() + backoff(claim.attempts)
            self._store(claim, {"next_attempt_at": retry_at, "error": reason[:ERROR_LENGTH]})
            log.warning(
                "SMS %s attempt %s failed, retry at %s: %s",
                claim.id,
                claim.attempts,
                retry_at.isoformat(),
                reason,
            )
            return
        if retryable:
            reason = f"gave up after {claim.attempts} attempts: {reason}"
        self._store(claim, {"state": "failed", "error": reason[:ERROR_LENGTH]})
        log.error("SMS %s to %s failed: %s", claim.id, mask_phone(claim.phone), reason)

    def _release(self, claims: list[_Claim]) -> None:
        """Give back claims not tried in time: due now, the claim not counted as an attempt."""
        now = self.clock.now()
        for claim in claims:
            self._store(claim, {"attempts": claim.attempts - 1, "next_attempt_at": now})

    def _store(self, claim: _Claim, values: dict[str, Any], *, owned_only: bool = True) -> None:
        conditions = [orm.SmsMessage.id == claim.id, orm.SmsMessage.state == "queued"]
        if owned_only:  # after a lease ran out another dispatcher may own the message now
            conditions.append(orm.SmsMessage.attempts == claim.attempts)
        with self.db.writing() as session, session.begin():
            session.execute(
                update(orm.SmsMessage)
                .where(*conditions)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
