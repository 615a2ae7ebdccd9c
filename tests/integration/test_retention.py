"""Personal data is erased when the hall's retention settings say (SPEC §10)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.domain import continuity_commands as cc
from core.services.retention import ERASED, erase_personal_data
from tests.integration.conftest import Api


def test_phones_and_register_details_are_erased_after_their_retention_and_not_before(
    app: Flask, api: Api, clock: FixedClock
) -> None:
    # GIVEN a 差评 with a call-back phone, a ticket with a phone and a taxpayer ID, a
    # backfilled register record, an answered question
    bus, db = app.extensions["hallq"].bus, app.extensions["hallq"].db
    rated = api.issue("filing").get_json()
    for action in ("open", "call-next", "start", "finish"):
        api.window(3, action)
    [part] = api.get(f"/api/v1/tickets/{rated['token']}/rating").get_json()["parts"]
    bad = {"part": part["id"], "level": 1, "reasons": ["attitude"], "phone": "13700000003"}
    assert api.post(f"/api/v1/tickets/{rated['token']}/rating", json=bad).status_code == 201
    [order] = api.get("/api/v1/ratings/work-orders", as_="leader").get_json()["items"]
    early_phone = erase_personal_data(db, clock.now() + timedelta(days=8))
    assert early_phone.ratings == 0  # its work order is still open: the phone is for the call-back
    closing = {"cause": "原因", "fix": "措施", "result": "结果"}
    closed = api.post(
        f"/api/v1/ratings/work-orders/{order['id']}/close", as_="leader", json=closing
    )
    assert closed.status_code == 200
    api.issue("consult", phone="13800000001", taxpayer_id="11010519491231002X")
    bus.handle(cc.ReportSystem(hall="demo", actor="system", system="backoffice", up=False))
    api.issue("filing", phone="13800000002")
    api.post(
        "/api/v1/registers",
        as_="window8",
        json={
            "number": "Y001",
            "kind": "tax_registration",
            "data": {
                "name": "张三",
                "address": "某路1号",
                "phone": "13800000002",
                "documents": "营业执照副本",
            },
        },
    )
    bus.handle(cc.ReportSystem(hall="demo", actor="system", system="backoffice", up=True))
    api.post("/api/v1/registers/1/backfill", as_="window8")
    follow_up = api.post(
        "/api/v1/follow-ups",
        as_="guide",
        json={
            "question": "问题",
            "reason": "other",
            "contact_name": "李女士",
            "phone": "13900000009",
        },
    ).get_json()
    api.post(
        f"/api/v1/follow-ups/{follow_up['follow_up']}/answer",
        as_="window1",
        json={"answer": "答复"},
    )
    # WHEN the retention job runs 6 days later, then 8 days later, then 181 days later
    early = erase_personal_data(db, clock.now() + timedelta(days=6))
    week = erase_personal_data(db, clock.now() + timedelta(days=8))
    half_year = erase_personal_data(db, clock.now() + timedelta(days=181))
    # THEN nothing before its time; phones and IDs after 7 days; register and contact details after 180
    assert early.tickets == early.registers == early.follow_ups == early.ratings == 0
    assert (week.tickets, week.registers, week.follow_ups, week.ratings) == (2, 0, 0, 1)
    assert (half_year.registers, half_year.follow_ups) == (1, 1)
    with db.read_session() as session:
        tickets = session.scalars(select(orm.Ticket)).all()
        record = session.scalars(select(orm.RegisterRecord)).one()
        question = session.scalars(select(orm.FollowUp)).one()
        rating = session.scalars(select(orm.Rating)).one()
    assert {(ticket.phone, ticket.taxpayer_id) for ticket in tickets} == {(None, None)}
    assert (rating.phone, rating.level, rating.reasons) == (None, 1, ["attitude"])
    assert record.data == {
        "name": ERASED,
        "address": ERASED,
        "phone": ERASED,
        "documents": "营业执照副本",
    }
    assert (question.contact_name, question.phone, question.question) == (ERASED, None, "问题")
