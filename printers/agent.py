"""The print agent: owns one printer, prints jobs in order, reports its state.

It runs on one worker thread that alone touches the printer connection, so a
status poll can never land in the middle of a ticket's bytes. Jobs are printed
in the order submitted; each is acknowledged exactly once — printed, or failed
with the reason once ``print_timeout_s`` has passed since it was submitted or
``max_attempts`` sends have failed — so the hub can mark a ticket "not printed"
and the kiosk show the number on screen. A job id that was already printed is
acknowledged again without printing it twice (the hub re-sends unacknowledged
jobs when a link comes back, and the first ack may be what was lost).

Only stdlib threading primitives are used: the hub runs this under eventlet's
monkey-patching, where they become green.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from printers.connection import (
    DEFAULT_TIMEOUTS,
    PrinterConnection,
    Timeouts,
    open_connection,
    parse_spec,
)
from printers.errors import PrinterError
from printers.layout import PrinterProfile, TicketPrint, render
from printers.status import PrinterState

log = logging.getLogger(__name__)


class HubLink(Protocol):
    """Where the agent tells the hub what happens."""

    def report_status(self, state: PrinterState, detail: str) -> None:
        """The printer's state changed, or a heartbeat is due; must not block long."""

    def ack(self, job_id: str, ok: bool, error: str | None) -> None:
        """Job `job_id` was printed (ok) or given up on (error says why)."""


@dataclass(frozen=True)
class _Job:
    job_id: str
    ticket: TicketPrint
    deadline: float


_STOP = object()


