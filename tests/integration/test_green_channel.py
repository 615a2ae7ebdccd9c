"""The green channel's own call number (绿色通道, 税总纳服函〔2021〕297号; issue 14): green
tickets are numbered apart (V001, V002… a day, whatever their service), called first,
announced and shown as such."""

from __future__ import annotations

from flask import Flask

from core.domain.events import TicketCalled
from core.halls import DEMO_FILE
from core.hub.broadcast import RecordingBroadcaster
from tests.integration.conftest import Api


def test_green_tickets_have_their_own_numbers_and_are_called_first(
    api: Api, broadcaster: RecordingBroadcaster
) -> None:
    # GIVEN two filing tickets, then a green one for filing and one for invoices
    numbers = [
        api.issue(service, green=green).get_json()["number"]
        for service, green in (
            ("filing", False),
            ("filing", False),
            ("filing", True),
            ("invoice", True),
        )
    ]
    # THEN the green ones count on their own, V001 and V002, and filing's own count goes on
    assert numbers == ["C001", "C002", "V001", "V002"]
    assert api.issue("filing").get_json()["number"] == "C003"
    # WHEN window 3 (invoices, filing) calls next
    assert api.window(3, "open").status_code == 200
    published = len(broadcaster.published)
    called = api.window(3, "call-next").get_json()["ticket"]
    # THEN the green filing ticket comes first, and the call says it is a green one
    assert (called["number"], called["service"]) == ("V001", "filing")
    (event,) = [
        stamped.event
        for _hall, stamped in broadcaster.published[published:]
        if isinstance(stamped.event, TicketCalled)
    ]
    assert (event.number, event.green) == ("V001", True)


def test_a_service_cannot_take_the_green_channels_letter_and_the_hall_may_choose_it(
    api: Api, app: Flask
) -> None:
    # WHEN the admin gives a new service the letter V
    service = {"code": "export", "prefix": "V", "name": "出口退税"}
    refused = api.post("/api/v1/admin/services", as_="admin", json=service)
    # THEN it is refused, saying why
    assert (refused.status_code, refused.get_json()["error"]) == (409, "service.prefix_green")
    assert "绿色通道专用字头" in refused.get_json()["message"]
    # WHEN the hall's file makes G the green channel's letter
    text = DEMO_FILE.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai"\ngreen_prefix = "G"'
    )
    imported = api.post("/api/v1/admin/hall/import", as_="admin", json={"text": text})
    # THEN green tickets are G001…, and V is free for a service
    assert imported.status_code == 200, imported.get_json()
    assert api.issue("consult", green=True).get_json()["number"] == "G001"
    assert api.post("/api/v1/admin/services", as_="admin", json=service).status_code == 200
