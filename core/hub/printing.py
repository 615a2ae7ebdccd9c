"""Printing, hub side: print agents inside the hub for network printers, ``print:job``
to standalone agents (USB/serial printers on kiosk PCs), and the ``/printer`` namespace.

The database is the queue: a job is stored with its ticket; the print service
of the one hub process that runs agents (``HALLQ_PRINT_AGENTS``) takes pending
jobs, hands them to an agent, and fails the ones nobody acknowledges in time.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import request
from flask_socketio import Namespace, join_room
from socketio.exceptions import ConnectionRefusedError as Refused
from sqlalchemy import select

from core import hallq_version, protocol
from core.adapters import orm
from core.adapters.network import public_base_url
from core.domain.commands import AcknowledgePrint, FailStalePrintJobs, ReportDeviceStatus
from core.domain.errors import DomainError
from core.hub.realtime import reported_version, socket_principal
from core.runtime import Runtime
from core.services.printing import OPEN_JOB_STATES, PENDING, SENT
from printers.layout import PrinterProfile, TicketPrint
from printers.status import PrinterState

if TYPE_CHECKING:
    from printers.agent import PrintAgent

log = logging.getLogger(__name__)

HUB_SIDE = ("tcp:", "virtual:", "cups:")
"""Connections the hub process drives itself; USB and serial printers have their own agent."""

PUMP_INTERVAL_S = 0.5


def hub_side(printer: orm.Device) -> bool:
    """Whether the hub runs this printer's agent (a network, virtual or CUPS printer)."""
    settings = printer.settings or {}
    connection = str(settings.get("connection", ""))
    return settings.get("agent", "hub") == "hub" and connection.startswith(HUB_SIDE)


def connection_spec(printer: orm.Device, var_dir: Path) -> str:
    """The printer's connection; a relative virtual folder lives under the hub's var/."""
    spec = str((printer.settings or {})["connection"])
    if spec.startswith("virtual:") and not Path(spec.removeprefix("virtual:")).is_absolute():
        spec = f"virtual:{var_dir / spec.removeprefix('virtual:')}"
    return spec


def profile_of(printer: orm.Device) -> PrinterProfile:
    """Paper width, code page and mode from the printer's settings."""
    settings = printer.settings or {}
    return PrinterProfile(
        paper_mm=int(settings.get("paper_mm", 80)),  # type: ignore[arg-type]
        encoding=str(settings.get("encoding", "gb18030")),  # type: ignore[arg-type]
        mode=str(settings.get("mode", "text")),  # type: ignore[arg-type]
    )


def ticket_print(payload: dict[str, Any], public_url: str) -> TicketPrint:
    """The layout's input from a stored job payload; the QR code gets the hub's public URL."""
    fields = dict(payload)
    fields["status_url"] = public_url.rstrip("/") + str(fields.pop("status_path"))
    return TicketPrint(**fields)


class InHubLink:
    """The `HubLink` of an agent running in the hub: its reports go straight to the bus."""

    def __init__(self, runtime: Runtime, hall: str, printer: str) -> None:
        self.runtime, self.hall, self.printer = runtime, hall, printer

    def report_status(self, state: PrinterState, detail: str) -> None:
        """Record the printer's state (also its heartbeat)."""
        self._handle(
            ReportDeviceStatus(
                hall=self.hall,
                actor=f"device:{self.printer}",
                device=self.printer,
                status=state.value,
                detail=detail,
                version=hallq_version(),
            )
        )

    def ack(self, job_id: str, ok: bool, error: str | None) -> None:
        """Record a job's outcome."""
        self._handle(
            AcknowledgePrint(
                hall=self.hall, actor=f"device:{self.printer}", job_id=job_id, ok=ok, error=error
            )
        )

    def _handle(self, command: Any) -> None:
        try:
            self.runtime.bus.handle(command)
        except DomainError as error:
            log.warning("printer %s: %s refused: %s", self.printer, type(command).__name__, error)


