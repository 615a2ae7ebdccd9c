"""Sentences the kiosk and status page scripts show, rendered in the page's language.

The scripts get them through the page's JSON config. A sentence with a number
keeps a ``{name}`` placeholder that the script fills (``fill()`` in
``static/text.js``): the catalog holds ``%(name)s``, and gettext is handed
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

MODES = {
    "degraded": lazy_gettext("some equipment is out of order"),
    "paper": lazy_gettext("paper tickets in use"),
    "outage": lazy_gettext("tax system outage"),
}
"""Hall modes other than normal (SPEC §7). The continuity work will word them fully."""


def _placeholders(*names: str) -> dict[str, str]:
    return {name: "{" + name + "}" for name in names}


def common_texts() -> dict[str, object]:
    """Sentences both taxpayer screens use."""
    return {
        "mode": gettext("Hall status: %(mode)s", **_placeholders("mode")),
        "modes": {code: str(text) for code, text in MODES.items()},
        "ahead": gettext("%(count)s people ahead of you", **_placeholders("count")),
        "ahead_one": gettext("1 person ahead of you"),
        "ahead_none": gettext("Nobody is ahead of you"),
        "estimate": gettext("Estimated wait: about %(minutes)s min", **_placeholders("minutes")),
        "estimate_none": gettext("You will be called soon"),
    }


def kiosk_texts() -> dict[str, object]:
    """Sentences of the kiosk script."""
    return {
        **common_texts(),
        "waiting": gettext("%(count)s waiting", **_placeholders("count")),
        "wait_minutes": gettext("about %(minutes)s min", **_placeholders("minutes")),
        "wait_none": gettext("no wait"),
        "green": gettext("Green channel"),
        "hint_plain": gettext("Tap once to get your ticket"),
        "hint_green": gettext("Green channel: tap your business to get a priority ticket"),
        "hint_details": gettext("Tap your business, then enter your phone or taxpayer ID"),
        "issuing": gettext("Getting your ticket…"),
        "not_issuing": gettext("No tickets are being issued now"),
        "not_issuing_help": gettext(
            "If you already have a ticket, you will still be served. For help, please go to the guide desk."
        ),
        "network_error": gettext(
            "The ticket system did not answer. Please tap again, or go to the guide desk."
        ),
        "print": {
            "printed": gettext("Please take your ticket"),
            "failed": gettext(
                "Printing failed. Please write down your number, or go to the guide desk."
            ),
            "pending": gettext("Please write down your number"),
        },
        "back_in": gettext("Back to the start in %(seconds)s s", **_placeholders("seconds")),
    }


def status_texts() -> dict[str, object]:
    """Sentences of the status page script."""
    return {
        **common_texts(),
        "states": {state: str(text) for state, text in TICKET_STATES.items()},
        # A context of its own: other screens word "Window %(window)s" their way.
        "window": pgettext("status page", "Window %(window)s", **_placeholders("window")),
        "updated": gettext("Updated %(time)s", **_placeholders("time")),
        "offline_since": gettext(
            "No connection to the hall since %(time)s. What you see may be out of date.",
            **_placeholders("time"),
        ),
    }
