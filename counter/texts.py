"""Sentences the counter and guide desk scripts show, rendered in the page's language.

The scripts get them through the page's JSON config. A sentence with a value
keeps a ``{name}`` placeholder that the script fills (``fill()`` in
``static/staff.js``): the catalog holds ``%(name)s``, and gettext is handed
``name="{name}"`` so the placeholder survives translation.
"""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext, pgettext

from counter.paperwork_texts import follow_up_texts, paper_texts, register_texts

WINDOW_STATES = {
    "closed": lazy_gettext("Closed"),
    "open": lazy_gettext("Open"),
    "paused": lazy_gettext("Paused"),
}
TICKET_STATES = {
    "waiting": lazy_gettext("Waiting"),
    "called": lazy_gettext("Called"),
    "serving": lazy_gettext("Being served"),
    "no_show": lazy_gettext("No-show"),
    "done": lazy_gettext("Done"),
}
CHANNELS = {
    "kiosk": lazy_gettext("Kiosk"),
    "guide": lazy_gettext("Guide desk"),
    "paper": lazy_gettext("Paper ticket"),
    "appointment": lazy_gettext("Appointment"),
    "transfer": lazy_gettext("Transferred"),
}
PRINT_STATES = {
    "none": lazy_gettext("Not printed: tell the taxpayer the number"),
    "pending": lazy_gettext("Printing…"),
    "sent": lazy_gettext("Printing…"),
    "printed": lazy_gettext("Printed"),
    "failed": lazy_gettext("Printing failed: write the number down for the taxpayer"),
}


def _placeholders(*names: str) -> dict[str, str]:
    return {name: "{" + name + "}" for name in names}


def _words(table: dict[str, object]) -> dict[str, str]:
    return {code: str(text) for code, text in table.items()}


def hall_modes() -> dict[str, str]:
    """The hall's modes (SPEC §7) as the staff screens name them, always on show."""
    return {
        "normal": pgettext("hall mode", "Normal"),
        "degraded": pgettext("hall mode", "Degraded"),
        "paper": pgettext("hall mode", "Paper tickets"),
        "outage": pgettext("hall mode", "System outage"),
        "unknown": pgettext("hall mode", "Unknown: hub unreachable"),
    }


def counter_guidance() -> dict[str, str]:
    """What each hall mode means at a window: what to do, not where to go."""
    return {
        "degraded": gettext(
            "Some equipment is out of order; calling goes on as usual "
            "(the devices are on the duty leader's console)."
        ),
        "paper": gettext(
            "Paper tickets: the guide desk's paper tickets are called in order with the others; "
            "call the next taxpayer as usual (F1)."
        ),
        "outage": gettext(
            "Tax system outage: affected business is checked and recorded at the emergency "
            "window, and entered once the systems are back."
        ),
    }


def guide_guidance() -> dict[str, str]:
    """What each hall mode means at the guide desk: what to do here."""
    return {
        "degraded": gettext(
            "Some equipment is out of order: issue a ticket here for anyone who cannot get one "
            "at a kiosk."
        ),
        "paper": gettext(
            "No kiosk can print: hand out paper tickets and register the numbers you hand out "
            "(Paper tickets tab)."
        ),
        "outage": gettext(
            "Tax system outage: send affected business to the self-service area where it can be "
            "done there; otherwise issue a ticket for the emergency window."
        ),
    }


def staff_texts() -> dict[str, object]:
    """Sentences both staff screens use."""
    return {
        "modes": hall_modes(),
        "windowStates": _words(WINDOW_STATES),
        "window": gettext("Window %(window)s", **_placeholders("window")),
        "emergencyWindow": gettext("Emergency window"),
        "minutes": gettext("%(minutes)s min", **_placeholders("minutes")),
        "waitingCount": gettext("%(count)s waiting", **_placeholders("count")),
        "longest": gettext("longest %(minutes)s min", **_placeholders("minutes")),
        "noWindow": gettext("no open window serves it"),
        "transferUnserved": gettext(
            "No open window serves %(service)s: %(number)s would wait until one opens. "
            "Press Enter again to transfer anyway.",
            **_placeholders("service", "number"),
        ),
        "noAnswer": gettext(
            "The hub did not answer, so the action may not have been done. "
            "Press again to retry: it will not be done twice."
        ),
        "refused": gettext(
            "The hub refused the request (HTTP %(status)s).", **_placeholders("status")
        ),
        "notANumber": gettext(
            "%(text)s is not a ticket number (a letter and digits, e.g. C051).",
            **_placeholders("text"),
        ),
        "levels": {
            "2": gettext("Dissatisfied"),
            "1": gettext("Very dissatisfied"),
        },
        "ratedBad": gettext("%(number)s rated %(level)s", **_placeholders("number", "level")),
        "orderOpen": gettext("Being followed up by the duty leader"),
        "orderClosed": gettext("Followed up and closed"),
        "appealState": gettext("Appeal: %(state)s", **_placeholders("state")),
        "appealStates": {
            "pending": gettext("waiting for the administrator's decision"),
            "upheld": gettext("upheld: the rating is left out of the figures"),
            "rejected": gettext("rejected"),
        },
        "appealReason": gettext("Why the rating is wrong"),
        "appeal": gettext("Appeal"),
        "appealed": gettext(
            "The appeal of %(number)s's rating is with the administrator.",
            **_placeholders("number"),
        ),
        "reconnected": gettext("The hub is back; this screen is up to date again."),
        "since": gettext("Since %(time)s", **_placeholders("time")),
    }


