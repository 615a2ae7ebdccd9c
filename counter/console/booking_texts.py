"""Sentences of the bookings page's script (``/console/appointments``, 预约办税), in the
page's language; placeholders as in `counter.console.texts`."""

from __future__ import annotations

from flask_babel import gettext, pgettext

from counter.console.texts import page_texts, slots


def booking_texts() -> dict[str, object]:
    """Every sentence of ``static/appointments.js``."""
    return {
        **page_texts(),
        "states": {
            "booked": gettext("Booked"),
            "checked_in": gettext("Checked in"),
            "late": pgettext("booking", "Late"),
            "no_show": pgettext("booking", "No-show"),
            "cancelled": gettext("Cancelled"),
        },
        "channels": {
            "phone": gettext("Booking page"),
            "api": gettext("Booking platform"),
        },
        "closed": {
            "not_workday": gettext("The hall is closed this day."),
            "closed_day": gettext("Closed for booking."),
        },
        "open": gettext("Taking bookings."),
        "slot": gettext("%(start)s–%(end)s", **slots("start", "end")),
        "places": gettext("%(taken)s / %(places)s", **slots("taken", "places")),
        "closeTitle": gettext("Close %(day)s for booking?", **slots("day")),
        "closeBody": gettext(
            "Its %(count)s open bookings are cancelled, and each is texted the reason.",
            **slots("count"),
        ),
        "closeYes": gettext("Close the day"),
        "dayClosed": gettext(
            "%(day)s closed; %(count)s bookings cancelled and texted.", **slots("day", "count")
        ),
        "dayOpened": gettext("%(day)s takes bookings again.", **slots("day")),
        "needReason": gettext("Please give the reason first."),
        "blockedUntil": gettext("Booking blocked until %(day)s (no-shows).", **slots("day")),
        "notBlocked": gettext("May book."),
        "noBookings": gettext("No bookings."),
    }
