"""The hall's administration through its API (issue 14): services, windows, the hall file.

Every change is an admin's, audited with before and after, announced to the screens as
``hall:configured``; every refusal says why in the caller's language and writes nothing.
"""

from __future__ import annotations

import base64
import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from core import hallq_version
from core.adapters import orm
from core.domain.errors import Forbidden
from core.domain.events import HallConfigured
from core.halls import DEMO_FILE
from core.hub.broadcast import RecordingBroadcaster
from core.hub.health import HealthWatch
from core.services import accounts
from core.services.access import Principal, Role
from core.web.qr import qr_svg
from tests.integration.conftest import Api
from tests.integration.test_auth import choose_password, log_in
from tests.integration.test_console_pages import logged_in

SERVICE_F = {
    "code": "export",
    "prefix": "F",
    "name": "出口退税",
    "name_en": "Export rebates",
    "minutes": 15,
    "position": 0,
}
"""A new service the tests add (first in the hall's order)."""

OPERATIONS: dict[str, tuple[str, str, Any]] = {
    "read the hall": ("GET", "/api/v1/admin/hall", None),
    "export the file": ("GET", "/api/v1/admin/hall.toml", None),
    "import a file": ("POST", "/api/v1/admin/hall/import", "demo file"),
    "add a service": ("POST", "/api/v1/admin/services", SERVICE_F),
    "edit a service": (
        "PUT",
        "/api/v1/admin/services/consult",
        {"code": "consult", "prefix": "E", "name": "咨询辅导", "minutes": 6},
    ),
    "retire a service": ("POST", "/api/v1/admin/services/social/retire", None),
    "add a window": (
        "POST",
        "/api/v1/admin/windows",
        {"number": 9, "services": ["consult"], "name": "咨询专窗"},
    ),
    "edit a window": (
        "PUT",
        "/api/v1/admin/windows/4",
        {"number": 4, "services": ["social", "invoice"]},
    ),
    "change the hours": (
        "PUT",
        "/api/v1/admin/hall/hours",
        {"opens": "08:30", "cutoff": "17:00", "closes": "17:30"},
    ),
    "change the rules": ("PUT", "/api/v1/admin/hall/rules", {"max_wait_minutes": 45}),
    "change the probes": (
        "PUT",
        "/api/v1/admin/hall/probes",
        {"probes": [{"system": "etax", "url": "http://10.1.2.3/health"}]},
    ),
    "read a month": ("GET", "/api/v1/admin/calendar/2026-10", None),
    "close a day": ("PUT", "/api/v1/admin/calendar/days/2026-12-24", {"open": False}),
    "add a device": (
        "POST",
        "/api/v1/admin/devices",
        {"id": "kiosk-3", "kind": "kiosk", "name": "3号取号机", "printer": "printer-guide"},
    ),
    "edit a device": (
        "PUT",
        "/api/v1/admin/devices/window-display-4",
        {"name": "4号窗口屏", "window": 5},
    ),
    "revoke a device": ("POST", "/api/v1/admin/devices/kiosk-2/revoke", None),
    "list the staff": ("GET", "/api/v1/admin/staff", None),
    "add an account": (
        "POST",
        "/api/v1/admin/staff",
        {"username": "window9", "name": "李九", "role": "staff"},
    ),
    "edit an account": ("PUT", "/api/v1/admin/staff/window7", {"name": "王七", "role": "guide"}),
    "reset a password": ("POST", "/api/v1/admin/staff/window7/password", None),
    "disable an account": ("POST", "/api/v1/admin/staff/window7/disable", None),
    "enable an account": ("POST", "/api/v1/admin/staff/window7/enable", None),
    "end an account's sessions": ("POST", "/api/v1/admin/staff/window7/end-sessions", None),
    "set a filing deadline": (
        "PUT",
        "/api/v1/admin/calendar/filing/2026-12",
        {"deadline": "2026-12-21"},
    ),
}


def send(api: Api, operation: str, as_: str | None) -> Any:
    method, path, body = OPERATIONS[operation]
    if body == "demo file":
        body = {"text": api.get("/api/v1/admin/hall.toml", as_="admin").get_data(as_text=True)}
    if method == "GET":
        return api.get(path, as_=as_)
    if method == "PUT":
        return api.put(path, as_=as_, json=body)
    return api.post(path, as_=as_, json=body)


