"""预约办税 against a real database (SPEC §13): the demo hall's slots, and a slot never
booked beyond its places, however many press at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.domain.appointment_commands import BookAppointment
from core.domain.errors import DomainError
from core.domain.events import TicketCalled
from core.halls import calendar_for
from core.hub.broadcast import RecordingBroadcaster
from core.services.appointments import day_view
from core.services.views import recent_calls
from tests.integration.conftest import SHANGHAI, Api, AppFactory
from tests.support.databases import Tokens


def tomorrow_at(clock: FixedClock, clock_time: str) -> datetime:
    day = clock.now().astimezone(SHANGHAI).date() + timedelta(days=1)
    return datetime.combine(day, time.fromisoformat(clock_time), tzinfo=SHANGHAI)


def book(app: Flask, start: datetime, phone: str, service: str = "invoice") -> tuple[int, str]:
    """A booking through the hub's bus: (status, error code or booking code)."""
    command = BookAppointment(
        hall="demo", actor="public", service=service, start=start, phone=phone
    )
    try:
        outcome = app.extensions["hallq"].bus.handle(command)
    except DomainError as error:
        return 409 if error.code == "appointment.full" else 400, error.code
    return outcome.status, str(outcome.body["code"])


def view(app: Flask, service: str, start: datetime, now: datetime) -> dict[str, Any]:
    hub = app.extensions["hallq"]
    with hub.db.read_session() as session:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        row = session.scalars(
            select(orm.Service).where(orm.Service.hall_id == hall.id, orm.Service.code == service)
        ).one()
        windows = list(session.scalars(select(orm.Window).where(orm.Window.hall_id == hall.id)))
        return day_view(session, hall, row, windows, start.date(), now, calendar_for(hall))


def test_the_demo_halls_day_has_its_booked_periods_and_places(
    app: Flask, clock: FixedClock
) -> None:
    # GIVEN the demo hall (09:00–11:30 and 13:30–16:30 booked; invoices 6 a slot,
    # registration 2 per window, five windows serve it) and one invoice booking
    start = tomorrow_at(clock, "09:00")
    assert book(app, start, "13800138000")[0] == 201
    # WHEN tomorrow's slots are read
    invoices = view(app, "invoice", start, clock.now())
    registration = view(app, "registration", start, clock.now())
    # THEN the booked periods in 30-minute slots, the first with one place fewer
    assert [slot["start"][11:16] for slot in invoices["slots"]] == [
        "09:00", "09:30", "10:00", "10:30", "11:00",
        "13:30", "14:00", "14:30", "15:00", "15:30", "16:00",
    ]  # fmt: skip
    assert (invoices["slots"][0]["left"], invoices["slots"][1]["left"]) == (5, 6)
    assert {slot["places"] for slot in registration["slots"]} == {2 * 4}
    assert invoices["closed"] is None
    assert all(slot["bookable"] for slot in invoices["slots"])


def test_a_slot_too_soon_past_or_between_slots_is_refused_and_nothing_is_written(
    app: Flask, clock: FixedClock
) -> None:
    today = clock.now().astimezone(SHANGHAI)
    refused = [
        book(app, today.replace(hour=11, minute=0), "13800138000"),  # in 1 h: too soon
        book(app, today.replace(hour=9, minute=0), "13800138000"),  # begun
        book(app, today + timedelta(days=8), "13800138000"),  # beyond 7 days
        book(app, tomorrow_at(clock, "12:00"), "13800138000"),  # the lunch break
        book(app, tomorrow_at(clock, "09:00"), "12345"),  # no phone number
        book(app, tomorrow_at(clock, "09:00"), "13800138000", service="consult"),
    ]
    assert [code for _, code in refused] == [
        "appointment.too_soon",
        "appointment.past",
        "appointment.too_far",
        "appointment.no_slot",
        "phone.format",
        "appointment.not_bookable",
    ]
    with app.extensions["hallq"].db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(orm.Appointment)) == 0


