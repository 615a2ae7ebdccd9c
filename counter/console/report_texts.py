"""Sentences of the reports page's script (``/console/reports``, 统计), in the page's
language; placeholders as in `counter.console.texts`."""

from __future__ import annotations

from flask_babel import gettext, pgettext

from counter.console.texts import page_texts, slots, vocabulary


def report_texts() -> dict[str, object]:
    """Every sentence of ``static/reports.js``."""
    words = vocabulary()
    return {
        **page_texts(),
        "kinds": words["kinds"],
        "modes": words["modes"],
        "bookings": {
            "booked": gettext("Booked, not yet due"),
            "checked_in": gettext("Checked in"),
            "late": pgettext("booking", "Late"),
            "no_show": pgettext("booking", "No-show"),
            "cancelled": gettext("Cancelled"),
        },
        "inMode": gettext("In %(mode)s mode", **slots("mode")),
        "noIncidents": gettext("No incident in this period."),
        "onScreen": gettext("Kiosk tickets shown on screen (no paper)"),
        "onPaper": gettext("Paper tickets handed out"),
        "registers": gettext("Register records (backfilled, mean hours)"),
        "followUps": gettext("Follow-ups (answered, mean hours)"),
        "answered": gettext("%(count)s (%(done)s, %(hours)s)", **slots("count", "done", "hours")),
        "outcomes": {
            "done": gettext("Served"),
            "transferred": pgettext("report", "Transferred"),
            "no_show": gettext("No-shows"),
            "cancelled": pgettext("report", "Gave up"),
            "expired": gettext("Still waiting at the close"),
            "open": gettext("Not finished yet"),
        },
        "channels": {
            "kiosk": gettext("Kiosk"),
            "guide": gettext("Guide desk"),
            "paper": gettext("Paper tickets"),
            "appointment": gettext("Booked (预约)"),
            "transfer": gettext("Transferred in"),
        },
        "weekdays": [
            gettext("Monday"),
            gettext("Tuesday"),
            gettext("Wednesday"),
            gettext("Thursday"),
            gettext("Friday"),
            gettext("Saturday"),
            gettext("Sunday"),
        ],
        "green": gettext("Of them green channel"),
        "wait": gettext("Waiting time"),
        "service": gettext("Service time"),
        "withinTarget": gettext("Called within %(minutes)s min", **slots("minutes")),
        "window": gettext("Window %(number)s", **slots("number")),
        "hour": gettext("%(from)s–%(to)s h", **slots("from", "to")),
        "period": gettext(
            "%(from)s to %(to)s · %(days)s days with tickets", **slots("from", "to", "days")
        ),
        "oneDay": gettext("%(from)s", **slots("from")),
        "none": gettext("Nothing in this period."),
        "chartArrivals": gettext("Arrivals a day"),
        "chartWait": gettext("Mean wait (min)"),
        "chartMinutes": gettext("Minutes"),
        "chartMean": gettext("Mean"),
        "chartMedian": gettext("Median"),
        "chartTarget": gettext("Target"),
        "chartServed": gettext("Served"),
        "chartService": gettext("Mean service (min)"),
    }


def wall_texts() -> dict[str, object]:
    """Every sentence of ``static/wall.js`` (the leader's live wall)."""
    words = vocabulary()
    return {
        **page_texts(),
        "kinds": words["kinds"],
        "modes": words["modes"],
        "closed": pgettext("window", "Closed"),
        "paused": pgettext("window", "Paused"),
        "lastWeek": gettext("Last week by now: %(value)s", **slots("value")),
        "reliefAlert": gettext(
            "%(service)s: %(count)s waiting, longest %(minutes)s min — suggest opening a "
            "dedicated window",
            **slots("service", "count", "minutes"),
        ),
        "deviceFailed": gettext("%(device)s has failed", **slots("device")),
        "ordersOverdue": gettext(
            "%(count)s work orders of bad ratings are overdue", **slots("count")
        ),
        "allWell": gettext("Nothing needs you now."),
        "chartToday": gettext("Today"),
        "chartLastWeek": gettext("Same day last week"),
    }
