"""Clocks: the only place HallQ reads the time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Gives the current instant, timezone-aware."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)


class ShiftedClock:
    """Real time moved to start at a chosen instant (demos and end-to-end tests).

    ``HALLQ_FAKE_NOW=2026-12-15T10:00:00+08:00`` makes the hub believe it
    started at that moment; time then runs on normally.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("HALLQ_FAKE_NOW needs a UTC offset, e.g. +08:00")
        self.offset = start - datetime.now(UTC)

    @classmethod
    def parse(cls, text: str) -> ShiftedClock:
        """From an ISO 8601 instant with offset, e.g. ``2026-12-15T10:00:00+08:00``."""
        return cls(datetime.fromisoformat(text))

    def now(self) -> datetime:
        """The shifted instant in UTC."""
        return datetime.now(UTC) + self.offset


class FixedClock:
    """A clock that moves only when told to (unit tests)."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The instant last set."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        with self._lock:
            self._now += delta

    def set(self, moment: datetime) -> None:
        """Jump to `moment`."""
        with self._lock:
            self._now = moment
