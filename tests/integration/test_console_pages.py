"""The duty leader's console through Flask's test client: who may open it, what the page
hands its script, and the incident ledger it links to (XLSX and printable)."""

from __future__ import annotations

import io
import json
import re

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.integration.conftest import Api
from tests.support.databases import DEMO_PASSWORD
from tests.support.enrolment import enrolled


def logged_in(app: Flask, username: str) -> FlaskClient:
    """A browser in which a staff member logged in through the login form."""
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, "the login form carries its CSRF token"
    data = {"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return client


def page_config(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="hallq-config">(.*?)</script>', html)
    assert found, "the page carries its configuration"
    return dict(json.loads(found.group(1)))


def declare_outage(api: Api) -> str:
    """The back-office down, declared by the leader over the API; the incident's number."""
    response = api.post(
        "/api/v1/incidents",
        as_="leader",
        json={
            "kind": "application",
            "systems": ["backoffice"],
            "description": "核心征管系统无法登录",
            "duty_leader": "王值班",
        },
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["number"])


def test_an_anonymous_browser_is_sent_to_the_login_form_and_back(app: Flask) -> None:
    # GIVEN nobody logged in
    client = app.test_client()
    # WHEN it opens the console and a ledger link
    page = client.get("/console")
    ledger = client.get("/console/ledger.xlsx?from=2026-11-01&to=2026-11-30")
    # THEN both send it to the login form, which comes back to the same address
    assert page.status_code == 302
    assert page.headers["Location"] == "/login?next=/console"
    assert ledger.status_code == 302
    expected = "/login?next=/console/ledger.xlsx?from%3D2026-11-01%26to%3D2026-11-30"
    assert ledger.headers["Location"] == expected


def test_counter_staff_are_refused_with_a_page_that_says_why(app: Flask) -> None:
    # GIVEN window 3's clerk, logged in
    client = logged_in(app, "window3")
    # WHEN the clerk opens the console and the ledger
    page = client.get("/console")
    ledger = client.get("/console/ledger/print")
    # THEN both are refused with a page that names the roles and the login used
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "值班领导和管理员" in text
    assert "window3" in text
    assert ledger.status_code == 403


def test_a_device_session_is_refused(app: Flask, api: Api) -> None:
    # GIVEN the hall display's browser, enrolled as display-1
    client = enrolled(app, api.tokens, "display-1")
    # WHEN it opens the console
    response = client.get("/console")
    # THEN it is refused
    assert response.status_code == 403


def test_the_leader_gets_the_console_with_its_configuration(app: Flask) -> None:
    # GIVEN the duty leader, logged in
    client = logged_in(app, "leader")
    # WHEN the leader opens the console
    response = client.get("/console")
    # THEN the page is there, in Chinese, with what its script needs
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "值班领导控制台" in html
    config = page_config(html)
    assert config["namespace"] == "/console"
    assert config["hall"] == "demo"
    assert config["user"] == "leader"
    assert config["timezone"] == "Asia/Shanghai"
    assert config["today"] == "2026-11-23"
    assert config["ledger"] == {"xlsx": "/console/ledger.xlsx", "print": "/console/ledger/print"}
    text = config["text"]
    assert isinstance(text, dict)
    assert text["modes"]["outage"] == "系统故障"
    assert text["relief"] == "建议开设专窗"
    # AND no inline script or style: the page passes the hub's CSP
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)


def test_the_console_speaks_english_when_asked(app: Flask) -> None:
    # GIVEN the duty leader, logged in
    client = logged_in(app, "leader")
    # WHEN the console is opened with ?lang=en
    html = client.get("/console?lang=en").get_data(as_text=True)
    # THEN its words are English
    assert "Duty leader&#39;s console" in html or "Duty leader's console" in html
    assert page_config(html)["text"]["relief"] == "Suggest a dedicated window"  # type: ignore[index]


def test_an_administrator_may_use_the_console(app: Flask) -> None:
    # GIVEN the administrator, logged in
    client = logged_in(app, "admin")
    # WHEN the administrator opens the console and the printable ledger
    # THEN both open
    assert client.get("/console").status_code == 200
    assert client.get("/console/ledger/print").status_code == 200


def test_the_ledger_downloads_as_xlsx_with_the_declared_incident(app: Flask, api: Api) -> None:
    # GIVEN an outage declared on Monday 23 November 2026 and ended with a result
    number = declare_outage(api)
    incident = api.get("/api/v1/incidents", as_="leader").get_json()["items"][0]
    api.post(
        f"/api/v1/incidents/{incident['id']}/steps", as_="leader", json={"text": "启用应急专窗"}
    )
    api.post(f"/api/v1/incidents/{incident['id']}/end", as_="leader", json={"result": "系统恢复"})
    client = logged_in(app, "leader")
    # WHEN the leader downloads November's ledger
    response = client.get("/console/ledger.xlsx?from=2026-11-01&to=2026-11-30")
    # THEN it is an XLSX attachment, not kept by any cache, that holds the incident
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    assert "20261101-20261130.xlsx" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert number in cells
    assert "应用系统问题" in cells
    assert any("启用应急专窗" in cell for cell in cells)
    assert any("系统恢复" in cell for cell in cells)
    assert "王值班" in cells


def test_the_printable_ledger_renders_with_its_stylesheet(app: Flask, api: Api) -> None:
    # GIVEN an open outage
    number = declare_outage(api)
    client = logged_in(app, "leader")
    # WHEN the leader opens the printable ledger of the whole month
    response = client.get("/console/ledger/print?from=2026-11-01&to=2026-11-30")
    # THEN the bureau's form is there with the incident, still being handled
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "突发事件应急处置登记台帐" in html
    assert number in html
    assert "处置中" in html
    assert "/static/ledger-print.css" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_a_period_that_ends_before_it_starts_is_refused_with_a_page(app: Flask) -> None:
    # GIVEN the duty leader, logged in
    client = logged_in(app, "leader")
    # WHEN the ledger is asked for a period that ends before it starts, or a date that is none
    backwards = client.get("/console/ledger.xlsx?from=2026-11-30&to=2026-11-01")
    typo = client.get("/console/ledger/print?from=2026-13-01")
    # THEN both are refused with a page, not a broken download
    assert backwards.status_code == 400
    assert backwards.mimetype == "text/html"
    assert typo.status_code == 400


def test_only_an_administrator_opens_the_administration(app: Flask) -> None:
    # GIVEN the duty leader and the administrator, logged in, and nobody
    leader, admin, nobody = logged_in(app, "leader"), logged_in(app, "admin"), app.test_client()
    # WHEN each opens /console/admin
    refused, page, anonymous = (client.get("/console/admin") for client in (leader, admin, nobody))
    # THEN the leader is refused with a page that says it is for administrators
    assert refused.status_code == 403
    assert "大厅管理仅供管理员使用" in refused.get_data(as_text=True)
    # AND nobody is sent to log in and back
    assert anonymous.headers["Location"] == "/login?next=/console/admin"
    # AND the administrator gets the page with its script's sentences, and the console
    # links to it for them only
    assert page.status_code == 200
    config = page_config(page.get_data(as_text=True))
    assert config["namespace"] == "/console"
    assert config["text"]["retire"] == "停用"  # type: ignore[index]
    assert 'href="/console/admin"' in admin.get("/console").get_data(as_text=True)
    assert 'href="/console/admin"' not in leader.get("/console").get_data(as_text=True)
