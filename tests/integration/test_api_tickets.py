"""Issuing tickets over HTTP: numbers, idempotency, validation, language."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.api.registry import MAX_JSON_DEPTH, too_deep
from tests.integration.conftest import Api


def ticket_count(app: Flask) -> int:
    with app.extensions["hallq"].db.read_session() as session:
        return session.scalar(select(func.count()).select_from(orm.Ticket)) or 0


def test_kiosk_issues_a_ticket_with_number_position_estimate_and_opaque_token(api: Api) -> None:
    # GIVEN two filing tickets already waiting, and window 3 (invoices, filing) open
    api.issue("filing")
    api.issue("filing")
    api.window(3, "open")
    # WHEN kiosk 1 asks for a third
    response = api.issue("filing")
    # THEN it is C003 with two people ahead, an estimate and a token unrelated to the number
    assert response.status_code == 201
    body = response.get_json()
    assert body["number"] == "C003"
    assert body["ahead"] == 2
    assert body["estimated_wait_min"] == 20  # 2 ahead × 10 min at one open window
    assert body["channel"] == "kiosk"
    assert len(body["token"]) >= 20
    assert "C003" not in body["token"]
    assert body["status_url"] == f"/t/{body['token']}"


def test_with_no_open_window_for_the_service_the_wait_cannot_be_estimated(api: Api) -> None:
    # GIVEN window 6 (social insurance, consultation) open, none serving filing
    api.window(6, "open")
    # WHEN the first filing ticket and a consultation ticket are issued
    filing = api.issue("filing").get_json()
    consult = api.issue("consult").get_json()
    # THEN filing has no estimate (not "no wait" to the first in line), consultation has one
    assert (filing["ahead"], filing["estimated_wait_min"]) == (0, None)
    assert (consult["ahead"], consult["estimated_wait_min"]) == (0, 0)
    # AND the queue, and the ticket's status page, say the same
    services = {row["code"]: row for row in api.get("/api/v1/queue").get_json()["services"]}
    assert services["filing"]["estimated_wait_min"] is None
    assert services["consult"]["estimated_wait_min"] == 5  # one waiting × 5 min, for the next
    status = api.get(f"/api/v1/tickets/{filing['token']}").get_json()
    assert status["estimated_wait_min"] is None
    page = api.get(filing["status_url"]).get_data(as_text=True)
    assert "目前没有开放的窗口办理此业务，暂时无法估计等候时间" in page
    # WHEN a window serving filing opens THEN the estimate is back
    api.window(3, "open")
    assert api.get(f"/api/v1/tickets/{filing['token']}").get_json()["estimated_wait_min"] == 0


def test_the_same_idempotency_key_returns_the_same_ticket(api: Api, app: Flask) -> None:
    # GIVEN a ticket issued with a key
    first = api.post("/api/v1/tickets", as_="kiosk-1", json={"service": "invoice"}, key="tap-1")
    # WHEN the kiosk repeats the request (a double tap, a retry after a timeout)
    again = api.post("/api/v1/tickets", as_="kiosk-1", json={"service": "invoice"}, key="tap-1")
    # THEN the answer is the same ticket, and only one exists
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert ticket_count(app) == 1


def test_a_key_is_whole_and_bound_to_its_body(api: Api, app: Flask) -> None:
    # GIVEN a ticket issued with an 80-character key
    key = "k" * 79 + "1"
    first = api.post("/api/v1/tickets", as_="kiosk-1", json={"service": "invoice"}, key=key)
    assert first.status_code == 201
    # WHEN another key sharing its first 79 characters asks for another service,
    # and the same key comes back with another body
    other = api.post(
        "/api/v1/tickets", as_="kiosk-1", json={"service": "filing"}, key="k" * 79 + "2"
    )
    reused = api.post("/api/v1/tickets", as_="kiosk-1", json={"service": "filing"}, key=key)
    # THEN the other key gets its own ticket; the reused key is refused, in Chinese
    assert other.status_code == 201
    assert other.get_json()["service"] == "filing"
    assert other.get_json()["number"] != first.get_json()["number"]
    assert reused.status_code == 422
    assert reused.get_json()["error"] == "idempotency.reused"
    assert "已用于另一个不同的请求" in reused.get_json()["message"]
    # AND a key over 80 characters is refused as the OpenAPI document says, issuing nothing
    too_long = api.post("/api/v1/tickets", as_="kiosk-1", json={"service": "invoice"}, key="k" * 81)
    assert (too_long.status_code, too_long.get_json()["error"]) == (400, "idempotency.too_long")
    assert ticket_count(app) == 2


def test_keys_are_per_client(api: Api, app: Flask) -> None:
    # GIVEN kiosk 1 used a key
    one = api.post("/api/v1/tickets", as_="kiosk-1", json={"service": "invoice"}, key="k")
    # WHEN kiosk 2 happens to use the same key
    two = api.post("/api/v1/tickets", as_="kiosk-2", json={"service": "invoice"}, key="k")
    # THEN both get their own ticket
    assert one.get_json()["number"] != two.get_json()["number"]
    assert ticket_count(app) == 2


def test_numbers_are_per_service_and_padded(api: Api) -> None:
    # GIVEN / WHEN tickets of two services
    numbers = [
        api.issue(service).get_json()["number"]
        for service in ("registration", "filing", "registration")
    ]
    # THEN each service counts on its own with its prefix
    assert numbers == ["A001", "C001", "A002"]


def test_phone_and_taxpayer_id_are_validated_and_stored(api: Api, app: Flask) -> None:
    # GIVEN / WHEN a ticket with a valid phone and resident ID (check digit by MOD 11-2)
    response = api.issue("filing", phone="138 1234 5678", taxpayer_id="11010519491231002x")
    # THEN it is issued and the normalised values are kept for the window
    assert response.status_code == 201
    with app.extensions["hallq"].db.read_session() as session:
        row = session.scalars(select(orm.Ticket)).one()
    assert (row.phone, row.taxpayer_id) == ("13812345678", "11010519491231002X")


def test_bad_taxpayer_id_is_refused_in_chinese_and_nothing_is_written(api: Api, app: Flask) -> None:
    # GIVEN a resident ID whose check digit is wrong
    # WHEN the kiosk sends it
    response = api.issue("filing", taxpayer_id="110105194912310021")
    # THEN a 400 with a Chinese message, and no ticket (no number consumed either)
    assert response.status_code == 400
    assert response.get_json()["error"] == "taxpayer_id.check"
    assert "校验" in response.get_json()["message"]
    assert ticket_count(app) == 0
    assert api.issue("filing").get_json()["number"] == "C001"


def test_errors_follow_the_callers_language(api: Api) -> None:
    # GIVEN / WHEN a bad phone number in English and in Chinese
    english = api.post(
        "/api/v1/tickets", as_="kiosk-1", json={"service": "filing", "phone": "123"}, language="en"
    )
    chinese = api.post(
        "/api/v1/tickets",
        as_="kiosk-1",
        json={"service": "filing", "phone": "123"},
        language="zh-CN,zh;q=0.9",
    )
    # THEN the same code with a message in each language
    assert english.get_json()["error"] == chinese.get_json()["error"] == "phone.format"
    assert "mobile" in english.get_json()["message"]
    assert "手机" in chinese.get_json()["message"]


def test_unknown_service_unknown_field_and_non_json_are_refused(api: Api, app: Flask) -> None:
    # GIVEN / WHEN three malformed requests
    unknown = api.issue("passport")
    extra = api.post("/api/v1/tickets", as_="kiosk-1", json={"service": "filing", "vip": True})
    not_json = api.client.post(
        "/api/v1/tickets",
        data="service=filing",
        headers={"Authorization": f"Bearer {api.tokens.devices['kiosk-1']}"},
    )
    # THEN each gets its own 4xx JSON error, and nothing is written
    assert (unknown.status_code, unknown.get_json()["error"]) == (404, "service.unknown")
    assert (extra.status_code, extra.get_json()["error"]) == (400, "request.invalid")
    assert (not_json.status_code, not_json.get_json()["error"]) == (400, "request.not_json")
    assert ticket_count(app) == 0


def test_a_display_cannot_issue_and_anonymous_callers_must_log_in(api: Api, app: Flask) -> None:
    # GIVEN / WHEN a display token and no token at all try to issue
    display = api.issue("filing", as_="display-1")
    anonymous = api.post("/api/v1/tickets", json={"service": "filing"})
    # THEN 403 and 401, and no ticket
    assert (display.status_code, display.get_json()["error"]) == (403, "auth.forbidden")
    assert (anonymous.status_code, anonymous.get_json()["error"]) == (401, "auth.required")
    assert ticket_count(app) == 0


def test_status_by_token_reveals_no_personal_data(api: Api) -> None:
    # GIVEN a ticket with a phone number behind another one
    api.issue("filing")
    issued = api.issue("filing", phone="13812345678").get_json()
    # WHEN the status page asks by token, without any credential
    status = api.get(f"/api/v1/tickets/{issued['token']}")
    # THEN it shows position and estimate, and no phone or token of anyone
    assert status.status_code == 200
    body = status.get_json()
    assert (body["number"], body["ahead"], body["state"]) == ("C002", 1, "waiting")
    assert "13812345678" not in status.get_data(as_text=True)
    assert api.get("/api/v1/tickets/not-a-token").status_code == 404


def test_issuing_stops_after_the_cutoff_and_says_why(api: Api, app: Flask) -> None:
    # GIVEN a hall whose cut-off (09:30) has passed at 10:00
    with app.extensions["hallq"].db.write_session() as session:
        hall = session.scalars(select(orm.Hall)).one()
        hall.settings = {
            **hall.settings,
            "hours": {"opens": "08:30", "cutoff": "09:30", "closes": "17:30"},
        }
        session.commit()
    # WHEN the kiosk asks for a ticket
    response = api.issue("filing")
    # THEN it is refused with the reason
    assert (response.status_code, response.get_json()["error"]) == (409, "hall.not_issuing"), (
        response.get_json()
    )
    assert response.get_json()["message"] == "现在不能取号（今日取号已结束）。"


def test_waits_and_the_long_queue_hint_read_as_a_person_would(api: Api, clock: FixedClock) -> None:
    # GIVEN window 1 (registration, invoices) open and one invoice ticket waiting for 50 min
    api.window(1, "open")
    api.issue("invoice")
    clock.advance(timedelta(minutes=50))
    invoice = {row["code"]: row for row in api.get("/api/v1/queue").get_json()["services"]}[
        "invoice"
    ]
    # THEN the duty leader is alerted (the windows are not keeping up) …
    assert invoice["relief"] is True
    # … but the kiosk does not call one person a long queue
    assert invoice["suggest_self_service"] is False

    # GIVEN window 1 served B001 and nine registrations in a minute each, then five people queue
    api.window(1, "call-next")
    for _ in range(10):
        api.window(1, "start")
        clock.advance(timedelta(minutes=1))
        api.window(1, "finish")
        api.issue("registration")
        api.window(1, "call-next")
    for _ in range(5):
        api.issue("registration")
    registration = {row["code"]: row for row in api.get("/api/v1/queue").get_json()["services"]}[
        "registration"
    ]
    # THEN five waiting at one window read as 30 min (half the configured 12 min each), not 5
    assert registration["waiting"] == 5
    assert registration["estimated_wait_min"] == 30


DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    ("path", "who"), [("/api/v1/tickets", "kiosk-1"), ("/api/v1/incidents", "leader")]
)
def test_a_body_nested_10000_deep_is_refused_before_parsing(
    api: Api, app: Flask, path: str, who: str
) -> None:
    # GIVEN a JSON body nested 10,000 levels deep (valid JSON; json.loads would recurse to death)
    token = api.tokens.staff.get(who) or api.tokens.devices[who]
    # WHEN it is posted
    answer = api.client.post(
        path,
        data=DEEP,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh"},
    )
    # THEN 400 with a Chinese reason, not a 500, and nothing is written
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "request.too_deep"
    assert "嵌套层数过多" in answer.get_json()["message"]
    assert ticket_count(app) == 0


def test_depth_counts_brackets_only_outside_strings() -> None:
    # GIVEN bodies whose brackets are mostly inside strings, or nested just within the limit
    quoted = json.dumps({"service": "filing", "note": "[" * 100 + '\\"{' * 50})
    limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    # WHEN / THEN only the one nested beyond the limit is too deep
    assert not too_deep(quoted.encode())
    assert not too_deep(limit.encode())
    assert too_deep(("[" + limit + "]").encode())


@pytest.mark.parametrize(
    ("path", "who", "body", "field"),
    [
        ("/api/v1/tickets", "kiosk-1", {"service": "filing", "green": "yes"}, "green"),
        ("/api/v1/tickets", "kiosk-1", {"service": "filing", "print": 1}, "print"),
        ("/api/v1/tickets", "kiosk-1", {"service": 7}, "service"),
        ("/api/v1/windows/3/transfer", "window3", {"to_window": "3"}, "to_window"),
        ("/api/v1/incidents", "leader", {"kind": "power", "notify_sms": "yes"}, "notify_sms"),
        ("/api/v1/paper-tickets", "guide", {"service": "filing", "first": "51"}, "first"),
    ],
)
def test_values_of_the_wrong_type_are_refused_not_coerced(
    api: Api, app: Flask, path: str, who: str, body: dict[str, object], field: str
) -> None:
    # GIVEN window 3 serving a ticket (for the transfer), and the counts before
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "call-next")
    api.window(3, "start")
    tickets = ticket_count(app)
    # WHEN a value of the wrong type is sent ("yes" for a boolean, "3" for a number…)
    answer = api.post(path, as_=who, json=body)
    # THEN 400 naming the field, and nothing changes
    assert answer.status_code == 400, answer.get_json()
    assert (answer.get_json()["error"], answer.get_json()["field"]) == ("request.invalid", field)
    assert ticket_count(app) == tickets


def test_an_empty_phone_or_taxpayer_id_means_none_was_given(api: Api, app: Flask) -> None:
    # GIVEN / WHEN a ticket issued with both fields empty (a form left blank)
    answer = api.issue("filing", phone="", taxpayer_id="")
    # THEN it is issued, with no phone and no taxpayer ID stored
    assert answer.status_code == 201, answer.get_json()
    with app.extensions["hallq"].db.read_session() as session:
        row = session.scalars(select(orm.Ticket)).one()
    assert (row.phone, row.taxpayer_id) == (None, None)
