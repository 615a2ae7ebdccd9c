"""A Python client that follows the hall like the screens' JS client does (hallq-client.js):
events in seq order, a snapshot on a gap or a reconnect, and a periodic seq check."""

from __future__ import annotations

import threading
from typing import Any

import socketio

from core import protocol
from tests.support.hub import wait_for

GAP_WAIT_S = 1.0
"""How long an event after a gap waits for the ones before it (hallq-client.js)."""


class FollowingClient:
    """Keeps `state` (the last snapshot plus the calls seen since) and `seq` up to date."""

    def __init__(
        self, url: str, namespace: str, auth: dict[str, str] | None, *, check_every_s: float
    ) -> None:
        self.namespace = namespace
        self.lock = threading.Lock()
        self.seq = -1
        self.state: dict[str, Any] = {}
        self.resyncs = 0
        self.held: dict[int, tuple[str, dict[str, Any]]] = {}
        """Events after a gap, waiting `GAP_WAIT_S` for the missing ones (hallq-client.js)."""
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2)
        self.client.on(protocol.STATE_SNAPSHOT, self._snapshot, namespace=namespace)
        for name in protocol.HALL_EVENT_NAMES:
            self.client.on(name, self._handler(name), namespace=namespace)
        self.stopping = threading.Event()
        self.client.connect(
            url, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=10
        )
        self.checker = threading.Thread(target=self._check_loop, args=(check_every_s,), daemon=True)
        self.checker.start()

    def _snapshot(self, snapshot: dict[str, Any]) -> None:
        with self.lock:
            self.state, self.seq = snapshot, snapshot["seq"]
            self.resyncs += 1
            self._apply_held()
            gapped = bool(self.held)
        if gapped:
            threading.Timer(GAP_WAIT_S, self._resync_if_gapped).start()

    def _handler(self, name: str) -> Any:
        def handle(payload: dict[str, Any]) -> None:
            with self.lock:
                if payload["seq"] <= self.seq:
                    return
                self.held[payload["seq"]] = (name, payload)
                if self.seq < 0:
                    # Before the first snapshot: the hub joins the room before it builds
                    # the snapshot, so an event can overtake it; those it lacks follow it.
                    return
                self._apply_held()
                if not self.held:
                    return
            # A gap: another hub process's event may be a moment behind (they cross
            # the message queue apart); ask for a snapshot only if it stays open.
            threading.Timer(GAP_WAIT_S, self._resync_if_gapped).start()

        return handle

    def _apply_held(self) -> None:
        """Apply the held events that follow `seq` in order; drop those it covers."""
        for seq in [seq for seq in self.held if seq <= self.seq]:
            del self.held[seq]
        while self.seq + 1 in self.held:
            name, payload = self.held.pop(self.seq + 1)
            self.seq = payload["seq"]
            if name == protocol.TICKET_CALLED:
                self.state.setdefault("recent_calls", []).insert(0, payload)
            elif name == protocol.QUEUE_CHANGED:
                self.state.update(
                    mode=payload["mode"], services=payload["services"], windows=payload["windows"]
                )

    def _resync_if_gapped(self) -> None:
        with self.lock:
            gapped = bool(self.held)
        if gapped and not self.stopping.is_set():
            self.resync()

    def resync(self) -> None:
        snapshot = self.client.call(protocol.STATE_REQUEST, {}, namespace=self.namespace, timeout=5)
        self._snapshot(snapshot)

    def _check_loop(self, every_s: float) -> None:
        while not self.stopping.wait(every_s):
            try:
                answer = self.client.call(
                    protocol.STATE_CHECK, {}, namespace=self.namespace, timeout=5
                )
                if answer["seq"] != self.seq:
                    self.resync()
            except Exception:
                continue

    def close(self) -> None:
        self.stopping.set()
        self.client.disconnect()


def wait_for_snapshot(test_client: Any, namespace: str) -> None:
    """Wait until a Flask-SocketIO test client got its first ``state:snapshot`` (it follows
    the connect's acknowledgement, sent from a background task)."""
    names: list[str] = []

    def arrived() -> bool:
        names.extend(event["name"] for event in test_client.get_received(namespace))
        return protocol.STATE_SNAPSHOT in names

    wait_for(arrived, message=f"a snapshot on {namespace}")


class Listener:
    """A Socket.IO client that records every event it receives on one namespace."""

    def __init__(self, url: str, namespace: str, auth: dict[str, str] | None) -> None:
        self.namespace = namespace
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2)
        self.client.on("*", self._record, namespace=namespace)
        self.client.connect(
            url, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=10
        )

    def _record(self, event: str, payload: dict[str, Any]) -> None:
        with self.lock:
            self.events.append((event, payload))

    def received(self, name: str) -> list[dict[str, Any]]:
        with self.lock:
            return [payload for event, payload in self.events if event == name]

    def call(self, event: str, data: Any = None) -> Any:
        return self.client.call(event, data or {}, namespace=self.namespace, timeout=5)

    def close(self) -> None:
        self.client.disconnect()
