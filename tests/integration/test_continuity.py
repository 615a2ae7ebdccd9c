"""Continuity through the real bus and API on SQLite: detection, modes, paper tickets,
routing, registers and backfill, follow-ups, deadline extension, SMS queued."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.domain import commands as cmd
from core.domain import continuity_commands as cc
from core.domain.errors import InvalidInput
from core.hub.broadcast import RecordingBroadcaster
from core.hub.health import HubLife
from core.ledger import ledger_rows
from core.services.bus import Result
from tests.integration.conftest import SHANGHAI, Api


def handle(app: Flask, command: cmd.Command) -> Result:
    return app.extensions["hallq"].bus.handle(command)


def printer(app: Flask, device: str, status: str) -> Result:
    return handle(
        app,
        cmd.ReportDeviceStatus(hall="demo", actor=f"device:{device}", device=device, status=status),
    )


def system(app: Flask, name: str, up: bool) -> Result:
    return handle(
        app, cc.ReportSystem(hall="demo", actor="system", system=name, up=up, detail="HTTP 503")
    )


def hall(app: Flask) -> orm.Hall:
    with app.extensions["hallq"].db.read_session() as session:
        return session.scalars(select(orm.Hall)).one()


def rows(app: Flask, model: type[Any]) -> list[Any]:
    with app.extensions["hallq"].db.read_session() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def events(broadcaster: RecordingBroadcaster, kind: str) -> list[Any]:
    return [
        stamped.event
        for _hall, stamped in broadcaster.published
        if type(stamped.event).__name__ == kind
    ]


def test_a_printer_out_of_paper_opens_an_incident_and_its_recovery_closes_it(
    app: Flask, api: Api, broadcaster: RecordingBroadcaster
) -> None:
    # GIVEN kiosk 1's printer working
    printer(app, "printer-kiosk-1", "ready")
    # WHEN it runs out of paper
    printer(app, "printer-kiosk-1", "paper_out")
    # THEN an automatic equipment incident is open, the hall is degraded, every screen has a notice
    [incident] = rows(app, orm.Incident)
    assert (incident.kind, incident.mode, incident.source, incident.ended_at) == (
        "equipment",
        "degraded",
        "auto",
        None,
    )
    assert hall(app).mode == "degraded"
    [notice] = api.get("/api/v1/notices").get_json()["items"]
    assert "1号取号机打印机" in notice["text_zh"]
    assert [event.mode for event in events(broadcaster, "HallModeChanged")] == ["degraded"]
    # AND a ticket from kiosk 1 is not sent to the dead printer: on screen at once
    ticket = api.issue("filing").get_json()
    assert ticket["print_state"] == "failed"
    # WHEN the paper is refilled
    printer(app, "printer-kiosk-1", "ready")
    # THEN the incident is closed with its times and result, the notice is down, the mode normal
    [incident] = rows(app, orm.Incident)
    assert incident.ended_at is not None
    assert incident.result.startswith("自动恢复")
    assert api.get("/api/v1/notices").get_json()["items"] == []
    assert hall(app).mode == "normal"


def test_every_printer_down_is_paper_mode_and_the_guide_registers_paper_tickets(
    app: Flask, api: Api, clock: FixedClock
) -> None:
    # GIVEN three filing tickets issued electronically (C001–C003)
    for _ in range(3):
        api.issue("filing")
    # WHEN every ticket printer fails
    for device in ("printer-kiosk-1", "printer-kiosk-2", "printer-guide"):
        printer(app, device, "offline")
    # THEN the hall is in paper mode and the kiosks refuse, pointing to the guide desk
    assert hall(app).mode == "paper"
    refused = api.issue("filing")
    assert (refused.status_code, refused.get_json()["error"]) == (409, "hall.paper_mode")
    assert "导税台" in refused.get_json()["message"]
    # WHEN the guide registers C004–C006 as handed out
    registered = api.post(
        "/api/v1/paper-tickets", as_="guide", json={"service": "filing", "first": 4, "last": 6}
    )
    # THEN they wait in order, and the guide's own electronic ticket skips the reserved numbers
    assert registered.status_code == 201, registered.get_json()
    assert registered.get_json()["numbers"] == ["C004", "C005", "C006"]
    clock.advance(timedelta(minutes=1))
    guide_ticket = api.post(
        "/api/v1/tickets", as_="guide", json={"service": "filing", "print": False}
    ).get_json()
    assert guide_ticket["number"] == "C007"
    # AND windows call everyone in issue order, paper tickets among the rest
    api.window(3, "open")
    called = []
    for _ in range(7):
        called.append(api.window(3, "call-next").get_json()["ticket"]["number"])
        api.window(3, "start")
        api.window(3, "finish")
    assert called == ["C001", "C002", "C003", "C004", "C005", "C006", "C007"]
    # AND the reconciliation shows the range fully called
    [paper] = api.get("/api/v1/paper-tickets", as_="guide").get_json()["items"]
    assert (paper["first"], paper["last"], paper["registered"], paper["called"]) == (
        "C004",
        "C006",
        3,
        3,
    )


def test_a_paper_range_overlapping_issued_numbers_or_another_range_is_refused(
    app: Flask, api: Api
) -> None:
    # GIVEN C001–C002 issued and C051–C060 registered
    api.issue("filing")
    api.issue("filing")
    assert (
        api.post(
            "/api/v1/paper-tickets",
            as_="guide",
            json={"service": "filing", "first": 51, "last": 60},
        ).status_code
        == 201
    )
    # WHEN ranges overlapping an issued number, the earlier range, or reversed, are registered
    issued = api.post(
        "/api/v1/paper-tickets", as_="guide", json={"service": "filing", "first": 2, "last": 5}
    )
    overlap = api.post(
        "/api/v1/paper-tickets", as_="guide", json={"service": "filing", "first": 55, "last": 70}
    )
    reversed_ = api.post(
        "/api/v1/paper-tickets", as_="guide", json={"service": "filing", "first": 9, "last": 8}
    )
    # THEN each is refused with its reason and no ticket is created
    assert (issued.status_code, issued.get_json()["error"]) == (409, "paper.already_issued")
    assert (overlap.status_code, overlap.get_json()["error"]) == (409, "paper.overlaps")
    assert (reversed_.status_code, reversed_.get_json()["error"]) == (400, "paper.range")
    assert len(rows(app, orm.Ticket)) == 12


def test_a_back_office_outage_routes_registers_and_backfills(
    app: Flask, api: Api, clock: FixedClock
) -> None:
    # GIVEN two taxpayers who left phone numbers this morning
    api.issue("consult", phone="13800000001")
    api.issue("consult", phone="13800000002")
    # WHEN the back-office probe reports the system down
    system(app, "backoffice", up=False)
    # THEN the hall is in outage, the notice says what is down and where to go, texts are queued
    assert hall(app).mode == "outage"
    [notice] = api.get("/api/v1/notices").get_json()["items"]
    assert "核心征管系统" in notice["text_zh"]
    assert "8号应急专窗" in notice["text_zh"]
    assert "back-office" in notice["text_en"]
    assert sorted(
        message.phone for message in rows(app, orm.SmsMessage) if message.kind == "outage"
    ) == ["13800000001", "13800000002"]
    # AND a filing ticket goes to the emergency window, an invoice to the self-service area
    routed = api.issue("filing", phone="13800000003")
    assert routed.status_code == 201
    assert (routed.get_json()["number"], routed.get_json()["requested_service"]) == (
        "Y001",
        "filing",
    )
    assert "8" in routed.get_json()["notice"]
    self_service = api.issue("invoice")
    assert (self_service.status_code, self_service.get_json()["error"]) == (
        409,
        "route.self_service",
    )
    services = {s["code"]: s["route"] for s in api.get("/api/v1/queue").get_json()["services"]}
    assert services["filing"] == "emergency"
    assert services["invoice"] == "self_service"
    assert services["consult"] == "normal"
    # WHEN the emergency window records a filing register for Y001
    record = api.post(
        "/api/v1/registers",
        as_="window8",
        json={
            "number": "Y001",
            "kind": "filing",
            "data": {
                "taxpayer_id": "91110000100000000Y".replace("Y", "1"),
                "name": "示例商贸有限公司",
                "tax_kinds": ["增值税"],
                "period": "2026-10",
                "amount": "1234.50",
            },
        },
    )
    # THEN a bad taxpayer ID is refused on its field; a good record waits to be backfilled
    assert record.status_code == 400
    assert record.get_json()["error"].startswith("taxpayer_id.")
    record = api.post(
        "/api/v1/registers",
        as_="window8",
        json={
            "number": "Y001",
            "kind": "filing",
            "data": {
                "taxpayer_id": "11010519491231002X",
                "name": "张三",
                "tax_kinds": ["个人所得税"],
                "period": "2026-10",
                "amount": "1234.5",
            },
        },
    )
    assert record.status_code == 201, record.get_json()
    [worklist] = api.get("/api/v1/registers?state=to_backfill", as_="window8").get_json()["items"]
    assert (worklist["ticket"], worklist["data"]["amount"]) == ("Y001", "1234.50")
    blocked = api.post(f"/api/v1/registers/{worklist['id']}/backfill", as_="window8")
    assert (blocked.status_code, blocked.get_json()["error"]) == (409, "register.system_still_down")
    # WHEN the probe sees the back-office again
    clock.advance(timedelta(hours=2))
    system(app, "backoffice", up=True)
    # THEN the outage ends, the notice is down, the recovery text is queued for today's phones
    assert hall(app).mode == "normal"
    assert api.get("/api/v1/notices").get_json()["items"] == []
    recovery = sorted(
        message.phone for message in rows(app, orm.SmsMessage) if message.kind == "recovery"
    )
    assert recovery == ["13800000001", "13800000002", "13800000003"]
    # AND backfilling the record completes Y001's business: its holder is texted
    done = api.post(f"/api/v1/registers/{worklist['id']}/backfill", as_="window8")
    assert done.get_json() == {"notified": True, "record": worklist["id"], "state": "backfilled"}
    assert [m.phone for m in rows(app, orm.SmsMessage) if m.kind == "backfill"] == ["13800000003"]
    assert api.get("/api/v1/registers?state=to_backfill", as_="window8").get_json()["items"] == []


def test_an_outage_on_the_last_filing_day_extends_the_deadline_in_the_notice(
    app: Flask, api: Api, clock: FixedClock
) -> None:
    # GIVEN 10:00 on 15 December 2026, a Tuesday and the end of the filing period
    clock.set(datetime(2026, 12, 15, 10, 0, tzinfo=SHANGHAI))
    # WHEN the back-office and the e-tax system go down
    system(app, "backoffice", up=False)
    system(app, "etax", up=False)
    # THEN each outage records the extension as it stands, and the notice shows it
    incidents = rows(app, orm.Incident)
    assert [incident.extension["extended"] for incident in incidents] == [
        "2026-12-16",
        "2026-12-16",
    ]
    assert incidents[0].extension["provisional"] is True
    notices = api.get("/api/v1/notices").get_json()["items"]
    assert "12月15日延长至12月16日" in notices[0]["text_zh"]
    # WHEN the back-office comes back three days later
    clock.set(datetime(2026, 12, 18, 11, 0, tzinfo=SHANGHAI))
    system(app, "backoffice", up=True)
    # THEN its extension is final: 3 working days after the fault was cleared (18th → 23rd)
    ended = rows(app, orm.Incident)[0]
    assert ended.extension == {
        "original": "2026-12-15",
        "extended": "2026-12-23",
        "rule": "both_3_days_or_more_plus_3",
        "provisional": False,
    }


def test_a_leader_declares_steps_and_ends_an_incident_and_staff_may_not(api: Api) -> None:
    # GIVEN a verbal conflict at window 5, declared by the duty leader, without a public notice
    body = {
        "kind": "conflict",
        "level": "general",
        "place": "5号窗口",
        "description": "纳税人情绪激动",
        "duty_leader": "王科长",
    }
    refused = api.post("/api/v1/incidents", as_="window5", json=body)
    declared = api.post("/api/v1/incidents", as_="leader", json=body)
    # THEN staff are refused; the leader's incident is open, with no notice and no mode change
    assert refused.status_code == 403
    assert declared.status_code == 201
    incident_id = declared.get_json()["incident"]
    assert api.get("/api/v1/notices").get_json()["items"] == []
    assert api.get("/api/v1/queue").get_json()["mode"] == "normal"
    # WHEN steps are added and it is ended with a result
    assert (
        api.post(
            f"/api/v1/incidents/{incident_id}/steps",
            as_="leader",
            json={"text": "值班领导到场安抚"},
        ).status_code
        == 201
    )
    empty = api.post(f"/api/v1/incidents/{incident_id}/end", as_="leader", json={"result": ""})
    ended = api.post(
        f"/api/v1/incidents/{incident_id}/end", as_="leader", json={"result": "已妥善处理"}
    )
    # THEN the ledger entry holds steps with times and people, and the result
    assert empty.status_code == 400
    assert ended.status_code == 200
    incident = api.get(f"/api/v1/incidents/{incident_id}", as_="leader").get_json()
    assert [step["text"] for step in incident["steps"]] == [
        "登记：纳税人情绪激动",
        "值班领导到场安抚",
        "处置结束：已妥善处理",
    ]
    assert {step["actor"] for step in incident["steps"]} == {"staff:leader"}
    assert (incident["open"], incident["result"], incident["duty_leader"]) == (
        False,
        "已妥善处理",
        "王科长",
    )


def test_a_declared_paper_mode_with_an_edited_notice(api: Api) -> None:
    # GIVEN / WHEN the leader declares paper mode and rewrites its notice
    declared = api.post(
        "/api/v1/incidents", as_="leader", json={"kind": "equipment", "mode": "paper"}
    )
    [notice] = api.get("/api/v1/notices").get_json()["items"]
    edited = api.put(
        f"/api/v1/notices/{notice['id']}",
        as_="leader",
        json={"text_zh": "请到导税台领取纸质号票", "text_en": "Paper tickets at the guide desk"},
    )
    # THEN the hall is in paper mode, the notice reads as written
    assert declared.status_code == 201
    assert edited.status_code == 200
    assert api.get("/api/v1/queue").get_json()["mode"] == "paper"
    assert api.get("/api/v1/notices").get_json()["items"][0]["text_zh"] == "请到导税台领取纸质号票"


def test_a_silent_device_is_failed_and_comes_back(app: Flask, clock: FixedClock) -> None:
    # GIVEN display 1 seen once
    printer(app, "display-1", "ok")
    # WHEN it stays silent past the timeout
    clock.advance(timedelta(seconds=31))
    handle(app, cc.CheckHeartbeats(hall="demo", actor="system", timeout_s=30))
    # THEN it is offline with an incident; its next heartbeat ends the incident
    [incident] = rows(app, orm.Incident)
    assert (incident.devices, incident.ended_at) == (["display-1"], None)
    printer(app, "display-1", "ok")
    assert rows(app, orm.Incident)[0].ended_at is not None


def test_a_printer_that_does_not_acknowledge_is_failed_until_it_prints(
    app: Flask, api: Api, clock: FixedClock
) -> None:
    # GIVEN a job sent to kiosk 1's printer that nobody acknowledges
    printer(app, "printer-kiosk-1", "ready")
    issued = api.issue("filing").get_json()
    clock.advance(timedelta(seconds=20))
    # WHEN the timeout passes
    handle(app, cmd.FailStalePrintJobs(hall="demo", actor="system", timeout_s=15))
    # THEN the ticket is not printed, the printer failed, and saying "ready" does not clear it
    [job] = rows(app, orm.PrintJob)
    assert (job.state, rows(app, orm.Ticket)[0].print_state) == ("failed", "failed")
    printer(app, "printer-kiosk-1", "ready")
    assert (
        rows(app, orm.Device)[[d.id for d in rows(app, orm.Device)].index("printer-kiosk-1")].status
        == "not_acknowledging"
    )
    assert rows(app, orm.Incident)[0].ended_at is None
    # AND the next ticket is shown on screen, not sent to it
    assert api.issue("filing").get_json()["print_state"] == "failed"
    # WHEN the job prints after all
    late = rows(app, orm.PrintJob)[-1]
    handle(
        app,
        cmd.AcknowledgePrint(hall="demo", actor="device:printer-kiosk-1", job_id=late.id, ok=True),
    )
    # THEN the printer is ready again, the incident closed, and the next ticket prints
    assert rows(app, orm.Incident)[0].ended_at is not None
    assert issued["number"] == "C001"
    assert api.issue("filing").get_json()["print_state"] == "pending"


def test_follow_ups_are_answered_by_sms_and_totalled_per_day(api: Api, app: Flask) -> None:
    # GIVEN a question recorded at the guide desk
    created = api.post(
        "/api/v1/follow-ups",
        as_="guide",
        json={
            "question": "跨区迁移的清税流程？",
            "reason": "policy_unclear",
            "contact_name": "李女士",
            "phone": "13900000009",
        },
    )
    bad = api.post("/api/v1/follow-ups", as_="guide", json={"question": "?", "reason": "whatever"})
    # WHEN a clerk answers it
    answer = api.post(
        f"/api/v1/follow-ups/{created.get_json()['follow_up']}/answer",
        as_="window1",
        json={"answer": "请携带清税证明到迁入地办理。"},
    )
    # THEN the answer is texted, and the day's totals count it
    assert bad.status_code == 400
    assert answer.get_json()["texted"] is True
    [sms] = [message for message in rows(app, orm.SmsMessage) if message.kind == "follow_up"]
    assert (sms.phone, "清税证明" in sms.body) == ("13900000009", True)
    assert api.get("/api/v1/follow-ups/daily", as_="window1").get_json()["items"] == [
        {"day": "2026-11-23", "recorded": 1, "answered": 1}
    ]
    assert api.get("/api/v1/follow-ups?state=open", as_="window1").get_json()["items"] == []


@pytest.mark.parametrize(
    ("kind", "data", "error"),
    [
        (
            "invoice_sale",
            {
                "taxpayer_id": "11010519491231002X",
                "name": "甲",
                "address": "乙",
                "phone": "13800000000",
                "invoice_kind": "增值税普通发票",
                "quantity": "0",
                "amount": "10",
                "first_purchase": True,
                "fee": "0",
            },
            "register.count",
        ),
        (
            "tax_registration",
            {"name": "甲", "address": "乙", "phone": "13800000000"},
            "register.required",
        ),
        (
            "filing",
            {
                "taxpayer_id": "11010519491231002X",
                "name": "甲",
                "tax_kinds": ["增值税"],
                "period": "2027-01",
                "amount": "1",
            },
            "register.month",
        ),
        (
            "invoice_cancellation",
            {
                "taxpayer_id": "11010519491231002X",
                "name": "甲",
                "address": "乙",
                "phone": "13800000000",
                "invoice_kind": "假发票",
                "quantity": "1",
                "amount": "1",
            },
            "register.choice",
        ),
    ],
)
def test_register_forms_refuse_bad_fields_and_write_nothing(
    app: Flask, api: Api, kind: str, data: dict[str, Any], error: str
) -> None:
    # GIVEN an outage and a ticket at the emergency window
    system(app, "backoffice", up=False)
    api.issue("consult")
    # WHEN a register with a bad field is submitted
    response = api.post(
        "/api/v1/registers", as_="window8", json={"number": "E001", "kind": kind, "data": data}
    )
    # THEN it is refused with a message naming the field, and nothing is stored
    assert (response.status_code, response.get_json()["error"]) == (400, error)
    assert "“" in response.get_json()["message"]
    assert rows(app, orm.RegisterRecord) == []


def test_an_outage_reroutes_the_tickets_already_waiting_and_tells_their_holders(
    app: Flask, api: Api, clock: FixedClock
) -> None:
    # GIVEN before the outage: two filing tickets (one with a phone), an invoice ticket
    # with a phone, a consultation, and a taxpayer with a phone holding no affected ticket
    c001 = api.issue("filing", phone="13800000001").get_json()
    api.issue("filing")
    b001 = api.issue("invoice", phone="13800000002").get_json()
    api.issue("consult", phone="13800000003")
    clock.advance(timedelta(minutes=5))
    # WHEN the back-office goes down
    system(app, "backoffice", up=False)

    # THEN the filing tickets wait for the emergency window, same numbers, same queue time
    tickets = {row.number: row for row in rows(app, orm.Ticket)}
    for number in ("C001", "C002"):
        assert tickets[number].service == "emergency"
        assert tickets[number].requested_service == "filing"
        assert tickets[number].state == "waiting"
        assert tickets[number].queued_at == tickets[number].issued_at
    # … the invoice and consultation tickets stay where they were
    assert (tickets["B001"].service, tickets["E001"].service) == ("invoice", "consult")
    # … the history says what happened, by whom
    rerouted = [event for event in rows(app, orm.TicketEvent) if event.kind == "rerouted"]
    assert [(event.detail["from_service"], event.actor) for event in rerouted] == [
        ("filing", "system"),
        ("filing", "system"),
    ]
    # … each holder's phone page says where to go
    status = api.get(f"/api/v1/tickets/{c001['token']}").get_json()
    assert (status["route"], status["requested_service_name"]) == ("emergency", "纳税申报")
    assert api.get(f"/api/v1/tickets/{b001['token']}").get_json()["route"] == "self_service"
    # … holders with a phone get one text about their own ticket, the others the notice
    texts = {message.phone: message.body for message in rows(app, orm.SmsMessage)}
    assert "C001（纳税申报）改由8号应急专窗办理，号码和排队顺序不变" in texts["13800000001"]
    assert "B001的业务可到自助办税区办理" in texts["13800000002"]
    assert "【系统故障公告】" in texts["13800000003"]
    assert len(rows(app, orm.SmsMessage)) == 3
    # … and the incident (the console, the ledger) says how many were moved
    [incident] = api.get("/api/v1/incidents", as_="leader").get_json()["items"]
    assert any(
        step["text"]
        == "等候中的号票：2张转至应急专窗（号码和排队顺序不变），1张的持有人被告知到自助办税区办理"
        for step in incident["steps"]
    )

    # WHEN the emergency window opens and calls, after a filing ticket issued during the outage
    assert api.issue("filing").get_json()["number"] == "Y001"
    api.window(8, "open")
    # THEN it calls the rerouted tickets first, in their original order
    called = [api.window(8, "call-next").get_json()["ticket"]["number"]]
    api.window(8, "start")
    api.window(8, "finish")
    called.append(api.window(8, "call-next").get_json()["ticket"]["number"])
    assert called == ["C001", "C002"]


def test_a_hub_that_died_records_its_outage_at_the_next_start_and_a_clean_stop_does_not(
    app: Flask, api: Api, clock: FixedClock
) -> None:
    runtime = app.extensions["hallq"]
    # GIVEN a hub run that beat at 10:00:10 and then died (no clean stop)
    first = HubLife(runtime, "hall-pc:8000")
    first.start()
    clock.advance(timedelta(seconds=10))
    first.beat()
    last_beat = clock.now()
    assert api.get("/api/v1/incidents", as_="leader").get_json()["items"] == []
    # WHEN the hub starts again four minutes later
    clock.advance(timedelta(minutes=4))
    restarted = HubLife(runtime, "hall-pc:8000")
    restarted.start()
    # THEN the ledger has an application-system incident from the last beat to the restart
    [incident] = api.get("/api/v1/incidents", as_="leader").get_json()["items"]
    assert (incident["kind"], incident["mode"]) == ("application", "normal")
    assert datetime.fromisoformat(incident["started_at"]) == last_beat
    assert datetime.fromisoformat(incident["ended_at"]) == clock.now()
    assert "最后一次心跳 11月23日 10:00:10，10:04:10 重新启动" in incident["description"]
    assert hall(app).mode == "normal"
    # WHEN kiosk 1 and window 3's clerk come back and say since when they were offline
    since = last_beat + timedelta(seconds=6)
    for actor in ("device:kiosk-1", "staff:window3", "device:kiosk-1"):
        handle(app, cc.ReportScreenOffline(hall="demo", actor=actor, since=since))
    # THEN each is a step of the incident, once
    [incident] = api.get("/api/v1/incidents", as_="leader").get_json()["items"]
    reports = [step["text"] for step in incident["steps"] if "起显示离线界面" in step["text"]]
    assert reports == [
        "1号取号机：10:00:16 起显示离线界面，10:04:10 重新连接",
        "window3的工作终端：10:00:16 起显示离线界面，10:04:10 重新连接",
    ]

    # GIVEN the hub stops cleanly (systemd's SIGTERM) WHEN it starts again THEN no incident
    restarted.stop()
    clock.advance(timedelta(minutes=10))
    HubLife(runtime, "hall-pc:8000").start()
    assert len(api.get("/api/v1/incidents", as_="leader").get_json()["items"]) == 1
    # … and another hub process of the same database is another hub
    HubLife(runtime, "hall-pc:8001").start()
    assert len(api.get("/api/v1/incidents", as_="leader").get_json()["items"]) == 1


def test_the_ledger_words_a_device_failure_in_chinese_without_its_raw_status(
    app: Flask, clock: FixedClock
) -> None:
    # GIVEN kiosk 1's printer reports paper out with its raw status bytes, then recovers
    handle(
        app,
        cmd.ReportDeviceStatus(
            hall="demo",
            actor="device:printer-kiosk-1",
            device="printer-kiosk-1",
            status="paper_out",
            detail="DLE EOT 1=0x1a 2=0x32 4=0x7e",
        ),
    )
    # … its notice (the console's) names it in each language
    [notice] = [row for row in rows(app, orm.Notice) if row.removed_at is None]
    assert notice.text_en.startswith("Kiosk 1 printer cannot print tickets")
    clock.advance(timedelta(minutes=5))
    printer(app, "printer-kiosk-1", "ok")
    # WHEN the ledger is read
    with app.extensions["hallq"].db.read_session() as session:
        [row] = ledger_rows(session, session.scalars(select(orm.Hall)).one(), start=None, end=None)
    # THEN the form's columns are Chinese: what failed and how, the result — no device text
    assert row.description == "1号取号机打印机缺纸"
    assert row.result == "自动恢复"
    for column in (row.description, row.steps_text(), row.result_text(), row.registered_by):
        assert not re.search("[A-Za-z]", column), column


def test_the_duty_leader_comes_from_the_roster_or_the_leader_logged_in_today(
    app: Flask, api: Api, clock: FixedClock
) -> None:
    database = app.extensions["hallq"].db

    def declare() -> str:
        created = api.post("/api/v1/incidents", as_="leader", json={"kind": "other"})
        incident = api.get(f"/api/v1/incidents/{created.get_json()['incident']}", as_="leader")
        return str(incident.get_json()["duty_leader"])

    # GIVEN no roster and no leader logged in today WHEN an incident opens THEN the
    # duty leader is left for the console to ask
    assert declare() == ""
    # GIVEN the leader account (王五) logged in this morning THEN it is the duty leader
    with database.writing() as session:
        leader = session.scalars(select(orm.Staff).where(orm.Staff.username == "leader")).one()
        leader.display_name = "王五"
        session.add(orm.AuditEntry(at=clock.now(), actor="staff:leader", action="login", detail={}))
        session.commit()
    assert declare() == "王五"
    # GIVEN the hall's roster names 李四 on Mondays (the clock's day) THEN the roster wins
    with database.writing() as session:
        row = session.scalars(select(orm.Hall)).one()
        row.settings = {**row.settings, "duty_roster": {"monday": "李四", "2026-11-24": "赵六"}}
        session.commit()
    assert declare() == "李四"
    # … and a date wins over its weekday
    clock.advance(timedelta(days=1))
    assert declare() == "赵六"


def test_an_emergency_window_ticket_prints_the_business_it_came_for(app: Flask, api: Api) -> None:
    # GIVEN the back-office down WHEN kiosk 1 issues a filing ticket (routed to window 8)
    system(app, "backoffice", up=False)
    assert api.issue("filing").get_json()["number"] == "Y001"
    # THEN its print job names both: the emergency service and the business asked for
    [job] = rows(app, orm.PrintJob)
    assert job.payload["service_name"] == "应急受理 · 纳税申报"


PYTHON_ENGLISH = re.compile(r"is not a valid|IncidentKind|Level|System|ValueError")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "alien"}, "kind"),
        ({"kind": "power", "level": "huge"}, "level"),
        ({"kind": "power", "systems": ["moon"]}, "systems"),
    ],
)
def test_a_wrong_choice_is_refused_in_chinese_without_pythons_english(
    api: Api, body: dict[str, Any], field: str
) -> None:
    # GIVEN / WHEN the duty leader declares an incident with a value that is not one of the choices
    answer = api.post("/api/v1/incidents", as_="leader", json=body)
    # THEN 400 naming the field, in Chinese, with nothing of Python's own English
    assert answer.status_code == 400
    assert answer.get_json()["field"].startswith(field)
    message = answer.get_json()["message"]
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert not PYTHON_ENGLISH.search(message), message


def test_a_probe_naming_an_unknown_system_is_refused_by_its_own_name(app: Flask) -> None:
    # GIVEN / WHEN a probe reports a system the hall does not know (a typo in the hall file)
    with pytest.raises(InvalidInput) as refused:
        system(app, "moon", up=False)
    # THEN refused naming the field and the value, not with Python's message
    assert refused.value.params == {"field": "system", "detail": "moon"}
