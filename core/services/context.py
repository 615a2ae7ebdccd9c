"""What a handler works with: the unit of work, the locked hall, the time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from core.adapters import orm
from core.adapters.repository import window_from_row
from core.domain.continuity import System
from core.domain.errors import NotFound
from core.domain.events import Event, QueueChanged
from core.domain.hallday import HallDay, hall_day
from core.domain.policy import Rules
from core.domain.queue import Queue
from core.domain.windows import Window
from core.domain.workdays import WorkdayCalendar
from core.halls import hours_of, rules_of
from core.services.uow import UnitOfWork
from core.services.views import estimate_for, summarize, systems_down

SYSTEM_ACTOR = "system"
"""Who acts when the hub acts by itself (detection, rerouting, its own outage)."""


@dataclass(frozen=True)
class Outcome:
    """What a handler answers: a JSON body and an HTTP status."""

    body: dict[str, Any] = field(default_factory=dict)
    status: int = 200


@dataclass
class Kept:
    """What a hub process keeps of a hall from one command to the next, true while the
    hall's seq is `seq`: its queue of the day, and its configuration (services, windows,
    the systems open incidents say are down, the printer each issuer prints on) once a
    command has loaded it. Kept rows are the previous command's, joined to the next
    command's session unchanged."""

    seq: int = -1
    queue: Queue | None = None
    services: list[orm.Service] | None = None
    windows: list[orm.Window] | None = None
    down: set[System] | None = None
    printers: dict[str | None, orm.Device | None] = field(default_factory=dict)
    """Issuing device (None: the guide desk without one) → the printer it prints on."""

    def forget_configuration(self) -> None:
        """After a command that may have changed it: load it again next time."""
        self.services = self.windows = self.down = None
        self.printers = {}

    def rows(self) -> list[Any]:
        """The kept configuration's rows, to join to the next command's session."""
        printers = [row for row in self.printers.values() if row is not None]
        return [*(self.services or []), *(self.windows or []), *printers]


@dataclass
class Context:
    """One command's view of its hall at one instant; `record` collects its events."""

    uow: UnitOfWork
    hall: orm.Hall
    now: datetime
    calendar: WorkdayCalendar
    events: list[Event] = field(default_factory=list)
    kept: Kept = field(default_factory=Kept)
    audited: dict[str, Any] | None = None
    """The audit line's `target` and `detail` when the handler words them itself (an
    administration change: before and after), instead of the command's fields."""

    def record(self, *events: Event) -> None:
        """Queue events for announcement after commit."""
        self.events.extend(events)

    @property
    def seq(self) -> int:
        """The seq this command's first event will carry (the hall row is locked)."""
        return self.hall.seq + 1

    @cached_property
    def zone(self) -> ZoneInfo:
        """The hall's time zone."""
        return ZoneInfo(self.hall.timezone)

    @cached_property
    def rules(self) -> Rules:
        """The hall's calling rules."""
        return rules_of(self.hall.settings)

    @property
    def services(self) -> list[orm.Service]:
        """The hall's active services in display order, loaded once."""
        if self.kept.services is None:
            self.kept.services = self.uow.halls.services(self.hall)
        return self.kept.services

    @property
    def windows(self) -> list[orm.Window]:
        """The hall's windows by number, loaded once (changes apply to these same rows)."""
        if self.kept.windows is None:
            self.kept.windows = self.uow.halls.window_rows(self.hall)
        return self.kept.windows

    @property
    def down(self) -> set[System]:
        """The outside systems the hall's open incidents say are down, loaded once."""
        if self.kept.down is None:
            self.kept.down = systems_down(self.uow.session, self.hall)
        return self.kept.down

    def service(self, code: str) -> orm.Service:
        """An active service of the hall."""
        for service in self.services:
            if service.code == code:
                return service
        raise NotFound("service.unknown", service=code)

    def window(self, number: int) -> tuple[orm.Window, Window]:
        """Window `number` as stored and as the domain sees it."""
        for row in self.windows:
            if row.number == number:
                return row, window_from_row(row)
        raise NotFound("window.unknown", window=number)

    @property
    def queue(self) -> Queue:
        """The hall's queue of the day in memory, with this command's changes so far."""
        return self.uow.queue(self.hall, self.day.business_day)

    def summary(self) -> QueueChanged:
        """The queue as it stands in this command's transaction."""
        return summarize(
            self.hall,
            self.now,
            self.queue,
            services=self.services,
            windows=self.windows,
            down=self.down,
        )

    def estimate(self, row: orm.Ticket) -> tuple[int, int | None]:
        """(people ahead, estimated minutes or None when no open window serves it)."""
        return estimate_for(
            self.uow.session,
            self.hall,
            row,
            services=self.services,
            windows=self.windows,
            ahead=self.queue.ahead(row.id, self.now),
        )

    @cached_property
    def day(self) -> HallDay:
        """Where `now` falls in the hall's day."""
        return hall_day(self.now, self.zone, hours_of(self.hall.settings), self.calendar)
