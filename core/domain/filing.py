"""Monthly filing deadlines and their extension after a tax-system outage (SPEC §7).

How the extension counts. The bureau's rule says that when the back-office
system is down the deadline "moves by 1 working day when the fault lasts under
3 days and by 3 working days when it lasts 3 days or more". Counted from the
original deadline, an outage that starts on the deadline day and lasts 4 days
would give a new deadline before the fault is even cleared, which defeats the
rule's purpose: to give taxpayers working days *with a working system*. So the
N working days are counted from the day the fault is cleared. Because the rule
only applies when the outage overlaps the deadline day, the fault is never
cleared before that day; when it is cleared on the deadline day itself both
readings give the same date, and when it is cleared later this one is the only
one that makes sense. The result is therefore never earlier than the next
working day after clearance — the date the e-tax-only rule gives — so a
back-office outage never earns less time than an e-tax one.

Days are the hall's local days: an outage overlaps the deadline if any part of
it falls inside the deadline's local calendar day (00:00 to 24:00; e-tax is
open after the hall closes), and the clearance day is the local date of its end.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

from core.domain.errors import InvalidInput
from core.domain.workdays import WorkdayCalendar, add_workdays, is_workday, next_workday

DEFAULT_DEADLINE_DAY = 15
LONG_OUTAGE = timedelta(days=3)

ExtensionRule = Literal[
    "etax_only_next_workday",  # e-tax down, back-office up: next working day after clearance
    "both_under_3_days_plus_1",  # back-office down (e-tax too or not), < 3 days: +1 working day
    "both_3_days_or_more_plus_3",  # back-office down, 3 days or more: +3 working days
]


@dataclass(frozen=True)
class Outage:
    """A tax-system outage: when it started and ended (None while open), and what was down.

    Times must be timezone-aware. `etax_down` is the online e-tax system
    (电子税务局); `backoffice_down` the back-office system the windows use.
    """

    started_at: datetime
    ended_at: datetime | None
    etax_down: bool
    backoffice_down: bool


@dataclass(frozen=True)
class DeadlineExtension:
    """The filing deadline `original` moved to `extended` by `rule`.

    `provisional` while the outage is open: the dates are as things stand at
    `now` and will change when the outage ends (or lasts past 3 days).
    """

    original: date
    extended: date
    rule: ExtensionRule
    provisional: bool


def default_filing_deadline(calendar: WorkdayCalendar, year: int, month: int) -> date:
    """The 15th of the month, or the next working day after it if the 15th is not one.

    Raises `UnknownYear` if the calendar does not know the year.
    """
    fifteenth = date(year, month, DEFAULT_DEADLINE_DAY)
    if is_workday(calendar, fifteenth):
        return fifteenth
    return next_workday(calendar, fifteenth)


class FilingCalendar:
    """Each month's filing deadline: the official date when one is configured, else the default.

    The default is `default_filing_deadline`; official dates come from the
    calendar the tax administration publishes each year.

    `official` maps ``(year, month)`` to the published deadline; it is copied.
    """

    def __init__(
        self, calendar: WorkdayCalendar, official: Mapping[tuple[int, int], date] | None = None
    ) -> None:
        for year, month in official or {}:
            if not 1 <= month <= 12:
                raise ValueError(f"official deadline for month {month} of {year}")
        self.calendar = calendar
        self._official = dict(official or {})

    def deadline(self, year: int, month: int) -> date:
        """The last day to file for `month` of `year`.

        Raises `UnknownYear` if there is no official date and the calendar does not know the year.
        """
        official = self._official.get((year, month))
        if official is not None:
            return official
        return default_filing_deadline(self.calendar, year, month)

    def is_official(self, year: int, month: int) -> bool:
        """Whether the month's deadline comes from the published official calendar."""
        return (year, month) in self._official


def extension(
    outage: Outage, *, filing: FilingCalendar, zone: tzinfo, now: datetime
) -> DeadlineExtension | None:
    """The filing-deadline extension an outage earns, or None if it earns none.

    None when neither tax system was down, when the outage does not overlap a
    filing deadline's local day in `zone` (a zoneinfo.ZoneInfo, not pytz), or
    when an open outage has not started by `now`. An open outage is judged as
    it stands at `now` (``provisional=True``). If it overlaps several deadlines
    (a month or more), the latest one is extended. See the module docstring
    for how working days are counted.

    Raises `UnknownYear` when a deadline or the new date falls in a year the
    calendar does not know; `InvalidInput` (code ``outage.ends_before_start``,
    field ``ended_at``) for an outage that ends before it starts; `ValueError`
    for a naive datetime.
    """
    _require_aware(outage.started_at, "started_at")
    _require_aware(now, "now")
    if outage.ended_at is not None:
        _require_aware(outage.ended_at, "ended_at")
        if outage.ended_at < outage.started_at:
            raise InvalidInput("outage.ends_before_start", field="ended_at")
    if not (outage.etax_down or outage.backoffice_down):
        return None
    end = outage.ended_at if outage.ended_at is not None else now
    if end < outage.started_at:
        return None

    original = _latest_overlapped_deadline(filing, outage.started_at, end, zone)
    if original is None:
        return None
    cleared_on = end.astimezone(zone).date()
    rule: ExtensionRule
    if not outage.backoffice_down:
        rule = "etax_only_next_workday"
        extended = next_workday(filing.calendar, cleared_on)
    elif _elapsed(outage.started_at, end) < LONG_OUTAGE:
        rule = "both_under_3_days_plus_1"
        extended = add_workdays(filing.calendar, cleared_on, 1)
    else:
        rule = "both_3_days_or_more_plus_3"
        extended = add_workdays(filing.calendar, cleared_on, 3)
    return DeadlineExtension(
        original=original, extended=extended, rule=rule, provisional=outage.ended_at is None
    )


def _latest_overlapped_deadline(
    filing: FilingCalendar, start: datetime, end: datetime, zone: tzinfo
) -> date | None:
    first_day = start.astimezone(zone).date()
    last_day = end.astimezone(zone).date()
    latest: date | None = None
    for year, month in _months(first_day, last_day):
        # A default deadline is never before the 15th, so a month the outage
        # leaves before then needs no calendar — and must not raise UnknownYear
        # for a year the outage only brushes.
        if not filing.is_official(year, month) and last_day < date(
            year, month, DEFAULT_DEADLINE_DAY
        ):
            continue
        deadline = filing.deadline(year, month)
        if _overlaps_day(start, end, deadline, zone):
            latest = deadline
    return latest


def _months(first: date, last: date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _overlaps_day(start: datetime, end: datetime, day: date, zone: tzinfo) -> bool:
    day_starts = datetime(day.year, day.month, day.day, tzinfo=zone)
    following = day + timedelta(days=1)
    day_ends = datetime(following.year, following.month, following.day, tzinfo=zone)
    # An outage cleared at exactly 00:00 left the whole day usable; one that
    # starts at 00:00 of the next day touched none of it.
    if start == end:
        return day_starts <= start < day_ends
    return start < day_ends and end > day_starts


def _elapsed(start: datetime, end: datetime) -> timedelta:
    # Subtracting two aware datetimes that share a tzinfo compares wall-clock
    # times; going through UTC measures real elapsed time across any DST change.
    return end.astimezone(UTC) - start.astimezone(UTC)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