class PrintAgent:
    """Prints tickets on one printer and keeps the hub told of its state."""

    def __init__(
        self,
        connect: Callable[[], PrinterConnection],
        hub: HubLink,
        profile: PrinterProfile | None = None,
        *,
        poll_interval_s: float = 0.5,
        heartbeat_s: float = 5.0,
        print_timeout_s: float = 10.0,
        max_attempts: int = 3,
        remember_jobs: int = 10_000,
    ) -> None:
        """`connect` opens a new connection; it is called again after any failure."""
        self._connect = connect
        self._hub = hub
        self.profile = profile or PrinterProfile()
        self.poll_interval_s = poll_interval_s
        self.heartbeat_s = heartbeat_s
        self.print_timeout_s = print_timeout_s
        self.max_attempts = max_attempts
        self._remember_jobs = remember_jobs
        self._queue: queue.Queue[Any] = queue.Queue()
        self._lock = threading.Lock()
        self._waiting: set[str] = set()  # queued or being printed
        self._printed: OrderedDict[str, None] = OrderedDict()
        self._conn: PrinterConnection | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = PrinterState.NOT_RESPONDING
        self.detail = "not polled yet"
        self._reported: PrinterState | None = None
        self._next_heartbeat = 0.0

    @classmethod
    def for_printer(
        cls,
        spec: str,
        hub: HubLink,
        profile: PrinterProfile | None = None,
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        **options: Any,
    ) -> PrintAgent:
        """An agent for the printer `spec` names; a malformed spec raises ValueError now."""
        parse_spec(spec)
        return cls(lambda: open_connection(spec, timeouts), hub, profile, **options)

    # -- the hub's side -------------------------------------------------------

    def start(self) -> PrintAgent:
        """Start the worker thread; returns self."""
        self._thread = threading.Thread(target=self._run, name="print-agent", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker; jobs not yet printed are acked as failed, never dropped."""
        self._stopping.set()
        self._queue.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout)

    def submit(self, job_id: str, ticket: TicketPrint) -> None:
        """Queue a ticket for printing; a job id already queued is not queued twice."""
        job = _Job(job_id, ticket, time.monotonic() + self.print_timeout_s)
        with self._lock:
            if job_id in self._waiting:
                return  # a redelivery of a job still on its way: one ack will come
            self._waiting.add(job_id)
        if self._stopping.is_set():
            self._finish(job, False, "print agent stopped")  # no worker left to print it
            return
        self._queue.put(job)

    @property
    def pending(self) -> int:
        """Jobs queued or being printed."""
        with self._lock:
            return len(self._waiting)

    # -- the worker -----------------------------------------------------------

    def _run(self) -> None:
        next_poll = 0.0
        while not self._stopping.is_set():
            try:
                item = self._queue.get(timeout=max(0.0, next_poll - time.monotonic()))
            except queue.Empty:
                item = None
            if isinstance(item, _Job):
                try:
                    self._print(item)
                except Exception as error:  # a bug must cost one ticket's print, not the agent
                    log.exception("job %s", item.job_id)
                    self._finish(item, False, f"print agent error: {error}")
            if time.monotonic() >= next_poll and not self._stopping.is_set():
                self._poll()
                next_poll = time.monotonic() + self.poll_interval_s
        self._fail_queued()
        self._drop_connection()

    def _print(self, job: _Job) -> None:
        if job.job_id in self._printed:
            self._finish(job, True, None)  # printed before; the hub missed the ack
            return
        try:
            data = render(job.ticket, self.profile)
        except (PrinterError, ValueError) as render_error:  # no CJK font, bad QR data…
            self._finish(job, False, f"cannot render the ticket: {render_error}")
            return
        attempts, reason = 0, "the deadline passed before the printer was ready"
        while not self._stopping.is_set() and attempts < self.max_attempts:
            remaining = job.deadline - time.monotonic()
            if remaining <= 0:
                break
            state = self._poll()
            if not state.can_print:
                reason = f"printer {state}: {self.detail}"
                self._stopping.wait(min(self.poll_interval_s, remaining))
                continue
            attempts += 1
            failure = self._send(data)
            if failure is None:
                self._finish(job, True, None)
                return
            reason = f"attempt {attempts}: {failure}"
            log.warning("job %s: %s", job.job_id, reason)
        if self._stopping.is_set():
            reason = "print agent stopped"
        self._finish(job, False, reason)

    def _send(self, data: bytes) -> str | None:
        """Send one job; None when the printer took it, else why not."""
        conn = self._conn
        assert conn is not None  # _poll() just answered through it
        try:
            conn.send(data)
            # Asking again after the job is what shows that the printer took it:
            # over TCP a send can "succeed" into a connection already reset.
            after = conn.query_status()
        except Exception as error:  # PrinterError, or a backend's own: same remedy
            self._drop_connection()
            self._set_state(PrinterState.NOT_RESPONDING, str(error))
            return str(error)
        self._set_state(after, conn.detail)
        if after is PrinterState.NOT_RESPONDING:
            self._drop_connection()
        if not after.can_print:
            # Paper ran out or the cover opened under this ticket: it may be cut
            # short, so it counts as not printed (a reprint beats a lost ticket) —
            # and what is left of it in the printer goes, or it would come out after
            # the refill, late and under another ticket.
            reason = f"printer {after} after the job: {conn.detail}"
            if after is not PrinterState.NOT_RESPONDING:
                try:
                    conn.clear_buffers()
                except Exception as error:  # the next poll reconnects, and clears then
                    self._drop_connection()
                    log.warning("clearing the printer's buffers failed: %s", error)
            return reason
        return None

    def _poll(self) -> PrinterState:
        """Ask the printer for its state (connecting first if need be) and report it."""
        fresh = self._conn is None
        if self._conn is None:
            try:
                self._conn = self._connect()
            except Exception as error:  # any factory failure means "no printer"
                self._set_state(PrinterState.NOT_RESPONDING, f"cannot connect: {error}")
                return self.state
        try:
            if fresh:
                # Whatever the printer kept from before this link (a ticket sent as the
                # paper ran out, a link that broke) was acknowledged as not printed: it
                # must not come out later, after the refill, among other people's.
                self._conn.clear_buffers()
            state, detail = self._conn.query_status(), self._conn.detail
        except Exception as error:  # PrinterError, or a backend's own: same remedy
            state, detail = PrinterState.NOT_RESPONDING, str(error)
        if state is PrinterState.NOT_RESPONDING:
            # A late answer could still arrive on this link and be read as the
            # answer to the next question: start over on a new one.
            self._drop_connection()
        self._set_state(state, detail)
        return state

    def _set_state(self, state: PrinterState, detail: str) -> None:
        self.state, self.detail = state, detail
        now = time.monotonic()
        if state is self._reported and now < self._next_heartbeat:
            return
        self._reported, self._next_heartbeat = state, now + self.heartbeat_s
        try:
            self._hub.report_status(state, detail)
        except Exception:  # a broken hub link must not stop the printer
            log.exception("report_status failed")

    def _finish(self, job: _Job, ok: bool, error: str | None) -> None:
        with self._lock:
            self._waiting.discard(job.job_id)
            if ok:
                self._printed[job.job_id] = None
                self._printed.move_to_end(job.job_id)
                while len(self._printed) > self._remember_jobs:
                    self._printed.popitem(last=False)
        try:
            self._hub.ack(job.job_id, ok, error)
        except Exception:  # the hub re-sends unacknowledged jobs on reconnect
            log.exception("ack of job %s failed", job.job_id)

    def _fail_queued(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Job):
                self._finish(item, False, "print agent stopped")

    def _drop_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
