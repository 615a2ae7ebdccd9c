"""Detection (SPEC §7): failed devices, silent devices and tax systems down open
incidents by themselves, and recovery closes them. Nothing waits for a person."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.adapters import orm
from core.domain import continuity_commands as cc
from core.domain.continuity import (
    NO_HEARTBEAT,
    IncidentKind,
    Mode,
    System,
    device_failed,
    failure_words,
    mode_for_systems,
)
from core.domain.events import DeviceStatusChanged
from core.services.context import SYSTEM_ACTOR, Context, Outcome
from core.services.incidents import choice, close_incident, find_auto, open_incident

ALL_PRINTERS = "printers:all"
SYSTEM_WORDS = {
    System.BACKOFFICE: "核心征管系统",
    System.ETAX: "电子税务局",
    System.SELF_SERVICE: "自助办税终端系统",
}
RECOVERED = "自动恢复"


def _device_key(device: orm.Device) -> str:
    return f"device:{device.id}"


def on_device_status(context: Context, device: orm.Device) -> None:
    """A device's status changed: open or close its incident, and the hall-wide printer one."""
    key = _device_key(device)
    failed = device_failed(device.kind, device.status)
    current = find_auto(context, key)
    if failed and current is None:
        open_incident(
            context,
            kind=IncidentKind.EQUIPMENT,
            mode=Mode.DEGRADED,
            actor=SYSTEM_ACTOR,
            devices=(device.id,),
            description=f"{device.name or device.id}{failure_words(device.status, device.status_detail)}",
            source="auto",
            auto_key=key,
        )
    elif not failed and current is not None:
        close_incident(context, current, RECOVERED, SYSTEM_ACTOR)
    if device.kind == "printer":
        _check_all_printers(context)


def _check_all_printers(context: Context) -> None:
    """No working ticket printer left: paper mode, until one works again."""
    printers = context.uow.session.scalars(
        select(orm.Device).where(
            orm.Device.hall_id == context.hall.id, orm.Device.kind == "printer"
        )
    ).all()
    none_works = bool(printers) and all(device_failed(p.kind, p.status) for p in printers)
    current = find_auto(context, ALL_PRINTERS)
    if none_works and current is None:
        open_incident(
            context,
            kind=IncidentKind.EQUIPMENT,
            mode=Mode.PAPER,
            actor=SYSTEM_ACTOR,
            devices=tuple(printer.id for printer in printers),
            description="全部取号打印机不可用，启用纸质号票",
            source="auto",
            auto_key=ALL_PRINTERS,
            notify_sms=False,
        )
    elif not none_works and current is not None:
        close_incident(context, current, RECOVERED, SYSTEM_ACTOR)


def set_device_status(context: Context, device: orm.Device, status: str, detail: str) -> bool:
    """Record `status`; on a change announce it and run detection. True if it changed."""
    device.last_seen_at = context.now
    if (device.status, device.status_detail) == (status, detail[:200]):
        return False
    device.status, device.status_detail = status, detail[:200]
    context.record(
        DeviceStatusChanged(
            device.id,
            device.kind,
            device.status,
            device.status_detail,
            device_failed(device.kind, device.status),
        )
    )
    on_device_status(context, device)
    return True


def check_heartbeats(command: cc.CheckHeartbeats, context: Context) -> Outcome:
    """Devices unheard of for the timeout are offline (failed)."""
    cutoff = context.now - timedelta(seconds=command.timeout_s)
    silent = context.uow.session.scalars(
        select(orm.Device).where(
            orm.Device.hall_id == context.hall.id,
            orm.Device.last_seen_at.is_not(None),
            orm.Device.last_seen_at < cutoff,
            orm.Device.status != "offline",
        )
    ).all()
    for device in silent:
        last_seen = device.last_seen_at
        set_device_status(context, device, "offline", NO_HEARTBEAT)
        device.last_seen_at = last_seen  # silence is not a sign of life
    return Outcome({"offline": [device.id for device in silent]})


def report_system(command: cc.ReportSystem, context: Context) -> Outcome:
    """A probe's verdict: a tax system down opens an outage; back up, it ends."""
    system = choice(System, command.system, "system")
    session = context.uow.session
    status = session.get(orm.SystemStatus, (context.hall.id, system.value))
    if status is None:
        status = orm.SystemStatus(
            hall_id=context.hall.id, system=system.value, status="unknown", failures=0
        )
        session.add(status)
    status.status, status.checked_at, status.detail = (
        ("up" if command.up else "down"),
        context.now,
        command.detail[:200],
    )
    key = f"system:{system.value}"
    current = find_auto(context, key)
    if not command.up and current is None:
        mode = mode_for_systems([system])
        open_incident(
            context,
            kind=IncidentKind.APPLICATION,
            mode=mode,
            actor=SYSTEM_ACTOR,
            systems=(system.value,),
            description=f"{SYSTEM_WORDS.get(system, system.value)}健康检查连续失败，自动判定为故障",
            source="auto",
            auto_key=key,
            notify_sms=mode is Mode.OUTAGE,
        )
    elif command.up and current is not None:
        close_incident(context, current, RECOVERED, SYSTEM_ACTOR)
    return Outcome({"system": system.value, "status": status.status})