def configuration(api: Api) -> dict[str, Any]:
    response = api.get("/api/v1/admin/hall", as_="admin")
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def audit_rows(app: Flask) -> list[orm.AuditEntry]:
    with app.extensions["hallq"].db.read_session() as session:
        return list(session.scalars(select(orm.AuditEntry).order_by(orm.AuditEntry.id)))


@pytest.mark.parametrize("operation", OPERATIONS)
def test_only_an_admin_may_administer_the_hall(api: Api, app: Flask, operation: str) -> None:
    # GIVEN the demo hall
    before = configuration(api)
    # WHEN a clerk, the guide desk, a duty leader, a kiosk and nobody try the operation
    refused = {
        who: send(api, operation, who).status_code
        for who in ("window1", "guide", "leader", "kiosk-1")
    }
    anonymous = send(api, operation, None).status_code
    # THEN each is refused, and the hall is as it was
    assert refused == dict.fromkeys(refused, 403)
    assert anonymous == 401
    assert configuration(api) == before
    # AND the admin may
    response = send(api, operation, "admin")
    assert response.status_code in (200, 201), response.get_json()


def test_an_admin_adds_a_service_first_at_window_4_and_its_tickets_are_called_there(
    api: Api, app: Flask, broadcaster: RecordingBroadcaster
) -> None:
    # GIVEN the demo hall, window 4 serving invoices then social insurance
    published = len(broadcaster.published)
    # WHEN the admin adds 出口退税 with prefix F and puts it first at window 4
    added = api.post("/api/v1/admin/services", as_="admin", json=SERVICE_F)
    window = api.put(
        "/api/v1/admin/windows/4",
        as_="admin",
        json={"number": 4, "services": ["export", "invoice", "social"]},
    )
    # THEN both are saved and each is announced to the screens as hall:configured
    assert added.status_code == 200, added.get_json()
    assert added.get_json()["changed"] == ["services"]
    assert window.status_code == 200, window.get_json()
    events = [stamped.event for _hall, stamped in broadcaster.published[published:]]
    configured = [event.parts for event in events if isinstance(event, HallConfigured)]
    assert configured == [["services"], ["windows"]]
    # AND the kiosk offers it first, an invoice ticket waits longer, yet window 4 calls F001
    queue = api.get("/api/v1/queue", as_="kiosk-1").get_json()
    assert queue["services"][0]["code"] == "export"
    assert api.issue("invoice").status_code == 201
    issued = api.issue("export")
    assert issued.get_json()["number"] == "F001"
    assert api.window(4, "open").status_code == 200
    called = api.window(4, "call-next")
    assert called.get_json()["ticket"]["number"] == "F001"
    # AND the audit log says who changed what, before and after
    rows = [row for row in audit_rows(app) if row.action in ("AddService", "EditWindow")]
    assert [(row.actor, row.action, row.target) for row in rows] == [
        ("staff:admin", "AddService", "service:export"),
        ("staff:admin", "EditWindow", "window:4"),
    ]
    assert rows[0].detail["services"]["export"]["before"] is None
    assert rows[0].detail["services"]["export"]["after"]["prefix"] == "F"
    assert rows[1].detail["windows"]["4"]["before"]["services"] == ["invoice", "social"]
    assert rows[1].detail["windows"]["4"]["after"]["services"] == ["export", "invoice", "social"]


