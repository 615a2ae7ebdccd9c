"""Reports' figures (SPEC §14) on a hand-built day of ticket histories, each answer
worked out by hand beside it."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.errors import InvalidInput
from core.domain.reports import (
    DutyKey,
    Part,
    Period,
    Rollup,
    Step,
    Sums,
    WindowChange,
    covered,
    figures,
    parts_of,
    percentile,
)

ZONE = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 16)  # a Monday


def at(clock: str, day: date = DAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZONE)


def history(*rows: tuple) -> list[Step]:
    """(clock, kind, from, to, window, actor[, detail]) → steps."""
    steps = []
    for row in rows:
        clock, kind, before, after, window, actor, *detail = row
        when = clock if isinstance(clock, datetime) else at(clock)
        steps.append(Step(kind, before, after, when, window, actor, detail[0] if detail else {}))
    return steps


SERVED_STRAIGHT = history(  # A001: waits 12 min, served 7 min at window 1 by li
    ("09:00", "issued", None, "waiting", None, None),
    ("09:12", "called", "waiting", "called", 1, "staff:li"),
    ("09:13", "started", "called", "serving", 1, "staff:li"),
    ("09:20", "finished", "serving", "done", 1, "staff:li"),
)
NO_SHOW_THEN_BACK = history(  # A002: first call after 5 min; back at 09:30, served by wang
    ("09:05", "issued", None, "waiting", None, None),
    ("09:10", "called", "waiting", "called", 1, "staff:li"),
    ("09:11", "recalled", "called", "called", 1, "staff:li"),
    ("09:12", "recalled", "called", "called", 1, "staff:li"),
    ("09:15", "no_show", "called", "no_show", 1, "staff:li"),
    ("09:30", "requeued", "no_show", "waiting", None, "staff:wang"),
    ("09:40", "called", "no_show", "called", 2, "staff:wang"),
    ("09:41", "started", "called", "serving", 2, "staff:wang"),
    ("09:50", "finished", "serving", "done", 2, "staff:wang"),
)
TRANSFERRED = history(  # B001: 10 min for B, 9 min served; transferred to A: 20 min, 10 min
    ("09:20", "issued", None, "waiting", None, None),
    ("09:30", "called", "waiting", "called", 2, "staff:wang"),
    ("09:31", "started", "called", "serving", 2, "staff:wang"),
    ("09:40", "transferred", "serving", "transferred", 2, "staff:wang", {"to_service": "A"}),
    ("09:40", "requeued", "transferred", "waiting", None, "staff:wang", {"from_window": 2}),
    ("10:00", "called", "waiting", "called", 1, "staff:li"),
    ("10:01", "started", "called", "serving", 1, "staff:li"),
    ("10:11", "finished", "serving", "done", 1, "staff:li"),
)
OPEN_ACROSS_CLOSE = history(  # A003: still waiting at the close, expired after midnight
    ("16:50", "issued", None, "waiting", None, None),
    (at("00:05", DAY + timedelta(days=1)), "expired", "waiting", "expired", None, None),
)
CANCELLED = history(
    ("10:00", "issued", None, "waiting", None, None),
    ("10:05", "cancelled", "waiting", "cancelled", None, None),
)
NO_SHOW_EXPIRED = history(  # A005 (booked): called after 1 min, never came
    ("10:30", "issued", None, "waiting", None, None),
    ("10:31", "called", "waiting", "called", 1, "staff:li"),
    ("10:40", "no_show", "called", "no_show", 1, "staff:li"),
    (at("00:05", DAY + timedelta(days=1)), "expired", "no_show", "expired", None, None),
)

TICKETS = [
    (SERVED_STRAIGHT, "A", "kiosk"),
    (NO_SHOW_THEN_BACK, "A", "guide"),
    (TRANSFERRED, "B", "kiosk"),
    (OPEN_ACROSS_CLOSE, "A", "paper"),
    (CANCELLED, "A", "kiosk"),
    (NO_SHOW_EXPIRED, "A", "appointment"),
]


def day_parts() -> list[Part]:
    return [
        part
        for steps, service, channel in TICKETS
        for part in parts_of(steps, service=service, channel=channel, green=False)
    ]


def roll_up(parts: list[Part]) -> Rollup:
    """The day's parts counted as the rollup counts them (the hall closing at 17:30)."""
    rollup = Rollup()
    for part in parts:
        rollup.count(DAY, part, ZONE, at("17:30"))
    return rollup


