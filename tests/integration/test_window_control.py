"""The duty leader's live control of windows (issue 14): a dedicated window for a rush
(专窗, 潮汐窗口), for the rest of the day or until undone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.adapters.clock import FixedClock
from tests.integration.conftest import Api


def window_in_queue(api: Api, number: int) -> dict[str, object]:
    queue = api.get("/api/v1/queue", as_="kiosk-1").get_json()
    return dict(next(window for window in queue["windows"] if window["n"] == number))


def test_a_dedicated_window_calls_only_its_service_until_undone(api: Api) -> None:
    # GIVEN window 5 (filing, invoices, registration) open, a filing ticket waiting longest
    # and an invoice ticket after it
    assert api.issue("filing").get_json()["number"] == "C001"
    assert api.issue("invoice").get_json()["number"] == "B001"
    assert api.issue("invoice").get_json()["number"] == "B002"
    assert api.window(5, "open").status_code == 200
    # WHEN the duty leader makes window 5 an invoice window for today
    dedicated = api.post("/api/v1/windows/5/dedicate", as_="leader", json={"services": ["invoice"]})
    # THEN it calls invoices only, and every screen's queue says so
    assert dedicated.status_code == 200, dedicated.get_json()
    assert dedicated.get_json()["services"] == ["invoice"]
    assert window_in_queue(api, 5)["services"] == ["invoice"]
    assert window_in_queue(api, 5)["dedicated"] is True
    assert api.window(5, "call-next").get_json()["ticket"]["number"] == "B001"
    api.window(5, "start")
    api.window(5, "finish")
    # WHEN the leader undoes it
    undone = api.post("/api/v1/windows/5/undedicate", as_="leader")
    # THEN window 5 calls in its own order again: filing first
    assert undone.get_json()["services"] == ["filing", "invoice", "registration"]
    assert window_in_queue(api, 5)["dedicated"] is False
    assert api.window(5, "call-next").get_json()["ticket"]["number"] == "C001"


def test_a_dedication_for_today_ends_with_the_day_one_until_undone_stays(
    api: Api, clock: FixedClock
) -> None:
    # GIVEN windows 4 and 5 open, dedicated to invoices for today and until undone
    for number, until in ((4, "today"), (5, "undone")):
        assert api.window(number, "open").status_code == 200
        answer = api.post(
            f"/api/v1/windows/{number}/dedicate",
            as_="leader",
            json={"services": ["invoice"], "until": until},
        )
        assert answer.status_code == 200, answer.get_json()
    # WHEN the next business day starts
    clock.advance(timedelta(days=1))
    assert api.issue("filing").status_code == 201
    # THEN window 4 serves its own services again, window 5 still only invoices
    assert window_in_queue(api, 4)["services"] == ["invoice", "social"]
    assert window_in_queue(api, 5)["services"] == ["invoice"]


MISTAKES = {
    "a clerk": ("window5", {"services": ["invoice"]}, 5, 403, "auth.forbidden"),
    "a closed window": ("leader", {"services": ["invoice"]}, 5, 409, "window.closed"),
    "an unknown service": ("leader", {"services": ["passport"]}, 3, 404, "service.unknown"),
    "no service": ("leader", {"services": []}, 3, 400, "request.invalid"),
    "an unknown window": ("leader", {"services": ["invoice"]}, 42, 404, "window.unknown"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_dedication_that_cannot_be_is_refused_and_changes_nothing(api: Api, mistake: str) -> None:
    # GIVEN window 3 open, window 5 closed
    assert api.window(3, "open").status_code == 200
    who, body, number, status, code = MISTAKES[mistake]
    before = api.get("/api/v1/queue", as_="kiosk-1").get_json()["windows"]
    # WHEN the dedication is asked
    answer = api.post(f"/api/v1/windows/{number}/dedicate", as_=who, json=body)
    # THEN it is refused, and no window changed
    assert (answer.status_code, answer.get_json()["error"]) == (status, code)
    assert api.get("/api/v1/queue", as_="kiosk-1").get_json()["windows"] == before
