"""Socket.IO namespaces: authorise on connect, assign rooms, answer snapshots and seq checks.

One namespace class per screen (kiosk, display, counter, console, public);
each says who may connect. The server, not the client, picks the rooms.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, request, session
from flask_socketio import Namespace, join_room
from socketio.exceptions import ConnectionRefusedError as Refused
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core import protocol
from core.adapters import orm
from core.domain import continuity_commands as cc
from core.domain.commands import ReportDeviceStatus
from core.runtime import Runtime, runtime
from core.services import access, views
from core.services.access import Principal, Role

log = logging.getLogger(__name__)

SNAPSHOT_REUSE_S = 1.0
CONNECT_WAIT_S = 5.0
"""How long the first snapshot waits for its connection to be acknowledged."""
MAX_TOKEN = 64
"""No ticket token is longer (`secrets.token_urlsafe`)."""
SNAPSHOTS: dict[tuple[str, str], tuple[int, float, dict[str, Any]]] = {}
"""(namespace, hall) → (seq, when built, snapshot): the latest snapshot of each."""
_SEQ = select(orm.Hall.seq).where(orm.Hall.code == bindparam("hall"))
_TOKEN_HALL = (
    select(orm.Hall.code)
    .join(orm.Ticket, orm.Ticket.hall_id == orm.Hall.id)
    .where(orm.Ticket.token == bindparam("token"), orm.Ticket.business_day == orm.Hall.business_day)
)
"""The hall of a ticket token of its hall's current day."""


MAX_VERSION = 40


def reported_version(auth: Any) -> str | None:
    """The HallQ version a client says it runs (``auth: {"version": …}``), if sensible."""
    version = auth.get("version") if isinstance(auth, dict) else None
    if isinstance(version, str) and 0 < len(version) <= MAX_VERSION and version.isprintable():
        return version
    return None


def socket_principal(auth: Any) -> Principal | None:
    """The connecting client: ``auth: {"token": …}`` (devices, scripts) or the session cookie."""
    token = auth.get("token") if isinstance(auth, dict) else None
    rt = runtime()
    now = rt.clock.now()
    with rt.db.single() as connection:
        if isinstance(token, str) and token:
            return access.principal_for_token(connection, token, now, rt.login_lifetime)
        token_id = session.get("token_id")
        if isinstance(token_id, int):
            return access.principal_for_token_id(connection, token_id, now, rt.login_lifetime)
    return None


