"""The standalone print agent's link to the hub: a Socket.IO client in ``/printer``.

Events (the hub's ``core/protocol.py`` documents the same names):

- hub → agent ``print:job`` ``{"job_id": str, "ticket": {TicketPrint fields}}``
- agent → hub ``print:ack`` ``{"job_id": str, "ok": bool, "error": str | None}``
- agent → hub ``device:status`` ``{"state": PrinterState value, "detail": str}``

The agent authenticates with ``auth={"token": T, "version": V}`` (V: its HallQ
version, which the console shows). On every (re)connect it sends its current
``device:status``; the hub answers by re-sending the jobs it
has no ack for, and the agent acks already-printed ones without reprinting.
The link reconnects forever with exponential back-off: python-socketio's own
reconnection stops after a server-side disconnect or a refused namespace, and
a kiosk PC must find its hub again whatever happened.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
from collections.abc import Callable
from typing import Any

import socketio

from core import hallq_version
from printers.layout import TicketPrint
from printers.status import PrinterState

log = logging.getLogger(__name__)

NAMESPACE = "/printer"
PRINT_JOB = "print:job"
PRINT_ACK = "print:ack"
DEVICE_STATUS = "device:status"

_TICKET_FIELDS = {field.name for field in dataclasses.fields(TicketPrint)}


def ticket_from_payload(payload: Any) -> TicketPrint:
    """Build a TicketPrint from a ``print:job`` ticket dict; ValueError if unusable.

    Unknown keys are ignored, so a newer hub may send more than this agent knows.
    """
    if not isinstance(payload, dict):
        raise ValueError("ticket must be an object")
    try:
        return TicketPrint(**{key: payload[key] for key in payload if key in _TICKET_FIELDS})
    except TypeError as error:  # a required field is missing
        raise ValueError(f"bad ticket: {error}") from error


class SocketIOHubLink:
    """HubLink over python-socketio's client, for an agent on a kiosk PC."""

    def __init__(
        self,
        hub_url: str,
        token: str,
        *,
        transports: list[str] | None = None,
        connect_timeout_s: float = 10.0,
        min_delay_s: float = 1.0,
        max_delay_s: float = 30.0,
    ) -> None:
        self.hub_url = hub_url
        self._token = token
        self._transports = transports
        self._connect_timeout_s = connect_timeout_s
        self._min_delay_s, self._max_delay_s = min_delay_s, max_delay_s
        self._submit: Callable[[str, TicketPrint], None] | None = None
        self._status: tuple[PrinterState, str] = (PrinterState.NOT_RESPONDING, "agent starting")
        self._stopping = threading.Event()
        self._dropped = threading.Event()
        self._thread: threading.Thread | None = None
        self.connects = 0  # how many times the link came up (for logs and tests)
        # reconnection=False: the supervisor thread below owns reconnecting.
        self._sio = socketio.Client(reconnection=False, handle_sigint=False)
        self._sio.on("connect", self._on_connect, namespace=NAMESPACE)
        self._sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self._sio.on(PRINT_JOB, self._on_job, namespace=NAMESPACE)

    def attach(self, submit: Callable[[str, TicketPrint], None]) -> None:
        """Where received jobs go: normally ``PrintAgent.submit``."""
        self._submit = submit

    @property
    def connected(self) -> bool:
        """True while the ``/printer`` namespace is connected."""
        # Not Client.connected: that only turns true after the connect handler
        # has run, and the handler is where the state must be sent.
        return NAMESPACE in self._sio.namespaces

    def start(self) -> SocketIOHubLink:
        """Connect in the background and keep connecting; returns self."""
        self._thread = threading.Thread(target=self._supervise, name="hub-link", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Disconnect and stop reconnecting."""
        self._stopping.set()
        self._dropped.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sio.connected:
            self._sio.disconnect()

    # -- HubLink ----------------------------------------------------------------

    def report_status(self, state: PrinterState, detail: str) -> None:
        """Send ``device:status`` now if connected; it is re-sent on every connect."""
        self._status = (state, detail)
        self._emit(DEVICE_STATUS, {"state": str(state), "detail": detail})

    def ack(self, job_id: str, ok: bool, error: str | None) -> None:
        """Send ``print:ack``; if the link is down the hub re-sends the job later."""
        self._emit(PRINT_ACK, {"job_id": job_id, "ok": ok, "error": error})

    # -- Socket.IO ----------------------------------------------------------------

    def _emit(self, event: str, payload: dict[str, Any]) -> None:
        if not self.connected:
            log.info("hub link down, %s not sent: %s", event, payload)
            return
        try:
            self._sio.emit(event, payload, namespace=NAMESPACE)
        except socketio.exceptions.SocketIOError as error:
            log.warning("%s not sent: %s", event, error)

    def _on_connect(self) -> None:
        self.connects += 1
        log.info("connected to hub %s", self.hub_url)
        state, detail = self._status
        self._emit(DEVICE_STATUS, {"state": str(state), "detail": detail})

    def _on_disconnect(self, reason: str | None = None) -> None:
        log.warning("hub link dropped (%s)", reason)
        self._dropped.set()

    def _on_job(self, payload: Any) -> None:
        job_id = payload.get("job_id") if isinstance(payload, dict) else None
        if not isinstance(job_id, str) or not job_id:
            log.error("print:job without a job_id ignored: %r", payload)
            return
        try:
            ticket = ticket_from_payload(payload.get("ticket"))
        except ValueError as error:
            self.ack(job_id, False, str(error))
            return
        if self._submit is None:
            self.ack(job_id, False, "print agent not ready")
            return
        self._submit(job_id, ticket)

    def _supervise(self) -> None:
        delay = self._min_delay_s
        while not self._stopping.is_set():
            self._dropped.clear()
            try:
                self._sio.connect(
                    self.hub_url,
                    auth={"token": self._token, "version": hallq_version()},
                    namespaces=[NAMESPACE],
                    transports=self._transports,
                    wait_timeout=self._connect_timeout_s,
                )
            except (socketio.exceptions.ConnectionError, ValueError) as error:
                # Jitter, so a hall's kiosks don't all knock at once after a hub restart.
                wait = delay * random.uniform(0.8, 1.2)
                log.warning("cannot reach hub %s (%s); retry in %.1f s", self.hub_url, error, wait)
                self._stopping.wait(wait)
                delay = min(delay * 2, self._max_delay_s)
                continue
            delay = self._min_delay_s
            self._dropped.wait()
            if self._sio.connected and not self._stopping.is_set():
                self._sio.disconnect()  # a namespace-only drop: start from a clean client
