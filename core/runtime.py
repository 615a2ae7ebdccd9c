"""The objects one app runs on, reachable from any request or socket handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from flask import current_app
from flask_socketio import SocketIO

from core.adapters.clock import Clock
from core.adapters.db import Database
from core.config import Settings
from core.services.bus import CommandBus

if TYPE_CHECKING:
    from core.printing import PrintService


@dataclass
class Runtime:
    """Settings, database, clock, command bus and Socket.IO server of one app."""

    settings: Settings
    db: Database
    clock: Clock
    bus: CommandBus
    socketio: SocketIO
    printing: PrintService | None = None


def runtime() -> Runtime:
    """The current app's runtime."""
    return cast(Runtime, current_app.extensions["hallq"])
