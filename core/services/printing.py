"""Use cases of printing: queue a ticket's print job, take an agent's acknowledgement,
record device health, fail jobs nobody acknowledged in time.

A job is stored in the same transaction as its ticket: if the hub dies right
after answering, the job is still there to print (or to fail visibly).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.adapters import orm
from core.domain.commands import AcknowledgePrint, FailStalePrintJobs, ReportDeviceStatus
from core.domain.continuity import device_failed
from core.domain.errors import NotFound
from core.domain.events import PrintStatusChanged
from core.services import notices as wording
from core.services.context import Context, Outcome
from core.services.detection import set_device_status
from core.services.sms import SmsKind, queue_sms

PENDING, SENT, PRINTED, FAILED = "pending", "sent", "printed", "failed"
NOT_PRINTED = "none"
"""A ticket that was not to be printed (on screen only, by SMS, a paper-mode hall)."""
NOT_ACKNOWLEDGING = "not_acknowledging"
NO_ACK = "no acknowledgement in time"
OPEN_JOB_STATES = (PENDING, SENT)
DEFAULT_FOOTER = "请留意叫号 · 过号请到导税台 / Please listen for your number"


def printer_of(context: Context, device: str | None) -> orm.Device | None:
    """The printer a ticket issued by `device` prints on (kept with the configuration).

    A kiosk or guide device names its printer in its settings; staff issuing
    at the guide desk without an enrolled device use the hall's guide-desk printer.
    """
    printers = context.kept.printers
    if device not in printers:
        printers[device] = _load_printer(context, device)
    return printers[device]


def _load_printer(context: Context, device: str | None) -> orm.Device | None:
    session, hall = context.uow.session, context.hall
    issuer = session.get(orm.Device, device) if device else None
    if issuer is None:
        issuer = session.scalars(
            select(orm.Device)
            .where(orm.Device.hall_id == hall.id, orm.Device.kind == "guide")
            .order_by(orm.Device.id)
        ).first()
    name = (issuer.settings or {}).get("printer") if issuer else None
    printer = session.get(orm.Device, name) if name else None
    return printer if printer is not None and printer.kind == "printer" else None


def print_state_on(printer: orm.Device) -> str:
    """A new ticket's print state on `printer`: a printer known to be failed gets no job."""
    return FAILED if device_failed(printer.kind, printer.status) else PENDING


def queue_print_job(
    context: Context,
    ticket: orm.Ticket,
    service: orm.Service,
    body: dict[str, Any],
    printer: orm.Device,
) -> None:
    """Store the job for `ticket` (stored with its `print_state_on` the printer).

    A printer known to be failed gets no job: the kiosk shows the number on
    screen at once, and texts it when the taxpayer left a phone number.
    """
    if ticket.print_state == FAILED:
        if ticket.phone:
            queue_sms(
                context.uow.session,
                context.hall,
                ticket.phone,
                wording.ticket_sms(context.hall.name_zh, ticket.number, body["ahead"]),
                SmsKind.TICKET,
                context.now,
                ticket_id=ticket.id,
            )
        return
    local = ticket.issued_at.astimezone(context.zone)
    # An emergency-window ticket names the business it came for: 应急受理 · 税务登记.
    requested = context.service(ticket.requested_service) if ticket.requested_service else None
    service_name = f"{service.name_zh} · {requested.name_zh}" if requested else service.name_zh
    context.uow.tickets.add_print_job(
        id=uuid.uuid4().hex,
        hall_id=context.hall.id,
        printer=printer.id,
        ticket_id=ticket.id,
        state=PENDING,
        created_at=context.now,
        payload={
            "hall_name": context.hall.name_zh,
            "service_name": service_name,
            "number": ticket.number,
            "ahead": body["ahead"],
            "estimated_wait_min": body["estimated_wait_min"],
            "issued_at": local.strftime("%Y-%m-%d %H:%M"),
            "status_path": body["status_url"],
            "notice": body.get("notice"),
            "footer": (context.hall.settings or {}).get("ticket_footer", DEFAULT_FOOTER),
            "language": "zh",
        },
    )


def _finish_job(context: Context, job: orm.PrintJob, ok: bool, error: str | None) -> None:
    job.state = PRINTED if ok else FAILED
    job.error = (error or "")[:200]
    job.finished_at = context.now
    ticket = context.uow.session.get_one(orm.Ticket, job.ticket_id)
    # A later success wins over an earlier timeout: the ticket did come out.
    if ticket.print_state != PRINTED:
        ticket.print_state = job.state
    issuer = (ticket.issued_by or "").removeprefix("device:") or None
    context.record(PrintStatusChanged(ticket.number, ticket.print_state, issuer))
    printer = context.uow.session.get_one(orm.Device, job.printer)
    if ok and printer.status == NOT_ACKNOWLEDGING:
        set_device_status(context, printer, "ready", "")
    elif not ok and error == NO_ACK and not device_failed(printer.kind, printer.status):
        set_device_status(context, printer, NOT_ACKNOWLEDGING, f"job {job.id[:8]} unacknowledged")


def acknowledge_print(command: AcknowledgePrint, context: Context) -> Outcome:
    """An agent printed a job, or gave up on it."""
    job = context.uow.session.get(orm.PrintJob, command.job_id)
    if job is None or job.hall_id != context.hall.id:
        raise NotFound("print_job.unknown", job=command.job_id)
    if job.state in OPEN_JOB_STATES or (command.ok and job.state == FAILED):
        _finish_job(context, job, command.ok, command.error)
    return Outcome({"job": job.id, "state": job.state})


def fail_stale_print_jobs(command: FailStalePrintJobs, context: Context) -> Outcome:
    """Jobs nobody acknowledged within the timeout fail, so the kiosk shows the number."""
    cutoff = context.now - timedelta(seconds=command.timeout_s)
    stale = context.uow.session.scalars(
        select(orm.PrintJob).where(
            orm.PrintJob.hall_id == context.hall.id,
            orm.PrintJob.state.in_(OPEN_JOB_STATES),
            orm.PrintJob.created_at < cutoff,
        )
    ).all()
    for job in stale:
        _finish_job(context, job, False, NO_ACK)
    return Outcome({"failed": len(stale)})


def report_device_status(command: ReportDeviceStatus, context: Context) -> Outcome:
    """Record a device's health and when it was last heard of; announce changes only.

    A printer the hub marked as not acknowledging jobs stays failed, whatever
    it says of itself, until it prints one again.
    """
    device = context.uow.session.get(orm.Device, command.device)
    if device is None or device.hall_id != context.hall.id:
        raise NotFound("device.unknown", device=command.device)
    if command.version and command.version != device.version:
        device.version = command.version
    if device.status == NOT_ACKNOWLEDGING and command.status == "ready":
        device.last_seen_at = context.now
        return Outcome({"device": device.id, "status": device.status, "changed": False})
    changed = set_device_status(context, device, command.status, command.detail)
    return Outcome({"device": device.id, "status": device.status, "changed": changed})
