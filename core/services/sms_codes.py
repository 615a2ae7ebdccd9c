"""Proving a phone is the taxpayer's (预约办税): a six-digit code texted through the SMS
outbox, entered on the booking page.

A code is good for `VALID` once; a phone is sent one at most every `RESEND_AFTER` and
`DAILY` a day; `MAX_TRIES` wrong codes lock the phone for `LOCK`. Only an HMAC of phone
and code is stored. These write in their own transaction, not as the hall's commands: a
wrong code must count even though the request it came with is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.errors import Conflict, InvalidInput
from core.services.sms import SmsKind, queue_sms

VALID = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
DAILY = 5
MAX_TRIES = 5
LOCK = timedelta(minutes=15)


def digest(secret: str, phone: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _latest(session: Session, hall: orm.Hall, phone: str) -> orm.SmsCode | None:
    return session.scalars(
        select(orm.SmsCode)
        .where(orm.SmsCode.hall_id == hall.id, orm.SmsCode.phone == phone)
        .order_by(orm.SmsCode.created_at.desc(), orm.SmsCode.id.desc())
        .limit(1)
    ).first()


def _refuse_if_locked(latest: orm.SmsCode | None, now: datetime, zone: ZoneInfo) -> None:
    if latest is not None and latest.locked_until is not None and latest.locked_until > now:
        until = latest.locked_until.astimezone(zone).strftime("%H:%M")
        raise Conflict("sms_code.locked", until=until)


def send_code(
    session: Session, hall: orm.Hall, phone: str, now: datetime, secret: str
) -> dict[str, int]:
    """Text a new code to `phone` (already validated); refused while the phone is locked,
    within a minute of the last code, or past the day's codes."""
    zone = ZoneInfo(hall.timezone)
    latest = _latest(session, hall, phone)
    _refuse_if_locked(latest, now, zone)
    if latest is not None and now - latest.created_at < RESEND_AFTER:
        wait = math.ceil((RESEND_AFTER - (now - latest.created_at)).total_seconds())
        raise Conflict("sms_code.too_soon", seconds=wait)
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    sent_today = session.scalar(
        select(func.count()).where(
            orm.SmsCode.hall_id == hall.id,
            orm.SmsCode.phone == phone,
            orm.SmsCode.created_at >= midnight,
        )
    )
    if (sent_today or 0) >= DAILY:
        raise Conflict("sms_code.daily", count=DAILY)
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        orm.SmsCode(
            hall_id=hall.id,
            phone=phone,
            digest=digest(secret, phone, code),
            created_at=now,
            expires_at=now + VALID,
            tries=0,
        )
    )
    minutes = int(VALID.total_seconds() // 60)
    body = f"【{hall.name_zh}】您的预约验证码：{code}，{minutes}分钟内有效。如非本人操作，请忽略。"
    queue_sms(session, hall, phone, body, SmsKind.BOOKING_CODE, now)
    return {
        "resend_after_s": int(RESEND_AFTER.total_seconds()),
        "valid_s": int(VALID.total_seconds()),
    }


def check_code(
    session: Session, hall: orm.Hall, phone: str, code: str, now: datetime, secret: str
) -> int:
    """The id of the phone's latest code when `code` is it and still good; a wrong one
    counts (the caller commits), and the fifth locks the phone for `LOCK`."""
    latest = _latest(session, hall, phone)
    _refuse_if_locked(latest, now, ZoneInfo(hall.timezone))
    if latest is None or latest.used_at is not None or latest.expires_at <= now:
        raise InvalidInput("sms_code.expired", field="sms_code")
    if not hmac.compare_digest(latest.digest, digest(secret, phone, code)):
        latest.tries += 1
        if latest.tries >= MAX_TRIES:
            latest.locked_until = now + LOCK
        raise InvalidInput(
            "sms_code.wrong", field="sms_code", left=max(MAX_TRIES - latest.tries, 0)
        )
    return latest.id
