"""The hub: turns committed domain events into Socket.IO emits.

With a message queue configured (Redis), Flask-SocketIO relays each emit
through it, so clients of every hub process receive it.
"""

from __future__ import annotations

import logging

from flask_socketio import SocketIO

from core import protocol
from core.services.uow import Stamped

log = logging.getLogger(__name__)


class SocketIOBroadcaster:
    """Publishes a hall's committed events to every hall namespace."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def publish(self, hall: str, stamped: list[Stamped]) -> None:
        """Emit each event, in seq order, to the hall's room in every hall namespace."""
        room = protocol.hall_room(hall)
        for item in stamped:
            name, payload = protocol.message(item)
            for namespace in protocol.HALL_NAMESPACES:
                self.socketio.emit(name, payload, to=room, namespace=namespace)
            log.debug("emitted %s seq=%s hall=%s", name, item.seq, hall)


class RecordingBroadcaster:
    """Keeps what would have been emitted (in-process tests)."""

    def __init__(self) -> None:
        self.published: list[tuple[str, Stamped]] = []

    def publish(self, hall: str, stamped: list[Stamped]) -> None:
        """Remember the events instead of emitting them."""
        self.published.extend((hall, item) for item in stamped)
