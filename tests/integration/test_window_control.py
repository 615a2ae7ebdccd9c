"""The duty leader's live control of windows (issue 14): a dedicated window for a rush
(专窗, 潮汐窗口), for the rest of the day or until undone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.adapters.clock import FixedClock
from core.domain.announcements import PHRASES
from core.domain.events import HallAnnounced
from core.hub.broadcast import RecordingBroadcaster
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


def test_the_leader_opens_the_emergency_window_for_a_clerk_who_then_calls_there(
    api: Api,
) -> None:
    # GIVEN the emergency window (8) closed, an emergency ticket waiting
    assert api.issue("emergency").get_json()["number"] == "Y001"
    # WHEN the duty leader opens it for window 7's clerk
    opened = api.post("/api/v1/windows/8/open-for", as_="leader", json={"staff": "window7"})
    # THEN it is open in the clerk's name, and the clerk calls from it
    assert opened.get_json() == {"window": 8, "state": "open", "staff": "window7"}
    assert window_in_queue(api, 8)["state"] == "open"
    called = api.window(8, "call-next", as_="window7")
    assert called.get_json()["ticket"]["number"] == "Y001"
    # AND nobody opens it for an unknown clerk, or for one already at another window
    assert api.window(3, "open", as_="window3").status_code == 200
    busy = api.post("/api/v1/windows/5/open-for", as_="leader", json={"staff": "window3"})
    unknown = api.post("/api/v1/windows/5/open-for", as_="leader", json={"staff": "nobody"})
    assert (busy.status_code, busy.get_json()["error"]) == (409, "window.holding_other")
    assert (unknown.status_code, unknown.get_json()["error"]) == (404, "staff.unknown")
    assert window_in_queue(api, 5)["state"] == "closed"


def test_the_leader_pauses_every_window_of_a_service_and_lets_them_call_again(
    api: Api,
) -> None:
    # GIVEN windows 1 (registration, invoices), 3 (invoices, filing) and 6 (social) open
    for number in (1, 3, 6):
        assert api.window(number, "open").status_code == 200
    # WHEN the leader pauses the windows of invoices
    paused = api.post("/api/v1/services/invoice/pause-windows", as_="leader")
    # THEN windows 1 and 3 pause, window 6 keeps calling
    assert paused.get_json() == {"service": "invoice", "windows": [1, 3]}
    states = {number: window_in_queue(api, number)["state"] for number in (1, 3, 6)}
    assert states == {1: "paused", 3: "paused", 6: "open"}
    assert api.window(3, "call-next").status_code == 409
    # WHEN the leader lets them call again, THEN both are open
    resumed = api.post("/api/v1/services/invoice/resume-windows", as_="leader")
    assert resumed.get_json()["windows"] == [1, 3]
    assert window_in_queue(api, 1)["state"] == "open"
    # AND a clerk may not do it for the hall
    assert api.post("/api/v1/services/invoice/pause-windows", as_="window1").status_code == 403


def test_the_leader_sees_who_is_on_duty_and_at_which_window(api: Api) -> None:
    # GIVEN window 3 open for its clerk
    assert api.window(3, "open").status_code == 200
    # WHEN the leader lists the staff (a clerk may not)
    listed = api.get("/api/v1/staff", as_="leader")
    refused = api.get("/api/v1/staff", as_="window3")
    # THEN each active account is there with the windows it holds
    staff = {item["username"]: item for item in listed.get_json()["items"]}
    assert refused.status_code == 403
    assert staff["window3"]["windows"] == [3]
    assert staff["window7"] == {
        "username": "window7",
        "name": "window7",
        "role": "staff",
        "windows": [],
    }


def test_the_leader_announces_on_the_hall_displays(
    api: Api, broadcaster: RecordingBroadcaster
) -> None:
    # GIVEN the hall running
    published = len(broadcaster.published)
    # WHEN the leader announces a text of their own, then a prepared phrase alone
    own = api.post(
        "/api/v1/announcements",
        as_="leader",
        json={"text_zh": "3号窗口暂停办理，请到5号窗口", "text_en": "Window 3 is closed"},
    )
    phrase = api.post("/api/v1/announcements", as_="leader", json={"phrase": "keep_belongings"})
    # THEN both reach the screens as hall:announcement; the phrase with its own words
    assert own.status_code == phrase.status_code == 201
    announced = [
        stamped.event
        for _hall, stamped in broadcaster.published[published:]
        if isinstance(stamped.event, HallAnnounced)
    ]
    assert announced == [
        HallAnnounced("3号窗口暂停办理，请到5号窗口", "Window 3 is closed", None),
        HallAnnounced(*PHRASES["keep_belongings"], "keep_belongings"),
    ]


ANNOUNCEMENT_MISTAKES = {
    "nothing to say": ("leader", {}, 400, "announcement.empty"),
    "an unknown phrase": ("leader", {"phrase": "sing_a_song"}, 400, "announcement.phrase"),
    "too long": ("leader", {"text_zh": "长" * 201}, 400, "request.invalid"),
    "a clerk": ("window3", {"text_zh": "大家好"}, 403, "auth.forbidden"),
}


@pytest.mark.parametrize("mistake", ANNOUNCEMENT_MISTAKES)
def test_an_announcement_that_cannot_be_made_is_refused_and_nothing_is_shown(
    api: Api, broadcaster: RecordingBroadcaster, mistake: str
) -> None:
    who, body, status, code = ANNOUNCEMENT_MISTAKES[mistake]
    published = len(broadcaster.published)
    answer = api.post("/api/v1/announcements", as_=who, json=body)
    assert (answer.status_code, answer.get_json()["error"]) == (status, code)
    assert not [
        stamped
        for _hall, stamped in broadcaster.published[published:]
        if isinstance(stamped.event, HallAnnounced)
    ]
