"""预约办税 against a real database (SPEC §13): the demo hall's slots, and a slot never
booked beyond its places, however many press at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.domain.appointment_commands import BookAppointment
from core.domain.errors import DomainError
from core.halls import calendar_for
from core.services.appointments import day_view
from tests.integration.conftest import SHANGHAI, AppFactory
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
