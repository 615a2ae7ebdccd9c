"""预约办税's slots and booking rules (SPEC §13), on a calendar in memory."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.appointments import (
    BookingRules,
    Quota,
    Slot,
    blocked_until,
    bookable_days,
    check_bookable,
    check_cancellable,
    closed_reason,
    day_slots,
    find_slot,
)
from core.domain.errors import Conflict, InvalidInput
from core.domain.hallday import Hours
from core.domain.workdays import FixedCalendar

ZONE = ZoneInfo("Asia/Shanghai")
HOURS = Hours(opens=time(9, 0), cutoff=time(17, 0), closes=time(17, 30))
# National Day 2026 falls on a Thursday; Saturday 10 October is worked instead.
CALENDAR = FixedCalendar({date(2026, 10, 1): False, date(2026, 10, 10): True})
LUNCH = BookingRules(periods=((time(9, 0), time(11, 30)), (time(13, 30), time(16, 30))))


def at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZONE)


def starts(slots: list[Slot]) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in slots]


def test_a_working_day_is_cut_into_slots_from_opening_to_the_ticket_cut_off() -> None:
    # GIVEN 30-minute slots of 4 places WHEN a Wednesday's slots are made
    slots = day_slots(date(2026, 9, 30), ZONE, HOURS, CALENDAR, BookingRules(), Quota(30, 4), 2)
    # THEN 09:00 … 16:30, back to back, each with its 4 places, in the hall's zone
    assert len(slots) == 16
    assert (starts(slots)[0], starts(slots)[-1]) == ("09:00", "16:30")
    assert slots[-1].end == at(date(2026, 9, 30), "17:00")
    assert {slot.places for slot in slots} == {4}


def test_the_booked_periods_leave_out_the_lunch_break_and_a_slot_that_would_overrun() -> None:
    # GIVEN 09:00–11:30 and 13:30–16:30 booked, in 45-minute slots
    slots = day_slots(date(2026, 9, 30), ZONE, HOURS, CALENDAR, LUNCH, Quota(45, 1), 1)
    # THEN no slot in the break, and none running past its period's end
    assert starts(slots) == ["09:00", "09:45", "10:30", "13:30", "14:15", "15:00", "15:45"]


def test_places_per_window_count_the_windows_serving_the_service() -> None:
    quota = Quota(30, per_window=2)
    assert day_slots(date(2026, 9, 30), ZONE, HOURS, CALENDAR, LUNCH, quota, 3)[0].places == 6
    # … and a service no window serves has no slots at all
    assert day_slots(date(2026, 9, 30), ZONE, HOURS, CALENDAR, LUNCH, quota, 0) == []


def test_a_holiday_has_no_slots_and_an_adjusted_working_saturday_has() -> None:
    holiday, saturday = date(2026, 10, 1), date(2026, 10, 10)
    assert day_slots(holiday, ZONE, HOURS, CALENDAR, LUNCH, Quota(30, 4), 1) == []
    assert closed_reason(holiday, HOURS, CALENDAR, LUNCH) == "not_workday"
    assert starts(day_slots(saturday, ZONE, HOURS, CALENDAR, LUNCH, Quota(30, 4), 1))[0] == "09:00"
    assert closed_reason(saturday, HOURS, CALENDAR, LUNCH) is None
    # … an ordinary Sunday is closed, and so is a working day the hall closed for booking
    assert day_slots(date(2026, 10, 11), ZONE, HOURS, CALENDAR, LUNCH, Quota(30, 4), 1) == []
    training = BookingRules(closed_days=frozenset({date(2026, 9, 30)}))
    assert day_slots(date(2026, 9, 30), ZONE, HOURS, CALENDAR, training, Quota(30, 4), 1) == []
    assert closed_reason(date(2026, 9, 30), HOURS, CALENDAR, training) == "closed_day"


def test_a_year_the_calendar_does_not_know_books_its_weekdays() -> None:
    calendar = FixedCalendar(years=[2026])
    monday = date(2027, 1, 4)
    assert len(day_slots(monday, ZONE, HOURS, calendar, LUNCH, Quota(30, 4), 1)) == 11
    assert (
        day_slots(monday + timedelta(days=5), ZONE, HOURS, calendar, LUNCH, Quota(30, 4), 1) == []
    )


def test_the_same_day_lead_is_two_hours_to_the_minute() -> None:
    today = date(2026, 9, 30)
    slot = at(today, "10:00")
    check_bookable(slot, at(today, "08:00"), ZONE, BookingRules())
    with pytest.raises(InvalidInput) as refused:
        check_bookable(slot, at(today, "08:00:01"), ZONE, BookingRules())
    assert (refused.value.code, refused.value.params["hours"]) == ("appointment.too_soon", "2")


def test_seven_days_ahead_is_the_last_bookable_day() -> None:
    now = at(date(2026, 9, 28), "16:00")
    check_bookable(at(date(2026, 10, 5), "16:30"), now, ZONE, BookingRules())
    with pytest.raises(InvalidInput) as refused:
        check_bookable(at(date(2026, 10, 6), "09:00"), now, ZONE, BookingRules())
    assert (refused.value.code, refused.value.params["days"]) == ("appointment.too_far", 7)
    assert bookable_days(now, ZONE, BookingRules())[-1] == date(2026, 10, 5)


def test_a_slot_begun_or_past_is_refused_as_past() -> None:
    now = at(date(2026, 9, 30), "10:00")
    for start in (now, now - timedelta(days=1)):
        with pytest.raises(InvalidInput) as refused:
            check_bookable(start, now, ZONE, BookingRules(same_day_lead=timedelta(0)))
        assert refused.value.code == "appointment.past"


def test_a_full_slot_refuses_the_next_booking() -> None:
    slot = Slot(at(date(2026, 9, 30), "09:00"), at(date(2026, 9, 30), "09:30"), places=5)
    slot.take(4)
    with pytest.raises(Conflict) as refused:
        slot.take(5)
    assert (refused.value.code, refused.value.params["start"]) == ("appointment.full", "09:00")


def test_a_start_between_slots_is_no_slot() -> None:
    slots = day_slots(date(2026, 9, 30), ZONE, HOURS, CALENDAR, LUNCH, Quota(30, 4), 1)
    assert find_slot(slots, at(date(2026, 9, 30), "13:30")).end == at(date(2026, 9, 30), "14:00")
    with pytest.raises(InvalidInput) as refused:
        find_slot(slots, at(date(2026, 9, 30), "13:45"))
    assert refused.value.code == "appointment.no_slot"


def test_the_hall_file_sets_the_rules_and_each_booked_service_its_quota() -> None:
    from core.halls import DEMO_FILE, appointments_of, quota_of, read_hall_file

    # GIVEN the demo hall file WHEN it is read and stored as the hall stores it
    spec = read_hall_file(DEMO_FILE)
    stored = {"appointments": spec.hall.appointments.model_dump(mode="json")}
    services = {service.code: service.settings.model_dump() for service in spec.services}
    # THEN the rules come back as the domain's, lunch break and all
    rules = appointments_of(stored)
    assert (rules.days_ahead, rules.same_day_lead) == (7, timedelta(hours=2))
    assert rules.periods == ((time(9, 0), time(11, 30)), (time(13, 30), time(16, 30)))
    # … invoices have 6 places a slot, registration 2 per window and the taxpayer ID,
    # consultation none
    assert quota_of(services["invoice"]) == Quota(30, places=6)
    assert quota_of(services["registration"]) == Quota(30, per_window=2, taxpayer_id=True)
    assert quota_of(services["consult"]) is None
    # … and a hall stored before booking existed gets the defaults
    assert appointments_of({}) == BookingRules()


@pytest.mark.parametrize(
    ("part", "value", "words"),
    [
        (
            "periods",
            [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "15:00"}],
            "overlap",
        ),
        ("periods", [{"start": "12:00", "end": "09:00"}], "starts before it ends"),
        ("days_ahead", "7", "number"),
    ],
)
def test_a_wrong_booking_rule_refuses_the_hall_file(part: str, value: object, words: str) -> None:
    from pydantic import ValidationError

    from core.halls import AppointmentsSpec

    with pytest.raises(ValidationError, match=words):
        AppointmentsSpec.model_validate({part: value})


@pytest.mark.parametrize(
    "booking", [{"slot_minutes": 30}, {"places": 4, "places_per_window": 2}, {"places": 0}]
)
def test_a_booked_service_has_exactly_one_quota(booking: dict[str, int]) -> None:
    from pydantic import ValidationError

    from core.halls import BookingSpec

    with pytest.raises(ValidationError):
        BookingSpec.model_validate(booking)


def test_a_booking_is_cancelled_up_to_three_hours_before_its_slot() -> None:
    slot = at(date(2026, 9, 30), "14:00")
    check_cancellable(slot, at(date(2026, 9, 30), "11:00"), BookingRules())
    with pytest.raises(Conflict) as refused:
        check_cancellable(slot, at(date(2026, 9, 30), "11:00:01"), BookingRules())
    assert (refused.value.code, refused.value.params["hours"]) == (
        "appointment.cancel_too_late",
        "3",
    )


def test_the_third_no_show_within_thirty_days_blocks_booking_for_ninety() -> None:
    first = at(date(2026, 9, 1), "09:00")
    third = first + timedelta(days=30)
    missed = [first, first + timedelta(days=10), third]
    # THEN blocked from the third for 90 days, to the second
    assert blocked_until(missed, third, BookingRules()) == third + timedelta(days=90)
    assert blocked_until(missed, third + timedelta(days=90), BookingRules()) is None
    # … two are not enough, and three spread over more than 30 days are not either
    assert blocked_until(missed[:2], third, BookingRules()) is None
    spread = [first, first + timedelta(days=10), third + timedelta(seconds=1)]
    assert blocked_until(spread, third, BookingRules()) is None
    # … a hall's own limit counts too
    assert blocked_until(missed[:2], third, BookingRules(no_show_limit=2)) is not None
