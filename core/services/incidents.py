"""Incidents: declared by staff or opened by detection, each with its notice, its
ledger entry and its effect on the hall's mode; closed by hand or by recovery."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain import continuity_commands as cc
from core.domain.announcements import MAX_TEXT as MAX_ANNOUNCEMENT
from core.domain.announcements import PHRASES
from core.domain.commands import Announce
from core.domain.continuity import IncidentKind, Level, Mode, System, hall_mode, mode_for_systems
from core.domain.errors import Conflict, InvalidInput, NotFound
from core.domain.events import (
    HallAnnounced,
    HallModeChanged,
    IncidentChanged,
    NoticePosted,
    NoticeRemoved,
)
from core.domain.filing import FilingCalendar, Outage, extension
from core.domain.workdays import UnknownYear
from core.halls import calendar_for
from core.services import notices as wording
from core.services.appointments import notify_outage
from core.services.context import Context, Outcome
from core.services.duty import duty_leader as leader_on_duty
from core.services.rerouting import reroute_waiting
from core.services.sms import SmsKind, queue_sms
from core.services.views import open_incidents

MAX_TEXT = 2000


def refresh_mode(context: Context) -> None:
    """Set the hall's mode from its open incidents; announce a change."""
    modes = [Mode(incident.mode) for incident in open_incidents(context.uow.session, context.hall)]
    mode = hall_mode(modes)
    if mode.value != context.hall.mode:
        context.hall.mode = mode.value
        context.record(HallModeChanged(mode.value))


def _incident(context: Context, incident_id: int) -> orm.Incident:
    incident = context.uow.session.get(orm.Incident, incident_id)
    if incident is None or incident.hall_id != context.hall.id:
        raise NotFound("incident.unknown", incident=incident_id)
    return incident


def _text(value: str, field: str) -> str:
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput("incident.text_too_long", field=field, maximum=MAX_TEXT)
    return text


def _next_number(context: Context) -> str:
    year = context.now.astimezone(context.zone).year
    count = context.uow.session.scalar(
        select(func.count())
        .select_from(orm.Incident)
        .where(orm.Incident.hall_id == context.hall.id, orm.Incident.number.like(f"{year}-%"))
    )
    return f"{year}-{(count or 0) + 1:04d}"


def filing_calendar(hall: orm.Hall) -> FilingCalendar:
    """The hall's filing deadlines: the 15th moved to a working day, unless the official
    calendar (hall setting ``filing_deadlines``: {"2026-12": "2026-12-15"}) says otherwise."""
    official = {
        (int(month[:4]), int(month[5:7])): date.fromisoformat(day)
        for month, day in (hall.settings or {}).get("filing_deadlines", {}).items()
    }
    return FilingCalendar(calendar_for(hall), official)


def compute_extension(context: Context, incident: orm.Incident) -> dict[str, Any] | None:
    """The filing-deadline extension of an outage, as it stands now."""
    down = set(incident.systems)
    if not down & {System.ETAX, System.BACKOFFICE}:
        return None
    outage = Outage(
        incident.started_at, incident.ended_at, System.ETAX in down, System.BACKOFFICE in down
    )
    try:
        result = extension(
            outage, filing=filing_calendar(context.hall), zone=context.zone, now=context.now
        )
    except UnknownYear as unknown:
        return {"unknown_year": unknown.params.get("year")}
    if result is None:
        return None
    return {
        "original": result.original.isoformat(),
        "extended": result.extended.isoformat(),
        "rule": str(result.rule),
        "provisional": result.provisional,
    }


def _as_extension(stored: dict[str, Any] | None) -> wording.Extension | None:
    if not stored or "original" not in stored:
        return None
    return wording.Extension(
        date.fromisoformat(stored["original"]),
        date.fromisoformat(stored["extended"]),
        stored["rule"],
        bool(stored["provisional"]),
    )


def _generated_notice(context: Context, incident: orm.Incident) -> tuple[str, str] | None:
    session = context.uow.session
    if incident.systems and Mode(incident.mode) is Mode.OUTAGE:
        emergency = sorted(
            session.scalars(
                select(orm.Window.number).where(
                    orm.Window.hall_id == context.hall.id, orm.Window.emergency
                )
            )
        )
        return wording.outage_notice(
            incident.systems,
            incident.started_at,
            context.zone,
            incident.expected_recovery,
            emergency,
            _as_extension(incident.extension),
        )
    if Mode(incident.mode) is Mode.PAPER:
        return wording.paper_notice(incident.started_at, context.zone)
    if incident.source == "auto" and incident.devices:
        device = session.get(orm.Device, incident.devices[0])
        if device is not None:
            name_en = str((device.settings or {}).get("name_en", ""))
            return wording.device_notice(device.name or device.id, name_en, device.kind)
    return None


