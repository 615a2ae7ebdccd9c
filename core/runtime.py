"""The objects one app runs on, reachable from any request or socket handler."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, TypeVar, cast

from flask import current_app
from flask_socketio import SocketIO

from core.adapters.clock import Clock
from core.adapters.db import Database
from core.config import Settings
from core.services.access import LoginLifetime
from core.services.bus import CommandBus
from core.services.logins import LoginPolicy

T = TypeVar("T")


class Printing(Protocol):
    """What the app asks of its print service (`core.hub.printing.PrintService`, which
    itself runs on the runtime: naming it here would make the two import each other)."""

    wake: threading.Event
    """Set to send new print jobs now rather than at the pump's next round."""

    def start(self) -> None:
        """Start the hub-side print agents and the job pump."""


@dataclass
class Runtime:
    """Settings, database, clock, command bus and Socket.IO server of one app."""

    settings: Settings
    db: Database
    clock: Clock
    bus: CommandBus
    socketio: SocketIO
    printing: Printing | None = None

    def off_loop(self, work: Callable[[], T]) -> T:
        """Run `work` in a native thread and wait for it, the hub's event loop going on
        meanwhile: a long read (a year's report) must not hold the hall's commands up.
        `work` may use only what is its own (a `Database.long_read` session): nothing of
        the request, nor a lock the event loop's greenlets share."""
        if self.settings.async_mode == "eventlet":
            from eventlet import tpool

            return cast(T, tpool.execute(work))
        if self.settings.async_mode == "gevent":
            import gevent

            return cast(T, gevent.get_hub().threadpool.apply(work))
        return work()

    @property
    def login_policy(self) -> LoginPolicy:
        """When failed logins refuse an address or lock an account, as configured."""
        return LoginPolicy(
            failures=self.settings.login_failures,
            window=timedelta(minutes=self.settings.login_window_min),
            lock=timedelta(minutes=self.settings.login_lock_min),
        )

    @property
    def login_lifetime(self) -> LoginLifetime:
        """How long staff logins last, as configured."""
        return LoginLifetime(
            idle=timedelta(hours=self.settings.login_idle_h),
            absolute=timedelta(days=self.settings.login_max_days),
        )


def runtime() -> Runtime:
    """The current app's runtime."""
    return cast(Runtime, current_app.extensions["hallq"])
