"""Queueing SMS: messages go to the outbox in the caller's transaction; the dispatcher
(`core.hub.sms`) sends them later with retries, quiet hours and a daily cap."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from core.adapters import orm


class SmsKind(StrEnum):
    OUTAGE = "outage"  # an incident's notice — the only kind sent during quiet hours
    RECOVERY = "recovery"  # 系统已恢复 — part of the outage notice, also sent in quiet hours
    TICKET = "ticket"  # the number, when the kiosk could not print it
    BACKFILL = "backfill"  # the business registered during an outage is complete
    FOLLOW_UP = "follow_up"  # the answer to a question recorded earlier
    BOOKING_CODE = "booking_code"  # the code proving a booking phone is the taxpayer's
    BOOKING = "booking"  # a booking made, changed or cancelled, with its check-in code
    REMINDER = "reminder"  # a booking's reminder, the day before and an hour before


URGENT = frozenset({SmsKind.OUTAGE, SmsKind.RECOVERY, SmsKind.BOOKING_CODE, SmsKind.BOOKING})
"""Kinds sent whatever the hall's quiet hours and daily cap: outage notices (SPEC §8), and
what the taxpayer has just asked for on the booking page (a code at 22:00 is needed at
22:00; the page limits how often it is sent)."""


def queue_sms(
    session: Session,
    hall: orm.Hall,
    phone: str,
    body: str,
    kind: SmsKind,
    now: datetime,
    *,
    incident_id: int | None = None,
    ticket_id: int | None = None,
) -> orm.SmsMessage:
    """Add a message to the outbox, due now; it is on disk when the caller commits."""
    message = orm.SmsMessage(
        hall_id=hall.id,
        phone=phone,
        body=body,
        kind=kind.value,
        state="queued",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        incident_id=incident_id,
        ticket_id=ticket_id,
    )
    session.add(message)
    return message
