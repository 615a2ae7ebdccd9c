"""Shared helpers for the printer tests: a recording hub, a ticket factory, waits.

Every wait here is on a condition with a deadline, never a bare sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from printers.connection import Timeouts
from printers.layout import TicketPrint
from printers.status import PrinterState

#: Short timeouts so that a silent printer is noticed well inside 2 s.
FAST_TIMEOUTS = Timeouts(connect_s=1.0, write_s=2.0, status_s=0.3)


def make_ticket(**overrides: Any) -> TicketPrint:
    """A ticket with Chinese text, full-width punctuation and ¥; override any field."""
    fields: dict[str, Any] = {
        "hall_name": "徐汇区办税服务厅",
        "service_name": "发票领购，缴销",
        "number": "A012",
        "ahead": 3,
        "estimated_wait_min": 15,
        "issued_at": "2026-11-23 09:41",
        "status_url": "http://hallq.local/t/Zq8vR2kLp0sX",
        "notice": None,
        "footer": "工本费：¥0.00（免费）",
    }
    fields.update(overrides)
    return TicketPrint(**fields)


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    """Check `predicate` until it holds or `timeout` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


class RecordingHub:
    """A HubLink that remembers every status report and ack, and can be waited on."""

    def __init__(self) -> None:
        self.statuses: list[tuple[PrinterState, str]] = []
        self.acks: list[tuple[str, bool, str | None]] = []
        self._changed = threading.Condition()

    def report_status(self, state: PrinterState, detail: str) -> None:
        """Record a status report."""
        with self._changed:
            self.statuses.append((state, detail))
            self._changed.notify_all()

    def ack(self, job_id: str, ok: bool, error: str | None) -> None:
        """Record an ack."""
        with self._changed:
            self.acks.append((job_id, ok, error))
            self._changed.notify_all()

    @property
    def state(self) -> PrinterState | None:
        """The last state reported."""
        with self._changed:
            return self.statuses[-1][0] if self.statuses else None

    def wait_for_state(self, state: PrinterState, timeout: float) -> bool:
        """True once the last reported state is `state`, False after `timeout`."""
        with self._changed:
            return self._changed.wait_for(
                lambda: bool(self.statuses) and self.statuses[-1][0] is state, timeout
            )

    def acks_for(self, job_id: str) -> list[tuple[str, bool, str | None]]:
        """Every ack received for `job_id`."""
        with self._changed:
            return [ack for ack in self.acks if ack[0] == job_id]

    def wait_for_acks(self, job_id: str, count: int, timeout: float) -> list[Any]:
        """Wait until `job_id` has `count` acks (or `timeout`); returns its acks."""
        with self._changed:
            self._changed.wait_for(
                lambda: sum(1 for ack in self.acks if ack[0] == job_id) >= count, timeout
            )
        return self.acks_for(job_id)
