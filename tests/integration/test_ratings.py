"""好差评 over HTTP (SPEC §12): the window's pad and the ticket's phone rate a finished
service once; every bad rating is refused in the screen's language and writes nothing."""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.adapters.upload import HttpUploader, LogUploader
from core.domain.events import RatingOffered, WorkOrderChanged
from core.hub.broadcast import RecordingBroadcaster
from core.hub.uploads import UploadDispatcher
from core.services.ratings import record_not_rated
from tests.integration.conftest import Api, AppFactory
from tests.support.databases import Tokens
from tests.support.http_stub import Gateway, gateway

__all__ = ["gateway"]  # the scripted platform, a fixture of these tests


def served(api: Api, service: str = "filing", window: int = 3) -> dict[str, Any]:
    """A ticket issued, called, served and finished at `window`: the kiosk's answer."""
    ticket = api.issue(service).get_json()
    api.window(window, "open")
    assert api.window(window, "call", number=ticket["number"]).status_code == 200
    api.window(window, "start")
    assert api.window(window, "finish").status_code == 200
    return ticket


def token_of(ticket: dict[str, Any]) -> str:
    return str(ticket["token"])


def parts(app: Flask) -> list[orm.Rating]:
    with app.extensions["hallq"].db.read_session() as session:
        rows = session.scalars(select(orm.Rating).order_by(orm.Rating.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def pad_part(api: Api, window: int = 3) -> dict[str, Any]:
    shown = api.get(f"/api/v1/ratings/pad/{window}", as_=f"rating-pad-{window}")
    assert shown.status_code == 200, shown.get_json()
    return shown.get_json()  # type: ignore[no-any-return]


def test_the_pad_shows_the_finished_service_and_rates_it_once(
    api: Api, app: Flask, broadcaster: RecordingBroadcaster
) -> None:
    # GIVEN window 3 (clerk 王三 of the demo) finished C001
    served(api)
    # WHEN its pad asks what to show
    shown = pad_part(api)
    # THEN C001's service at window 3, with the clerk who served, and the hall's reasons
    assert (shown["part"]["number"], shown["part"]["window"]) == ("C001", 3)
    assert shown["clerk"]["name"]
    assert [reason["code"] for reason in shown["reasons"]][-1] == "other"
    assert RatingOffered(window=3, number="C001") in [
        stamped.event for _, stamped in broadcaster.published
    ]
    # WHEN the taxpayer taps 不满意, because of the wait, and leaves a number for the call-back
    body = {"part": shown["part"]["id"], "level": 2, "reasons": ["waiting"], "phone": "13800138000"}
    rated = api.post("/api/v1/ratings/pad/3", as_="rating-pad-3", json=body)
    # THEN it is stored, tied to ticket, service, window, clerk and channel
    assert rated.status_code == 201, rated.get_json()
    [row] = parts(app)
    assert (row.number, row.service, row.window, row.staff) == ("C001", "filing", 3, "window3")
    assert (row.state, row.level, row.reasons, row.channel) == ("rated", 2, ["waiting"], "pad")
    assert row.phone == "13800138000"
    # AND the pad goes back to idle; a second rating is refused, in Chinese
    assert pad_part(api)["part"] is None
    again = api.post("/api/v1/ratings/pad/3", as_="rating-pad-3", json={**body, "level": 5})
    assert again.status_code == 409
    assert again.get_json()["error"] == "rating.already"
    assert "已经评价" in again.get_json()["message"]
    assert parts(app)[0].level == 2


def test_a_pad_cannot_rate_another_windows_service(api: Api, app: Flask) -> None:
    # GIVEN window 3 finished C001
    served(api)
    part = pad_part(api)["part"]["id"]
    # WHEN window 4's pad tries, as window 3's pad and as its own
    as_3 = api.post("/api/v1/ratings/pad/3", as_="rating-pad-4", json={"part": part, "level": 5})
    as_4 = api.post("/api/v1/ratings/pad/4", as_="rating-pad-4", json={"part": part, "level": 5})
    # THEN both are refused, and the part still waits for its rating
    assert (as_3.status_code, as_4.status_code) == (403, 403)
    assert as_4.get_json()["error"] == "rating.other_window"
    assert parts(app)[0].state == "pending"
    # AND staff cannot rate through the pad's endpoint either
    staff = api.post("/api/v1/ratings/pad/3", as_="leader", json={"part": part, "level": 5})
    assert staff.status_code == 403


def test_the_phone_rates_its_own_ticket_and_staff_cannot(api: Api, app: Flask) -> None:
    # GIVEN C001 finished at window 3, and C002 waiting
    ticket = served(api)
    other = api.issue("filing").get_json()
    # WHEN the phone of C001 asks what to rate
    offered = api.get(f"/api/v1/tickets/{token_of(ticket)}/rating").get_json()
    [part] = offered["parts"]
    assert (part["number"], part["open"]) == ("C001", True)
    # THEN C002's phone has nothing to rate, and cannot rate C001's service
    assert api.get(f"/api/v1/tickets/{token_of(other)}/rating").get_json()["parts"] == []
    stolen = api.post(
        f"/api/v1/tickets/{token_of(other)}/rating", json={"part": part["id"], "level": 1}
    )
    assert stolen.status_code == 400  # a 差评 without reason is checked first
    stolen = api.post(
        f"/api/v1/tickets/{token_of(other)}/rating", json={"part": part["id"], "level": 5}
    )
    assert (stolen.status_code, stolen.get_json()["error"]) == (403, "rating.not_your_ticket")
    # AND a clerk's credentials are refused (no one rates their own service)
    clerk = api.post(
        f"/api/v1/tickets/{token_of(ticket)}/rating",
        as_="window3",
        json={"part": part["id"], "level": 5},
    )
    assert (clerk.status_code, clerk.get_json()["error"]) == (403, "rating.staff")
    # WHEN the taxpayer rates 非常满意 on the phone
    rated = api.post(
        f"/api/v1/tickets/{token_of(ticket)}/rating", json={"part": part["id"], "level": 5}
    )
    # THEN it is stored from the phone; the pad no longer offers it
    assert rated.status_code == 201
    assert (parts(app)[0].level, parts(app)[0].channel) == (5, "phone")
    assert pad_part(api)["part"] is None


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"level": 6}, "request.invalid", "level"),
        ({"level": 0}, "request.invalid", "level"),
        ({"level": "5"}, "request.invalid", "level"),
        ({"level": 2}, "rating.reason_required", "请选择"),
        ({"level": 1, "reasons": ["rude"]}, "rating.reason", "rude"),
        ({"level": 1, "reasons": ["other"]}, "rating.text_required", "请"),
        ({"level": 1, "reasons": ["other"], "text": "慢" * 201}, "rating.text_length", "200"),
        ({"level": 2, "reasons": ["waiting"], "phone": "1234"}, "phone.format", "手机"),
    ],
)
def test_a_bad_rating_is_refused_in_the_screens_language_and_writes_nothing(
    api: Api, app: Flask, body: dict[str, Any], code: str, words: str
) -> None:
    # GIVEN C001 finished at window 3
    ticket = served(api)
    part = pad_part(api)["part"]["id"]
    # WHEN the phone sends a rating that breaks a rule
    refused = api.post(f"/api/v1/tickets/{token_of(ticket)}/rating", json={"part": part, **body})
    # THEN a 400 says which, in Chinese, and the part still waits
    assert refused.status_code == 400
    assert refused.get_json()["error"] == code
    assert words in refused.get_json()["message"]
    assert (parts(app)[0].state, parts(app)[0].level) == ("pending", None)