def counter_texts() -> dict[str, object]:
    """Sentences of the window terminal's script."""
    return {
        **staff_texts(),
        "guidance": counter_guidance(),
        "ticketStates": _words(TICKET_STATES),
        "channels": _words(CHANNELS),
        "open": gettext("Open window"),
        "close": gettext("Close window"),
        "pause": gettext("Pause"),
        "resume": gettext("Resume"),
        "loading": gettext("Loading the window…"),
        "free": gettext("No current ticket. Press F1 to call the next taxpayer."),
        "closedHint": gettext("This window is closed. Press F9 to open it."),
        "pausedHint": gettext("Paused: nobody is called to this window. Press F7 to resume."),
        "notYours": gettext(
            "Window %(window)s is open for %(staff)s. You cannot act on it from this login.",
            **_placeholders("window", "staff"),
        ),
        "closedFirst": gettext("The window is closed; open it first (F9)."),
        "pausedFirst": gettext("The window is paused; resume it first (F7)."),
        "busy": gettext(
            "Finish, transfer or mark %(number)s as a no-show first.", **_placeholders("number")
        ),
        "noTicket": gettext("There is no current ticket."),
        "recallCalledOnly": gettext(
            "%(number)s is being served; only a called ticket can be recalled.",
            **_placeholders("number"),
        ),
        "noShowCalledOnly": gettext(
            "%(number)s is being served; only a called ticket can be marked as a no-show.",
            **_placeholders("number"),
        ),
        "recallsFirst": gettext(
            "Recall %(number)s %(required)s times before marking it as a no-show "
            "(recalled %(recalls)s so far).",
            **_placeholders("number", "required", "recalls"),
        ),
        "alreadyServing": gettext(
            "Service of %(number)s has already started.", **_placeholders("number")
        ),
        "startFirst": gettext("Start service first (F4)."),
        "closeBusy": gettext(
            "Finish, transfer or mark %(number)s first; then close the window.",
            **_placeholders("number"),
        ),
        "nobodyWaiting": gettext("Nobody is waiting for this window."),
        "done": {
            "open": gettext("Window open."),
            "close": gettext("Window closed."),
            "pause": gettext("Window paused: nobody is called here."),
            "resume": gettext("Window open again."),
            "call-next": gettext("%(number)s called.", **_placeholders("number")),
            "call": gettext("%(number)s called.", **_placeholders("number")),
            "recall": gettext("%(number)s called again.", **_placeholders("number")),
            "no-show": gettext("%(number)s marked as a no-show.", **_placeholders("number")),
            "start": gettext("Serving %(number)s.", **_placeholders("number")),
            "finish": gettext("%(number)s done.", **_placeholders("number")),
            "rating/offer": gettext(
                "The rating pad asks again for a rating of %(number)s.", **_placeholders("number")
            ),
            "transfer": gettext(
                "%(number)s transferred to %(target)s.", **_placeholders("number", "target")
            ),
        },
        "recalls": gettext(
            "Recalled %(recalls)s of %(required)s times", **_placeholders("recalls", "required")
        ),
        "none": gettext("not given"),
        "transferTitle": gettext("Transfer %(number)s", **_placeholders("number")),
        "chooseTarget": gettext("Choose a service or a window first."),
        "logCall": gettext("called"),
        "logRecall": gettext("recalled"),
        "logFinish": gettext("finished"),
        "logNoShow": gettext("marked as a no-show"),
        "logTransfer": gettext("transferred"),
        "logManual": gettext("called by hand (not in HallQ)"),
        "logSettled": {
            "served": gettext("called by hand, entered as served"),
            "no_show": gettext("called by hand, entered as a no-show"),
            "at_window": gettext("called by hand, entered as at the window"),
            "dismissed": gettext("noted by mistake, not called"),
        },
        "reconcileOutcomes": {
            "served": gettext("Served"),
            "no_show": pgettext("reconcile", "No-show"),
            "at_window": gettext("At the window now"),
            "dismissed": gettext("Not called"),
        },
        "logEmpty": gettext("No calls recorded on this computer today."),
        "lastKnown": gettext(
            "Last known ticket at this window: %(number)s (%(state)s)",
            **_placeholders("number", "state"),
        ),
        "noted": gettext("%(number)s noted.", **_placeholders("number")),
        "offlineAction": gettext("The hub is unreachable: call by hand and note the numbers."),
        "stillBusy": gettext("The last action is still under way; press again in a moment."),
        **register_texts(),
    }


def guide_texts() -> dict[str, object]:
    """Sentences of the guide desk's script."""
    return {
        **staff_texts(),
        "guidance": guide_guidance(),
        "printStates": _words(PRINT_STATES),
        "issuing": gettext("Issuing…"),
        "ahead": gettext("%(count)s people ahead", **_placeholders("count")),
        "aheadNone": gettext("Nobody ahead"),
        "estimate": gettext("about %(minutes)s min", **_placeholders("minutes")),
        "issued": gettext("Ticket %(number)s issued.", **_placeholders("number")),
        "requeued": gettext(
            "%(number)s is waiting again, with %(count)s people ahead.",
            **_placeholders("number", "count"),
        ),
        "checkedIn": gettext(
            "Booking checked in: ticket %(number)s, called first within its time.",
            **_placeholders("number"),
        ),
        "checkedInLate": gettext(
            "The booked time has passed: %(number)s is an ordinary ticket.",
            **_placeholders("number"),
        ),
        "windowFree": gettext("free"),
        "noWait": gettext("nobody waiting"),
        **paper_texts(),
        **follow_up_texts(),
    }
