"""Filing deadlines and the outage extension (SPEC §7), on real and synthetic calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.adapters.calendar import ChineseCalendar
from core.domain.errors import InvalidInput
from core.domain.filing import (
    DeadlineExtension,
    FilingCalendar,
    Outage,
    default_filing_deadline,
    extension,
)
from core.domain.workdays import FixedCalendar, UnknownYear, is_workday, next_workday

SHANGHAI = ZoneInfo("Asia/Shanghai")
REAL = ChineseCalendar({})
SYNTHETIC = FixedCalendar()  # Monday–Friday, every year
# In May 2024 the 15th is a Wednesday: an easy default deadline for synthetic cases.
MAY_15 = date(2024, 5, 15)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in the hall's time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def outage(
    started_at: datetime,
    ended_at: datetime | None,
    *,
    etax: bool = True,
    backoffice: bool = True,
) -> Outage:
    """An outage factory: both systems down unless told otherwise."""
    return Outage(started_at, ended_at, etax_down=etax, backoffice_down=backoffice)


def extend(
    what: Outage, filing: FilingCalendar | None = None, now: datetime | None = None
) -> DeadlineExtension | None:
    return extension(
        what,
        filing=filing or FilingCalendar(SYNTHETIC),
        zone=SHANGHAI,
        now=now or at(2030, 1, 1),
    )


# --- deadlines -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "deadline"),
    [
        (2025, 2, date(2025, 2, 17)),  # 15th a Saturday → Monday
        (2025, 6, date(2025, 6, 16)),  # 15th a Sunday → Monday
        (2026, 8, date(2026, 8, 17)),  # 15th a Saturday → Monday
        (2026, 2, date(2026, 2, 24)),  # 15th a Sunday in the Spring Festival (Feb 15–23)
        (2025, 10, date(2025, 10, 15)),  # a Wednesday: unchanged
    ],
)
def test_default_deadline_is_the_15th_or_the_next_working_day(
    year: int, month: int, deadline: date
) -> None:
    # GIVEN the real statutory calendar WHEN the default deadline is computed
    # THEN it is the 15th, moved past weekends and holidays
    assert default_filing_deadline(REAL, year, month) == deadline
    assert FilingCalendar(REAL).deadline(year, month) == deadline


def test_the_official_calendar_overrides_the_default() -> None:
    # GIVEN an official deadline configured for October 2025 (a value the hall
    # typed in; the test does not depend on what the bureau published)
    filing = FilingCalendar(REAL, {(2025, 10): date(2025, 10, 27)})
    # WHEN deadlines are asked THEN October uses it and November the default
    assert filing.deadline(2025, 10) == date(2025, 10, 27)
    assert filing.is_official(2025, 10)
    assert filing.deadline(2025, 11) == date(2025, 11, 17)  # the 15th is a Saturday
    assert not filing.is_official(2025, 11)


def test_an_official_month_must_exist() -> None:
    # GIVEN an official calendar keyed by month 13 WHEN built THEN refused
    with pytest.raises(ValueError, match="month 13"):
        FilingCalendar(REAL, {(2025, 13): date(2025, 12, 31)})


def test_a_deadline_in_an_unknown_year_is_not_guessed() -> None:
    # GIVEN no data and no overrides for 2027 WHEN its January deadline is asked
    # THEN UnknownYear, unless the official calendar gives the date
    with pytest.raises(UnknownYear):
        FilingCalendar(REAL).deadline(2027, 1)
    assert FilingCalendar(REAL, {(2027, 1): date(2027, 1, 20)}).deadline(2027, 1) == date(
        2027, 1, 20
    )


# --- the extension rules, on real dates ------------------------------------------

# September's deadline put on the 30th, right before National Day 2025 (Oct 1–8
# off, Sat Oct 11 worked): a configured official date, to exercise the holiday.
SEPT_30 = FilingCalendar(REAL, {(2025, 9): date(2025, 9, 30)})


def test_etax_only_moves_to_the_next_working_day_after_clearance() -> None:
    # GIVEN e-tax down on the deadline day, the back-office working
    what = outage(at(2025, 9, 30, 9), at(2025, 9, 30, 18), backoffice=False)
    # WHEN the extension is computed THEN the next working day after Sept 30 is Oct 9
    assert extend(what, SEPT_30) == DeadlineExtension(
        original=date(2025, 9, 30),
        extended=date(2025, 10, 9),
        rule="etax_only_next_workday",
        provisional=False,
    )


def test_both_down_under_3_days_adds_one_working_day() -> None:
    # GIVEN both systems down from Sept 29 09:00 to Sept 30 17:00
    what = outage(at(2025, 9, 29, 9), at(2025, 9, 30, 17))
    # WHEN the extension is computed THEN one working day after Sept 30: Oct 9
    result = extend(what, SEPT_30)
    assert result is not None
    assert (result.extended, result.rule) == (date(2025, 10, 9), "both_under_3_days_plus_1")


def test_both_down_3_days_lands_on_the_adjusted_saturday() -> None:
    # GIVEN both systems down exactly 3 days, Sept 29 08:00 to Oct 2 08:00 (a holiday)
    what = outage(at(2025, 9, 29, 8), at(2025, 10, 2, 8))
    # WHEN the extension is computed THEN 3 working days after Oct 2: Oct 9, 10, 11
    result = extend(what, SEPT_30)
    assert result is not None
    assert result.rule == "both_3_days_or_more_plus_3"
    assert result.extended == date(2025, 10, 11)  # a Saturday, worked in 2025
    assert result.extended.weekday() == 5


def test_a_long_outage_from_the_deadline_ends_after_clearance() -> None:
    # GIVEN both systems down for 4 days from February 2026's deadline (Tue Feb 24,
    # the 15th having fallen in the Spring Festival), cleared Sat Feb 28 — a worked Saturday
    what = outage(at(2026, 2, 24, 9), at(2026, 2, 28, 9))
    # WHEN the extension is computed
    result = extend(what, FilingCalendar(REAL))
    # THEN the 3 working days count from the clearance day (Mar 2, 3, 4), not
    # from the deadline (which would give Feb 27, before the fault was cleared)
    assert result == DeadlineExtension(
        original=date(2026, 2, 24),
        extended=date(2026, 3, 4),
        rule="both_3_days_or_more_plus_3",
        provisional=False,
    )


# --- the extension rules, synthetic ----------------------------------------------


@pytest.mark.parametrize(
    ("duration", "rule", "extended"),
    [
        (timedelta(days=2, hours=23), "both_under_3_days_plus_1", date(2024, 5, 17)),
        (timedelta(days=3) - timedelta(microseconds=1), "both_under_3_days_plus_1", date(2024, 5, 17)),
        (timedelta(days=3), "both_3_days_or_more_plus_3", date(2024, 5, 21)),
        (timedelta(days=3, hours=1), "both_3_days_or_more_plus_3", date(2024, 5, 21)),
    ],
)  # fmt: skip
def test_the_three_day_boundary(duration: timedelta, rule: str, extended: date) -> None:
    # GIVEN both systems down from Mon May 13 10:00, cleared on Thu May 16
    # (2 d 23 h ends 09:00, 3 d ends 10:00), over the Wed May 15 deadline
    started = at(2024, 5, 13, 10)
    # WHEN the extension is computed
    result = extend(outage(started, started + duration))
    # THEN under 3 days adds 1 working day (Fri 17th), 3 days or more adds 3 (Tue 21st)
    assert result is not None
    assert (result.original, result.rule, result.extended) == (MAY_15, rule, extended)


@pytest.mark.parametrize(
    ("etax", "backoffice", "rule", "extended"),
    [
        (True, False, "etax_only_next_workday", date(2024, 5, 16)),
        (True, True, "both_under_3_days_plus_1", date(2024, 5, 16)),
        (False, True, "both_under_3_days_plus_1", date(2024, 5, 16)),
    ],
)
def test_which_systems_were_down_picks_the_rule(
    etax: bool, backoffice: bool, rule: str, extended: date
) -> None:
    # GIVEN an outage on the deadline day, 09:00–12:00
    what = outage(at(2024, 5, 15, 9), at(2024, 5, 15, 12), etax=etax, backoffice=backoffice)
    # WHEN the extension is computed THEN e-tax alone has its own rule; a
    # back-office outage (with or without e-tax) counts by duration
    result = extend(what)
    assert result is not None
    assert (result.rule, result.extended) == (rule, extended)


def test_etax_only_for_days_still_moves_to_the_day_after_clearance() -> None:
    # GIVEN e-tax alone down for 5 days across the deadline, cleared Mon May 20
    what = outage(at(2024, 5, 15, 9), at(2024, 5, 20, 9), backoffice=False)
    # WHEN the extension is computed THEN the duration does not matter: Tue May 21
    result = extend(what)
    assert result is not None
    assert (result.rule, result.extended) == ("etax_only_next_workday", date(2024, 5, 21))


@pytest.mark.parametrize(
    ("started", "ended"),
    [
        (at(2024, 5, 14, 9), at(2024, 5, 14, 23, 59)),  # the day before
        (at(2024, 5, 14, 9), at(2024, 5, 15)),  # cleared at the stroke of midnight
        (at(2024, 5, 16), at(2024, 5, 17, 9)),  # starts as the deadline day ends
        (at(2024, 5, 1, 9), at(2024, 5, 10, 9)),  # earlier in the filing period
    ],
)
def test_an_outage_that_misses_the_deadline_day_extends_nothing(
    started: datetime, ended: datetime
) -> None:
    # GIVEN an outage that does not touch May 15 WHEN computed THEN None
    assert extend(outage(started, ended)) is None


def test_no_system_down_extends_nothing() -> None:
    # GIVEN an incident on the deadline day in which neither tax system was down
    what = outage(at(2024, 5, 15, 9), at(2024, 5, 15, 12), etax=False, backoffice=False)
    # WHEN computed THEN None
    assert extend(what) is None


def test_local_dates_decide_not_utc() -> None:
    # GIVEN an outage that ends at 00:30 on May 15 in Shanghai — still May 14 in UTC
    ended = datetime(2024, 5, 14, 16, 30, tzinfo=UTC)
    what = outage(datetime(2024, 5, 14, 10, tzinfo=UTC), ended, backoffice=False)
    # WHEN computed in the hall's zone THEN it overlaps the deadline, cleared on the 15th
    result = extend(what)
    assert result is not None
    assert (result.original, result.extended) == (MAY_15, date(2024, 5, 16))


def test_duration_is_real_elapsed_time_across_a_clock_change() -> None:
    # GIVEN a hall in a zone with daylight saving, both systems down from Fri
    # 12:00 to Mon 12:00 across the spring-forward night: 3 wall-clock days, 71 hours
    new_york = ZoneInfo("America/New_York")
    what = outage(
        datetime(2024, 3, 8, 12, tzinfo=new_york), datetime(2024, 3, 11, 12, tzinfo=new_york)
    )
    filing = FilingCalendar(SYNTHETIC, {(2024, 3): date(2024, 3, 11)})
    # WHEN computed THEN it is under 3 days
    result = extension(what, filing=filing, zone=new_york, now=at(2030, 1, 1))
    assert result is not None
    assert result.rule == "both_under_3_days_plus_1"


# --- open outages ----------------------------------------------------------------


def test_an_open_outage_is_provisional_and_grows() -> None:
    # GIVEN both systems down since 09:00 on the deadline day, not yet cleared
    what = outage(at(2024, 5, 15, 9), None)
    # WHEN computed that afternoon THEN +1 working day from today, provisional
    afternoon = extend(what, now=at(2024, 5, 15, 15))
    assert afternoon == DeadlineExtension(
        original=MAY_15,
        extended=date(2024, 5, 16),
        rule="both_under_3_days_plus_1",
        provisional=True,
    )
    # AND once it has lasted 3 days THEN +3 working days from the current day
    later = extend(what, now=at(2024, 5, 18, 9))
    assert later is not None
    assert (later.rule, later.extended, later.provisional) == (
        "both_3_days_or_more_plus_3",
        date(2024, 5, 22),
        True,
    )


def test_an_open_outage_before_the_deadline_day_extends_nothing_yet() -> None:
    # GIVEN both systems down since May 14 and still down
    what = outage(at(2024, 5, 14, 9), None)
    # WHEN computed on the 14th THEN nothing yet; on the 15th THEN an extension
    assert extend(what, now=at(2024, 5, 14, 20)) is None
    assert extend(what, now=at(2024, 5, 15, 0, 1)) is not None


def test_an_open_outage_that_has_not_started_extends_nothing() -> None:
    # GIVEN an outage declared to start later than now WHEN computed THEN None
    assert extend(outage(at(2024, 5, 15, 12), None), now=at(2024, 5, 15, 11)) is None


# --- several deadlines, unknown years, bad input -----------------------------------


def test_an_outage_over_two_deadlines_extends_the_later() -> None:
    # GIVEN both systems down from May 14 to June 18 (over May 15 and June 17)
    what = outage(at(2024, 5, 14, 9), at(2024, 6, 18, 9))
    # WHEN computed THEN June's deadline (the 15th is a Saturday) is the one extended
    result = extend(what)
    assert result is not None
    assert result.original == date(2024, 6, 17)


def test_an_outage_reaching_into_an_unknown_year_before_its_deadline_is_fine() -> None:
    # GIVEN the real calendar (no 2027 data, no overrides) and an outage from
    # Dec 30 2026 to Jan 2 2027, before January's deadline could fall
    what = outage(at(2026, 12, 30, 9), at(2027, 1, 2, 9))
    # WHEN computed THEN no deadline was overlapped, and 2027 was never needed
    assert extend(what, FilingCalendar(REAL)) is None


def test_an_outage_over_a_deadline_in_an_unknown_year_raises() -> None:
    # GIVEN an outage around mid-January 2027, which the calendar does not know
    what = outage(at(2027, 1, 14, 9), at(2027, 1, 16, 9))
    # WHEN computed THEN UnknownYear: the notice must say the date is unknown, not guess one
    with pytest.raises(UnknownYear):
        extend(what, FilingCalendar(REAL))


def test_an_outage_ending_before_it_starts_is_refused() -> None:
    # GIVEN an end typed before the start WHEN computed THEN InvalidInput on ended_at
    with pytest.raises(InvalidInput) as raised:
        extend(outage(at(2024, 5, 15, 12), at(2024, 5, 15, 9)))
    assert (raised.value.code, raised.value.field) == ("outage.ends_before_start", "ended_at")


def test_naive_times_are_a_programming_error() -> None:
    # GIVEN a naive start time WHEN computed THEN ValueError
    with pytest.raises(ValueError, match="timezone-aware"):
        extend(outage(datetime(2024, 5, 15, 9), at(2024, 5, 15, 12)))


# --- properties ---------------------------------------------------------------------

holidays = st.dictionaries(
    st.dates(min_value=date(2024, 4, 1), max_value=date(2024, 8, 31)),
    st.just(False),
    max_size=30,
)
starts = st.datetimes(
    min_value=datetime(2024, 4, 20), max_value=datetime(2024, 6, 20), timezones=st.just(SHANGHAI)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=8))


@given(holidays, starts, durations, st.booleans(), st.booleans())
def test_extension_is_never_before_the_working_day_after_clearance(
    closed: dict[date, bool], started: datetime, duration: timedelta, etax: bool, backoffice: bool
) -> None:
    # GIVEN any outage over a calendar with arbitrary extra holidays
    calendar = FixedCalendar(closed)
    filing = FilingCalendar(calendar)
    what = outage(started, started + duration, etax=etax, backoffice=backoffice)
    # WHEN the extension is computed
    result = extension(what, filing=filing, zone=SHANGHAI, now=at(2030, 1, 1))
    if result is None:
        return
    # THEN it lands on a working day no earlier than the first one after clearance
    cleared_on = (started + duration).astimezone(SHANGHAI).date()
    assert is_workday(calendar, result.extended)
    assert result.extended >= next_workday(calendar, cleared_on)
    assert result.extended > result.original


@given(holidays, starts, durations, st.booleans())
def test_a_back_office_outage_never_earns_less_than_an_etax_one(
    closed: dict[date, bool], started: datetime, duration: timedelta, etax_too: bool
) -> None:
    # GIVEN the same outage read as e-tax only and as back-office down
    filing = FilingCalendar(FixedCalendar(closed))
    ended = started + duration
    etax_only = extension(
        outage(started, ended, backoffice=False), filing=filing, zone=SHANGHAI, now=at(2030, 1, 1)
    )
    backoffice = extension(
        outage(started, ended, etax=etax_too), filing=filing, zone=SHANGHAI, now=at(2030, 1, 1)
    )
    # WHEN both are computed THEN they agree on whether any applies, and the
    # back-office one is never earlier
    assert (etax_only is None) == (backoffice is None)
    if etax_only is not None and backoffice is not None:
        assert backoffice.extended >= etax_only.extended


@given(holidays, starts, durations, durations)
def test_an_open_outage_never_moves_the_date_back_as_time_passes(
    closed: dict[date, bool], started: datetime, first: timedelta, more: timedelta
) -> None:
    # GIVEN an open outage looked at twice, the second time later
    filing = FilingCalendar(FixedCalendar(closed))
    what = outage(started, None)
    earlier = extension(what, filing=filing, zone=SHANGHAI, now=started + first)
    later = extension(what, filing=filing, zone=SHANGHAI, now=started + first + more)
    # WHEN compared THEN once an extension shows it never disappears or shrinks
    if earlier is not None:
        assert later is not None
        assert later.extended >= earlier.extended
        assert later.provisional
