"""Read models: what screens and the API show, computed from the stored queue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.repository import HallRepository, TicketRepository
from core.domain.continuity import Route, ServiceRouting, System, device_failed, route_for
from core.domain.errors import NotFound
from core.domain.estimates import (
    RECENT_SERVICES,
    Relief,
    average_service_minutes,
    estimated_wait_minutes,
)
from core.domain.events import QueueChanged, ServiceSummary, WindowSummary
from core.domain.hallday import business_day, hall_day, next_opening
from core.domain.queue import Queue
from core.domain.tickets import Channel, TicketState
from core.domain.windows import WindowState
from core.halls import calendar_for, hours_of
from core.protocol import queue_payload
from core.services import access
from core.services.access import Principal

RECENT_CALLS = 10


def open_incidents(session: Session, hall: orm.Hall) -> list[orm.Incident]:
    """The hall's open incidents, oldest first."""
    return list(
        session.scalars(
            select(orm.Incident)
            .where(orm.Incident.hall_id == hall.id, orm.Incident.ended_at.is_(None))
            .order_by(orm.Incident.started_at, orm.Incident.id)
        )
    )


def systems_down(session: Session, hall: orm.Hall) -> set[System]:
    """Outside systems an open incident says are down."""
    return {
        System(system) for incident in open_incidents(session, hall) for system in incident.systems
    }


def open_windows_serving(windows: list[orm.Window], service: str) -> int:
    """Windows open (not paused, not closed) that serve `service`."""
    return sum(
        1 for window in windows if window.state == WindowState.OPEN and service in window.serving
    )


def average_minutes(service: orm.Service) -> float:
    """Moving average of `service`'s recent service times (kept on its row at each finish)."""
    recent = [timedelta(seconds=seconds) for seconds in service.recent_durations or []]
    return average_service_minutes(recent, service.minutes)


def record_service_time(service: orm.Service, duration: timedelta) -> None:
    """Add a finished service's duration to the moving average's window."""
    recent = [*(service.recent_durations or []), duration.total_seconds()]
    service.recent_durations = recent[-RECENT_SERVICES:]


def routing_of(service: orm.Service) -> ServiceRouting:
    """A service's routing settings: which systems it needs, whether terminals can do it."""
    settings = service.settings or {}
    return ServiceRouting(
        service.code,
        frozenset(System(system) for system in settings.get("affected_by", [])),
        bool(settings.get("self_service", False)),
    )


def relief_of(service: orm.Service) -> Relief:
    """A service's load-relief thresholds, from its settings."""
    settings = service.settings or {}
    default = Relief()
    return Relief(
        int(settings.get("relief_waiting", default.waiting)),
        int(settings.get("relief_wait_minutes", default.wait_minutes)),
    )


def queue_summary(
    session: Session,
    hall: orm.Hall,
    now: datetime,
    *,
    services: list[orm.Service] | None = None,
    windows: list[orm.Window] | None = None,
    down: set[System] | None = None,
) -> QueueChanged:
    """The queue summary as the database has it now (for readers; a command summarises
    its hall's queue in memory). `services`, `windows` and `down` (the systems down)
    may be passed already loaded."""
    repository = HallRepository(session)
    return summarize(
        hall,
        now,
        TicketRepository(session).load_queue(hall, business_day(now, ZoneInfo(hall.timezone))),
        services=services if services is not None else repository.services(hall),
        windows=windows if windows is not None else repository.window_rows(hall),
        down=down if down is not None else systems_down(session, hall),
    )


