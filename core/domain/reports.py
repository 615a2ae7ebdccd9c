"""Reports (SPEC §14): what the hall did, worked out from its tickets' append-only history.

A ticket's history folds into *parts* (办件): one stay in one queue, from entering it (the
ticket's issue, or a transfer) to leaving it (finished, transferred on, no-show, cancelled,
expired). A part's wait runs from entering the queue to its first call there — a no-show who
comes back and is called again does not lengthen the hall's wait — and its service from the
last start to the finish (or the transfer on).

Parts add up into *cells*: sums per business day, hour of arrival, service, window and clerk.
Sums add, so a period's figures are the sum of its days' cells, whichever way they are cut
(hall, service, window, clerk, hour, weekday); waits and service times also go into *spreads*,
counts per whole minute, from which the median and p90 are read. A day's cells are the same
whether kept in the daily rollup or worked out again from the events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain.errors import InvalidInput

MAX_DAYS = 366
"""The longest period a report covers."""
PERIOD_KINDS = ("day", "week", "month", "custom")

OUTCOMES = ("done", "transferred", "no_show", "cancelled", "expired", "open")
"""How a part ended. ``no_show`` also when a no-show expired at the day's close; ``open``
while it is still waiting, called or being served."""

CHANNELS = ("kiosk", "guide", "paper", "appointment", "transfer")
MEASURES = ("wait", "service")


@dataclass(frozen=True)
class Step:
    """One row of a ticket's history as a report reads it (``ticket_events``)."""

    kind: str
    from_state: str | None
    to_state: str
    at: datetime
    window: int | None = None
    actor: str | None = None
    detail: Mapping[str, object] = field(default_factory=dict)


@dataclass
class Part:
    """One stay of a ticket in one queue. `clerk` is who called or served it there."""

    service: str
    channel: str
    green: bool
    first: bool
    """The ticket's first part: counts the ticket itself (issued tickets)."""
    arrived: datetime
    called: datetime | None = None
    started: datetime | None = None
    ended: datetime | None = None
    window: int | None = None
    clerk: str | None = None
    outcome: str = "open"
    recalls: int = 0
    no_shows: int = 0
    on_screen: bool = False
    """The ticket's first part, taken at a kiosk whose printer gave no paper: on screen only."""

    @property
    def wait(self) -> int | None:
        """Whole seconds from entering the queue to the first call; None: never called."""
        return None if self.called is None else _seconds(self.called - self.arrived)

    def overtime(self, closes: datetime) -> int:
        """Whole seconds of its service after the hall's closing (延时服务)."""
        if self.service_time is None or self.ended is None or self.started is None:
            return 0
        return _seconds(self.ended - max(self.started, closes)) if self.ended > closes else 0

    @property
    def service_time(self) -> int | None:
        """Whole seconds from the start to the finish or transfer; None: not served through."""
        if self.started is None or self.ended is None or self.outcome not in SERVED:
            return None
        return _seconds(self.ended - self.started)


SERVED = frozenset({"done", "transferred"})


def _seconds(span: timedelta) -> int:
    return max(0, int(span.total_seconds()))


def parts_of(steps: Iterable[Step], *, service: str, channel: str, green: bool) -> list[Part]:
    """Fold one ticket's history (in order) into its parts. The issue's row says the service
    and channel at issue; `service` and `channel` stand in for a row written before it did."""
    parts: list[Part] = []
    part: Part | None = None
    moved_to: str | None = None
    for step in steps:
        if step.kind == "issued":
            issued_to = str(step.detail.get("service") or service)
            part = Part(issued_to, str(step.detail.get("channel") or channel), green, True, step.at)
            parts.append(part)
            continue
        if part is None:  # a history whose issue is missing: nothing to count
            continue
        match step.kind:
            case "called" | "called_by_hand":
                if part.called is None:
                    part.called = step.at
                part.window, part.clerk, part.outcome = step.window, clerk_of(step), "open"
            case "recalled":
                part.recalls += 1
            case "no_show":
                part.no_shows += 1
                part.outcome = "no_show"
            case "started":
                part.started, part.window = step.at, step.window
                part.clerk = clerk_of(step) or part.clerk
            case "finished":
                part.ended, part.outcome = step.at, "done"
                part.clerk = clerk_of(step) or part.clerk
            case "transferred":
                part.ended, part.outcome = step.at, "transferred"
                target = step.detail.get("to_service")
                moved_to = str(target) if target else part.service
            case "requeued" if step.from_state == "transferred":
                part = Part(moved_to or part.service, "transfer", green, False, step.at)
                parts.append(part)
            case "requeued" | "released":
                part.started, part.outcome = None, "open"
            case "rerouted":
                part.service = str(step.detail.get("to_service") or part.service)
            case "cancelled":
                part.ended, part.outcome = step.at, "cancelled"
            case "expired":
                part.outcome = "no_show" if step.from_state == "no_show" else "expired"
    return parts