def test_a_service_not_rated_in_time_can_no_longer_be_rated(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    # GIVEN C001 finished at window 3, 24 hours ago
    ticket = served(api)
    part = pad_part(api)["part"]["id"]
    clock.advance(timedelta(hours=24))
    # WHEN the phone rates it now
    late = api.post(f"/api/v1/tickets/{token_of(ticket)}/rating", json={"part": part, "level": 5})
    # THEN it is too late, said in Chinese; nothing is stored
    assert (late.status_code, late.get_json()["error"]) == (409, "rating.expired")
    assert "已过" in late.get_json()["message"]
    assert parts(app)[0].level is None
    # AND the hub's day check records it as not rated (never as satisfied)
    db = app.extensions["hallq"].db
    assert record_not_rated(db, clock.now() - timedelta(seconds=1)) == 0
    assert record_not_rated(db, clock.now()) == 1
    assert (parts(app)[0].state, parts(app)[0].level) == ("not_rated", None)


def test_after_a_transfer_each_windows_part_is_rated_separately(api: Api, app: Flask) -> None:
    # GIVEN window 3 serves C001 and transfers it to invoices, where window 5 finishes it
    ticket = api.issue("filing").get_json()
    api.window(3, "open")
    api.window(3, "call-next")
    api.window(3, "start")
    assert api.window(3, "transfer", to_service="invoice").status_code == 200
    api.window(5, "open")
    assert api.window(5, "call", number="C001").status_code == 200
    api.window(5, "start")
    api.window(5, "finish")
    # THEN the phone offers both parts, latest first, each with its window and service
    offered = api.get(f"/api/v1/tickets/{token_of(ticket)}/rating").get_json()["parts"]
    assert [(part["window"], part["service"]) for part in offered] == [
        (5, "invoice"),
        (3, "filing"),
    ]
    assert [row.staff for row in parts(app)] == ["window3", "window5"]
    # AND each is rated on its own
    for part, level in zip(offered, (5, 3), strict=True):
        answer = api.post(
            f"/api/v1/tickets/{token_of(ticket)}/rating", json={"part": part["id"], "level": level}
        )
        assert answer.status_code == 201
    assert [row.level for row in parts(app)] == [3, 5]


def test_the_counter_hands_the_rating_back_to_the_pad_once(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    # GIVEN window 3 finished C001 and the taxpayer walked away: the pad went idle
    served(api)
    clock.advance(timedelta(seconds=121))
    assert pad_part(api)["part"] is None
    part = parts(app)[0].id
    idle = api.post("/api/v1/ratings/pad/3", as_="rating-pad-3", json={"part": part, "level": 5})
    assert (idle.status_code, idle.get_json()["error"]) == (409, "rating.pad_idle")
    # WHEN the clerk hands it back (another clerk may not)
    assert api.post("/api/v1/windows/3/rating/offer", as_="window4").status_code == 403
    handed = api.post("/api/v1/windows/3/rating/offer", as_="window3")
    # THEN the pad shows it again, and may rate it
    assert handed.status_code == 200, handed.get_json()
    assert pad_part(api)["part"]["number"] == "C001"
    # AND a second hand-back is refused
    twice = api.post("/api/v1/windows/3/rating/offer", as_="window3")
    assert (twice.status_code, twice.get_json()["error"]) == (409, "rating.offered_twice")
    rated = api.post("/api/v1/ratings/pad/3", as_="rating-pad-3", json={"part": part, "level": 4})
    assert rated.status_code == 201


Press = tuple[Flask, str, str | None, dict[str, Any]]


def at_once(tokens: Tokens, presses: list[Press]) -> list[tuple[int, str | None]]:
    """POST each (app, path, as, body) from its own thread, all released together."""
    gate = threading.Barrier(len(presses))
    answers: list[tuple[int, str | None]] = []

    def press(app: Flask, path: str, as_: str | None, body: dict[str, Any]) -> None:
        client = Api(app.test_client(), tokens)
        gate.wait(timeout=10)
        answer = client.post(path, as_=as_, json=body)
        answers.append((answer.status_code, (answer.get_json() or {}).get("error")))

    threads = [threading.Thread(target=press, args=each) for each in presses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_the_pad_and_the_phone_pressing_at_once_rate_once(
    backend: tuple[str, Tokens], make_app: AppFactory
) -> None:
    # GIVEN two hub processes' apps on one database, and 8 services finished at window 3
    url, tokens = backend
    first, second = make_app(url), make_app(url)
    api = Api(first.test_client(), tokens)
    tickets = [served(api) for _ in range(8)]
    for ticket in tickets:
        # WHEN the pad (on one) and the phone (on the other) rate the same part at once
        [part] = api.get(f"/api/v1/tickets/{token_of(ticket)}/rating").get_json()["parts"]
        presses = [
            (first, "/api/v1/ratings/pad/3", "rating-pad-3", {"part": part["id"], "level": 5}),
            (
                second,
                f"/api/v1/tickets/{token_of(ticket)}/rating",
                None,
                {"part": part["id"], "level": 4},
            ),
        ]
        # THEN exactly one wins; the other is told it is rated already
        assert sorted(at_once(tokens, presses)) == [(201, None), (409, "rating.already")]
    with first.extensions["hallq"].db.read_session() as session:
        levels = session.scalars(select(orm.Rating.level)).all()
    assert sorted(set(levels) | {4, 5}) == [4, 5]
    assert len(levels) == 8


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def data_url(image: bytes, kind: str = "png") -> str:
    return f"data:image/{kind};base64," + base64.b64encode(image).decode()


def test_the_pad_shows_the_clerks_staff_number_and_photo(api: Api) -> None:
    # GIVEN the admin gives window 3's clerk a name, staff number and photo
    account = api.put(
        "/api/v1/admin/staff/window3",
        as_="admin",
        json={"name": "张三", "number": "0103", "role": "staff"},
    )
    assert account.status_code == 200, account.get_json()
    photo = api.put("/api/v1/admin/staff/window3/photo", as_="admin", json={"image": data_url(PNG)})
    assert photo.status_code == 200
    assert (photo.get_json()["number"], photo.get_json()["photo"]) == ("0103", True)
    # WHEN window 3 opens and its pad asks what to show
    api.window(3, "open")
    clerk = pad_part(api)["clerk"]
    # THEN the clerk at the window, with number and where the photo is, which the pad may fetch
    assert (clerk["name"], clerk["number"]) == ("张三", "0103")
    picture = api.get(clerk["photo"], as_="rating-pad-3")
    assert (picture.status_code, picture.mimetype, picture.data) == (200, "image/png", PNG)
    assert api.get(clerk["photo"], as_="kiosk-1").status_code == 403
    # AND a file that is no picture, or too big, is refused in Chinese; nothing changes
    text = api.put(
        "/api/v1/admin/staff/window3/photo",
        as_="admin",
        json={"image": data_url(b"not a picture at all")},
    )
    assert (text.status_code, text.get_json()["message"]) == (
        400,
        "照片须为 JPEG 或 PNG 格式的图片。",
    )
    huge = api.put(
        "/api/v1/admin/staff/window3/photo",
        as_="admin",
        json={"image": data_url(b"\xff\xd8\xff" + bytes(151 * 1024), "jpeg")},
    )
    assert huge.status_code == 400
    assert api.get(clerk["photo"], as_="rating-pad-3").data == PNG
    # WHEN the admin takes the photo away THEN the pad shows none
    assert (
        api.client.delete(
            "/api/v1/admin/staff/window3/photo",
            headers={"Authorization": f"Bearer {api.tokens.staff['admin']}"},
        ).status_code
        == 200
    )
    assert pad_part(api)["clerk"]["photo"] is None


def test_a_rating_pad_without_its_window_cannot_be_enrolled_yet(api: Api) -> None:
    # GIVEN a rating pad added without the window it stands at
    added = api.post(
        "/api/v1/admin/devices",
        as_="admin",
        json={"id": "pad-new", "kind": "rating_pad", "name": "新评价器"},
    )
    assert added.status_code == 200, added.get_json()
    # WHEN the admin asks for its enrolment link
    link = api.post("/api/v1/devices/pad-new/enrolment", as_="admin")
    # THEN it is refused, saying what is missing
    assert (link.status_code, link.get_json()["error"]) == (400, "device.window_missing")
    assert "尚未设置所属窗口" in link.get_json()["message"]


# ---- 差评 follow-up (整改) ----


def bad_rating_on_the_pad(api: Api, level: int = 1) -> dict[str, Any]:
    """C001 finished at window 3 and rated 差评 on its pad, with a call-back number."""
    served(api)
    part = pad_part(api)["part"]["id"]
    body = {"part": part, "level": level, "reasons": ["attitude"], "phone": "13900001111"}
    assert api.post("/api/v1/ratings/pad/3", as_="rating-pad-3", json=body).status_code == 201
    [order] = api.get("/api/v1/ratings/work-orders", as_="leader").get_json()["items"]
    return order  # type: ignore[no-any-return]


def on_duty(app: Flask, leader: str) -> None:
    """The hall's duty roster names `leader` for Mondays."""
    with app.extensions["hallq"].db.write_session() as session:
        hall = session.scalars(select(orm.Hall)).one()
        hall.settings = {**hall.settings, "duty_roster": {"monday": leader}}
        session.commit()


def test_a_bad_rating_opens_a_work_order_for_the_duty_leader_due_in_five_working_days(
    api: Api, app: Flask, broadcaster: RecordingBroadcaster
) -> None:
    # GIVEN 冯科长 on duty this Monday, 23 November 2026
    on_duty(app, "冯科长")
    # WHEN C001's taxpayer rates window 3 非常不满意 on the pad
    order = bad_rating_on_the_pad(api)
    # THEN a work order, for the duty leader, due the Monday after (five working days)
    assert (order["number"], order["window"], order["staff"]) == ("C001", 3, "window3")
    assert (order["leader"], order["due_on"], order["state"]) == ("冯科长", "2026-11-30", "open")
    assert (order["level"], order["reasons"], order["phone"]) == (1, ["attitude"], "13900001111")
    assert WorkOrderChanged(order=order["id"], state="open") in [
        stamped.event for _, stamped in broadcaster.published
    ]


def test_a_good_rating_opens_no_work_order(api: Api) -> None:
    served(api)
    part = pad_part(api)["part"]["id"]
    api.post("/api/v1/ratings/pad/3", as_="rating-pad-3", json={"part": part, "level": 3})
    assert api.get("/api/v1/ratings/work-orders", as_="leader").get_json()["items"] == []


def test_the_leader_calls_back_closes_and_records_the_fix_rating(
    api: Api, clock: FixedClock
) -> None:
    # GIVEN a 差评's open work order
    order = bad_rating_on_the_pad(api)
    path = f"/api/v1/ratings/work-orders/{order['id']}"
    # WHEN the leader rates the fix before closing, or closes without a cause
    early = api.post(f"{path}/fix-rating", as_="leader", json={"rating": "satisfied"})
    empty = api.post(f"{path}/close", as_="leader", json={"cause": " ", "fix": "a", "result": "b"})
    # THEN both are refused in Chinese
    assert (early.status_code, early.get_json()["error"]) == (409, "work_order.not_closed")
    assert (empty.status_code, empty.get_json()["message"]) == (400, "请填写此项。")
    # WHEN the leader records the call-back, closes, and records how the taxpayer took it
    clock.advance(timedelta(days=1))
    said = {"said": "纳税人反映窗口人员态度生硬，已致歉"}
    assert api.post(f"{path}/call-back", as_="leader", json=said).status_code == 200
    fixed = {"cause": "高峰期情绪急躁", "fix": "组织服务礼仪培训", "result": "纳税人表示接受"}
    assert api.post(f"{path}/close", as_="leader", json=fixed).status_code == 200
    rated = api.post(f"{path}/fix-rating", as_="leader", json={"rating": "basically_satisfied"})
    assert rated.status_code == 200
    # THEN the work order holds all of it; a clerk may do none of it
    [closed] = api.get("/api/v1/ratings/work-orders", as_="leader").get_json()["items"]
    assert closed["call_back"]["said"] == said["said"]
    assert closed["call_back"]["by"] == "leader"
    assert (closed["state"], closed["fix"], closed["fix_rating"]) == (
        "closed",
        "组织服务礼仪培训",
        "basically_satisfied",
    )
    assert api.post(f"{path}/call-back", as_="window3", json=said).status_code == 403


def test_an_open_work_order_past_its_deadline_is_overdue(api: Api, clock: FixedClock) -> None:
    order = bad_rating_on_the_pad(api)
    assert not order["overdue"]
    clock.advance(timedelta(days=8))  # Tuesday 1 December, past Monday 30 November
    [late] = api.get("/api/v1/ratings/work-orders?state=open", as_="leader").get_json()["items"]
    assert late["overdue"]


def test_the_clerk_appeals_and_the_admin_decides_keeping_the_rating(api: Api, app: Flask) -> None:
    # GIVEN a 差评 of window 3's service
    order = bad_rating_on_the_pad(api)
    path = f"/api/v1/ratings/work-orders/{order['id']}"
    # THEN window 3's clerk sees it among their own, window 4's clerk does not
    assert [
        item["id"]
        for item in api.get("/api/v1/ratings/work-orders", as_="window3").get_json()["items"]
    ] == [order["id"]]
    assert api.get("/api/v1/ratings/work-orders", as_="window4").get_json()["items"] == []
    # WHEN window 4's clerk appeals it THEN refused: it is not theirs
    other = api.post(f"{path}/appeal", as_="window4", json={"reason": "误评"})
    assert (other.status_code, other.get_json()["error"]) == (403, "appeal.not_yours")
    # WHEN window 3's clerk appeals, and a leader tries to decide
    assert (
        api.post(f"{path}/appeal", as_="window3", json={"reason": "纳税人误触按键"}).status_code
        == 200
    )
    decision = {"upheld": True, "reason": "经核实为误触"}
    assert api.post(f"{path}/decision", as_="leader", json=decision).status_code == 403
    # THEN the admin decides it, with reasons; the rating itself is kept as given
    assert api.post(f"{path}/decision", as_="admin", json=decision).status_code == 200
    [decided] = api.get("/api/v1/ratings/work-orders", as_="leader").get_json()["items"]
    assert decided["appeal"] == {
        "state": "upheld",
        "by": "window3",
        "reason": "纳税人误触按键",
        "decided_by": "admin",
        "decision": "经核实为误触",
    }
    assert (parts(app)[0].level, parts(app)[0].reasons) == (1, ["attitude"])
    again = api.post(f"{path}/decision", as_="admin", json={"upheld": False, "reason": "改判"})
    assert (again.status_code, again.get_json()["error"]) == (409, "appeal.not_pending")


# ---- the figures ----


def rate_on_phone(api: Api, window: int, level: int, **extra: Any) -> None:
    ticket = served(api, window=window, service="filing" if window == 3 else "invoice")
    [part] = api.get(f"/api/v1/tickets/{token_of(ticket)}/rating").get_json()["parts"]
    body = {"part": part["id"], "level": level, **extra}
    assert api.post(f"/api/v1/tickets/{token_of(ticket)}/rating", json=body).status_code == 201


def test_the_figures_per_clerk_and_today_count_what_the_bureau_reports(
    api: Api, clock: FixedClock
) -> None:
    # GIVEN window 3 rated 5, 4 and 1 (差评, called back and fixed); window 5 rated 3,
    # and one more of window 5's services never rated within the day
    for level in (5, 4):
        rate_on_phone(api, 3, level)
    rate_on_phone(api, 3, 1, reasons=["waiting"])
    rate_on_phone(api, 5, 3)
    served(api, window=5, service="invoice")
    [order] = api.get("/api/v1/ratings/work-orders", as_="leader").get_json()["items"]
    path = f"/api/v1/ratings/work-orders/{order['id']}"
    api.post(f"{path}/call-back", as_="leader", json={"said": "已致歉"})
    api.post(f"{path}/close", as_="leader", json={"cause": "高峰", "fix": "增窗", "result": "接受"})
    # WHEN the leader looks at today, live
    live = api.get("/api/v1/ratings/today", as_="leader").get_json()
    # THEN four rated, 满意率 50%, one 差评 with its reason, none of it overdue
    assert (live["rated"], live["satisfied_rate"], live["bad"]) == (4, 50.0, 1)
    assert [(item["number"], item["reasons"]) for item in live["bad_list"]] == [
        ("C003", ["waiting"])
    ]
    assert (live["orders_open"], live["orders_overdue"]) == (0, 0)
    # WHEN a day passes and the figures of that Monday are read per clerk
    clock.advance(timedelta(days=1))
    day = "2026-11-23"
    figures = api.get(f"/api/v1/ratings/figures?from={day}&to={day}&by=clerk", as_="leader")
    lines = {line["key"]: line for line in figures.get_json()["lines"]}
    # THEN window 3's clerk: 3 rated, 满意率 66.7%, 差评率 33.3%, 回访率 and 整改率 100%
    three = lines["window3"]
    assert (three["rated"], three["satisfied_rate"], three["bad_rate"]) == (3, 66.7, 33.3)
    assert (three["call_back_rate"], three["fix_rate"], three["not_rated_rate"]) == (
        100.0,
        100.0,
        0.0,
    )
    # AND window 5's clerk: one rated 基本满意, one not rated (never counted as satisfied)
    five = lines["window5"]
    assert (five["rated"], five["satisfied"], five["not_rated"], five["not_rated_rate"]) == (
        1,
        0,
        1,
        50.0,
    )
    assert figures.get_json()["total"]["parts"] == 5
    # AND per service and per window the same services add up; a wrong grouping is refused
    by_service = api.get(f"/api/v1/ratings/figures?from={day}&to={day}&by=service", as_="leader")
    assert {line["key"]: line["parts"] for line in by_service.get_json()["lines"]} == {
        "filing": 3,
        "invoice": 2,
    }
    wrong = api.get("/api/v1/ratings/figures?by=moon", as_="leader")
    assert (wrong.status_code, wrong.get_json()["error"]) == (400, "ratings.grouping")
    assert api.get("/api/v1/ratings/figures", as_="window3").status_code == 403


# ---- the upload to the bureau's platform ----


def uploads(app: Flask) -> list[orm.RatingUpload]:
    with app.extensions["hallq"].db.read_session() as session:
        rows = session.scalars(select(orm.RatingUpload).order_by(orm.RatingUpload.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def test_each_rating_reaches_the_platform_through_its_outbox_despite_an_outage(
    api: Api, app: Flask, clock: FixedClock, gateway: Gateway
) -> None:
    # GIVEN window 3's clerk 张三, and C001 rated 不满意 on the pad with a call-back number
    api.put(
        "/api/v1/admin/staff/window3",
        as_="admin",
        json={"name": "张三", "number": "0103", "role": "staff"},
    )
    bad_rating_on_the_pad(api, level=2)
    # THEN the rating waits in the upload outbox, on disk with the rating
    [queued] = uploads(app)
    assert queued.state == "queued"
    # WHEN the platform is down (503), then back
    gateway.answers = [503]
    uploader = HttpUploader(
        gateway.url,
        headers={"Authorization": "Bearer platform-secret"},
        body_template='{"appId": "hall-demo", "evaluation": {rating}}',
        timeout_s=2,
    )
    dispatcher = UploadDispatcher(app.extensions["hallq"].db, clock, uploader)
    dispatcher.run_once()
    # THEN the first try is kept to retry in 30 s, saying why
    [waiting] = uploads(app)
    assert (waiting.state, waiting.attempts, waiting.error) == (
        "queued",
        1,
        "platform answered HTTP 503",
    )
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=30))
    dispatcher.run_once()
    # AND the second reaches the platform, in its body, with no phone number
    assert uploads(app)[0].state == "sent"
    sent = gateway.received[-1]
    assert sent.headers["Authorization"] == "Bearer platform-secret"
    evaluation = sent.body["evaluation"]
    assert (evaluation["number"], evaluation["level"], evaluation["reasons"]) == (
        "C001",
        2,
        ["attitude"],
    )
    assert (evaluation["clerk"], evaluation["staff_number"], evaluation["window"]) == (
        "张三",
        "0103",
        3,
    )
    assert "13900001111" not in json.dumps(sent.body)
    assert len(gateway.received) == 2
    dispatcher.run_once()
    assert len(gateway.received) == 2  # sent once


def test_by_default_ratings_are_uploaded_to_a_log_file(
    api: Api, app: Flask, clock: FixedClock, tmp_path: Path
) -> None:
    served(api)
    part = pad_part(api)["part"]["id"]
    api.post("/api/v1/ratings/pad/3", as_="rating-pad-3", json={"part": part, "level": 5})
    log = tmp_path / "ratings-upload.log"
    UploadDispatcher(app.extensions["hallq"].db, clock, LogUploader(log, clock=clock)).run_once()
    [line] = log.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["rating"]["level"] == 5
    assert uploads(app)[0].state == "sent"


def test_the_window_display_shows_the_clerk_and_the_months_stars_when_the_hall_wants_it(
    api: Api,
) -> None:
    # GIVEN 张三 (0103) at window 3 rated 5 and 4 this month
    api.put(
        "/api/v1/admin/staff/window3",
        as_="admin",
        json={"name": "张三", "number": "0103", "role": "staff"},
    )
    for level in (5, 4):
        served(api)
        part = pad_part(api)["part"]["id"]
        api.post("/api/v1/ratings/pad/3", as_="rating-pad-3", json={"part": part, "level": level})
    # THEN by default the window display shows no clerk
    hidden = api.get("/api/v1/ratings/window/3/clerk", as_="window-display-3").get_json()
    assert hidden == {"shown": False, "clerk": None, "month": None}
    # WHEN the admin turns it on in the hall's rating settings
    settings = api.get("/api/v1/admin/hall", as_="admin").get_json()["hall"]["ratings"]
    changed = api.put(
        "/api/v1/admin/hall/ratings", as_="admin", json={**settings, "window_display_clerk": True}
    )
    assert changed.status_code == 200, changed.get_json()
    # THEN the display shows 张三, 0103, and this month's average of 4.5
    shown = api.get("/api/v1/ratings/window/3/clerk", as_="window-display-3").get_json()
    assert (shown["clerk"]["name"], shown["clerk"]["number"]) == ("张三", "0103")
    assert shown["month"] == {"average": 4.5, "ratings": 2}
    # AND a window nobody has opened shows none
    assert (
        api.get("/api/v1/ratings/window/4/clerk", as_="window-display-4").get_json()["clerk"]
        is None
    )
