"""Windows (窗口): staffed desks that serve an ordered list of services."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain.errors import Conflict, Forbidden


class WindowState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


@dataclass
class Window:
    """A window, its service order, who opened it and what it holds."""

    number: int
    services: tuple[str, ...]
    state: WindowState = WindowState.CLOSED
    staff: str | None = None
    current: str | None = None
    emergency: bool = False
    name: str = ""

    def open(self, staff: str) -> None:
        """A staff member opens the window; it will receive calls."""
        if self.state is not WindowState.CLOSED and self.staff not in (None, staff):
            raise Conflict("window.opened_by_other", window=self.number, staff=self.staff)
        self.state = WindowState.OPEN
        self.staff = staff

    def release(self) -> None:
        """A leader closes a window its clerk left open (its ticket is dealt with first)."""
        if self.state is WindowState.CLOSED:
            raise Conflict("window.closed", window=self.number)
        self.state = WindowState.CLOSED
        self.staff = None
        self.current = None

    def close(self) -> None:
        """Closing with a ticket in hand would strand the taxpayer."""
        if self.current is not None:
            raise Conflict("window.busy", window=self.number, current=self.current)
        self.state = WindowState.CLOSED
        self.staff = None

    def pause(self) -> None:
        """Stop receiving calls (break, meeting) without closing."""
        self.require_open()
        self.state = WindowState.PAUSED

    def resume(self) -> None:
        """Receive calls again after a pause."""
        if self.state is not WindowState.PAUSED:
            raise Conflict("window.not_paused", window=self.number)
        self.state = WindowState.OPEN

    def require_open(self) -> None:
        """Calling needs an open window: not closed, not paused."""
        if self.state is WindowState.CLOSED:
            raise Conflict("window.closed", window=self.number)
        if self.state is WindowState.PAUSED:
            raise Conflict("window.paused", window=self.number)

    def require_staff(self, staff: str) -> None:
        """A counter acts only on the window it opened (SPEC §10)."""
        if self.state is WindowState.CLOSED or self.staff != staff:
            raise Forbidden("window.not_yours", window=self.number)

    def require_free(self) -> None:
        """One ticket at a time: finish, transfer or mark no-show first."""
        if self.current is not None:
            raise Conflict("window.busy", window=self.number, current=self.current)

    def serves(self, service: str) -> bool:
        """Whether this window takes tickets of `service`."""
        return service in self.services


def require_may_hold(staff: str, number: int, windows: list[Window], allowed: int) -> None:
    """One account holds at most `allowed` windows at once (the hall's rule): opening
    window `number` must not make it more."""
    held = [
        window.number
        for window in windows
        if window.staff == staff
        and window.state is not WindowState.CLOSED
        and window.number != number
    ]
    if len(held) >= allowed:
        raise Conflict("window.holding_other", window=number, other=held[0])
