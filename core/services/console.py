"""Read models of the staff side: incidents with their steps, devices, paperwork worklists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.errors import NotFound
from core.domain.hallday import business_day
from core.domain.registers import FORMS
from core.services.views import hall_by_code


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def incident_view(session: Session, incident: orm.Incident) -> dict[str, Any]:
    """An incident with its handling steps and its notice, for the console."""
    steps = session.scalars(
        select(orm.IncidentStep)
        .where(orm.IncidentStep.incident_id == incident.id)
        .order_by(orm.IncidentStep.at, orm.IncidentStep.id)
    )
    notice = session.scalars(
        select(orm.Notice)
        .where(orm.Notice.incident_id == incident.id)
        .order_by(orm.Notice.id.desc())
    ).first()
    return {
        "id": incident.id,
        "number": incident.number,
        "kind": incident.kind,
        "level": incident.level,
        "mode": incident.mode,
        "systems": incident.systems,
        "devices": incident.devices,
        "place": incident.place,
        "description": incident.description,
        "started_at": _iso(incident.started_at),
        "ended_at": _iso(incident.ended_at),
        "open": incident.ended_at is None,
        "expected_recovery": incident.expected_recovery,
        "result": incident.result,
        "duty_leader": incident.duty_leader,
        "reported_by": incident.reported_by,
        "source": incident.source,
        "notify_sms": incident.notify_sms,
        "extension": incident.extension,
        "steps": [{"at": _iso(step.at), "actor": step.actor, "text": step.text} for step in steps],
        "notice": None
        if notice is None
        else {
            "id": notice.id,
            "text_zh": notice.text_zh,
            "text_en": notice.text_en,
            "edited": notice.edited,
            "removed": notice.removed_at is not None,
        },
    }


def incidents(session: Session, hall_code: str, *, only_open: bool) -> list[dict[str, Any]]:
    """The hall's incidents, newest first."""
    hall = hall_by_code(session, hall_code)
    query = select(orm.Incident).where(orm.Incident.hall_id == hall.id)
    if only_open:
        query = query.where(orm.Incident.ended_at.is_(None))
    rows = session.scalars(
        query.order_by(orm.Incident.started_at.desc(), orm.Incident.id.desc()).limit(200)
    )
    return [incident_view(session, row) for row in rows]


def incident(session: Session, hall_code: str, incident_id: int) -> dict[str, Any]:
    """One incident of the hall."""
    hall = hall_by_code(session, hall_code)
    row = session.get(orm.Incident, incident_id)
    if row is None or row.hall_id != hall.id:
        raise NotFound("incident.unknown", incident=incident_id)
    return incident_view(session, row)


def devices(
    session: Session, hall_code: str, now: datetime, timeout_s: float
) -> list[dict[str, Any]]:
    """Every device with its health and when it was last heard of (a booking platform is
    an outside system calling the API, with no health to watch)."""
    hall = hall_by_code(session, hall_code)
    rows = session.scalars(
        select(orm.Device)
        .where(orm.Device.hall_id == hall.id, orm.Device.kind != "booking_platform")
        .order_by(orm.Device.id)
    )
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "name": row.name,
            "version": row.version,
            "status": row.status,
            "detail": row.status_detail,
            "last_seen_at": _iso(row.last_seen_at),
            "silent_s": int((now - row.last_seen_at).total_seconds()) if row.last_seen_at else None,
            "timeout_s": timeout_s,
        }
        for row in rows
    ]