def test_a_retired_service_leaves_the_kiosk_and_its_windows_but_keeps_its_history(
    api: Api, app: Flask
) -> None:
    # GIVEN a social insurance ticket served and finished today
    assert api.issue("social").status_code == 201
    assert api.window(6, "open").status_code == 200
    assert api.window(6, "call-next").status_code == 200
    assert api.window(6, "start").status_code == 200
    assert api.window(6, "finish").status_code == 200
    # WHEN the admin retires social insurance
    retired = api.post("/api/v1/admin/services/social/retire", as_="admin")
    # THEN the kiosk no longer offers it, and no window serves it any more
    assert retired.status_code == 200, retired.get_json()
    queue = api.get("/api/v1/queue", as_="kiosk-1").get_json()
    assert "social" not in [service["code"] for service in queue["services"]]
    windows = {window["number"]: window["services"] for window in configuration(api)["windows"]}
    assert windows[4] == ["invoice"]
    assert windows[6] == ["consult"]
    assert api.issue("social").status_code == 404
    # AND today's ticket still names it, and its prefix D is free for a new service
    with app.extensions["hallq"].db.read_session() as session:
        service = session.scalars(select(orm.Service).where(orm.Service.code == "social")).one()
        assert not service.active
        tickets = session.scalars(select(orm.Ticket).where(orm.Ticket.service == "social"))
        assert [ticket.number for ticket in tickets] == ["D001"]
    new = {**SERVICE_F, "code": "pension", "prefix": "D", "name": "养老保险"}
    assert api.post("/api/v1/admin/services", as_="admin", json=new).status_code == 200