def _notice_of(session: Session, incident: orm.Incident) -> orm.Notice | None:
    return session.scalars(
        select(orm.Notice).where(
            orm.Notice.incident_id == incident.id, orm.Notice.removed_at.is_(None)
        )
    ).first()


def _post(
    context: Context, text: tuple[str, str], incident: orm.Incident | None, actor: str
) -> orm.Notice:
    notice = orm.Notice(
        hall_id=context.hall.id,
        incident_id=incident.id if incident else None,
        text_zh=text[0],
        text_en=text[1],
        posted_by=actor,
        posted_at=context.now,
    )
    context.uow.session.add(notice)
    context.uow.session.flush()
    context.record(_posted(notice, incident))
    return notice


def _posted(notice: orm.Notice, incident: orm.Incident | None) -> NoticePosted:
    """The event of a notice posted or rewritten."""
    return NoticePosted(
        notice.id, notice.text_zh, notice.text_en, notice.incident_id,
        incident.mode if incident else None,
    )  # fmt: skip


def _today_phones(context: Context) -> list[tuple[str, int]]:
    rows = context.uow.session.execute(
        select(orm.Ticket.phone, func.min(orm.Ticket.id))
        .where(
            orm.Ticket.hall_id == context.hall.id,
            orm.Ticket.business_day == context.day.business_day,
            orm.Ticket.phone.is_not(None),
        )
        .group_by(orm.Ticket.phone)
    ).all()
    return [(phone, ticket_id) for phone, ticket_id in rows if phone]


def _text_taxpayers(
    context: Context,
    incident: orm.Incident,
    body: str,
    kind: SmsKind,
    texted: Collection[str] = (),
) -> None:
    for phone, ticket_id in _today_phones(context):
        if phone in texted:  # already told what the incident means for their ticket
            continue
        queue_sms(
            context.uow.session,
            context.hall,
            phone,
            body,
            kind,
            context.now,
            incident_id=incident.id,
            ticket_id=ticket_id,
        )


def open_incident(
    context: Context,
    *,
    kind: IncidentKind,
    mode: Mode,
    actor: str,
    level: Level = Level.GENERAL,
    systems: tuple[str, ...] = (),
    devices: tuple[str, ...] = (),
    place: str = "",
    description: str = "",
    expected_recovery: str = "",
    duty_leader: str = "",
    source: str = "manual",
    auto_key: str | None = None,
    notify_sms: bool = False,
    notice: tuple[str, str] | None = None,
) -> orm.Incident:
    """Record an incident, post its notice, text today's taxpayers if asked, update the mode."""
    session = context.uow.session
    incident = orm.Incident(
        hall_id=context.hall.id,
        number=_next_number(context),
        kind=kind.value,
        level=level.value,
        mode=mode.value,
        systems=list(systems),
        devices=list(devices),
        place=place or context.hall.name_zh,
        description=description,
        started_at=context.now,
        expected_recovery=expected_recovery,
        duty_leader=duty_leader or leader_on_duty(context),
        reported_by=actor,
        source=source,
        auto_key=auto_key,
        notify_sms=notify_sms,
    )
    session.add(incident)
    session.flush()
    incident.extension = compute_extension(context, incident)
    session.add(
        orm.IncidentStep(
            incident_id=incident.id,
            at=context.now,
            actor=actor,
            text=f"登记：{description}" if description else "登记",
        )
    )
    texted = reroute_waiting(context, incident) if incident.systems else set()
    if incident.systems:
        notify_outage(context, incident)  # today's bookings: what to do instead
    text = notice or _generated_notice(context, incident)
    if text is not None:
        _post(context, text, incident, actor)
        if notify_sms:
            outage = wording.outage_sms(context.hall.name_zh, text[0])
            _text_taxpayers(context, incident, outage, SmsKind.OUTAGE, texted)
    context.record(
        IncidentChanged(incident.id, incident.number, incident.kind, incident.mode, True)
    )
    refresh_mode(context)
    if incident.systems:
        context.record(context.summary())  # services' routes changed
    return incident