class PrintService:
    """Runs the hub's print agents and moves jobs from the database to the printers."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.agents: dict[str, PrintAgent] = {}
        self.wake = threading.Event()
        self.running = False

    @property
    def public_url(self) -> str:
        return public_base_url(self.runtime.settings)

    def start(self) -> None:
        """Start an agent per hub-side printer, and the job pump."""
        # python-escpos loads its printer database on import (0.4 s): only hubs
        # that drive printers pay for it.
        from printers.agent import PrintAgent

        with self.runtime.db.read_session() as session:
            printers = session.execute(
                select(orm.Device, orm.Hall.code)
                .join(orm.Hall, orm.Hall.id == orm.Device.hall_id)
                .where(orm.Device.kind == "printer")
            ).all()
        for printer, hall in printers:
            if not hub_side(printer):
                continue
            link = InHubLink(self.runtime, hall, printer.id)
            spec = connection_spec(printer, self.runtime.settings.var_dir)
            self.agents[printer.id] = PrintAgent.for_printer(
                spec,
                link,
                profile_of(printer),
                print_timeout_s=self.runtime.settings.print_timeout_s,
            ).start()
            log.info("print agent for %s on %s", printer.id, spec)
        self.running = True
        self.runtime.socketio.start_background_task(self._pump)

    def stop(self) -> None:
        """Stop the agents (unprinted jobs are acknowledged as failed, never dropped)."""
        self.running = False
        self.wake.set()
        for agent in self.agents.values():
            agent.stop()

    def _pump(self) -> None:
        while self.running:
            try:
                self.dispatch()
                self.fail_stale()
            except Exception:  # keep pumping; the next round retries
                log.exception("print pump failed")
            self.wake.wait(PUMP_INTERVAL_S)
            self.wake.clear()

    def dispatch(self, printer: str | None = None, *, resend: bool = False) -> int:
        """Hand pending jobs (or, with `resend`, every unacknowledged one) to their agents."""
        states = OPEN_JOB_STATES if resend else (PENDING,)
        now = self.runtime.clock.now()
        db = self.runtime.db
        with db.writing() as session:
            query = select(orm.PrintJob).where(orm.PrintJob.state.in_(states))
            if printer is not None:
                query = query.where(orm.PrintJob.printer == printer)
            jobs = list(session.scalars(query.order_by(orm.PrintJob.created_at)))
            for job in jobs:
                job.state, job.sent_at, job.attempts = SENT, now, job.attempts + 1
            session.commit()
        for job in jobs:
            ticket = ticket_print(job.payload, self.public_url)
            agent = self.agents.get(job.printer)
            if agent is not None:
                agent.submit(job.id, ticket)
            else:
                self.runtime.socketio.emit(
                    protocol.PRINT_JOB,
                    {"job_id": job.id, "ticket": ticket.__dict__},
                    to=protocol.device_room(job.printer),
                    namespace=protocol.PRINTER,
                )
        return len(jobs)

    def fail_stale(self) -> None:
        """Fail what nobody acknowledged within ``print_timeout_s`` (one query when nothing is)."""
        timeout = self.runtime.settings.print_timeout_s
        cutoff = self.runtime.clock.now() - timedelta(seconds=timeout)
        with self.runtime.db.read_session() as session:
            halls = set(
                session.scalars(
                    select(orm.Hall.code)
                    .join(orm.PrintJob, orm.PrintJob.hall_id == orm.Hall.id)
                    .where(
                        orm.PrintJob.state.in_(OPEN_JOB_STATES), orm.PrintJob.created_at < cutoff
                    )
                )
            )
        for hall in halls:
            self.runtime.bus.handle(
                FailStalePrintJobs(hall=hall, actor="system", timeout_s=timeout)
            )


class PrinterNamespace(Namespace):  # type: ignore[misc]
    """``/printer``: standalone print agents (printer devices) connect with their token."""

    def __init__(self, runtime: Runtime, service: PrintService) -> None:
        super().__init__(protocol.PRINTER)
        self.runtime = runtime
        self.service = service
        self.clients: dict[str, tuple[str, str]] = {}
        """Socket id → (hall, printer id)."""
        self.token_of: dict[str, int] = {}
        """Socket id → the agent's token: the access watch ends it when revoked."""
        self.version_of: dict[str, str] = {}
        """Socket id → the HallQ version the agent said it runs."""
        self.announced: set[str] = set()

    def on_connect(self, auth: Any = None) -> None:
        principal = socket_principal(auth)
        if principal is None or not principal.is_device("printer") or principal.hall is None:
            raise Refused("auth.forbidden")
        sid = request.sid  # type: ignore[attr-defined]
        self.clients[sid] = (principal.hall, principal.name)
        if principal.token_id is not None:
            self.token_of[sid] = principal.token_id
        version = reported_version(auth)
        if version is not None:
            self.version_of[sid] = version
        join_room(protocol.device_room(principal.name))

    def on_disconnect(self, reason: Any = None) -> None:
        sid = request.sid  # type: ignore[attr-defined]
        self.clients.pop(sid, None)
        self.token_of.pop(sid, None)
        self.version_of.pop(sid, None)
        self.announced.discard(sid)

    def trigger_event(self, event: str, *args: Any) -> Any:
        return super().trigger_event(event.replace(":", "_"), *args)

    def on_device_status(self, data: Any) -> None:
        sid = request.sid  # type: ignore[attr-defined]
        hall, printer = self.clients[sid]
        if not isinstance(data, dict) or data.get("state") not in set(PrinterState):
            return
        self.runtime.bus.handle(
            ReportDeviceStatus(
                hall=hall,
                actor=f"device:{printer}",
                device=printer,
                status=str(data["state"]),
                detail=str(data.get("detail", ""))[:200],
                version=self.version_of.get(sid),
            )
        )
        if sid not in self.announced:
            # The agent's first status tells us its namespace is ready: jobs sent
            # from inside the connect handler would arrive before it and be lost.
            self.announced.add(sid)
            self.service.dispatch(printer, resend=True)

    def on_print_ack(self, data: Any) -> None:
        hall, printer = self.clients[request.sid]  # type: ignore[attr-defined]
        if not isinstance(data, dict) or not isinstance(data.get("job_id"), str):
            return
        try:
            self.runtime.bus.handle(
                AcknowledgePrint(
                    hall=hall,
                    actor=f"device:{printer}",
                    job_id=data["job_id"],
                    ok=bool(data.get("ok")),
                    error=str(data.get("error") or "")[:200] or None,
                )
            )
        except DomainError as error:
            log.warning("printer %s: ack refused: %s", printer, error)