def test_a_no_show_who_comes_back_waits_until_the_first_call_and_is_served_by_the_second_clerk():
    # GIVEN A002's history WHEN folded
    (part,) = parts_of(NO_SHOW_THEN_BACK, service="A", channel="guide", green=False)
    # THEN one part: the hall called after 5 minutes; wang served it for 9 minutes
    assert (part.wait, part.service_time, part.outcome) == (300, 540, "done")
    assert (part.window, part.clerk, part.recalls, part.no_shows) == (2, "wang", 2, 1)


def test_a_transfer_ends_one_part_and_starts_another_in_the_new_queue():
    first, second = parts_of(TRANSFERRED, service="B", channel="kiosk", green=False)
    # THEN B: waited 10, served 9, transferred on by wang at window 2
    assert (first.service, first.wait, first.service_time) == ("B", 600, 540)
    assert (first.outcome, first.window, first.clerk, first.first) == (
        "transferred",
        2,
        "wang",
        True,
    )
    # AND A: arrived by transfer at 09:40, called at 10:00, served 10 min by li
    assert (second.service, second.channel, second.first) == ("A", "transfer", False)
    assert (second.wait, second.service_time, second.outcome, second.clerk) == (
        1200,
        600,
        "done",
        "li",
    )


def test_a_ticket_open_across_the_close_is_expired_and_a_no_show_stays_a_no_show():
    (waiting,) = parts_of(OPEN_ACROSS_CLOSE, service="A", channel="paper", green=False)
    (absent,) = parts_of(NO_SHOW_EXPIRED, service="A", channel="appointment", green=False)
    assert (waiting.outcome, waiting.wait, waiting.service_time) == ("expired", None, None)
    assert (absent.outcome, absent.wait, absent.service_time) == ("no_show", 60, None)


def test_the_days_figures_for_the_hall():
    # GIVEN the six tickets of the day, rolled up
    rollup = roll_up(day_parts())
    total = Sums()
    for sums in rollup.cells.values():
        total.add(sums)
    waits = Counter[int]()
    services = Counter[int]()
    for key, count in rollup.spreads.items():
        (waits if key.measure == "wait" else services)[key.minute] += count
    # WHEN the figures are worked out with a 20-minute target
    result = figures(total, waits, services, target=20)
    # THEN six tickets, seven parts (one transfer)
    assert (result["tickets"], result["parts"]) == (6, 7)
    assert result["outcomes"] == {
        "done": 3,
        "transferred": 1,
        "no_show": 1,
        "cancelled": 1,
        "expired": 1,
        "open": 0,
    }
    assert result["channels"] == {
        "kiosk": 3,
        "guide": 1,
        "paper": 1,
        "appointment": 1,
        "transfer": 1,
    }
    # AND waits 12, 5, 10, 20, 1 min: mean 9.6, median 10, p90 20, 4 of 5 under 20 min
    assert result["wait"] == {
        "count": 5,
        "mean": 9.6,
        "median": 10,
        "p90": 20,
        "max": 20.0,
        "within_target": 0.8,
    }
    # AND services 7, 9, 9, 10 min: mean 8.75 → 8.8, median 9, p90 10
    assert result["service"] == {"count": 4, "mean": 8.8, "median": 9, "p90": 10, "max": 10.0}
    assert (result["recalls"], result["no_shows"]) == (2, 2)


def test_cells_cut_the_day_by_hour_of_arrival_and_by_clerk():
    rollup = roll_up(day_parts())
    by_hour = Counter[int]()
    by_clerk: dict[str | None, Sums] = {}
    for key, sums in rollup.cells.items():
        by_hour[key.hour] += sums.parts
        by_clerk.setdefault(key.clerk, Sums()).add(sums)
    # THEN 09:00–10:00 had A001, A002, B001 and B001's transfer; 10:00 the cancelled and the
    # booked ticket; 16:00 the one left at the close
    assert by_hour == {9: 4, 10: 2, 16: 1}
    # AND li served A001 and B001's second part and called the booked no-show; wang served
    # A002 and B001's first part
    assert (by_clerk["li"].served, by_clerk["li"].no_show, by_clerk["li"].service_sum) == (
        2,
        1,
        1020,
    )
    assert (by_clerk["wang"].served, by_clerk["wang"].done, by_clerk["wang"].transferred) == (
        2,
        1,
        1,
    )
    assert by_clerk[None].parts == 2  # nobody called the cancelled and the expired ticket


