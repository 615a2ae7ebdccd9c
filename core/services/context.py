"""What a handler works with: the unit of work, the locked hall, the time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from core.adapters import orm
from core.domain.events import Event
from core.domain.hallday import HallDay, Hours, hall_day
from core.domain.policy import Rules
from core.domain.workdays import WorkdayCalendar
from core.services.uow import UnitOfWork


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
    def day(self) -> HallDay:
        """Where `now` falls in the hall's day."""
        return hall_day(self.now, self.zone, hours_of(self.hall.settings), self.calendar)


def rules_of(settings: dict[str, Any]) -> Rules:
    """Calling rules from a hall's stored settings."""
    rules = settings.get("rules", {})
    defaults = Rules()
    return Rules(
        max_wait=timedelta(
            minutes=rules.get("max_wait_minutes", defaults.max_wait.total_seconds() / 60)
        ),
        no_show_after_recalls=rules.get("no_show_after_recalls", defaults.no_show_after_recalls),
        requeue_after=rules.get("requeue_after", defaults.requeue_after),
    )


def hours_of(settings: dict[str, Any]) -> Hours:
    """Opening hours from a hall's stored settings (``"08:30"`` strings)."""
    hours = settings.get("hours", {})
    defaults = Hours()
    return Hours(
        opens=time.fromisoformat(hours["opens"]) if "opens" in hours else defaults.opens,
        cutoff=time.fromisoformat(hours["cutoff"]) if "cutoff" in hours else defaults.cutoff,
        closes=time.fromisoformat(hours["closes"]) if "closes" in hours else defaults.closes,
        every_day=bool(hours.get("every_day", defaults.every_day)),
    )