def paper_reconciliation(session: Session, hall_code: str, now: datetime) -> list[dict[str, Any]]:
    """Each paper range registered today: how many of its tickets were called, how many not yet."""
    hall = hall_by_code(session, hall_code)
    day = business_day(now, ZoneInfo(hall.timezone))
    result = []
    for paper in session.scalars(
        select(orm.PaperRange)
        .where(orm.PaperRange.hall_id == hall.id, orm.PaperRange.business_day == day)
        .order_by(orm.PaperRange.registered_at)
    ):
        service = session.scalars(
            select(orm.Service).where(
                orm.Service.hall_id == hall.id, orm.Service.code == paper.service
            )
        ).one()
        numbers = [
            f"{service.prefix}{sequence:03d}" for sequence in range(paper.first, paper.last + 1)
        ]
        states = dict(
            session.execute(
                select(orm.Ticket.number, orm.Ticket.state).where(
                    orm.Ticket.hall_id == hall.id,
                    orm.Ticket.business_day == day,
                    orm.Ticket.number.in_(numbers),
                )
            ).all()
        )
        waiting = [number for number in numbers if states.get(number) == "waiting"]
        result.append(
            {
                "service": paper.service,
                "first": numbers[0],
                "last": numbers[-1],
                "registered": len(numbers),
                "called": len(numbers) - len(waiting),
                "not_called": waiting,
                "registered_by": paper.registered_by,
                "registered_at": _iso(paper.registered_at),
            }
        )
    return result


def register_records(session: Session, hall_code: str, state: str | None) -> list[dict[str, Any]]:
    """Register records (the backfill worklist when `state` is ``to_backfill``)."""
    hall = hall_by_code(session, hall_code)
    query = (
        select(orm.RegisterRecord, orm.Ticket.number, orm.Incident.number)
        .join(orm.Ticket, orm.Ticket.id == orm.RegisterRecord.ticket_id)
        .join(orm.Incident, orm.Incident.id == orm.RegisterRecord.incident_id)
        .where(orm.RegisterRecord.hall_id == hall.id)
    )
    if state:
        query = query.where(orm.RegisterRecord.state == state)
    rows = session.execute(query.order_by(orm.RegisterRecord.created_at)).all()
    return [
        {
            "id": record.id,
            "kind": record.kind,
            "ticket": number,
            "incident": incident_number,
            "data": record.data,
            "state": record.state,
            "created_by": record.created_by,
            "created_at": _iso(record.created_at),
            "backfilled_by": record.backfilled_by,
            "backfilled_at": _iso(record.backfilled_at),
        }
        for record, number, incident_number in rows
    ]


def register_forms() -> dict[str, Any]:
    """The register forms, for the counter screen to draw."""
    return {
        kind.value: [
            {
                "name": field.name,
                "label": field.label,
                "label_en": field.label_en,
                "type": field.type.value,
                "required": field.required,
                "options": list(field.options),
                "options_en": list(field.options_en),
            }
            for field in fields
        ]
        for kind, fields in FORMS.items()
    }


def follow_ups(session: Session, hall_code: str, *, only_open: bool) -> list[dict[str, Any]]:
    """The follow-up ledger, oldest question first."""
    hall = hall_by_code(session, hall_code)
    query = select(orm.FollowUp).where(orm.FollowUp.hall_id == hall.id)
    if only_open:
        query = query.where(orm.FollowUp.answered_at.is_(None))
    return [
        {
            "id": row.id,
            "question": row.question,
            "reason": row.reason,
            "contact_name": row.contact_name,
            "phone": row.phone,
            "created_by": row.created_by,
            "created_at": _iso(row.created_at),
            "answer": row.answer,
            "answered_by": row.answered_by,
            "answered_at": _iso(row.answered_at),
        }
        for row in session.scalars(query.order_by(orm.FollowUp.created_at))
    ]


def follow_ups_per_day(session: Session, hall_code: str) -> list[dict[str, Any]]:
    """Questions recorded and answered per day (the console's daily totals)."""
    hall = hall_by_code(session, hall_code)
    zone = ZoneInfo(hall.timezone)
    totals: dict[date, list[int]] = {}
    for created, answered in session.execute(
        select(orm.FollowUp.created_at, orm.FollowUp.answered_at).where(
            orm.FollowUp.hall_id == hall.id
        )
    ):
        entry = totals.setdefault(created.astimezone(zone).date(), [0, 0])
        entry[0] += 1
        entry[1] += answered is not None
    return [
        {"day": day.isoformat(), "recorded": recorded, "answered": answered}
        for day, (recorded, answered) in sorted(totals.items(), reverse=True)
    ]
