"""Sentences the kiosk and status page scripts show, rendered in the page's language.

The scripts get them through the page's JSON config. A sentence with a number
keeps a ``{name}`` placeholder that the script fills (``fill()`` in
``static/common.js``): the catalog holds ``%(name)s``, and gettext is handed
``name="{name}"`` so the placeholder survives translation.
"""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext, pgettext

TICKET_STATES = {
    "waiting": lazy_gettext("Waiting for your turn"),
    "called": lazy_gettext("Called — please go to the window"),
    "serving": lazy_gettext("Being served"),
    "done": lazy_gettext("Finished"),
    "no_show": lazy_gettext("Missed — please go to the guide desk"),
    "cancelled": lazy_gettext("Cancelled"),
    "transferred": lazy_gettext("Transferred — waiting again"),
    "expired": lazy_gettext("Expired"),
}
"""A ticket's state in words (SPEC §4.1)."""

PAPER = {
    "title": lazy_gettext("Please get a paper ticket at the guide desk"),
    "help": lazy_gettext(
        "The kiosks are not issuing tickets now. Wait for the number on your paper ticket to be called."
    ),
}
"""The kiosk's start screen in paper mode (SPEC §7), shown in both languages at once."""


def _placeholders(*names: str) -> dict[str, str]:
    return {name: "{" + name + "}" for name in names}


def common_texts() -> dict[str, object]:
    """Sentences both taxpayer screens use."""
    return {
        "ahead": gettext("%(count)s people ahead of you", **_placeholders("count")),
        "ahead_one": gettext("1 person ahead of you"),
        "ahead_none": gettext("Nobody is ahead of you"),
        "estimate": gettext("Estimated wait: about %(minutes)s min", **_placeholders("minutes")),
        "estimate_none": gettext("You will be called soon"),
        "route_emergency": gettext(
            "Because of a system outage, your %(business)s business is handled at the "
            "emergency window; your number and your place stay the same.",
            **_placeholders("business"),
        ),
        "route_self_service": gettext(
            "Because of a system outage, the windows cannot do this business now: "
            "please use the self-service area."
        ),
        "estimate_no_window": gettext(
            "No open window handles this business yet, so the wait cannot be estimated"
        ),
        "extension": gettext(
            "The filing deadline of this period is extended to %(date)s", **_placeholders("date")
        ),
        "extension_provisional": gettext("(final once the systems are restored)"),
    }


def day_texts() -> dict[str, object]:
    """Why the kiosk issues no ticket now, and when it will (SPEC §4.4)."""
    hours = gettext(
        "Opening hours %(opens)s–%(closes)s; tickets until %(cutoff)s",
        **_placeholders("opens", "closes", "cutoff"),
    )
    return {
        "before_opening": {
            "title": gettext("Tickets are not issued yet"),
            "lines": [gettext("Tickets are issued from %(opens)s today", **_placeholders("opens"))],
        },
        "after_cutoff": {
            "title": gettext("No more tickets today"),
            "lines": [
                gettext("Tickets were issued until %(cutoff)s", **_placeholders("cutoff")),
                gettext(
                    "If you already have a ticket, please keep waiting: the windows serve everyone who has one."
                ),
            ],
        },
        "after_closing": {"title": gettext("The hall is closed for today"), "lines": [hours]},
        "closed": {
            "title": gettext("The hall is closed today"),
            "lines": [
                gettext(
                    "Working days: %(opens)s–%(closes)s; tickets until %(cutoff)s",
                    **_placeholders("opens", "closes", "cutoff"),
                )
            ],
        },
        "still_waiting": gettext(
            "%(count)s people are still waiting to be served", **_placeholders("count")
        ),
        "still_waiting_one": gettext("1 person is still waiting to be served"),
    }