def clerk_of(step: Step) -> str | None:
    """The staff member who made a change (``staff:<username>``); None for a device or the
    hub itself."""
    kind, _, name = (step.actor or "").partition(":")
    return name if kind == "staff" and name else None


@dataclass
class Sums:
    """What a cell adds up. Every field sums, except the ``*_max`` ones (the largest)."""

    tickets: int = 0
    parts: int = 0
    green: int = 0
    kiosk: int = 0
    guide: int = 0
    paper: int = 0
    appointment: int = 0
    transfer: int = 0
    done: int = 0
    transferred: int = 0
    no_show: int = 0
    cancelled: int = 0
    expired: int = 0
    open: int = 0
    recalls: int = 0
    no_shows: int = 0
    waited: int = 0
    wait_sum: int = 0
    wait_max: int = 0
    served: int = 0
    service_sum: int = 0
    service_max: int = 0
    overtime: int = 0
    """Seconds of service after the hall's closing."""
    on_screen: int = 0

    def add(self, other: Sums) -> None:
        for name in SUM_FIELDS:
            value = getattr(other, name)
            if name.endswith("_max"):
                setattr(self, name, max(getattr(self, name), value))
            else:
                setattr(self, name, getattr(self, name) + value)

    def count(self, part: Part, closes: datetime) -> None:
        self.overtime += part.overtime(closes)
        self.on_screen += part.on_screen
        self.tickets += part.first
        self.parts += 1
        self.green += part.green
        setattr(self, part.channel, getattr(self, part.channel) + 1)
        setattr(self, part.outcome, getattr(self, part.outcome) + 1)
        self.recalls += part.recalls
        self.no_shows += part.no_shows
        if (wait := part.wait) is not None:
            self.waited += 1
            self.wait_sum += wait
            self.wait_max = max(self.wait_max, wait)
        if (served := part.service_time) is not None:
            self.served += 1
            self.service_sum += served
            self.service_max = max(self.service_max, served)

    def values(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SUM_FIELDS}


SUM_FIELDS = tuple(item.name for item in fields(Sums))


@dataclass(frozen=True, order=True)
class CellKey:
    """Where a part is counted: its business day, the local hour it arrived, its service,
    and the window and clerk that called or served it (None: nobody did)."""

    day: date
    hour: int
    service: str
    window: int | None
    clerk: str | None


@dataclass(frozen=True, order=True)
class SpreadKey:
    """A minute of a spread: how many waits (or service times) of a day, service, window
    and clerk lasted `minute` whole minutes."""

    day: date
    measure: str
    service: str
    window: int | None
    clerk: str | None
    minute: int


@dataclass(frozen=True, order=True)
class DutyKey:
    """A clerk's time at a window on a day."""

    day: date
    window: int
    clerk: str


@dataclass
class Duty:
    """Seconds a clerk held a window (open or paused), and of those paused."""

    on_duty: int = 0
    paused: int = 0


@dataclass(frozen=True)
class WindowChange:
    """One row of the windows' history (``window_events``): its new state, and who holds
    it (or held it, for a close)."""

    window: int
    state: str
    staff: str | None
    at: datetime