def summarize(
    hall: orm.Hall,
    now: datetime,
    queue: Queue,
    *,
    services: list[orm.Service],
    windows: list[orm.Window],
    down: set[System],
) -> QueueChanged:
    """Every service's waiting count, estimate, route and relief flag, and every window."""
    counts = queue.waiting_by_service()
    summaries = []
    for service in services:
        waiting, oldest = counts.get(service.code, (0, now))
        longest = max(0, int((now - oldest).total_seconds() // 60))
        routing = routing_of(service)
        relief = relief_of(service)
        estimate = estimated_wait_minutes(
            waiting, open_windows_serving(windows, service.code), average_minutes(service)
        )
        summaries.append(
            ServiceSummary(
                code=service.code,
                prefix=service.prefix,
                name=service.name_zh,
                name_en=service.name_en,
                waiting=waiting,
                longest_wait_min=longest,
                estimated_wait_min=estimate,
                route=route_for(routing, down).value,
                relief=relief.alerts_leader(waiting, longest),
                suggest_self_service=routing.self_service
                and relief.suggests_self_service(waiting, estimate),
                self_service=routing.self_service,
                emergency=bool((service.settings or {}).get("emergency")),
                register_form=(service.settings or {}).get("register_form"),
            )
        )
    return QueueChanged(
        mode=hall.mode,
        services=tuple(summaries),
        windows=tuple(
            WindowSummary(
                number=window.number,
                name=window.name,
                state=window.state,
                current=window.current,
                services=tuple(window.serving),
                current_state=queue.in_hand.get(window.current) if window.current else None,
                emergency=window.emergency,
                dedicated=window.dedicated is not None,
            )
            for window in windows
        ),
    )


def ahead_of(session: Session, ticket: orm.Ticket, now: datetime | None = None) -> int:
    """People ahead of `ticket` in its own queue (`Line.ahead`'s rule, in SQL).

    Green-channel tickets of the service are ahead of everyone else, then the
    appointment tickets due at `now` (within their slot); among equals, the queue
    time decides. A ticket sent to one window queues only with the others sent
    there. Other services sharing a window are not counted: the estimate accounts
    for them through the windows' load.
    """
    if ticket.state != TicketState.WAITING:
        return 0
    same_queue = (
        orm.Ticket.target_window == ticket.target_window
        if ticket.target_window is not None
        else and_(orm.Ticket.target_window.is_(None), orm.Ticket.service == ticket.service)
    )
    earlier = or_(
        orm.Ticket.queued_at < ticket.queued_at,
        and_(orm.Ticket.queued_at == ticket.queued_at, orm.Ticket.id < ticket.id),
    )
    before = and_(orm.Ticket.green, earlier) if ticket.green else or_(orm.Ticket.green, earlier)
    if now is not None and not ticket.green:
        due = and_(orm.Ticket.appointment_start <= now, orm.Ticket.appointment_end >= now)
        start, end = ticket.appointment_start, ticket.appointment_end
        if start is not None and end is not None and start <= now <= end:
            sooner = or_(
                orm.Ticket.appointment_start < start,
                and_(orm.Ticket.appointment_start == start, earlier),
            )
            before = or_(orm.Ticket.green, and_(due, sooner))
        else:
            before = or_(before, due)
    return (
        session.scalar(
            select(func.count()).where(
                orm.Ticket.hall_id == ticket.hall_id,
                orm.Ticket.business_day == ticket.business_day,
                orm.Ticket.state == TicketState.WAITING.value,
                orm.Ticket.id != ticket.id,
                same_queue,
                before,
            )
        )
        or 0
    )


def estimate_for(
    session: Session,
    hall: orm.Hall,
    ticket: orm.Ticket,
    *,
    services: list[orm.Service] | None = None,
    windows: list[orm.Window] | None = None,
    ahead: int | None = None,
    now: datetime | None = None,
) -> tuple[int, int | None]:
    """(people ahead, estimated minutes) for one ticket; (0, 0) once it has left the queue.

    The minutes are None while no open window serves the ticket's service. `services`,
    `windows` and the people `ahead` may be passed already known (a command knows them).
    """
    if ticket.state != TicketState.WAITING:
        return 0, 0
    ahead = ahead if ahead is not None else ahead_of(session, ticket, now)
    repository = HallRepository(session)
    service = next(
        (row for row in services or [] if row.code == ticket.service), None
    ) or repository.service_row(hall, ticket.service)
    windows = windows if windows is not None else repository.window_rows(hall)
    return ahead, estimated_wait_minutes(
        ahead,
        open_windows_serving(windows, ticket.service),
        average_minutes(service),
    )


def recent_calls(session: Session, hall: orm.Hall, day: date) -> list[dict[str, Any]]:
    """The latest calls of the day, newest first (what the hall display shows)."""
    rows = session.execute(
        select(
            orm.TicketEvent,
            orm.Ticket.number,
            orm.Ticket.service,
            orm.Ticket.green,
            orm.Ticket.channel,
        )
        .join(orm.Ticket, orm.Ticket.id == orm.TicketEvent.ticket_id)
        .where(
            orm.TicketEvent.hall_id == hall.id,
            orm.TicketEvent.kind.in_(("called", "recalled")),
            orm.Ticket.business_day == day,
        )
        .order_by(orm.TicketEvent.id.desc())
        .limit(RECENT_CALLS)
    ).all()
    return [
        {
            "number": number,
            "window": event.window,
            "service": service,
            "recall": event.kind == "recalled",
            "green": green,
            "booked": channel == Channel.APPOINTMENT.value,
            "at": event.at.astimezone(UTC).isoformat(),
            "seq": event.seq,
        }
        for event, number, service, green, channel in rows
    ]


def hall_by_code(session: Session, code: str) -> orm.Hall:
    """A hall for reading."""
    hall = session.scalars(select(orm.Hall).where(orm.Hall.code == code)).one_or_none()
    if hall is None:
        raise NotFound("hall.unknown", hall=code)
    return hall


def snapshot(session: Session, hall_code: str, now: datetime) -> dict[str, Any]:
    """Everything a screen needs to draw the hall from scratch (``state:snapshot``)."""
    hall = hall_by_code(session, hall_code)
    summary = queue_summary(session, hall, now)
    day = business_day(now, ZoneInfo(hall.timezone))
    return {
        "seq": hall.seq,
        **queue_payload(summary),
        "now": now.astimezone(UTC).isoformat(),
        "hall": {"code": hall.code, "name": hall.name_zh, "name_en": hall.name_en},
        "day": day_view(hall, now),
        "recent_calls": recent_calls(session, hall, day),
        "notices": active_notices(session, hall),
        "devices": device_states(session, hall),
        "incidents": open_incident_summaries(session, hall),
    }


def day_view(hall: orm.Hall, now: datetime) -> dict[str, Any]:
    """The hall's day: whether tickets are issued now, and the hours (SPEC §4.4)."""
    zone, hours, calendar = (
        ZoneInfo(hall.timezone),
        hours_of(hall.settings or {}),
        calendar_for(hall),
    )
    day = hall_day(now, zone, hours, calendar)
    return {
        "business_day": day.business_day.isoformat(),
        "status": day.status.value,
        "issuing": day.issuing,
        "opens_at": day.opens_at.astimezone(UTC).isoformat(),
        "cutoff_at": day.cutoff_at.astimezone(UTC).isoformat(),
        "closes_at": day.closes_at.astimezone(UTC).isoformat(),
        "calendar_known": day.calendar_known,
        "next_opens_at": next_opening(now, zone, hours, calendar).astimezone(UTC).isoformat(),
    }


def public_snapshot(session: Session, hall_code: str, now: datetime) -> dict[str, Any]:
    """What a taxpayer's phone gets on connect: the seq, the mode and the notices, no more."""
    hall = hall_by_code(session, hall_code)
    return {"seq": hall.seq, "mode": hall.mode, "notices": active_notices(session, hall)}


def queue_view(session: Session, hall_code: str, now: datetime) -> dict[str, Any]:
    """``GET /api/v1/queue``: the queue summary with the hall's current seq."""
    hall = hall_by_code(session, hall_code)
    return {"seq": hall.seq, **queue_payload(queue_summary(session, hall, now))}


def public_ticket(session: Session, token: str, now: datetime) -> dict[str, Any]:
    """What the status page shows a ticket's holder: nothing about anyone else."""
    row = session.scalars(select(orm.Ticket).where(orm.Ticket.token == token)).one_or_none()
    if row is None:
        raise NotFound("ticket.token_unknown")
    hall = session.get_one(orm.Hall, row.hall_id)
    service = session.scalars(
        select(orm.Service).where(orm.Service.hall_id == hall.id, orm.Service.code == row.service)
    ).one()
    ahead, minutes = estimate_for(session, hall, row, now=now)
    requested = (
        session.scalars(
            select(orm.Service).where(
                orm.Service.hall_id == hall.id, orm.Service.code == row.requested_service
            )
        ).one_or_none()
        if row.requested_service
        else None
    )
    if requested is not None:
        route = Route.EMERGENCY
    elif row.state == TicketState.WAITING:
        route = route_for(routing_of(service), systems_down(session, hall))
    else:
        route = Route.NORMAL
    return {
        "number": row.number,
        "service": row.service,
        "service_name": service.name_zh,
        "service_name_en": service.name_en,
        "route": route.value,
        "requested_service_name": requested.name_zh if requested else None,
        "requested_service_name_en": requested.name_en if requested else None,
        "state": row.state,
        "window": row.window,
        "ahead": ahead,
        "estimated_wait_min": minutes,
        "issued_at": row.issued_at.astimezone(UTC).isoformat(),
        "mode": hall.mode,
        "seq": hall.seq,
        "hall": hall.code,
        "notices": active_notices(session, hall),
    }


def window_detail(
    session: Session, hall_code: str, number: int, now: datetime, viewer: Principal
) -> dict[str, Any]:
    """A window and its current ticket with the taxpayer's details, for its counter."""
    hall = hall_by_code(session, hall_code)
    window = session.scalars(
        select(orm.Window).where(orm.Window.hall_id == hall.id, orm.Window.number == number)
    ).one_or_none()
    if window is None:
        raise NotFound("window.unknown", window=number)
    ticket = None
    if window.current is not None:
        row = session.scalars(
            select(orm.Ticket).where(
                orm.Ticket.hall_id == hall.id,
                orm.Ticket.business_day == business_day(now, ZoneInfo(hall.timezone)),
                orm.Ticket.number == window.current,
            )
        ).one_or_none()
        if row is not None:
            ticket = counter_ticket(
                session, hall, row, personal=access.sees_personal_data(viewer, window.staff)
            )
    return {
        "window": window.number,
        "name": window.name,
        "state": window.state,
        "staff": window.staff,
        "services": list(window.serving),
        "dedicated": window.dedicated is not None,
        "ticket": ticket,
        "no_show_after_recalls": int(
            (hall.settings or {}).get("rules", {}).get("no_show_after_recalls", 2)
        ),
    }


def counter_ticket(
    session: Session, hall: orm.Hall, row: orm.Ticket, *, personal: bool
) -> dict[str, Any]:
    """A ticket as a counter sees it; with its phone and taxpayer ID when `personal`."""
    ahead, minutes = estimate_for(session, hall, row)
    details = {"phone": row.phone, "taxpayer_id": row.taxpayer_id} if personal else {}
    return {
        **ticket_view(row, ahead, minutes),
        **details,
        "recalls": row.recalls,
        "called_at": row.called_at.astimezone(UTC).isoformat() if row.called_at else None,
        "started_at": row.started_at.astimezone(UTC).isoformat() if row.started_at else None,
        "requested_service": row.requested_service,
    }


def ticket_view(row: orm.Ticket, ahead: int, minutes: int | None) -> dict[str, Any]:
    """The API's view of a ticket for the person who holds it (or staff)."""
    return {
        "number": row.number,
        "service": row.service,
        "state": row.state,
        "green": row.green,
        "channel": row.channel,
        "window": row.window,
        "ahead": ahead,
        "estimated_wait_min": minutes,
        "issued_at": row.issued_at.astimezone(UTC).isoformat(),
        "token": row.token,
        "status_url": f"/t/{row.token}",
        "printed": row.print_state == "printed",
        "print_state": row.print_state,
    }


def active_notices(session: Session, hall: orm.Hall) -> list[dict[str, Any]]:
    """Notices on screen now, oldest first."""
    rows = session.execute(
        select(orm.Notice, orm.Incident.mode)
        .outerjoin(orm.Incident, orm.Incident.id == orm.Notice.incident_id)
        .where(orm.Notice.hall_id == hall.id, orm.Notice.removed_at.is_(None))
        .order_by(orm.Notice.posted_at, orm.Notice.id)
    )
    return [
        {
            "id": row.id,
            "text_zh": row.text_zh,
            "text_en": row.text_en,
            "incident": row.incident_id,
            "mode": mode,
        }
        for row, mode in rows
    ]


def device_states(session: Session, hall: orm.Hall) -> list[dict[str, Any]]:
    """Every device's health as screens may show it (no details, no addresses)."""
    rows = session.scalars(
        select(orm.Device).where(orm.Device.hall_id == hall.id).order_by(orm.Device.id)
    )
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "name": row.name,
            "name_en": (row.settings or {}).get("name_en", ""),
            "status": row.status,
            "failed": device_failed(row.kind, row.status),
            "printer": (row.settings or {}).get("printer"),
        }
        for row in rows
    ]


def open_incident_summaries(session: Session, hall: orm.Hall) -> list[dict[str, Any]]:
    """Open incidents as public screens may see them: what, since when, until when."""
    return [
        {
            "id": incident.id,
            "number": incident.number,
            "kind": incident.kind,
            "mode": incident.mode,
            "systems": list(incident.systems),
            "devices": list(incident.devices),
            "source": incident.source,
            "started_at": incident.started_at.astimezone(UTC).isoformat(),
            "expected_recovery": incident.expected_recovery,
            "extension": incident.extension,
        }
        for incident in open_incidents(session, hall)
    ]
