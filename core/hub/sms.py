"""Sending the SMS outbox: quiet hours and a daily cap per number, on the outbox
mechanism every outbox shares (`core.hub.outbox`: at least once, retries with back-off).

Decisions the SPEC leaves open:
- Quiet hours come from the hall's ``settings["quiet_hours"]`` (``{"start":
  "21:00", "end": "08:00"}`` in hall-local time, the default; a window may wrap
  midnight; start == end means none). Outage and recovery messages
  (`core.services.sms.URGENT`) ignore them; others wait until the window ends.
- The daily cap counts the messages *sent* to a number during the hall-local
  day, urgent ones included, but never stops an urgent message: an outage
  notice always goes out, it just uses up the number's budget for the rest.
  A message over the cap is ``skipped`` (not postponed to tomorrow).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.clock import Clock
from core.adapters.db import Database
from core.adapters.sms import SmsSender
from core.hub.outbox import Claim, OutboxDispatcher, backoff
from core.services.sms import URGENT

__all__ = ["QuietHours", "SmsDispatcher", "backoff", "mask_phone"]

log = logging.getLogger(__name__)

DEFAULT_QUIET_HOURS = {"start": "21:00", "end": "08:00"}


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


def mask_phone(phone: str) -> str:
    """A phone number fit for a log line (个人信息保护法): ``138****5678``."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


class SmsDispatcher(OutboxDispatcher):
    """Sends due outbox messages through `sender`; see the module docstring for the rules."""

    table = orm.SmsMessage
    what = "SMS"

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
        super().__init__(db, clock, batch=batch, max_attempts=max_attempts, lease=lease)
        self.sender = sender
        self.daily_cap = daily_cap
        self._zones: dict[str, ZoneInfo] = {}
        self._counted: dict[tuple[str, datetime], int] = {}

    def payload(self, row: orm.SmsMessage) -> tuple[str, str]:
        assert row.phone is not None  # `decide` skipped the erased ones
        return row.phone, row.body

    def deliver(self, claim: Claim) -> None:
        phone, body = claim.payload
        self.sender.send(phone, body)
        log.info("SMS %s handed over for %s", claim.id, mask_phone(phone))

    def start_round(self) -> None:
        self._counted = {}

    def decide(self, session: Session, row: orm.SmsMessage, hall: orm.Hall, now: datetime) -> bool:
        """Quiet hours postpone a message that is not urgent; the daily cap skips one."""
        if row.phone is None:
            row.state, row.error = "skipped", "phone erased (retention)"
            return False
        local = now.astimezone(self._zone(hall.timezone))
        urgent = row.kind in URGENT
        if not urgent:
            quiet_until = QuietHours.from_settings(hall.settings).until(local)
            if quiet_until is not None:
                row.next_attempt_at = quiet_until
                return False
        day_start = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
        key = (row.phone, day_start)
        if key not in self._counted:
            self._counted[key] = self._sent_on_day(session, row.phone, day_start)
        if not urgent and self._counted[key] >= self.daily_cap:
            row.state = "skipped"
            row.error = f"daily cap of {self.daily_cap} messages to this number reached"
            return False
        self._counted[key] += 1  # in flight in this batch: counts against the cap already
        return True

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
