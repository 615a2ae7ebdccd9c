"""Emergency registers and their backfill (补录), and the follow-up ledger (待答复台账)."""

from __future__ import annotations

from typing import Literal, get_args

from sqlalchemy import func, select

from core.adapters import orm
from core.domain.continuity import Mode
from core.domain.continuity_commands import (
    AddFollowUp,
    AnswerFollowUp,
    MarkBackfilled,
    SubmitRegister,
)
from core.domain.errors import Conflict, InvalidInput, NotFound
from core.domain.events import WorklistChanged
from core.domain.identity import validate_phone
from core.domain.registers import validate_record
from core.domain.tickets import normalise_number
from core.services import notices as wording
from core.services.context import Context, Outcome
from core.services.sms import SmsKind, queue_sms
from core.services.views import open_incidents

TO_BACKFILL, BACKFILLED = "to_backfill", "backfilled"
FollowUpReason = Literal["policy_unclear", "system_down", "other"]
FOLLOW_UP_REASONS: tuple[str, ...] = get_args(FollowUpReason)
MAX_TEXT = 2000


def worklist(context: Context) -> WorklistChanged:
    """What is left: records to backfill, questions to answer (counts, no personal data)."""
    session, hall = context.uow.session, context.hall
    to_backfill = session.scalar(
        select(func.count())
        .select_from(orm.RegisterRecord)
        .where(orm.RegisterRecord.hall_id == hall.id, orm.RegisterRecord.state == TO_BACKFILL)
    )
    open_questions = session.scalar(
        select(func.count())
        .select_from(orm.FollowUp)
        .where(orm.FollowUp.hall_id == hall.id, orm.FollowUp.answered_at.is_(None))
    )
    return WorklistChanged(to_backfill or 0, open_questions or 0)


def submit_register(command: SubmitRegister, context: Context) -> Outcome:
    """A register entry made at the emergency window, tied to its ticket and the outage."""
    session = context.uow.session
    outage = next(
        (
            incident
            for incident in reversed(open_incidents(session, context.hall))
            if incident.mode == Mode.OUTAGE
        ),
        None,
    )
    if outage is None:
        raise Conflict("register.no_outage")
    ticket = context.uow.tickets.by_number(
        context.hall, context.day.business_day, normalise_number(command.number)
    )
    data = validate_record(command.kind, command.data, context.day.business_day)
    record = orm.RegisterRecord(
        hall_id=context.hall.id,
        incident_id=outage.id,
        ticket_id=ticket.id,
        kind=command.kind,
        data=data,
        state=TO_BACKFILL,
        created_by=command.actor,
        created_at=context.now,
    )
    session.add(record)
    session.flush()
    context.record(worklist(context))
    return Outcome({"record": record.id, "incident": outage.number, "state": record.state}, 201)


def mark_backfilled(command: MarkBackfilled, context: Context) -> Outcome:
    """Entered into the tax system after recovery; the taxpayer is told when all of theirs are."""
    session = context.uow.session
    record = session.get(orm.RegisterRecord, command.record)
    if record is None or record.hall_id != context.hall.id:
        raise NotFound("register.unknown", record=command.record)
    if record.state == BACKFILLED:
        raise Conflict("register.already_backfilled", record=record.id)
    incident = session.get_one(orm.Incident, record.incident_id)
    if incident.ended_at is None:
        raise Conflict("register.system_still_down", incident=incident.number)
    record.state, record.backfilled_by, record.backfilled_at = (
        BACKFILLED,
        command.actor,
        context.now,
    )
    session.flush()
    left = session.scalar(
        select(func.count())
        .select_from(orm.RegisterRecord)
        .where(
            orm.RegisterRecord.ticket_id == record.ticket_id,
            orm.RegisterRecord.state == TO_BACKFILL,
        )
    )
    ticket = session.get_one(orm.Ticket, record.ticket_id)
    if not left and ticket.phone:
        queue_sms(
            session,
            context.hall,
            ticket.phone,
            wording.backfill_sms(context.hall.name_zh, ticket.number),
            SmsKind.BACKFILL,
            context.now,
            incident_id=incident.id,
            ticket_id=ticket.id,
        )
    context.record(worklist(context))
    return Outcome(
        {"record": record.id, "state": record.state, "notified": bool(not left and ticket.phone)}
    )


def _text(value: str, field: str, *, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput("follow_up.required", field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput("incident.text_too_long", field=field, maximum=MAX_TEXT)
    return text


def add_follow_up(command: AddFollowUp, context: Context) -> Outcome:
    """A question that cannot be answered now, with how to reach the taxpayer."""
    if command.reason not in FOLLOW_UP_REASONS:
        raise InvalidInput("follow_up.reason", field="reason", reason=command.reason)
    ticket_id = None
    if command.number:
        ticket_id = context.uow.tickets.by_number(
            context.hall, context.day.business_day, normalise_number(command.number)
        ).id
    follow_up = orm.FollowUp(
        hall_id=context.hall.id,
        ticket_id=ticket_id,
        question=_text(command.question, "question"),
        reason=command.reason,
        contact_name=_text(command.contact_name, "contact_name", required=False)[:60],
        phone=validate_phone(command.phone) if command.phone else None,
        created_by=command.actor,
        created_at=context.now,
    )
    context.uow.session.add(follow_up)
    context.uow.session.flush()
    context.record(worklist(context))
    return Outcome({"follow_up": follow_up.id}, 201)


def answer_follow_up(command: AnswerFollowUp, context: Context) -> Outcome:
    """Record the answer and text it to the contact."""
    session = context.uow.session
    follow_up = session.get(orm.FollowUp, command.follow_up)
    if follow_up is None or follow_up.hall_id != context.hall.id:
        raise NotFound("follow_up.unknown", follow_up=command.follow_up)
    if follow_up.answered_at is not None:
        raise Conflict("follow_up.answered", follow_up=follow_up.id)
    follow_up.answer = _text(command.answer, "answer")
    follow_up.answered_by, follow_up.answered_at = command.actor, context.now
    if follow_up.phone:
        queue_sms(
            session,
            context.hall,
            follow_up.phone,
            wording.follow_up_sms(context.hall.name_zh, follow_up.answer),
            SmsKind.FOLLOW_UP,
            context.now,
            ticket_id=follow_up.ticket_id,
        )
    context.record(worklist(context))
    return Outcome({"follow_up": follow_up.id, "texted": bool(follow_up.phone)})
