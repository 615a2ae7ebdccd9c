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
        """Emit each event, in seq order, to the hall's room in every hall namespace.

        The command is committed already: if the message queue is down the
        emit is lost, not the command. Clients notice the seq gap (or their
        periodic check) and resync, so a failed emit is logged, not raised.
        """
        room = protocol.hall_room(hall)
        for item in stamped:
            name, payload = protocol.message(item)
            try:
                for namespace in protocol.HALL_NAMESPACES:
                    shown = (
                        protocol.public_payload(name, payload)
                        if namespace == protocol.PUBLIC
                        else payload
                    )
                    self.socketio.emit(name, shown, to=room, namespace=namespace)
            except Exception:
                log.exception("emit of %s seq=%s failed; clients will resync", name, item.seq)


class RecordingBroadcaster:
    """Keeps what would have been emitted (in-process tests)."""

    def __init__(self) -> None:
        self.published: list[tuple[str, Stamped]] = []

    def publish(self, hall: str, stamped: list[Stamped]) -> None:
        """Remember the events instead of emitting them."""
        self.published.extend((hall, item) for item in stamped)
