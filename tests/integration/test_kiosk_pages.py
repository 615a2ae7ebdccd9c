"""The kiosk's enrolment gate, its QR codes and the public status page, over HTTP."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from core.web.qr import qr_svg
from tests.integration.conftest import Api, AppFactory
from tests.support.databases import Tokens
from tests.support.enrolment import enrolled


def page_config(html: str) -> dict[str, object]:
    found = re.search(
        r'<script type="application/json" id="hallq-config">(.*?)</script>', html, re.S
    )
    assert found, "the page has no JSON config"
    return dict(json.loads(found.group(1)))


def test_a_browser_that_is_not_enrolled_gets_the_bilingual_refusal(app: Flask) -> None:
    # GIVEN a browser with no session
    client = app.test_client()
    # WHEN it opens a kiosk page
    response = client.get("/kiosk/kiosk-1")
    # THEN it is refused in both languages, with no kiosk on the page
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "本机尚未登记为取号机" in html
    assert "This screen is not enrolled as a ticket kiosk" in html
    assert "hallq-config" not in html


def test_a_display_cannot_open_the_kiosk(app: Flask, tokens: Tokens) -> None:
    # GIVEN a browser enrolled as the hall display
    client = enrolled(app, tokens, "display-1")
    # WHEN it opens the kiosk page
    response = client.get("/kiosk/kiosk-1")
    # THEN it is refused
    assert response.status_code == 403
    assert "本机尚未登记为取号机" in response.get_data(as_text=True)


def test_a_kiosk_opens_only_its_own_page(app: Flask, tokens: Tokens) -> None:
    # GIVEN a browser enrolled as kiosk 1
    client = enrolled(app, tokens, "kiosk-1", "/kiosk/kiosk-1")
    # WHEN it opens its own page, then kiosk 2's
    own = client.get("/kiosk/kiosk-1")
    other = client.get("/kiosk/kiosk-2")
    # THEN only its own page opens, configured for the hub's timings
    assert own.status_code == 200
    assert other.status_code == 403
    config = page_config(own.get_data(as_text=True))
    assert config["kiosk"] == "kiosk-1"
    assert config["namespace"] == "/kiosk"
    assert config["offlineAfterMs"] == 5000
    assert config["checkEveryMs"] == 30000
    assert config["idleSeconds"] == {"start": 60, "details": 60, "ticket": 30, "guide": 30}


def test_a_kiosk_page_knows_its_printer_and_the_halls_clock(app: Flask, tokens: Tokens) -> None:
    # GIVEN kiosk 2, whose printer is printer-kiosk-2 in the demo hall
    client = enrolled(app, tokens, "kiosk-2")
    # WHEN it opens its page
    config = page_config(client.get("/kiosk/kiosk-2").get_data(as_text=True))
    # THEN the page knows which printer's failure is its own, and shows the hall's time
    assert config["printer"] == "printer-kiosk-2"
    assert config["timezone"] == "Asia/Shanghai"


def test_idle_parameter_shortens_the_timeouts_within_bounds(app: Flask, tokens: Tokens) -> None:
    # GIVEN an enrolled kiosk
    client = enrolled(app, tokens, "kiosk-1")
    # WHEN the page is opened with ?idle=2, and with an absurd ?idle=0
    short = page_config(client.get("/kiosk/kiosk-1?idle=2").get_data(as_text=True))
    floor = page_config(client.get("/kiosk/kiosk-1?idle=0").get_data(as_text=True))
    # THEN every timeout is 2 s, and never below 1 s
    assert set(short["idleSeconds"].values()) == {2.0}  # type: ignore[attr-defined]
    assert set(floor["idleSeconds"].values()) == {1.0}  # type: ignore[attr-defined]


def test_admin_staff_may_preview_a_kiosk_and_a_counter_may_not(app: Flask, tokens: Tokens) -> None:
    # GIVEN the admin's and a counter clerk's API tokens
    client = app.test_client()
    # WHEN each opens the kiosk page
    admin = client.get(
        "/kiosk/kiosk-1", headers={"Authorization": f"Bearer {tokens.staff['admin']}"}
    )
    clerk = client.get(
        "/kiosk/kiosk-1", headers={"Authorization": f"Bearer {tokens.staff['window3']}"}
    )
    # THEN the admin sees the kiosk, the clerk the refusal
    assert admin.status_code == 200
    assert clerk.status_code == 403


def test_the_qr_code_is_an_uncached_svg_for_kiosks_only(app: Flask, tokens: Tokens) -> None:
    # GIVEN an enrolled kiosk and a stranger
    kiosk = enrolled(app, tokens, "kiosk-1")
    stranger = app.test_client()
    token = "AbCdEfGhIjKlMnOpQrStUv"
    # WHEN both ask for a ticket's QR code
    answer = kiosk.get(f"/kiosk/qr/{token}.svg")
    refused = stranger.get(f"/kiosk/qr/{token}.svg")
    # THEN the kiosk gets an SVG no cache keeps; the stranger gets nothing
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.get_data(as_text=True).startswith("<svg")
    assert refused.status_code == 401


def test_the_kiosk_qr_code_opens_the_hall_s_public_address(
    make_app: AppFactory, db_url: str, tokens: Tokens
) -> None:
    # GIVEN a hall whose phones reach HallQ at https://hallq.hall.lan, and kiosk 1
    # enrolled from the hub's own machine (http://localhost)
    app = make_app(db_url, public_url="https://hallq.hall.lan/")
    kiosk = enrolled(app, tokens, "kiosk-1")
    token = "AbCdEfGhIjKlMnOpQrStUv"
    # WHEN the kiosk shows a ticket's QR code
    answer = kiosk.get(f"/kiosk/qr/{token}.svg").get_data(as_text=True)
    # THEN it encodes the public address (the printed ticket's too), not the kiosk's
    assert answer == qr_svg(f"https://hallq.hall.lan/t/{token}")
    assert answer != qr_svg(f"http://localhost/t/{token}")


def test_status_page_shows_one_ticket_and_nothing_about_anyone_else(app: Flask, api: Api) -> None:
    # GIVEN two tickets, with a phone number and a taxpayer ID on the second
    first = api.issue("filing").get_json()
    second = api.issue("filing", phone="13812345678", taxpayer_id="11010519491231002X").get_json()
    # WHEN an anonymous phone opens the second ticket's status page
    response = app.test_client().get(second["status_url"])
    html = response.get_data(as_text=True)
    # THEN it shows that ticket and its position, and no other number, phone or ID
    assert response.status_code == 200
    assert second["number"] in html
    assert "前面还有 1 人" in html
    assert first["number"] not in html
    assert "13812345678" not in html
    assert "11010519491231002X" not in html
    # AND the public page gives the phone no session cookie
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("token", ["AbCdEfGhIjKlMnOpQrStUv", "C001", "%3Cscript%3E"])
def test_an_unknown_ticket_link_is_a_clear_404(app: Flask, token: str) -> None:
    # GIVEN / WHEN a phone opens a status link no ticket has
    response = app.test_client().get(f"/t/{token}")
    # THEN it says so, in both languages
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "号票链接无效" in html
    assert "This ticket link is not valid" in html


def test_status_page_speaks_english_when_asked(app: Flask, api: Api) -> None:
    # GIVEN a ticket
    ticket = api.issue("invoice").get_json()
    # WHEN its page is opened with the English cookie
    client = app.test_client()
    client.set_cookie("lang", "en")
    html = client.get(ticket["status_url"]).get_data(as_text=True)
    # THEN the page is in English
    assert "Your number" in html
    assert "Invoices" in html
