"""HallQ's own outage (SPEC §7, "hub down"): when a hub process comes back after
dying (no clean stop), the ledger gets an incident from its last heartbeat to
its restart, and the screens that reconnect add when they went offline.

A clean stop (systemd stopping the service for maintenance) is not recorded:
the IT staff who stopped it know, and it is not an incident of the hall.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.adapters import orm
from core.domain import continuity_commands as cc
from core.domain.continuity import IncidentKind, Mode
from core.domain.events import IncidentChanged
from core.services.context import SYSTEM_ACTOR, Context, Outcome
from core.services.incidents import close_incident, open_incident

HUB_KEY = "hub"
REPORTS_ACCEPTED_FOR = timedelta(minutes=30)
"""Screens that come back within this time after the restart add their report."""


def record_hub_outage(command: cc.RecordHubOutage, context: Context) -> Outcome:
    """An application-system incident from the last heartbeat to the restart, closed."""
    since, until = command.since.astimezone(context.zone), command.until.astimezone(context.zone)
    incident = open_incident(
        context,
        kind=IncidentKind.APPLICATION,
        mode=Mode.NORMAL,
        actor=SYSTEM_ACTOR,
        description=(
            f"叫号系统服务器意外停止：最后一次心跳 {since:%m月%d日 %H:%M:%S}，"
            f"{until:%H:%M:%S} 重新启动。期间各屏幕显示离线界面，窗口人工叫号。"
        ),
        source="auto",
        auto_key=HUB_KEY,
    )
    incident.started_at = command.since
    close_incident(context, incident, "服务器重新启动后恢复，各屏幕自动重新连接", SYSTEM_ACTOR)
    return Outcome({"incident": incident.id})


def screen_name(context: Context, actor: str) -> str:
    """How the ledger names a screen: the device's name, or the staff member's terminal."""
    kind, _, name = actor.partition(":")
    session = context.uow.session
    if kind == "device":
        device = session.get(orm.Device, name)
        return device.name if device is not None and device.name else name
    if kind == "staff":
        staff = session.scalars(select(orm.Staff).where(orm.Staff.username == name)).first()
        person = staff.display_name if staff is not None and staff.display_name else name
        return f"{person}的工作终端"
    return actor


def report_screen_offline(command: cc.ReportScreenOffline, context: Context) -> Outcome:
    """A screen back after the hub's outage: since when it showed its offline view."""
    session = context.uow.session
    incident = session.scalars(
        select(orm.Incident)
        .where(orm.Incident.hall_id == context.hall.id, orm.Incident.auto_key == HUB_KEY)
        .order_by(orm.Incident.id.desc())
        .limit(1)
    ).first()
    if (
        incident is None
        or incident.ended_at is None
        or context.now - incident.ended_at > REPORTS_ACCEPTED_FOR
    ):
        return Outcome({"recorded": False})
    prefix = f"{screen_name(context, command.actor)}："
    steps = session.scalars(
        select(orm.IncidentStep.text).where(orm.IncidentStep.incident_id == incident.id)
    )
    if any(text.startswith(prefix) for text in steps):
        return Outcome({"recorded": False})  # a second tab, a second reconnect
    since, now = command.since.astimezone(context.zone), context.now.astimezone(context.zone)
    session.add(
        orm.IncidentStep(
            incident_id=incident.id,
            at=context.now,
            actor=SYSTEM_ACTOR,
            text=f"{prefix}{since:%H:%M:%S} 起显示离线界面，{now:%H:%M:%S} 重新连接",
        )
    )
    context.record(
        IncidentChanged(incident.id, incident.number, incident.kind, incident.mode, False)
    )
    return Outcome({"recorded": True})