MISTAKES: dict[str, tuple[str, str, Any, int, str, str]] = {
    "duplicate prefix": (
        "POST",
        "/api/v1/admin/services",
        {**SERVICE_F, "prefix": "B"},
        409,
        "service.prefix_taken",
        "字头 B 已被业务 invoice 使用",
    ),
    "duplicate window number": (
        "POST",
        "/api/v1/admin/windows",
        {"number": 3, "services": ["consult"]},
        409,
        "window.exists",
        "3 号窗口已存在",
    ),
    "window with no service": (
        "PUT",
        "/api/v1/admin/windows/4",
        {"number": 4, "services": []},
        400,
        "window.no_service",
        "窗口至少要办理一项业务",
    ),
    "window serving an unknown service": (
        "PUT",
        "/api/v1/admin/windows/4",
        {"number": 4, "services": ["passport"]},
        404,
        "service.unknown",
        "passport",
    ),
    "service in use retired": (
        "POST",
        "/api/v1/admin/services/filing/retire",
        None,
        409,
        "service.waiting",
        "还有 2 人在等候",
    ),
    "not a TOML file": (
        "POST",
        "/api/v1/admin/hall/import",
        {"text": "[hall\ncode = "},
        400,
        "hall_file.toml",
        "不是有效的 TOML",
    ),
    "another hall's file": (
        "POST",
        "/api/v1/admin/hall/import",
        'demo file:code = "demo"->code = "other"',
        400,
        "hall_file.other_hall",
        "属于大厅 other",
    ),
    "hours out of order": (
        "PUT",
        "/api/v1/admin/hall/hours",
        {"opens": "09:00", "cutoff": "18:00", "closes": "17:30"},
        400,
        "hours.order",
        "停止取号时间须早于下班时间",
    ),
    "a malformed day": (
        "PUT",
        "/api/v1/admin/calendar/days/2026-13-01",
        {"open": True},
        400,
        "calendar.day",
        "2026-13-01 不是有效日期",
    ),
    "a deadline in another month": (
        "PUT",
        "/api/v1/admin/calendar/filing/2026-12",
        {"deadline": "2027-01-15"},
        400,
        "calendar.deadline_month",
        "2027-01-15 不在 2026-12 内",
    ),
    "a device id taken": (
        "POST",
        "/api/v1/admin/devices",
        {"id": "kiosk-1", "kind": "kiosk", "name": "x"},
        409,
        "device.exists",
        "kiosk-1 已存在",
    ),
    "a kiosk bound to a display": (
        "POST",
        "/api/v1/admin/devices",
        {"id": "kiosk-3", "kind": "kiosk", "name": "x", "printer": "display-1"},
        404,
        "device.unknown",
        "display-1",
    ),
    "a display given a printer connection": (
        "PUT",
        "/api/v1/admin/devices/display-1",
        {"name": "大厅综合屏", "connection": "tcp:10.0.0.9:9100"},
        400,
        "device.binding",
        "不能设置 connection",
    ),
    "a window display of no window": (
        "PUT",
        "/api/v1/admin/devices/window-display-4",
        {"name": "4号窗口屏", "window": 42},
        404,
        "window.unknown",
        "42",
    ),
    "a username taken": (
        "POST",
        "/api/v1/admin/staff",
        {"username": "window3", "role": "staff"},
        409,
        "staff.exists",
        "window3 已存在",
    ),
    "a role above admin": (
        "POST",
        "/api/v1/admin/staff",
        {"username": "boss", "role": "root"},
        400,
        "request.invalid",
        "role",
    ),
    "the admin disabling themselves": (
        "POST",
        "/api/v1/admin/staff/admin/disable",
        None,
        409,
        "staff.self",
        "这是您本人的账号",
    ),
    "the admin demoting themselves": (
        "PUT",
        "/api/v1/admin/staff/admin",
        {"name": "管理员", "role": "staff"},
        409,
        "staff.self",
        "这是您本人的账号",
    ),
    "hours not in order in a file": (
        "POST",
        "/api/v1/admin/hall/import",
        'demo file:opens = "00:00"->opens = "23:59:30"',
        400,
        "hall_file.invalid",
        "大厅配置有误",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_mistake_is_refused_in_the_admins_language_and_changes_nothing(
    api: Api, app: Flask, mistake: str
) -> None:
    # GIVEN the demo hall with two people waiting for filing
    assert api.issue("filing").status_code == 201
    assert api.issue("filing").status_code == 201
    method, path, body, status, code, words = MISTAKES[mistake]
    if isinstance(body, str):
        old, new = body.removeprefix("demo file:").split("->")
        demo = DEMO_FILE.read_text(encoding="utf-8")
        assert old in demo
        body = {"text": demo.replace(old, new, 1)}
    before, audited = configuration(api), len(audit_rows(app))
    # WHEN the admin makes the mistake
    response = (
        api.put(path, as_="admin", json=body)
        if method == "PUT"
        else api.post(path, as_="admin", json=body)
    )
    # THEN it is refused with the rule's own words in Chinese, and nothing is written
    assert (response.status_code, response.get_json()["error"]) == (status, code)
    assert words in response.get_json()["message"], response.get_json()["message"]
    assert configuration(api) == before
    assert len(audit_rows(app)) == audited


def test_the_hall_file_exported_imports_unchanged_and_an_edited_one_changes_the_hall(
    api: Api, app: Flask
) -> None:
    # GIVEN the hall file the console exports
    exported = api.get("/api/v1/admin/hall.toml", as_="admin")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == 'attachment; filename="hall-demo.toml"'
    text = exported.get_data(as_text=True)
    # WHEN the admin imports it as it is, then with the hall renamed
    same = api.post("/api/v1/admin/hall/import", as_="admin", json={"text": text})
    renamed = text.replace("Demo City Tax Service Hall No. 1", "Renamed Hall")
    edited = api.post("/api/v1/admin/hall/import", as_="admin", json={"text": renamed})
    # THEN the first changes nothing, the second only the hall's own table
    assert same.status_code == 200, same.get_json()
    assert same.get_json()["changed"] == []
    assert edited.get_json()["changed"] == ["hall"]
    assert configuration(api)["hall"]["name_en"] == "Renamed Hall"
    (row,) = [row for row in audit_rows(app) if row.action == "ImportHall" and row.detail]
    assert row.detail["hall"]["before"]["name_en"] == "Demo City Tax Service Hall No. 1"
    assert row.detail["hall"]["after"]["name_en"] == "Renamed Hall"


def test_hours_changed_by_the_admin_apply_to_the_next_ticket(api: Api) -> None:
    # GIVEN the demo hall, open around the clock, at 10:00 on a Monday
    assert api.issue("filing").status_code == 201
    # WHEN the admin sets the cut-off at 09:30
    hours = {"opens": "08:30", "cutoff": "09:30", "closes": "17:30", "every_day": False}
    changed = api.put("/api/v1/admin/hall/hours", as_="admin", json=hours)
    # THEN the file says so, and the kiosk's next ticket is refused: issuing has ended
    assert changed.status_code == 200, changed.get_json()
    assert configuration(api)["hall"]["hours"]["cutoff"] == "09:30:00"
    refused = api.issue("filing")
    assert (refused.status_code, refused.get_json()["error"]) == (409, "hall.not_issuing")


def test_the_month_grid_shows_statutory_days_the_halls_overrides_and_the_deadline(
    api: Api,
) -> None:
    # GIVEN October 2026 (National Day: 1-7 off, Saturday 10 an adjusted working day)
    # WHEN the admin closes Monday 12 October and sets the official deadline to the 22nd
    closed = api.put("/api/v1/admin/calendar/days/2026-10-12", as_="admin", json={"open": False})
    official = api.put(
        "/api/v1/admin/calendar/filing/2026-10", as_="admin", json={"deadline": "2026-10-22"}
    )
    assert closed.status_code == official.status_code == 200
    month = api.get("/api/v1/admin/calendar/2026-10", as_="admin").get_json()
    days = {day["day"]: day for day in month["days"]}
    # THEN the grid shows each day as the package and the hall say
    assert (days["2026-10-01"]["statutory"], days["2026-10-01"]["festival"]) == (
        "holiday",
        "国庆节",
    )
    assert days["2026-10-01"]["open"] is False
    assert days["2026-10-10"]["statutory"] == "adjusted_workday"
    assert days["2026-10-10"]["open"] is True
    assert (days["2026-10-12"]["override"], days["2026-10-12"]["open"]) == (False, False)
    assert (month["filing_deadline"], month["filing_official"]) == ("2026-10-22", True)
    # WHEN the override is taken back, the statutory calendar decides again
    api.put("/api/v1/admin/calendar/days/2026-10-12", as_="admin", json={"open": None})
    again = api.get("/api/v1/admin/calendar/2026-10", as_="admin").get_json()
    assert again["days"][11]["override"] is None
    assert again["days"][11]["open"] is True


def test_a_year_the_package_does_not_know_asks_for_the_state_councils_arrangement(
    api: Api,
) -> None:
    # GIVEN 2027, which the installed chinese-calendar does not know yet
    month = api.get("/api/v1/admin/calendar/2027-01", as_="admin").get_json()
    # THEN the grid says so and claims nothing about its days
    assert (month["known"], month["statutory_known"]) == (False, False)
    assert {day["open"] for day in month["days"]} == {None}
    assert month["filing_deadline"] is None
    # WHEN the admin enters the arrangement's first day (New Year's Day, closed)
    api.put("/api/v1/admin/calendar/days/2027-01-01", as_="admin", json={"open": False})
    # THEN the year is known to the hall: weekends off, the entered days as entered
    entered = api.get("/api/v1/admin/calendar/2027-01", as_="admin").get_json()
    assert entered["known"] is True
    assert entered["days"][0]["open"] is False
    assert entered["days"][1]["open"] is False  # Saturday 2 January
    assert entered["days"][3]["open"] is True  # Monday 4 January


def test_the_hub_settings_show_whether_secrets_are_set_never_their_values(
    make_app: Any, db_url: str, tokens: Any
) -> None:
    # GIVEN a hub whose SMS gateway's URL and headers carry credentials
    app = make_app(
        db_url,
        sms_sender="http",
        sms_http_url="https://user:s3cret-pass@sms.example.cn/send?key=s3cret-key",
        sms_http_headers='{"Authorization": "Bearer s3cret-token"}',
    )
    api = Api(app.test_client(), tokens)
    # WHEN the admin reads the hub's settings (and a leader tries)
    response = api.get("/api/v1/admin/hub-settings", as_="admin")
    refused = api.get("/api/v1/admin/hub-settings", as_="leader")
    # THEN the gateway is named by its host, the headers as set, and no secret is in the answer
    assert refused.status_code == 403
    body = response.get_json()
    assert body["sms"]["sender"] == "http"
    assert body["sms"]["gateway"] == "sms.example.cn"
    assert (body["sms"]["headers_set"], body["sms"]["template_set"]) == (True, False)
    assert "s3cret" not in response.get_data(as_text=True)


def test_probes_changed_by_the_admin_are_probed_without_a_restart(api: Api, app: Flask) -> None:
    # GIVEN the hub's health watch over the demo hall, which has no probe
    watch = HealthWatch(app.extensions["hallq"], make=lambda spec: spec["url"])  # type: ignore[arg-type,return-value]
    assert watch.probes == []
    backoffice = {"system": "backoffice", "url": "http://10.1.2.3/health", "failures": 2}
    etax = {"system": "etax", "url": "http://10.1.2.4/health"}
    # WHEN the admin adds two probes, and the watch reloads as it does every few seconds
    saved = api.put("/api/v1/admin/hall/probes", as_="admin", json={"probes": [backoffice, etax]})
    assert saved.status_code == 200, saved.get_json()
    watch.reload_probes()
    # THEN it probes both
    assert [(probe.system, probe.probe) for probe in watch.probes] == [
        ("backoffice", "http://10.1.2.3/health"),
        ("etax", "http://10.1.2.4/health"),
    ]
    watch.probes[0].observe(up=False)
    # WHEN the admin changes only the e-tax probe's interval
    changed = {"probes": [backoffice, {**etax, "interval_s": 30}]}
    assert api.put("/api/v1/admin/hall/probes", as_="admin", json=changed).status_code == 200
    watch.reload_probes()
    # THEN the back-office probe keeps its run of failures, the e-tax one follows the change
    assert watch.probes[0].failures == 1
    assert watch.probes[1].interval_s == 30


def test_an_account_added_by_the_admin_logs_in_with_the_password_shown_once(
    api: Api, app: Flask
) -> None:
    # GIVEN the admin adds window 9's clerk
    added = api.post(
        "/api/v1/admin/staff",
        as_="admin",
        json={"username": "window9", "name": "李九", "number": "0109", "role": "staff"},
    )
    assert added.status_code == 201, added.get_json()
    first = added.get_json()["password"]
    # THEN the clerk logs in with the password shown, chooses their own, and the list
    # shows the account
    browser = app.test_client()
    assert log_in(browser, "window9", first).headers["Location"] == "/login/password?next=/"
    assert choose_password(browser, "window9-own").status_code == 302
    listed = {
        item["username"]: item
        for item in api.get("/api/v1/admin/staff", as_="admin").get_json()["items"]
    }
    assert listed["window9"] == {
        "username": "window9",
        "name": "李九",
        "number": "0109",
        "photo": False,
        "role": "staff",
        "active": True,
        "locked": False,
        "sessions": 1,
    }
    # WHEN the admin resets the password
    reset = api.post("/api/v1/admin/staff/window9/password", as_="admin")
    second = reset.get_json()["password"]
    # THEN the open session ends, the old password fails and the new one works
    assert second != first
    assert browser.get("/counter/9").status_code == 302  # back to the login form
    assert log_in(app.test_client(), "window9", first).status_code == 200  # the form again
    assert log_in(app.test_client(), "window9", "window9-own").status_code == 200
    assert log_in(app.test_client(), "window9", second).status_code == 302
    # WHEN the admin disables the account, it cannot log in; enabled, it can again
    api.post("/api/v1/admin/staff/window9/disable", as_="admin")
    assert log_in(app.test_client(), "window9", second).status_code == 200
    api.post("/api/v1/admin/staff/window9/enable", as_="admin")
    assert log_in(app.test_client(), "window9", second).status_code == 302
    # AND every change is audited with the account before and after, never a password
    rows = [
        row
        for row in audit_rows(app)
        if row.target == "staff:window9" and row.action.startswith("staff.")
    ]
    assert [row.action for row in rows] == [
        "staff.added",
        "staff.password_chosen",  # by the clerk, at their first login
        "staff.password_reset",
        "staff.disabled",
        "staff.enabled",
    ]
    assert rows[3].detail == {
        "before": {
            "name": "李九",
            "number": "0109",
            "photo": False,
            "role": "staff",
            "active": True,
        },
        "after": {
            "name": "李九",
            "number": "0109",
            "photo": False,
            "role": "staff",
            "active": False,
        },
    }
    assert all(first not in str(row.detail) and second not in str(row.detail) for row in rows)


def test_nobody_gives_a_role_above_their_own(app: Flask) -> None:
    # GIVEN a duty leader (were leaders ever to manage accounts)
    leader = Principal("staff", "leader", "demo", role=Role.LEADER)
    rt = app.extensions["hallq"]
    with rt.db.writing() as session:
        hall = session.scalars(select(orm.Hall)).one()
        # WHEN they add an administrator, or change the admin's account
        # THEN both are refused, and nothing is written
        with pytest.raises(Forbidden) as added:
            accounts.add_account(
                session, hall, rt.clock.now(), leader, username="boss", name="", role="admin"
            )
        with pytest.raises(Forbidden) as edited:
            accounts.edit_account(session, rt.clock.now(), leader, "admin", name="x", role="admin")
        session.rollback()
    assert added.value.code == edited.value.code == "staff.role_above"


def test_a_device_added_enrols_with_its_link_reports_its_version_and_is_revoked(
    api: Api, app: Flask
) -> None:
    # GIVEN the admin adds kiosk 3, printing on the guide desk's printer
    added = api.post(
        "/api/v1/admin/devices",
        as_="admin",
        json={"id": "kiosk-3", "kind": "kiosk", "name": "3号取号机", "printer": "printer-guide"},
    )
    assert added.status_code == 200, added.get_json()
    (device,) = [item for item in added.get_json()["hall"]["devices"] if item["id"] == "kiosk-3"]
    assert device["settings"] == {"printer": "printer-guide"}
    # WHEN the admin makes its enrolment link
    link = api.post("/api/v1/devices/kiosk-3/enrolment", as_="admin").get_json()
    # THEN the link comes with its QR code, an SVG image of that link
    assert link["qr"].startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(link["qr"].split(",", 1)[1]).decode() == qr_svg(link["url"])
    # AND the kiosk PC that opens it is kiosk 3, whose page tells the hub its version
    browser = app.test_client()
    address = urlsplit(link["url"])
    opened = browser.get(f"{address.path}?{address.query}" if address.query else address.path)
    assert opened.status_code == 302
    page = browser.get("/kiosk/kiosk-3")
    assert page.status_code == 200
    assert f'<meta name="hallq-version" content="{hallq_version()}">' in page.get_data(as_text=True)
    # WHEN the admin revokes it
    revoked = api.post("/api/v1/admin/devices/kiosk-3/revoke", as_="admin")
    # THEN its enrolment ends: the same browser gets the "not enrolled" page
    assert revoked.get_json()["revoked"] == 1
    refused = browser.get("/kiosk/kiosk-3")
    assert refused.status_code == 403
    assert "本机尚未登记为取号机" in refused.get_data(as_text=True)


def test_the_audit_log_is_filtered_by_person_action_window_and_day_and_exported(
    api: Api, app: Flask
) -> None:
    # GIVEN on Monday 23 November: window 3's clerk opens and calls, the admin adds a
    # service, the leader makes window 3 an invoice window
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "call-next")
    api.post("/api/v1/admin/services", as_="admin", json=SERVICE_F)
    api.post("/api/v1/windows/3/dedicate", as_="leader", json={"services": ["invoice"]})

    def lines(query: str) -> list[tuple[str, str, str]]:
        answer = api.get(f"/api/v1/admin/audit?{query}", as_="admin").get_json()
        return [(item["actor"], item["action"], item["target"]) for item in answer["items"]]

    # WHEN the admin filters the log THEN each filter keeps only its lines, newest first
    assert lines("person=window3") == [
        ("staff:window3", "CallNext", "window:3"),
        ("staff:window3", "OpenWindow", "window:3"),
    ]
    assert lines("window=3")[0] == ("staff:leader", "DedicateWindow", "window:3")
    assert lines("action=AddService") == [("staff:admin", "AddService", "service:export")]
    assert len(lines("day=2026-11-23")) >= 4
    assert lines("day=2026-11-24") == []
    bad = api.get("/api/v1/admin/audit?day=yesterday", as_="admin")
    assert (bad.status_code, bad.get_json()["error"]) == (400, "request.invalid")
    # AND the same selection downloads as XLSX, one row per line under the headings
    browser = logged_in(app, "admin")
    download = browser.get("/console/admin/audit.xlsx?person=window3")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("时间", "人员", "操作", "对象", "详情", "地址")
    assert [row[1:4] for row in rows[1:]] == [
        ("staff:window3", "CallNext", "window:3"),
        ("staff:window3", "OpenWindow", "window:3"),
    ]
    assert logged_in(app, "leader").get("/console/admin/audit.xlsx").status_code == 403