def close_incident(context: Context, incident: orm.Incident, result: str, actor: str) -> None:
    """End an incident: final extension, notice down, recovery text, mode updated."""
    if incident.ended_at is not None:
        raise Conflict("incident.ended", incident=incident.id)
    session = context.uow.session
    incident.ended_at = context.now
    incident.result = result
    incident.extension = compute_extension(context, incident)
    session.add(
        orm.IncidentStep(
            incident_id=incident.id, at=context.now, actor=actor, text=f"处置结束：{result}"
        )
    )
    notice = _notice_of(session, incident)
    if notice is not None:
        notice.removed_at = context.now
        context.record(NoticeRemoved(notice.id))
    if incident.notify_sms:
        _text_taxpayers(
            context, incident, wording.recovery_sms(context.hall.name_zh), SmsKind.RECOVERY
        )
    context.record(
        IncidentChanged(incident.id, incident.number, incident.kind, incident.mode, False)
    )
    refresh_mode(context)
    if incident.systems:
        context.record(context.summary())  # services' routes changed


def refresh_outage(context: Context, incident: orm.Incident) -> None:
    """Recompute an open outage's extension; rewrite its notice unless staff edited it."""
    updated = compute_extension(context, incident)
    if updated == incident.extension:
        return
    incident.extension = updated
    context.record(
        IncidentChanged(incident.id, incident.number, incident.kind, incident.mode, True)
    )
    notice = _notice_of(context.uow.session, incident)
    text = _generated_notice(context, incident)
    if notice is not None and not notice.edited and text is not None:
        notice.text_zh, notice.text_en = text
        context.record(_posted(notice, incident))


E = TypeVar("E", bound=StrEnum)


def choice(options: type[E], value: str, field: str) -> E:
    """`value` as one of `options`; else refused, naming the field and the value as sent
    (never Python's own English: ``'alien' is not a valid IncidentKind``)."""
    try:
        return options(value)
    except ValueError:
        raise InvalidInput("incident.field", field=field, detail=str(value)[:40]) from None


def find_auto(context: Context, key: str) -> orm.Incident | None:
    """The open incident detection opened for `key`, if any."""
    return context.uow.session.scalars(
        select(orm.Incident).where(
            orm.Incident.hall_id == context.hall.id,
            orm.Incident.auto_key == key,
            orm.Incident.ended_at.is_(None),
        )
    ).first()


# -- handlers -----------------------------------------------------------------------------


def declare_incident(command: cc.DeclareIncident, context: Context) -> Outcome:
    """A duty leader declares an incident by hand."""
    kind = choice(IncidentKind, command.kind, "kind")
    level = choice(Level, command.level, "level")
    mode = choice(Mode, command.mode, "mode")
    systems = tuple(choice(System, system, "systems").value for system in command.systems)
    if systems and mode is Mode.NORMAL:
        mode = mode_for_systems(System(system) for system in systems)
    for device in command.devices:
        found = context.uow.session.get(orm.Device, device)
        if found is None or found.hall_id != context.hall.id:
            raise NotFound("device.unknown", device=device)
    notice = None
    if command.notice_zh:
        notice = (
            _text(command.notice_zh, "notice_zh"),
            _text(command.notice_en or "", "notice_en"),
        )
    incident = open_incident(
        context,
        kind=kind,
        mode=mode,
        actor=command.actor,
        level=level,
        systems=systems,
        devices=command.devices,
        place=_text(command.place, "place"),
        description=_text(command.description, "description"),
        expected_recovery=_text(command.expected_recovery, "expected_recovery")[:100],
        duty_leader=_text(command.duty_leader, "duty_leader")[:80],
        notify_sms=command.notify_sms if command.notify_sms is not None else mode is Mode.OUTAGE,
        notice=notice,
    )
    return Outcome(
        {"incident": incident.id, "number": incident.number, "mode": context.hall.mode}, 201
    )


EDITABLE = ("level", "place", "description", "expected_recovery", "duty_leader")


