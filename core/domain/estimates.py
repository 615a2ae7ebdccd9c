"""How long a taxpayer will wait (SPEC §4.3)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

RECENT_SERVICES = 20
"""How many recent service times the moving average looks at."""


def average_service_minutes(recent: Sequence[timedelta], default_minutes: float) -> float:
    """Moving average of the last `RECENT_SERVICES` service times, in minutes.

    Until a service has been done a few times today the configured minutes
    stand in; very short services (a taxpayer who only asked a question) are
    kept, since they are real load too.
    """
    window = [duration for duration in recent[-RECENT_SERVICES:] if duration > timedelta(0)]
    if not window:
        return default_minutes
    return sum(duration.total_seconds() for duration in window) / len(window) / 60


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
