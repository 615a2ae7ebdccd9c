"""How long a taxpayer will wait (SPEC §4.3), and when the queue is long (SPEC §7).

The formula, as docs/OPERATIONS.md states it for the hall's staff:
wait = ⌈ahead × average ÷ open windows serving the service⌉ minutes, where the
average is the mean of the last 20 services of a minute or more, never below
half the service's configured minutes; no estimate while no open window serves it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

RECENT_SERVICES = 20
"""How many recent service times the moving average looks at."""

SHORTEST_TIMED = timedelta(minutes=1)
"""A service shorter than this was started by mistake or had nothing to do: not timed."""

AVERAGE_FLOOR = 0.5
"""The average never drops below this share of the configured minutes: a run of
quick questions must not make five people look like a one-minute wait."""


def average_service_minutes(recent: Sequence[timedelta], default_minutes: float) -> float:
    """Moving average of the last `RECENT_SERVICES` timed services, in minutes.

    Until a service has been done today the configured minutes stand in.
    """
    window = [duration for duration in recent[-RECENT_SERVICES:] if duration >= SHORTEST_TIMED]
    if not window:
        return default_minutes
    average = sum(duration.total_seconds() for duration in window) / len(window) / 60
    return max(average, default_minutes * AVERAGE_FLOOR)


def estimated_wait_minutes(ahead: int, open_windows: int, average_minutes: float) -> int | None:
    """People ahead shared among the open windows serving them, times the average.

    With no open window serving the service there is no estimate (None): the
    screens say that no window handles it now rather than promise a wait —
    even to the first in line, who would otherwise read "no wait".
    """
    if open_windows <= 0:
        return None
    if ahead <= 0:
        return 0
    return math.ceil(ahead * average_minutes / open_windows)


@dataclass(frozen=True)
class Relief:
    """A service's load-relief thresholds (SPEC §7, from the hall's own plan)."""

    waiting: int = 30
    """People waiting from which the queue counts as long."""
    wait_minutes: int = 45
    """Minutes of waiting from which the queue counts as long."""

    def alerts_leader(self, waiting: int, longest_min: int) -> bool:
        """The console tells the duty leader to open a dedicated window.

        Either threshold: many people, or someone waiting long (then the
        windows are not keeping up, however short the queue).
        """
        return waiting >= self.waiting or (waiting > 0 and longest_min >= self.wait_minutes)

    def suggests_self_service(self, waiting: int, estimate: int | None) -> bool:
        """The kiosk says "排队较多" and points to the self-service terminals.

        Only when a newcomer faces a long queue: many people waiting, or an
        estimated wait past the minutes threshold — never for one person who
        has been waiting long.
        """
        return waiting >= self.waiting or (estimate is not None and estimate >= self.wait_minutes)