class HallNamespace(Namespace):  # type: ignore[misc]
    """A namespace whose clients follow one hall's events."""

    namespace = "/"
    role: Role | None = Role.STAFF
    """Lowest staff role admitted; None admits no staff."""
    devices: tuple[str, ...] = ()
    """Device kinds admitted."""

    def __init__(self) -> None:
        super().__init__(self.namespace)
        self.clients: dict[str, str] = {}
        """Socket id → hall code of each client connected to this process."""
        self.device_of: dict[str, str] = {}
        """Socket id → device id, for clients that are enrolled devices."""
        self.actor_of: dict[str, str] = {}
        """Socket id → who is connected (``device:kiosk-1``, ``staff:window3``)."""
        self.token_of: dict[str, int] = {}
        """Socket id → the token it came in with: the access watch ends it when revoked."""
        self.reported: dict[str, float] = {}
        """Device id → when its heartbeat was last written (monotonic seconds)."""
        self.version_of: dict[str, str] = {}
        """Socket id → the HallQ version the device's page said it runs."""

    def admit(self, auth: Any) -> tuple[Principal | None, str]:
        """Who connects and to which hall; raise Refused (its reason reaches the client)."""
        principal = socket_principal(auth)
        if principal is None:
            raise Refused("auth.required")
        if principal.kind == "staff":
            if self.role is None or not principal.at_least(self.role):
                raise Refused("auth.forbidden")
        elif not principal.is_device(*self.devices):
            raise Refused("auth.forbidden")
        return principal, principal.hall or runtime().settings.hall

    def on_connect(self, auth: Any = None) -> None:
        principal, hall = self.admit(auth)
        sid = request.sid  # type: ignore[attr-defined]
        self.clients[sid] = hall
        if principal is not None:
            self.actor_of[sid] = principal.actor
            if principal.token_id is not None:
                self.token_of[sid] = principal.token_id
        if principal is not None and principal.kind == "device":
            self.device_of[sid] = principal.name
            version = reported_version(auth)
            if version is not None:
                self.version_of[sid] = version
            self.reported.pop(principal.name, None)  # a (re)connect is news: write it now
            self.heartbeat(sid)
        join_room(protocol.hall_room(hall))
        rt = runtime()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        rt.socketio.start_background_task(self.send_snapshot, app, rt, sid, hall)

    def send_snapshot(self, app: Flask, rt: Runtime, sid: str, hall: str) -> None:
        """The first snapshot, once the connection is acknowledged: python-socketio sends
        what a connect handler emits *before* its CONNECT packet, so a client that clears
        its screen on ``connect`` would wipe it (SPEC §6, docs/PROTOCOL.md)."""
        deadline = time.monotonic() + CONNECT_WAIT_S
        while not rt.socketio.server.manager.is_connected(sid, self.namespace):
            if time.monotonic() > deadline or sid not in self.clients:
                return  # refused or gone: the client asks again with state:request
            rt.socketio.sleep(0.005)
        with app.app_context():
            snapshot = self.snapshot(hall)
        rt.socketio.emit(
            protocol.STATE_SNAPSHOT, snapshot, to=sid, namespace=self.namespace, ignore_queue=True
        )

    def on_disconnect(self, reason: Any = None) -> None:
        sid = request.sid  # type: ignore[attr-defined]
        for held in (self.clients, self.device_of, self.actor_of, self.token_of, self.version_of):
            held.pop(sid, None)

    def heartbeat(self, sid: str, rt: Runtime | None = None) -> None:
        """Record that a device is alive, at most every third of the device timeout."""
        device, hall = self.device_of.get(sid), self.clients.get(sid)
        if device is None or hall is None:
            return  # gone meanwhile
        rt = rt or runtime()
        now = time.monotonic()
        if now - self.reported.get(device, -1e9) < rt.settings.device_timeout_s / 3:
            return
        self.reported[device] = now
        rt.bus.handle(
            ReportDeviceStatus(
                hall=hall,
                actor=f"device:{device}",
                device=device,
                status="ok",
                detail="",
                version=self.version_of.get(sid),
            )
        )

    def keep_alive(self, rt: Runtime) -> None:
        """A device connected here is alive: engine.io's ping, every 10 s, is answered for
        it, and a dead socket is dropped within 20 s. Heartbeats add detail (a screen's
        offline report); a third-party screen that never sends one is not failed for it."""
        for sid in list(self.device_of):
            self.heartbeat(sid, rt)

    def on_device_heartbeat(self, data: Any = None) -> dict[str, int]:
        """Screens say they are alive every ~10 s; the answer carries the hall's seq.

        A screen back from its offline view also says since when it showed it
        (``offline_since``): the hub's own outage incident records it.
        """
        sid = request.sid  # type: ignore[attr-defined]
        self.heartbeat(sid)
        since = offline_since(data)
        if since is not None and sid in self.actor_of:
            runtime().bus.handle(
                cc.ReportScreenOffline(hall=self.hall(), actor=self.actor_of[sid], since=since)
            )
        return {"seq": self.current_seq(self.hall())}

    def hall(self) -> str:
        """The hall of the client sending the current event."""
        return self.clients[request.sid]  # type: ignore[attr-defined]

    def snapshot(self, hall: str) -> dict[str, Any]:
        """The full state a client redraws from.

        Every client of a hall gets the same snapshot at a given seq: when a
        hall's screens reconnect together (a hub restart, 2,000 phones), it is
        built once per seq and reused for a second — the clock in it is the
        only thing that moves, and it is set per answer.
        """
        rt = runtime()
        now = rt.clock.now()
        seq = self.current_seq(hall)
        cached = SNAPSHOTS.get((self.namespace, hall))
        if cached is None or cached[0] != seq or time.monotonic() - cached[1] > SNAPSHOT_REUSE_S:
            with rt.db.read_session() as db_session:
                snapshot = self.build_snapshot(db_session, hall, now)
            cached = (snapshot["seq"], time.monotonic(), snapshot)
            SNAPSHOTS[(self.namespace, hall)] = cached
        snapshot = cached[2]
        return (
            {**snapshot, "now": now.astimezone(UTC).isoformat()} if "now" in snapshot else snapshot
        )

    def build_snapshot(self, session: Session, hall: str, now: datetime) -> dict[str, Any]:
        """The snapshot this namespace's clients get."""
        return views.snapshot(session, hall, now)

    def current_seq(self, hall: str) -> int:
        """The hall's latest committed seq."""
        return int(runtime().db.read_value(_SEQ, hall=hall) or 0)

    def on_state_request(self, data: Any = None) -> dict[str, Any]:
        """A client saw a seq gap or reconnected: answer (ack) with a fresh snapshot."""
        return self.snapshot(self.hall())

    def on_state_check(self, data: Any = None) -> dict[str, int]:
        """The periodic check: the client compares this seq with its own."""
        return {"seq": self.current_seq(self.hall())}

    def trigger_event(self, event: str, *args: Any) -> Any:
        # Socket.IO event names are ``noun:verb``; handler methods can't contain a colon.
        return super().trigger_event(event.replace(":", "_"), *args)


class PublicNamespace(HallNamespace):
    """Status pages on taxpayers' phones: no login, but ``auth: {"ticket": token}`` with
    the token of a ticket of the hall's current day; it names the hall. Events reach
    them cut down to what the status page shows (`protocol.PUBLIC_FIELDS`)."""

    namespace = protocol.PUBLIC

    def admit(self, auth: Any) -> tuple[Principal | None, str]:
        token = auth.get("ticket") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
            raise Refused("ticket.token_unknown")
        hall = runtime().db.read_value(_TOKEN_HALL, token=token)
        if hall is None:
            raise Refused("ticket.token_unknown")
        return None, hall

    def build_snapshot(self, session: Session, hall: str, now: datetime) -> dict[str, Any]:
        """Phones get the seq, the mode and the notices: nothing of other taxpayers."""
        return views.public_snapshot(session, hall, now)


def offline_since(data: Any) -> datetime | None:
    """The ``offline_since`` of a heartbeat, if it is a sensible ISO time (else ignored)."""
    value = data.get("offline_since") if isinstance(data, dict) else None
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        since = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return since if since.tzinfo is not None else None