@pytest.mark.parametrize(
    ("spread", "share", "expected"),
    [
        ({}, 0.5, None),
        ({7: 1}, 0.9, 7),
        ({1: 9, 30: 1}, 0.9, 1),  # rank 9 of 10: still the ninth value
        ({1: 8, 30: 2}, 0.9, 30),
        ({1: 1, 2: 1}, 0.5, 1),  # the lower middle value
    ],
)
def test_percentile_is_the_nearest_rank(spread, share, expected):
    assert percentile(spread, share) == expected


@pytest.mark.parametrize(
    ("kind", "start", "end", "expected"),
    [
        ("day", "", None, (DAY, DAY)),
        ("week", "2026-11-19", None, (date(2026, 11, 16), date(2026, 11, 22))),
        ("month", "2026-02-10", None, (date(2026, 2, 1), date(2026, 2, 28))),
        ("month", "2026-12-31", None, (date(2026, 12, 1), date(2026, 12, 31))),
        ("custom", "2026-01-01", "2026-12-31", (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_a_period_of_a_kind(kind, start, end, expected):
    period = Period.of(kind, start, end, today=DAY)
    assert (period.start, period.end) == expected


@pytest.mark.parametrize(
    ("kind", "start", "end", "code"),
    [
        ("custom", "2026-11-10", "2026-11-09", "report.period_order"),
        ("custom", "2025-01-01", "2026-01-02", "report.period_length"),
        ("custom", "2026-02-30", "2026-03-01", "report.date"),
        ("custom", "2026-01-01", "yesterday", "report.date"),
        ("year", "2026-01-01", None, "report.period_kind"),
    ],
)
def test_a_period_that_is_not_one_is_refused(kind, start, end, code):
    with pytest.raises(InvalidInput) as refused:
        Period.of(kind, start, end, today=DAY)
    assert refused.value.code == code


def test_a_mode_is_counted_once_where_its_spans_overlap_and_only_within_the_period():
    # GIVEN two paper-mode stretches that overlap (09:00–10:00, 09:30–11:00), one outage
    # from the evening before to 09:15, and the period is the day from 09:00 to 17:00
    spans = [
        ("paper", at("09:00"), at("10:00")),
        ("paper", at("09:30"), at("11:00")),
        ("outage", at("20:00", DAY - timedelta(days=1)), at("09:15")),
    ]
    # THEN paper covered two hours, the outage the first quarter hour of the period
    assert covered(spans, at("09:00"), at("17:00")) == {"paper": 7200, "outage": 900}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # opened 09:00, paused 12:00–13:00, closed 17:00: 8 hours held, 1 paused
        (
            (("open", "09:00"), ("paused", "12:00"), ("open", "13:00"), ("closed", "17:00")),
            (28800, 3600),
        ),
        # opened 09:00 and left open: counted until the window's end of day (17:30), not
        # until the night's roll-over
        ((("open", "09:00"), ("closed", "23:59")), (30600, 0)),
    ],
)
def test_a_clerks_time_at_a_window(changes, expected):
    history = [WindowChange(1, state, "li", at(clock)) for state, clock in changes]
    rollup = Rollup()
    rollup.count_duties(DAY, history, {1: at("17:30")})
    duty = rollup.duties[DutyKey(DAY, 1, "li")]
    assert (duty.on_duty, duty.paused) == expected


def test_service_after_the_close_is_overtime():
    # GIVEN a service from 17:20 to 17:50 and the hall closing at 17:30
    (part,) = parts_of(
        history(
            ("17:00", "issued", None, "waiting", None, None),
            ("17:19", "called", "waiting", "called", 1, "staff:li"),
            ("17:20", "started", "called", "serving", 1, "staff:li"),
            ("17:50", "finished", "serving", "done", 1, "staff:li"),
        ),
        service="A",
        channel="kiosk",
        green=False,
    )
    # THEN 20 minutes of it were after the close
    assert part.overtime(at("17:30")) == 1200
    assert part.overtime(at("18:00")) == 0