def kiosk_texts() -> dict[str, object]:
    """Sentences of the kiosk script."""
    return {
        **common_texts(),
        "day": day_texts(),
        "waiting": gettext("%(count)s waiting", **_placeholders("count")),
        "checkin_slot": gettext("Booked %(start)s–%(end)s", **_placeholders("start", "end")),
        "checkin_late": gettext(
            "Your booked time has passed: this is an ordinary ticket, in the queue with everyone."
        ),
        "wait_minutes": gettext("about %(minutes)s min", **_placeholders("minutes")),
        "wait_none": gettext("no wait"),
        "wait_no_window": gettext("no window open for it yet"),
        "green": gettext("Green channel"),
        "hint_plain": gettext("Tap your business to get your ticket"),
        "hint_green": gettext("Green channel: tap your business to get a priority ticket"),
        "hint_sms": gettext("Tap your business, then enter your mobile number"),
        "details_help": gettext(
            "Or first enter a mobile number (an SMS before your turn) "
            "or a taxpayer ID (a faster start at the window):"
        ),
        "sms_help": gettext(
            "This kiosk cannot print: enter your mobile number to get your number by SMS"
        ),
        "issuing": gettext("Getting your ticket…"),
        "not_issuing": gettext("No tickets are being issued now"),
        "network_error": gettext(
            "The ticket system did not answer. Please tap again, or go to the guide desk."
        ),
        "print": {
            "printed": gettext("Please take your ticket"),
            "failed": gettext("Not printed: please write down your number"),
            "pending": gettext("Please write down your number"),
        },
        "sms_sent": gettext(
            "Your number will also be sent by SMS to %(phone)s", **_placeholders("phone")
        ),
        "back_in": gettext("Back to the start in %(seconds)s s", **_placeholders("seconds")),
        # Under a service's name on its button: short, a button is half the screen wide.
        "route": {
            "self_service": pgettext("service button", "Go to self-service"),
            "emergency": pgettext("service button", "Emergency window"),
            "relief": gettext("Long queue: you can also use the self-service area"),
        },
        "served_at_emergency": gettext("Served at the emergency window"),
        "emergency_help": gettext(
            "During the system outage the emergency window checks your documents and records your "
            "business; it is completed once the systems are back."
        ),
    }


def status_texts() -> dict[str, object]:
    """Sentences of the status page script."""
    return {
        **common_texts(),
        "states": {state: str(text) for state, text in TICKET_STATES.items()},
        "modes": {
            "degraded": gettext(
                "Some equipment in the hall is out of order. Your place in the queue is not affected."
            ),
            "paper": gettext(
                "The hall is issuing paper tickets. Your number stays valid: keep waiting for it."
            ),
            "outage": gettext(
                "Tax system outage: some business goes to the emergency window. Please read the notice below."
            ),
        },
        # A context of its own: other screens word "Window %(window)s" their way.
        "window": pgettext("status page", "Window %(window)s", **_placeholders("window")),
        "updated": gettext("Updated %(time)s", **_placeholders("time")),
        "offline_since": gettext(
            "No connection to the hall since %(time)s. What you see may be out of date.",
            **_placeholders("time"),
        ),
        "levels": {
            "5": gettext("Very satisfied"),
            "4": gettext("Satisfied"),
            "3": gettext("Basically satisfied"),
            "2": gettext("Dissatisfied"),
            "1": gettext("Very dissatisfied"),
        },
        "rated": gettext("Your rating: %(level)s", **_placeholders("level")),
        "rate_failed": gettext("The rating could not be sent; please try again."),
    }


def booking_texts() -> dict[str, object]:
    """Sentences of the booking page script (预约办税)."""
    return {
        "weekdays": [
            gettext("Mon"),
            gettext("Tue"),
            gettext("Wed"),
            gettext("Thu"),
            gettext("Fri"),
            gettext("Sat"),
            gettext("Sun"),
        ],
        "today": pgettext("booking", "Today"),
        "closed": {
            "not_workday": pgettext("booking", "Closed"),
            "closed_day": gettext("No bookings"),
        },
        "closed_day": {
            "not_workday": gettext("The hall is closed that day: please choose another."),
            "closed_day": gettext("The hall takes no bookings that day: please choose another."),
        },
        "no_slots": gettext("No time is left that day: please choose another."),
        "left": pgettext("booking", "%(count)s left", **_placeholders("count")),
        "full": gettext("Full"),
        "too_late": gettext("Closed for booking"),
        "chosen": gettext(
            "%(service)s, %(day)s %(start)s–%(end)s",
            **_placeholders("service", "day", "start", "end"),
        ),
        "code_sent": gettext("A code has been sent to %(phone)s.", **_placeholders("phone")),
        "resend": gettext("Send again (%(seconds)s s)", **_placeholders("seconds")),
        "send_code": gettext("Send me a code"),
        "booked": gettext("You are booked"),
        "moved": gettext("Your booking has been moved"),
        "found": gettext("Your booking"),
        "cancelled": gettext("Your booking has been cancelled"),
        "states": {
            "booked": gettext("Booked"),
            "checked_in": gettext("Checked in"),
            "cancelled": gettext("Cancelled"),
            "no_show": gettext("Missed"),
        },
        "confirm_cancel": gettext("Cancel this booking? The time goes to someone else."),
        "change_title": gettext("Choose the new day and time, then confirm"),
        "confirm_change": gettext("Move my booking here"),
        "book": gettext("Book"),
        "offline": gettext("No connection to the hall: please check your network and try again."),
        "need_phone": gettext("Please enter your mobile number."),
        "need_code": gettext("Please enter the code from the SMS."),
    }