@dataclass
class Rollup:
    """A set of days' cells, spreads and clerks' duties."""

    cells: dict[CellKey, Sums] = field(default_factory=dict)
    spreads: Counter[SpreadKey] = field(default_factory=Counter)
    duties: dict[DutyKey, Duty] = field(default_factory=dict)

    def count(self, day: date, part: Part, zone: ZoneInfo, closes: datetime) -> None:
        """Count a part of a ticket of `day`; the hall closed at `closes` that day."""
        hour = part.arrived.astimezone(zone).hour
        key = CellKey(day, hour, part.service, part.window, part.clerk)
        self.cells.setdefault(key, Sums()).count(part, closes)
        for measure, seconds in (("wait", part.wait), ("service", part.service_time)):
            if seconds is not None:
                where = (day, measure, part.service, part.window, part.clerk, seconds // 60)
                self.spreads[SpreadKey(*where)] += 1

    def count_duties(
        self, day: date, changes: Iterable[WindowChange], ends: Mapping[int, datetime]
    ) -> None:
        """Add the clerks' time at each window on `day` from the windows' changes that day
        (in order). A window still held at its end (`ends`: the hall's closing, or the last
        service there after it) counts until then, not until the night's roll-over."""
        held: dict[int, tuple[str, str, datetime]] = {}  # window → (clerk, state, since)
        for change in [
            *changes,
            *(WindowChange(n, "closed", None, end) for n, end in ends.items()),
        ]:
            if change.window in held:
                clerk, state, since = held.pop(change.window)
                end = min(change.at, ends[change.window])
                seconds = _seconds(end - since) if end > since else 0
                duty = self.duties.setdefault(DutyKey(day, change.window, clerk), Duty())
                duty.on_duty += seconds
                duty.paused += seconds if state == "paused" else 0
            if change.state != "closed" and change.staff:
                held[change.window] = (change.staff, change.state, change.at)


def percentile(spread: Mapping[int, int], share: float) -> int | None:
    """The nearest-rank percentile, in whole minutes, of a spread (minute → count): the
    smallest minute that at least `share` of the values do not exceed. Because minutes
    are the values' whole minutes, this is the exact percentile, cut to the minute."""
    total = sum(spread.values())
    if total == 0:
        return None
    rank = max(1, -(-int(share * total * 1000) // 1000))  # ceil, clear of float noise
    seen = 0
    for minute in sorted(spread):
        seen += spread[minute]
        if seen >= rank:
            return minute
    raise AssertionError("unreachable: the ranks add up to the total")


def within(spread: Mapping[int, int], minutes: int) -> int:
    """How many values of a spread lasted less than `minutes` minutes."""
    return sum(count for minute, count in spread.items() if minute < minutes)


@dataclass(frozen=True)
class Period:
    """The business days a report covers, both ends included (the hall's local dates)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput("report.period_order", field="to")
        if self.days > MAX_DAYS:
            raise InvalidInput("report.period_length", field="to", maximum=MAX_DAYS)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def of(cls, kind: str, start: str | None, end: str | None, today: date) -> Period:
        """A period as the reports page asks for it: ``day``, ``week`` (Monday to Sunday)
        or ``month`` around `start` (blank: today), or ``custom`` from `start` to `end`.

        Raises `InvalidInput` (``report.*``) for anything else.
        """
        first = _day(start, "from") or today
        match kind:
            case "day":
                return cls(first, first)
            case "week":
                monday = first - timedelta(days=first.weekday())
                return cls(monday, monday + timedelta(days=6))
            case "month":
                following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
                return cls(first.replace(day=1), following - timedelta(days=1))
            case "custom":
                return cls(first, _day(end, "to") or first)
        raise InvalidInput("report.period_kind", field="period", kind=kind)


def _day(text: str | None, name: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("report.date", field=name, text=text[:20]) from None


def figures(
    sums: Sums, waits: Mapping[int, int], services: Mapping[int, int], target: int
) -> dict[str, object]:
    """The figures of a set of cells (`sums`) and their wait and service spreads, in
    minutes; `target` is the hall's wait target in minutes (shares are of called parts)."""
    return {
        **{name: getattr(sums, name) for name in ("tickets", "parts", "green")},
        "recalls": sums.recalls,
        "no_shows": sums.no_shows,
        "on_screen": sums.on_screen,
        "overtime_minutes": round(sums.overtime / 60),
        "outcomes": {name: getattr(sums, name) for name in OUTCOMES},
        "channels": {name: getattr(sums, name) for name in CHANNELS},
        "wait": {
            **_times(sums.waited, sums.wait_sum, sums.wait_max, waits),
            "within_target": round(within(waits, target) / sums.waited, 3) if sums.waited else None,
        },
        "service": _times(sums.served, sums.service_sum, sums.service_max, services),
    }


def _times(count: int, total: int, longest: int, spread: Mapping[int, int]) -> dict[str, object]:
    return {
        "count": count,
        "mean": round(total / count / 60, 1) if count else None,
        "median": percentile(spread, 0.5),
        "p90": percentile(spread, 0.9),
        "max": round(longest / 60, 1) if count else None,
    }


def covered(
    spans: Iterable[tuple[str, datetime, datetime]], start: datetime, end: datetime
) -> dict[str, int]:
    """Whole seconds of [`start`, `end`) that some span of each kind covers: spans of one
    kind that overlap count once (two printers out at once are one stretch on paper)."""
    by_kind: dict[str, list[tuple[datetime, datetime]]] = {}
    for kind, begins, ends in spans:
        begins, ends = max(begins, start), min(ends, end)
        if begins < ends:
            by_kind.setdefault(kind, []).append((begins, ends))
    result = {}
    for kind, stretches in by_kind.items():
        total, reach = 0, None
        for begins, ends in sorted(stretches):
            if reach is not None and begins < reach:
                begins = reach
            if ends > begins:
                total += _seconds(ends - begins)
                reach = ends
        result[kind] = total
    return result
