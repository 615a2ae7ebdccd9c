"""Estimated waits (SPEC §4.3): a moving average of recent service times, shared among open windows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.adapters import orm
from core.domain.estimates import (
    RECENT_SERVICES,
    Relief,
    average_service_minutes,
    estimated_wait_minutes,
)
from core.services.views import average_minutes, record_service_time


def minutes(*values: float) -> list[timedelta]:
    return [timedelta(minutes=value) for value in values]


def test_the_moving_average_looks_at_the_last_twenty_services() -> None:
    # GIVEN 25 finished services: five slow ones (40 min) long ago, then twenty of 6 min
    assert RECENT_SERVICES == 20
    recent = minutes(*[40] * 5, *[6] * 20)
    # WHEN the average is taken THEN only the last twenty count
    assert average_service_minutes(recent, default_minutes=10) == pytest.approx(6)


def test_the_twenty_first_service_back_drops_out() -> None:
    # GIVEN twenty services of 5 min, then one of 25 min
    recent = minutes(*[5] * 20, 25)
    # WHEN the average is taken THEN the oldest 5-min service has left the window: (19×5+25)/20
    assert average_service_minutes(recent, default_minutes=10) == pytest.approx(6)


def test_fewer_than_twenty_services_are_averaged_as_they_are() -> None:
    # GIVEN three services of 90 s, 150 s and 4 min, of a service configured at 4 min
    recent = [timedelta(seconds=90), timedelta(seconds=150), timedelta(minutes=4)]
    # WHEN the average is taken THEN their plain mean, in minutes
    assert average_service_minutes(recent, default_minutes=4) == pytest.approx(8 / 3)


def test_the_configured_minutes_stand_in_until_a_service_was_timed() -> None:
    # GIVEN no finished service today, or only ones under a minute (started by mistake)
    # WHEN the average is taken THEN the service's configured minutes
    assert average_service_minutes([], default_minutes=12) == 12
    assert average_service_minutes(minutes(0, 0.5), default_minutes=12) == 12
    # AND one under a minute does not drag a real average down
    assert average_service_minutes(minutes(0.2, 8), default_minutes=12) == pytest.approx(8)


def test_quick_services_never_bring_the_average_below_half_the_configured_minutes() -> None:
    # GIVEN twenty quick answers of a minute at a service configured at 10 minutes
    # WHEN the average is taken THEN 5 minutes, not 1: five waiting read as 25 min, not 5
    assert average_service_minutes(minutes(*[1] * 20), default_minutes=10) == 5
    assert estimated_wait_minutes(5, 1, average_service_minutes(minutes(*[1] * 20), 10)) == 25


def test_nobody_ahead_means_no_wait_when_a_window_serves_the_service() -> None:
    # GIVEN nobody ahead and an open window WHEN estimated THEN zero, whatever the average
    assert estimated_wait_minutes(0, open_windows=1, average_minutes=15) == 0
    assert estimated_wait_minutes(0, open_windows=3, average_minutes=15) == 0


def test_people_ahead_are_shared_among_the_open_windows_rounding_up() -> None:
    # GIVEN 3 people ahead, 10 minutes each on average
    # WHEN one, two or three windows serve them THEN 30, 15 and 10 minutes
    assert [estimated_wait_minutes(3, windows, 10) for windows in (1, 2, 3)] == [30, 15, 10]
    # AND a part of a minute counts as a minute: 1 × 2.5 / 2 = 1.25 → 2
    assert estimated_wait_minutes(1, 2, 2.5) == 2


def test_with_no_window_open_there_is_no_estimate() -> None:
    # GIVEN no open window serving the service
    # WHEN estimated THEN None (the screens say no window serves it), not a promise:
    # not 20 minutes for four ahead, and not "no wait" for the first in line
    assert estimated_wait_minutes(4, open_windows=0, average_minutes=5) is None
    assert estimated_wait_minutes(0, open_windows=0, average_minutes=5) is None


@given(
    ahead=st.integers(0, 500),
    windows=st.integers(1, 40),
    average=st.floats(0.1, 90, allow_nan=False),
)
def test_more_people_never_shortens_and_more_windows_never_lengthens_the_wait(
    ahead: int, windows: int, average: float
) -> None:
    # GIVEN any queue length, number of open windows (one at least) and average
    wait = estimated_wait_minutes(ahead, windows, average)
    longer = estimated_wait_minutes(ahead + 1, windows, average)
    shorter = estimated_wait_minutes(ahead, windows + 1, average)
    assert wait is not None
    assert longer is not None
    assert shorter is not None
    # WHEN one more person queues, or one more window opens
    # THEN the wait does not shrink, resp. does not grow, and is never negative
    assert wait >= 0
    assert longer >= wait
    assert shorter <= wait


def test_the_stored_window_keeps_only_the_last_twenty_services() -> None:
    # GIVEN a service configured at 8 min whose first 5 services took 30 min, the next 20 took 4 min
    service = orm.Service(code="filing", minutes=8.0, recent_durations=[])
    for duration in minutes(*[30] * 5, *[4] * 20):
        record_service_time(service, duration)
    # WHEN the hub computes its average THEN twenty durations are kept (newest last), averaging 4 min
    assert len(service.recent_durations) == RECENT_SERVICES
    assert service.recent_durations[-1] == 240
    assert average_minutes(service) == pytest.approx(4)


def test_one_person_waiting_long_alerts_the_leader_but_is_no_long_queue_at_the_kiosk() -> None:
    # GIVEN thresholds of 25 people or 40 minutes, one person waiting for 50 minutes
    relief = Relief(waiting=25, wait_minutes=40)
    # WHEN the console and the kiosk read it
    # THEN the leader is told (the windows are not keeping up) …
    assert relief.alerts_leader(waiting=1, longest_min=50)
    # … but a newcomer facing a 10-minute estimate is not told "排队较多"
    assert not relief.suggests_self_service(waiting=1, estimate=10)


def test_a_long_queue_is_many_people_or_a_long_estimate_for_the_newcomer() -> None:
    relief = Relief(waiting=25, wait_minutes=40)
    # GIVEN 25 people waiting THEN both the leader and the kiosk say so, whatever the estimate
    assert relief.alerts_leader(waiting=25, longest_min=0)
    assert relief.suggests_self_service(waiting=25, estimate=None)
    # GIVEN 8 people and a 48-minute estimate for a newcomer THEN the kiosk suggests self-service
    assert relief.suggests_self_service(waiting=8, estimate=48)
    # GIVEN nobody waiting THEN nothing, however long the last one waited
    assert not relief.alerts_leader(waiting=0, longest_min=90)
    assert not relief.suggests_self_service(waiting=0, estimate=0)
