"""What a handler works with: the unit of work, the locked hall, the time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from core.adapters import orm
from core.domain.continuity import System
from core.domain.errors import NotFound
from core.domain.events import Event, QueueChanged
from core.domain.hallday import HallDay, hall_day
from core.domain.policy import Rules
from core.domain.queue import Queue
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
class Context:
    """One command's view of its hall at one instant; `record` collects its events."""

    uow: UnitOfWork
    hall: orm.Hall
    now: datetime
    calendar: WorkdayCalendar
    events: list[Event] = field(default_factory=list)

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

    @cached_property
    def services(self) -> list[orm.Service]:
        """The hall's active services, loaded once per command."""
        return self.uow.halls.services(self.hall)

    @cached_property
    def windows(self) -> list[orm.Window]:
        """The hall's windows, loaded once per command (changes apply to these same rows)."""
        return self.uow.halls.window_rows(self.hall)

    def service(self, code: str) -> orm.Service:
        """An active service of the hall, from the list this command loaded."""
        for service in self.services:
            if service.code == code:
                return service
        raise NotFound("service.unknown", service=code)

    @property
    def queue(self) -> Queue:
        """The hall's queue of the day in memory, with this command's changes so far."""
        return self.uow.queue(self.hall, self.day.business_day)

    def summary(self, down: set[System] | None = None) -> QueueChanged:
        """The queue as it stands in this command's transaction; `down` (the systems open
        incidents say are down) when the command has read it already."""
        return summarize(
            self.hall,
            self.now,
            self.queue,
            services=self.services,
            windows=self.windows,
            down=down if down is not None else systems_down(self.uow.session, self.hall),
        )

    def estimate(self, row: orm.Ticket) -> tuple[int, int | None]:
        """(people ahead, estimated minutes or None when no open window serves it)."""
        return estimate_for(
            self.uow.session,
            self.hall,
            row,
            services=self.services,
            windows=self.windows,
            ahead=self.queue.ahead(row.id),
        )

    @cached_property
    def day(self) -> HallDay:
        """Where `now` falls in the hall's day."""
        return hall_day(self.now, self.zone, hours_of(self.hall.settings), self.calendar)