def test_forty_taxpayers_pressing_for_the_last_five_places_get_exactly_five(
    backend: tuple[str, Tokens], make_app: AppFactory, clock: FixedClock
) -> None:
    # GIVEN two hub processes' apps on one database, and tomorrow's 10:00 invoice slot
    # (6 places) with one place taken
    url, _ = backend
    first, second = make_app(url), make_app(url)
    start = tomorrow_at(clock, "10:00")
    assert book(first, start, "13900000000")[0] == 201
    # WHEN forty taxpayers book it at once, half on each
    gate = threading.Barrier(40)
    answers: list[tuple[int, str]] = []

    def press(app: Flask, phone: str) -> None:
        gate.wait(timeout=10)
        answers.append(book(app, start, phone))

    threads = [
        threading.Thread(target=press, args=((first, second)[n % 2], f"1390000{n:04d}"))
        for n in range(1, 41)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # THEN five are booked, each with its own code, and 35 told the slot is full
    booked = [code for status, code in answers if status == 201]
    assert len(booked) == 5
    assert len(set(booked)) == 5
    assert sorted({code for status, code in answers if status != 201}) == ["appointment.full"]
    assert len(answers) == 40
    with first.extensions["hallq"].db.read_session() as session:
        count = select(func.count()).where(orm.Appointment.slot_start == start)
        assert session.scalar(count) == 6
    assert view(first, "invoice", start, clock.now())["slots"][2]["left"] == 0


# ---- the booking API --------------------------------------------------------------------


def texted(app: Flask, phone: str) -> list[str]:
    """What the outbox holds for `phone`, oldest first."""
    with app.extensions["hallq"].db.read_session() as session:
        rows = session.scalars(
            select(orm.SmsMessage).where(orm.SmsMessage.phone == phone).order_by(orm.SmsMessage.id)
        )
        return [row.body for row in rows]


def sms_code(app: Flask, phone: str) -> str:
    """The code in the latest booking-code SMS to `phone`."""
    codes = [re.findall(r"验证码：(\d{6})", text) for text in texted(app, phone)]
    return [found for found in codes if found][-1][0]


def test_a_phone_books_with_the_texted_code_then_looks_it_up_changes_and_cancels_it(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    phone, start = "13800138000", tomorrow_at(clock, "10:00")
    # GIVEN the booking page's view: invoices are bookable, tomorrow has a 10:00 slot
    offer = api.get("/api/v1/appointments/services").get_json()
    assert {"invoice", "registration"} <= {service["code"] for service in offer["services"]}
    assert len(offer["days"]) == 8
    day = api.get(f"/api/v1/appointments/slots/invoice/{start.date()}").get_json()
    assert day["slots"][2]["start"] == start.isoformat()
    # WHEN the phone asks for a code, and books with it
    sent = api.post("/api/v1/appointments/sms-code", json={"phone": phone})
    assert sent.status_code == 202, sent.get_json()
    body = {"service": "invoice", "start": start.isoformat(), "phone": phone}
    booked = api.post("/api/v1/appointments", json={**body, "sms_code": sms_code(app, phone)})
    # THEN a booking with a six-digit check-in code and its QR, texted to the phone too
    assert booked.status_code == 201, booked.get_json()
    booking = booked.get_json()
    assert booking["qr"].startswith("data:image/svg+xml;base64,")
    assert (booking["state"], booking["channel"], len(booking["code"])) == ("booked", "phone", 6)
    assert f"签到码{booking['code']}" in texted(app, phone)[-1]
    # … and the same code does not book twice
    again = api.post("/api/v1/appointments", json={**body, "sms_code": sms_code(app, phone)})
    assert (again.status_code, again.get_json()["error"]) == (400, "sms_code.expired")
    # WHEN it is looked up with code and phone (and with another phone)
    own = {"code": booking["code"], "phone": phone}
    assert api.post("/api/v1/appointments/lookup", json=own).get_json()["start"] == booking["start"]
    other = api.post("/api/v1/appointments/lookup", json={**own, "phone": "13900139000"})
    assert (other.status_code, other.get_json()["error"]) == (404, "appointment.unknown")
    # WHEN it is moved to 14:00, keeping its code, and then cancelled
    later = tomorrow_at(clock, "14:00").isoformat()
    moved = api.post(
        f"/api/v1/appointments/{booking['code']}/change", json={"phone": phone, "start": later}
    )
    assert (moved.status_code, moved.get_json()["start"]) == (200, later)
    cancelled = api.post(f"/api/v1/appointments/{booking['code']}/cancel", json={"phone": phone})
    assert cancelled.get_json()["state"] == "cancelled"
    # THEN the 14:00 place is free again, and a second cancel is refused
    day = api.get(f"/api/v1/appointments/slots/invoice/{start.date()}").get_json()
    assert {slot["left"] for slot in day["slots"]} == {6}
    twice = api.post(f"/api/v1/appointments/{booking['code']}/cancel", json={"phone": phone})
    assert (twice.status_code, twice.get_json()["error"]) == (409, "appointment.cancelled")
    assert ["改为" in texted(app, phone)[-2], "已取消" in texted(app, phone)[-1]] == [True, True]


def test_wrong_codes_lock_the_phone_and_codes_are_not_sent_too_often(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    phone = "13700137000"
    body = {"service": "invoice", "start": tomorrow_at(clock, "10:00").isoformat(), "phone": phone}
    # GIVEN a code sent; a second within the minute is refused in Chinese
    assert api.post("/api/v1/appointments/sms-code", json={"phone": phone}).status_code == 202
    soon = api.post("/api/v1/appointments/sms-code", json={"phone": phone})
    assert (soon.status_code, soon.get_json()["error"]) == (409, "sms_code.too_soon")
    assert "秒" in soon.get_json()["message"]
    right = sms_code(app, phone)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    # WHEN a wrong code is entered five times
    answers = [
        api.post("/api/v1/appointments", json={**body, "sms_code": wrong}).get_json()
        for _ in range(5)
    ]
    # THEN each says how many tries are left, and then the phone is locked, right code or not
    assert [answer["error"] for answer in answers] == ["sms_code.wrong"] * 5
    assert "4" in answers[0]["message"]
    locked = api.post("/api/v1/appointments", json={**body, "sms_code": right})
    assert (locked.status_code, locked.get_json()["error"]) == (409, "sms_code.locked")
    # … nothing was booked; after 15 minutes a new code works
    clock.advance(timedelta(minutes=15, seconds=1))
    assert api.post("/api/v1/appointments/sms-code", json={"phone": phone}).status_code == 202
    booked = api.post("/api/v1/appointments", json={**body, "sms_code": sms_code(app, phone)})
    assert booked.status_code == 201, booked.get_json()


def test_a_booking_platform_books_with_its_token_and_without_a_code(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    body = {
        "service": "registration",
        "start": tomorrow_at(clock, "09:30").isoformat(),
        "phone": "13600136000",
    }
    # GIVEN registration needs the taxpayer ID WHEN the platform books without it
    missing = api.post("/api/v1/appointments", as_="booking-platform", json=body)
    assert (missing.status_code, missing.get_json()["error"]) == (400, "appointment.taxpayer_id")
    # … and with it
    booked = api.post(
        "/api/v1/appointments",
        as_="booking-platform",
        json={**body, "taxpayer_id": "91350100M000100Y43"},
    )
    # THEN booked through the API channel; a kiosk's token does not make it a platform
    assert booked.status_code == 201, booked.get_json()
    assert booked.get_json()["channel"] == "api"
    kiosk = api.post("/api/v1/appointments", as_="kiosk-1", json=body)
    assert (kiosk.status_code, kiosk.get_json()["error"]) == (400, "sms_code.required")


# ---- the bureau's rules ----------------------------------------------------------------------


def platform_book(
    api: Api, start: datetime, phone: str, *, service: str = "invoice", **body: Any
) -> Any:
    return api.post(
        "/api/v1/appointments",
        as_="booking-platform",
        json={"service": service, "start": start.isoformat(), "phone": phone, **body},
    )


def test_one_open_booking_per_phone_or_taxpayer_per_service_and_day(
    api: Api, clock: FixedClock
) -> None:
    taxpayer = {"taxpayer_id": "91350100M000100Y43"}
    assert platform_book(api, tomorrow_at(clock, "09:00"), "13800138000").status_code == 201
    # WHEN the same phone books invoices again that day THEN refused, in Chinese
    second = platform_book(api, tomorrow_at(clock, "14:00"), "13800138000")
    assert (second.status_code, second.get_json()["error"]) == (409, "appointment.duplicate")
    assert "限约一次" in second.get_json()["message"]
    # … another business, or the next day, is fine
    assert (
        platform_book(
            api, tomorrow_at(clock, "14:00"), "13800138000", service="registration", **taxpayer
        ).status_code
        == 201
    )
    assert (
        platform_book(
            api, tomorrow_at(clock, "14:00") + timedelta(days=1), "13800138000"
        ).status_code
        == 201
    )
    # … and the same taxpayer ID from another phone counts as the same taxpayer
    other = platform_book(
        api, tomorrow_at(clock, "15:00"), "13900139000", service="registration", **taxpayer
    )
    assert (other.status_code, other.get_json()["error"]) == (409, "appointment.duplicate")


def test_cancelling_closes_three_hours_before_the_slot(api: Api, clock: FixedClock) -> None:
    # GIVEN a booking for today 14:00 (the clock says 10:00)
    start = clock.now().astimezone(SHANGHAI).replace(hour=14, minute=0)
    code = platform_book(api, start, "13800138000").get_json()["code"]
    body = {"phone": "13800138000"}
    # WHEN it is 11:00:01 THEN it can be neither cancelled nor moved
    clock.advance(timedelta(hours=1, seconds=1))
    late = api.post(f"/api/v1/appointments/{code}/cancel", json=body)
    assert (late.status_code, late.get_json()["error"]) == (409, "appointment.cancel_too_late")
    moved = api.post(
        f"/api/v1/appointments/{code}/change",
        json={**body, "start": tomorrow_at(clock, "09:00").isoformat()},
    )
    assert moved.get_json()["error"] == "appointment.cancel_too_late"


def test_three_no_shows_block_booking_for_ninety_days_and_say_until_when(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    from core.services.appointments import mark_no_shows

    db = app.extensions["hallq"].db
    # GIVEN a phone that books and never comes, three times in ten days
    for _ in range(3):
        assert platform_book(api, tomorrow_at(clock, "09:00"), "13800138000").status_code == 201
        clock.advance(timedelta(days=1))
        # the slot 09:00–09:30 ended, plus 15 minutes' grace, when the day check runs
        assert mark_no_shows(db, clock.now()) == 1
        clock.advance(timedelta(days=2))
    # WHEN it books again
    blocked = platform_book(api, tomorrow_at(clock, "09:00"), "13800138000")
    # THEN refused until 90 days after the third missed booking
    third = (clock.now() - timedelta(days=2)).astimezone(SHANGHAI).date()
    until = third + timedelta(days=90)
    assert (blocked.status_code, blocked.get_json()["error"]) == (409, "appointment.blocked")
    assert until.isoformat() in blocked.get_json()["message"]
    # … while another phone books as usual
    assert platform_book(api, tomorrow_at(clock, "09:00"), "13900139000").status_code == 201


def test_the_hall_closes_a_day_with_a_reason_cancelling_and_texting_its_bookings(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    start = tomorrow_at(clock, "09:00")
    codes = [
        platform_book(api, start, phone).get_json()["code"]
        for phone in ("13800138000", "13900139000")
    ]
    day = start.date().isoformat()
    # WHEN a clerk tries THEN only leaders close a day, and never without a reason
    assert (
        api.post(
            f"/api/v1/appointments/days/{day}/close", as_="window3", json={"reason": "系统升级"}
        ).status_code
        == 403
    )
    bare = api.post(f"/api/v1/appointments/days/{day}/close", as_="leader", json={"reason": " "})
    assert bare.get_json()["error"] == "appointment.close_reason"
    # WHEN the leader closes it for a system upgrade
    closed = api.post(
        f"/api/v1/appointments/days/{day}/close", as_="leader", json={"reason": "系统升级"}
    )
    # THEN both bookings are cancelled, each texted the reason, and the day takes none
    assert closed.get_json() == {"day": day, "cancelled": 2}
    for code, phone in zip(codes, ("13800138000", "13900139000"), strict=True):
        found = api.post("/api/v1/appointments/lookup", json={"code": code, "phone": phone})
        assert found.get_json()["state"] == "cancelled"
        assert "因系统升级" in texted(app, phone)[-1]
    again = platform_book(api, start, "13700137000")
    assert (again.status_code, again.get_json()["error"]) == (409, "appointment.closed_day")
    assert api.get(f"/api/v1/appointments/slots/invoice/{day}").get_json()["closed"] == "closed_day"
    # WHEN it is opened again THEN it takes bookings
    assert api.post(f"/api/v1/appointments/days/{day}/open", as_="leader").status_code == 200
    assert platform_book(api, start, "13700137000").status_code == 201


# ---- 预约取号 ---------------------------------------------------------------------------------


def today_at(clock: FixedClock, clock_time: str) -> datetime:
    return datetime.combine(
        clock.now().astimezone(SHANGHAI).date(), time.fromisoformat(clock_time), tzinfo=SHANGHAI
    )


def test_a_booking_checked_in_on_time_is_called_before_an_older_walk_in(
    api: Api, app: Flask, clock: FixedClock, broadcaster: RecordingBroadcaster
) -> None:
    # GIVEN invoices booked for today 13:30 (booked at 10:00), and at 13:35 a walk-in's
    # invoice ticket taken before the booking's holder arrives
    code = platform_book(api, today_at(clock, "13:30"), "13800138000").get_json()["code"]
    clock.advance(timedelta(hours=3, minutes=35))
    walk_in_ticket = api.issue("invoice").get_json()
    walk_in = walk_in_ticket["number"]
    # WHEN the holder checks in at kiosk 1 with the code
    ticket = api.post("/api/v1/appointments/check-in", as_="kiosk-1", json={"code": code})
    # THEN a ticket of the appointment channel, the booking checked in …
    assert ticket.status_code == 201, ticket.get_json()
    body = ticket.get_json()
    assert (body["channel"], body["booking"]["state"], body["booking"]["late"]) == (
        "appointment",
        "checked_in",
        False,
    )
    # … nobody ahead of it (its slot has begun), and the walk-in now has it ahead
    assert body["ahead"] == 0
    assert api.get(f"/api/v1/tickets/{walk_in_ticket['token']}").get_json()["ahead"] == 1
    # … and window 3 calls it before the older walk-in
    api.window(3, "open")
    called = api.window(3, "call-next").get_json()["ticket"]["number"]
    assert (called, walk_in) == (body["number"], "B001")
    # … and the hall display marks the call as a booked visit's (预约), live and on reload
    calls = [event for _, event in broadcaster.published if isinstance(event.event, TicketCalled)]
    assert (calls[-1].event.number, calls[-1].event.booked) == (called, True)
    with app.extensions["hallq"].db.read_session() as session:
        hall = session.scalars(select(orm.Hall)).one()
        [shown] = recent_calls(session, hall, clock.now().astimezone(SHANGHAI).date())
    assert (shown["number"], shown["booked"], shown["green"]) == (called, True, False)
    # WHEN the code is used again THEN it is refused: checked in already
    again = api.post("/api/v1/appointments/check-in", as_="kiosk-1", json={"code": code})
    assert (again.status_code, again.get_json()["error"]) == (409, "appointment.checked_in")


def test_too_early_says_from_when_and_late_gets_an_ordinary_ticket(
    api: Api, clock: FixedClock
) -> None:
    code = platform_book(api, today_at(clock, "13:30"), "13800138000").get_json()["code"]
    # WHEN it is 12:59 THEN too early: check-in opens at 13:00, and nothing is issued
    clock.advance(timedelta(hours=2, minutes=59))
    early = api.post("/api/v1/appointments/check-in", as_="kiosk-1", json={"code": code})
    assert (early.status_code, early.get_json()["error"]) == (409, "appointment.too_early")
    assert "13:00" in early.get_json()["message"]
    assert api.get("/api/v1/queue").get_json()["services"][1]["waiting"] == 0
    # WHEN it is 14:16, past the slot's end and the 15 minutes' grace
    clock.advance(timedelta(hours=1, minutes=17))
    late = api.post("/api/v1/appointments/check-in", as_="kiosk-1", json={"code": code})
    # THEN an ordinary kiosk ticket, the booking marked late
    assert late.status_code == 201, late.get_json()
    body = late.get_json()
    assert (body["channel"], body["booking"]["state"], body["booking"]["late"]) == (
        "kiosk",
        "late",
        True,
    )


def test_the_guide_desk_checks_in_by_phone_and_the_ids_last_four(
    api: Api, clock: FixedClock
) -> None:
    platform_book(
        api,
        today_at(clock, "13:30"),
        "13800138000",
        service="registration",
        taxpayer_id="91350100M000100Y43",
    )
    clock.advance(timedelta(hours=3, minutes=10))
    wrong = api.post(
        "/api/v1/appointments/check-in",
        as_="guide-1",
        json={"phone": "13800138000", "id_last4": "0Y44"},
    )
    assert (wrong.status_code, wrong.get_json()["error"]) == (404, "appointment.not_found")
    ticket = api.post(
        "/api/v1/appointments/check-in",
        as_="guide-1",
        json={"phone": "13800138000", "id_last4": "0y43"},
    )
    assert ticket.status_code == 201, ticket.get_json()
    assert (ticket.get_json()["number"], ticket.get_json()["channel"]) == ("A001", "appointment")


def test_five_wrong_codes_a_minute_make_the_kiosk_wait(api: Api, clock: FixedClock) -> None:
    code = platform_book(api, today_at(clock, "13:30"), "13800138000").get_json()["code"]
    clock.advance(timedelta(hours=3, minutes=10))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [
        api.post("/api/v1/appointments/check-in", as_="kiosk-1", json={"code": wrong}).status_code
        for _ in range(5)
    ]
    assert answers == [404] * 5
    # THEN even the right code waits, at this kiosk; kiosk 2 is not held up
    held = api.post("/api/v1/appointments/check-in", as_="kiosk-1", json={"code": code})
    assert (held.status_code, held.get_json()["error"]) == (409, "appointment.check_in_tries")
    assert "秒" in held.get_json()["message"]
    clock.advance(timedelta(minutes=1))
    assert (
        api.post("/api/v1/appointments/check-in", as_="kiosk-1", json={"code": code}).status_code
        == 201
    )


# ---- reminders and outage notices ---------------------------------------------------------


def sms_rows(app: Flask, phone: str) -> list[orm.SmsMessage]:
    with app.extensions["hallq"].db.read_session() as session:
        rows = session.scalars(
            select(orm.SmsMessage).where(orm.SmsMessage.phone == phone).order_by(orm.SmsMessage.id)
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def test_a_booking_is_reminded_the_day_before_and_an_hour_before_once_each(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    from core.services.appointments import send_reminders
    from core.services.sms import URGENT, SmsKind

    db = app.extensions["hallq"].db
    # GIVEN on Monday a booking for Wednesday 09:00, and one for Tuesday 09:00 by another
    wednesday = tomorrow_at(clock, "09:00") + timedelta(days=1)
    platform_book(api, wednesday, "13800138000")
    clock.advance(timedelta(hours=5))  # Monday 15:00: the Tuesday one is booked the day before
    platform_book(api, tomorrow_at(clock, "09:00"), "13900139000")
    # WHEN the hub's day check runs on Tuesday just after midnight
    clock.advance(timedelta(hours=9, minutes=1))
    assert send_reminders(db, clock.now()) == 1
    # THEN Wednesday's is reminded the day before — waiting out the quiet hours (it is no
    # outage notice) — and Tuesday's, booked only the day before, is not
    [reminder] = [row for row in sms_rows(app, "13800138000") if row.kind == "reminder"]
    assert "明天" in reminder.body
    assert SmsKind.REMINDER not in URGENT
    assert [row.kind for row in sms_rows(app, "13900139000")] == ["booking"]
    # WHEN it runs again THEN nothing twice
    assert send_reminders(db, clock.now()) == 0
    # WHEN it is Tuesday 08:00 THEN Tuesday's 09:00 booking is reminded an hour before
    clock.advance(timedelta(hours=7, minutes=59))
    assert send_reminders(db, clock.now()) == 1
    assert "将于09:00开始" in sms_rows(app, "13900139000")[-1].body


def test_an_outage_texts_todays_bookings_of_the_businesses_it_affects_what_to_do(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    # GIVEN today's bookings at 13:30: invoices (self-service can do them) and registration
    platform_book(api, today_at(clock, "13:30"), "13800138000")
    platform_book(
        api,
        today_at(clock, "13:30"),
        "13900139000",
        service="registration",
        taxpayer_id="91350100M000100Y43",
    )
    # WHEN the back office goes down
    declared = api.post(
        "/api/v1/incidents",
        as_="leader",
        json={
            "kind": "application",
            "systems": ["backoffice"],
            "description": "核心征管系统无法登录",
        },
    )
    assert declared.status_code == 201, declared.get_json()
    # THEN each is texted where to go instead, once, as an outage notice
    invoices, registration = sms_rows(app, "13800138000")[-1], sms_rows(app, "13900139000")[-1]
    assert (invoices.kind, registration.kind) == ("outage", "outage")
    assert "自助办税区" in invoices.body
    assert "应急窗口预审登记" in registration.body
    incident = declared.get_json()["incident"]
    assert (invoices.incident_id, registration.incident_id) == (incident, incident)
    # WHEN e-Tax goes down too THEN they are not texted again
    more = api.post(
        "/api/v1/incidents",
        as_="leader",
        json={"kind": "application", "systems": ["etax"], "description": "电子税务局无法访问"},
    )
    assert more.status_code == 201
    assert [row.kind for row in sms_rows(app, "13900139000")].count("outage") == 1


# ---- the console's views ------------------------------------------------------------------------


def test_the_console_sees_a_days_bookings_and_a_taxpayers_block(
    api: Api, app: Flask, clock: FixedClock
) -> None:
    from core.services.appointments import mark_no_shows

    # GIVEN tomorrow two invoice bookings at 09:00, one cancelled
    start = tomorrow_at(clock, "09:00")
    kept = platform_book(api, start, "13800138000").get_json()["code"]
    gone = platform_book(api, start, "13900139000").get_json()["code"]
    api.post(f"/api/v1/appointments/{gone}/cancel", json={"phone": "13900139000"})
    day = start.date().isoformat()
    # WHEN a clerk asks THEN refused; the leader sees the day
    assert api.get(f"/api/v1/appointments/day/{day}", as_="window3").status_code == 403
    board = api.get(f"/api/v1/appointments/day/{day}", as_="leader").get_json()
    # THEN the slot has one place taken of six, both bookings listed, counted per state
    invoices = next(service for service in board["services"] if service["code"] == "invoice")
    assert (invoices["slots"][0]["taken"], invoices["slots"][0]["places"]) == (1, 6)
    assert {row["code"]: row["state"] for row in board["bookings"]} == {
        kept: "booked",
        gone: "cancelled",
    }
    assert (board["counts"]["booked"], board["counts"]["cancelled"]) == (1, 1)
    # WHEN the kept one is missed three times over THEN the taxpayer's history shows the block
    db = app.extensions["hallq"].db
    clock.advance(timedelta(days=1))
    mark_no_shows(db, clock.now())
    for _ in range(2):
        assert platform_book(api, tomorrow_at(clock, "09:00"), "13800138000").status_code == 201
        clock.advance(timedelta(days=1))
        mark_no_shows(db, clock.now())
    found = api.post("/api/v1/appointments/history", as_="leader", json={"phone": "13800138000"})
    history = found.get_json()
    assert [row["state"] for row in history["bookings"]] == ["no_show"] * 3
    assert history["blocked_until"] is not None
    bare = api.post("/api/v1/appointments/history", as_="leader", json={})
    assert (bare.status_code, bare.get_json()["error"]) == (400, "appointment.history")
