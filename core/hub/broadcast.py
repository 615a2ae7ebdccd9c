"""The hub: turns committed domain events into Socket.IO emits.

With a message queue configured (Redis), Flask-SocketIO relays each emit
through it, so clients of every hub process receive it.
"""

from __future__ import annotations

import logging
import queue
import threading

from flask_socketio import SocketIO

from core import protocol
from core.services.uow import Stamped

log = logging.getLogger(__name__)


class SocketIOBroadcaster:
    """Publishes a hall's committed events to every hall namespace.

    The emits happen in one background task per process, in the order the events
    were published (commands publish under their hall's lock, so in seq order), not
    in the command: the command answers and lets the hall's next command in while
    the screens receive its events, and each event reaches every screen before the
    next is handed out (a call's `ticket:called` does not queue behind its
    `queue:changed` on each of 200 sockets).
    """

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio
        self.pending: queue.Queue[tuple[str, list[Stamped]]] = queue.Queue()
        self._started = threading.Lock()
        self._running = False

    def publish(self, hall: str, stamped: list[Stamped]) -> None:
        """Hand a committed command's events to the emitting task."""
        self.pending.put((hall, stamped))
        with self._started:
            if not self._running:
                self._running = True
                self.socketio.start_background_task(self._emit_forever)

    def _emit_forever(self) -> None:
        while True:
            hall, stamped = self.pending.get()
            for item in stamped:
                self.emit(hall, item)
                self.socketio.sleep(0)  # the screens' sockets send it before the next

    def emit(self, hall: str, item: Stamped) -> None:
        """Emit one event to the hall's room in every hall namespace.

        The command is committed already: if the message queue is down the
        emit is lost, not the command. Clients notice the seq gap (or their
        periodic check) and resync, so a failed emit is logged, not raised (it
        would end the emitting task, and every later event with it).
        """
        name = type(item.event).__name__
        try:
            name, payload = protocol.message(item)
            for namespace in protocol.HALL_NAMESPACES:
                shown = (
                    protocol.public_payload(name, payload)
                    if namespace == protocol.PUBLIC
                    else payload
                )
                self.socketio.emit(name, shown, to=protocol.hall_room(hall), namespace=namespace)
        except Exception:
            log.exception("emit of %s seq=%s failed; clients will resync", name, item.seq)


class RecordingBroadcaster:
    """Keeps what would have been emitted (in-process tests)."""

    def __init__(self) -> None:
        self.published: list[tuple[str, Stamped]] = []

    def publish(self, hall: str, stamped: list[Stamped]) -> None:
        """Remember the events instead of emitting them."""
        self.published.extend((hall, item) for item in stamped)
