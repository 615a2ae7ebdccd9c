"""Personal data is kept only as long as the hall's retention settings say (SPEC §10, 个人信息保护法).

Defaults: phone numbers and taxpayer IDs on tickets, and phone numbers in the
SMS outbox (once sent or given up), and call-back phones left with a 差评 (once its work
order is closed), 7 days after the visit;
register records 180 days after they are backfilled; follow-up contacts 180
days after the answer. Tickets, registers and the incident ledger stay; only
the personal fields are erased. Runs daily from the hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Update

from core.adapters import orm
from core.adapters.db import Database
from core.domain.registers import personal_fields

ERASED = "（已删除）"


@dataclass(frozen=True)
class Erased:
    """How many records lost their personal data in one run."""

    tickets: int = 0
    registers: int = 0
    follow_ups: int = 0
    messages: int = 0
    ratings: int = 0


def _count(session: Session, statement: Update) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return result.rowcount


def erase_personal_data(db: Database, now: datetime) -> Erased:
    """Erase what every hall's retention settings say is too old; returns the counts."""
    tickets = registers = follow_ups = messages = ratings = 0
    with db.writing() as session, session.begin():
        for hall in session.scalars(select(orm.Hall)):
            retention = (hall.settings or {}).get("retention", {})
            today = now.astimezone(ZoneInfo(hall.timezone)).date()
            phone_before = today - timedelta(days=int(retention.get("phone_days", 7)))
            tickets += _count(
                session,
                update(orm.Ticket)
                .where(
                    orm.Ticket.hall_id == hall.id,
                    orm.Ticket.business_day < phone_before,
                    (orm.Ticket.phone.is_not(None)) | (orm.Ticket.taxpayer_id.is_not(None)),
                )
                .values(phone=None, taxpayer_id=None),
            )
            ratings += _count(
                session,
                update(orm.Rating)
                .where(
                    orm.Rating.hall_id == hall.id,
                    orm.Rating.business_day < phone_before,
                    orm.Rating.phone.is_not(None),
                    # kept while its 差评 is still being followed up: it is for the call-back
                    orm.Rating.id.not_in(
                        select(orm.RatingWorkOrder.rating_id).where(
                            orm.RatingWorkOrder.state == "open"
                        )
                    ),
                )
                .values(phone=None),
            )
            register_before = now - timedelta(days=int(retention.get("register_days", 180)))
            for record in session.scalars(
                select(orm.RegisterRecord).where(
                    orm.RegisterRecord.hall_id == hall.id,
                    orm.RegisterRecord.backfilled_at < register_before,
                    orm.RegisterRecord.erased_at.is_(None),
                )
            ):
                record.data = {
                    name: (ERASED if name in personal_fields(record.kind) else value)
                    for name, value in record.data.items()
                }
                record.erased_at = now
                registers += 1
            follow_up_before = now - timedelta(days=int(retention.get("follow_up_days", 180)))
            follow_ups += _count(
                session,
                update(orm.FollowUp)
                .where(
                    orm.FollowUp.hall_id == hall.id,
                    orm.FollowUp.answered_at < follow_up_before,
                    orm.FollowUp.erased_at.is_(None),
                )
                .values(contact_name=ERASED, phone=None, erased_at=now),
            )
            messages += _count(
                session,
                update(orm.SmsMessage)
                .where(
                    orm.SmsMessage.hall_id == hall.id,
                    orm.SmsMessage.created_at
                    < now - timedelta(days=int(retention.get("phone_days", 7))),
                    orm.SmsMessage.phone.is_not(None),
                    orm.SmsMessage.state != "queued",
                )
                .values(phone=None),
            )
    return Erased(tickets, registers, follow_ups, messages, ratings)