def update_incident(command: cc.UpdateIncident, context: Context) -> Outcome:
    """Change an incident's details; an outage's notice follows unless edited by hand."""
    incident = _incident(context, command.incident)
    unknown = sorted(set(command.changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput("request.invalid", field=unknown[0], problem="extra_forbidden")
    for name, value in command.changes.items():
        text = _text(str(value), name)
        if name == "level":
            choice(Level, text, "level")
        setattr(incident, name, text)
    notice = _notice_of(context.uow.session, incident)
    text_now = _generated_notice(context, incident)
    if notice is not None and not notice.edited and text_now is not None:
        notice.text_zh, notice.text_en = text_now
        context.record(_posted(notice, incident))
    context.record(
        IncidentChanged(
            incident.id, incident.number, incident.kind, incident.mode, incident.ended_at is None
        )
    )
    return Outcome({"incident": incident.id})


def add_incident_step(command: cc.AddIncidentStep, context: Context) -> Outcome:
    """A handling step: when, who, what (处置过程)."""
    incident = _incident(context, command.incident)
    text = _text(command.text, "text")
    if not text:
        raise InvalidInput("incident.step_empty", field="text")
    context.uow.session.add(
        orm.IncidentStep(incident_id=incident.id, at=context.now, actor=command.actor, text=text)
    )
    context.record(
        IncidentChanged(
            incident.id, incident.number, incident.kind, incident.mode, incident.ended_at is None
        )
    )
    return Outcome({"incident": incident.id}, 201)


def end_incident(command: cc.EndIncident, context: Context) -> Outcome:
    """The duty leader ends an incident with its result (处置结果)."""
    incident = _incident(context, command.incident)
    result = _text(command.result, "result")
    if not result:
        raise InvalidInput("incident.result_required", field="result")
    close_incident(context, incident, result, command.actor)
    return Outcome({"incident": incident.id, "mode": context.hall.mode})


def edit_notice(command: cc.EditNotice, context: Context) -> Outcome:
    """Staff rewrite a notice; the hub stops regenerating it."""
    notice = context.uow.session.get(orm.Notice, command.notice)
    if notice is None or notice.hall_id != context.hall.id or notice.removed_at is not None:
        raise NotFound("notice.unknown", notice=command.notice)
    text_zh = _text(command.text_zh, "text_zh")
    if not text_zh:
        raise InvalidInput("notice.empty", field="text_zh")
    notice.text_zh, notice.text_en, notice.edited = text_zh, _text(command.text_en, "text_en"), True
    incident = (
        context.uow.session.get(orm.Incident, notice.incident_id) if notice.incident_id else None
    )
    context.record(_posted(notice, incident))
    return Outcome({"notice": notice.id})


def post_notice(command: cc.PostNotice, context: Context) -> Outcome:
    """A notice of the duty leader's own (queue advice, opening hours…)."""
    text_zh = _text(command.text_zh, "text_zh")
    if not text_zh:
        raise InvalidInput("notice.empty", field="text_zh")
    notice = _post(context, (text_zh, _text(command.text_en, "text_en")), None, command.actor)
    notice.edited = True
    return Outcome({"notice": notice.id}, 201)


def announce(command: Announce, context: Context) -> Outcome:
    """An announcement on the hall displays: a text, a prepared phrase, or both."""
    words = PHRASES.get(command.phrase) if command.phrase is not None else None
    if command.phrase is not None and words is None:
        raise InvalidInput("announcement.phrase", field="phrase", phrase=command.phrase)
    text_zh, text_en = command.text_zh.strip(), command.text_en.strip()
    if not text_zh and words is not None:
        text_zh, text_en = words
    if not text_zh:
        raise InvalidInput("announcement.empty", field="text_zh")
    if max(len(text_zh), len(text_en)) > MAX_ANNOUNCEMENT:
        raise InvalidInput("announcement.too_long", field="text_zh", maximum=MAX_ANNOUNCEMENT)
    context.record(HallAnnounced(text_zh=text_zh, text_en=text_en, phrase=command.phrase))
    return Outcome({"text_zh": text_zh, "text_en": text_en, "phrase": command.phrase}, 201)


def remove_notice(command: cc.RemoveNotice, context: Context) -> Outcome:
    """Take a notice down (an incident's comes down when the incident ends)."""
    notice = context.uow.session.get(orm.Notice, command.notice)
    if notice is None or notice.hall_id != context.hall.id or notice.removed_at is not None:
        raise NotFound("notice.unknown", notice=command.notice)
    notice.removed_at = context.now
    context.record(NoticeRemoved(notice.id))
    return Outcome({"notice": notice.id})


def refresh_outages(command: cc.RefreshOutages, context: Context) -> Outcome:
    """Periodic: an open outage's provisional extension changes as the outage lasts."""
    refreshed = 0
    for incident in open_incidents(context.uow.session, context.hall):
        if incident.systems:
            refresh_outage(context, incident)
            refreshed += 1
    return Outcome({"refreshed": refreshed})
