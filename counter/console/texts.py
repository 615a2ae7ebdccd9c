"""Sentences the console's script shows, rendered in the page's language.

The script gets them through the page's JSON config. A sentence with a value
keeps a ``{name}`` placeholder that the script fills (``fill()`` in
``static/util.js``): the catalog holds ``%(name)s``, and gettext is handed
``name="{name}"`` so the placeholder survives translation. Short words that
other screens might word differently carry the ``console`` context.
"""

from __future__ import annotations

from flask_babel import gettext, pgettext


def slots(*names: str) -> dict[str, str]:
    """``{name}`` placeholders that survive translation, for the script to fill."""
    return {name: "{" + name + "}" for name in names}


def vocabulary() -> dict[str, dict[str, str]]:
    """The hall's words: modes, incident kinds and levels, systems, devices, routes."""
    return {
        "modes": {
            "normal": pgettext("console", "Normal"),
            "degraded": pgettext("console", "Degraded"),
            "paper": pgettext("console", "Paper tickets"),
            "outage": pgettext("console", "System outage"),
        },
        "modeEffects": {
            "normal": gettext("No change to the hall"),
            "degraded": pgettext("console", "Degraded"),
            "paper": pgettext("console", "Paper tickets"),
            "outage": pgettext("console", "System outage"),
        },
        "kinds": {
            "power": gettext("Power failure"),
            "equipment": gettext("Equipment failure"),
            "network": gettext("Network failure"),
            "application": gettext("Application system problem"),
            "conflict": gettext("Verbal or physical conflict"),
            "public_opinion": gettext("Tax-related public opinion"),
            "other": gettext("Other incident"),
        },
        "levels": {
            "general": pgettext("console", "General"),
            "larger": pgettext("console", "Larger"),
            "major": pgettext("console", "Major"),
            "extreme": pgettext("console", "Extreme"),
        },
        "systems": {
            "backoffice": gettext("Tax back-office system"),
            "etax": gettext("E-tax system"),
            "self_service": gettext("Self-service terminals"),
        },
        "routes": {
            "normal": gettext("Windows as usual"),
            "unserved": gettext("No open window serves it"),
            "self_service": gettext("Self-service area"),
            "emergency": gettext("Emergency window"),
        },
        "windowStates": {
            "open": pgettext("console", "Open"),
            "paused": pgettext("console", "Paused"),
            "closed": pgettext("console", "Closed"),
        },
        "ticketStates": {
            "called": gettext("Called"),
            "serving": gettext("Being served"),
        },
        "deviceKinds": {
            "kiosk": gettext("Kiosk"),
            "display": gettext("Hall display"),
            "window_display": gettext("Window display"),
            "rating_pad": gettext("Rating pad"),
            "guide": gettext("Guide desk"),
            "printer": gettext("Ticket printer"),
        },
        "deviceStates": {
            "unknown": gettext("Not connected yet"),
            "ok": gettext("Working"),
            "ready": gettext("Working"),
            "paper_near_end": gettext("Paper running low"),
            "paper_out": gettext("Out of paper"),
            "cover_open": gettext("Cover open"),
            "offline": gettext("Offline"),
            "not_responding": gettext("Not responding"),
            "not_acknowledging": gettext("Not printing"),
        },
        "registerKinds": {
            "tax_registration": gettext("Tax registration register"),
            "invoice_cancellation": gettext("Invoice cancellation register"),
            "invoice_sale": gettext("Invoice sale register"),
            "filing": gettext("Filing register"),
        },
        "reasons": {
            "policy_unclear": gettext("Policy unclear"),
            "system_down": gettext("System down"),
            "other": pgettext("console", "Other"),
        },
        "extensionRules": {
            "etax_only_next_workday": gettext(
                "only the e-tax system was down: the next working day after the fault is cleared"
            ),
            "both_under_3_days_plus_1": gettext(
                "the back-office was down for less than 3 days: 1 working day later"
            ),
            "both_3_days_or_more_plus_3": gettext(
                "the back-office was down for 3 days or more: 3 working days later"
            ),
        },
    }


def day_texts() -> dict[str, str]:
    """The hall's day as the top bar says it (SPEC §4.4)."""
    return {
        "before_opening": gettext("Not issuing yet: tickets from %(opens)s", **slots("opens")),
        "open": gettext("Open · tickets until %(cutoff)s", **slots("cutoff")),
        "after_cutoff": gettext("Extended service: %(count)s still waiting", **slots("count")),
        "after_cutoff_empty": gettext(
            "Tickets stopped at %(cutoff)s; nobody waiting", **slots("cutoff")
        ),
        "after_closing": gettext("Closed for today"),
        "closed": gettext("Not a working day"),
    }


def incident_texts() -> dict[str, object]:
    """Sentences of the incidents tab."""
    return {
        "fields": {
            "level": gettext("Level"),
            "mode": gettext("Effect on the hall"),
            "systems": gettext("Systems down"),
            "devices": gettext("Devices out of order"),
            "place": gettext("Place"),
            "started": gettext("Started"),
            "ended": gettext("End time"),
            "lasted": gettext("Duration"),
            "expected": gettext("Expected recovery"),
            "leader": gettext("Duty leader"),
            "reporter": gettext("Registered by"),
            "sms": gettext("Taxpayers texted"),
            "description": gettext("Description"),
        },
        "handling": gettext("Being handled"),
        "ended": gettext("Ended"),
        "notYet": gettext("not yet"),
        "autoReported": gettext("Registered by the system"),
        "systemActor": gettext("System"),
        "recentlyEnded": gettext("Recently ended"),
        "noIncidents": gettext("No incident has been recorded."),
        "handle": gettext("Handle it"),
        "declared": gettext(
            "Incident %(number)s declared; its notice is on every screen.", **slots("number")
        ),
        "stepAdded": gettext("Step added."),
        "detailsSaved": gettext("Changes saved."),
        "nothingChanged": gettext("Nothing was changed."),
        "endTitle": gettext("End incident %(number)s?", **slots("number")),
        "endBody": gettext(
            "Its notice comes down from every screen and the hall mode is worked out again."
        ),
        "endBodySms": gettext(
            "Today's taxpayers who left a phone number are texted that service is back."
        ),
        "endYes": gettext("End the incident"),
        "endedSaid": gettext("Incident %(number)s ended.", **slots("number")),
        "extension": gettext(
            "Filing deadline %(original)s extended to %(extended)s (%(rule)s).",
            **slots("original", "extended", "rule"),
        ),
        "extensionProvisional": gettext(
            "Provisional while the fault lasts; worked out again when it ends."
        ),
        "extensionUnknownYear": gettext(
            "The working-day calendar does not know %(year)s yet: the filing-deadline extension "
            "cannot be worked out. Enter this year's arrangement in the hall's calendar.",
            **slots("year"),
        ),
        "durationMinutes": gettext("%(minutes)s min", **slots("minutes")),
        "durationHours": gettext("%(hours)s h %(minutes)s min", **slots("hours", "minutes")),
    }


def paperwork_texts() -> dict[str, object]:
    """Sentences of the backfill, follow-up and paper-ticket lists."""
    return {
        "markBackfilled": gettext("Mark as backfilled"),
        "backfilledSaid": gettext(
            "The record of %(number)s is marked as backfilled.", **slots("number")
        ),
        "backfilledBy": gettext("Backfilled by %(who)s, %(time)s", **slots("who", "time")),
        "ofIncident": gettext("incident %(number)s", **slots("number")),
        "leftToBackfill": gettext("%(count)s left", **slots("count")),
        "allBackfilled": gettext("all backfilled"),
        "answer": gettext("Answer"),
        "answerAndText": gettext("Answer and text it"),
        "answerOnly": gettext("Record the answer"),
        "answeredTexted": gettext("Answer recorded; it is texted to the taxpayer."),
        "answeredNoPhone": gettext(
            "Answer recorded. No phone number was left: tell the taxpayer another way."
        ),
        "noPhone": gettext("no phone number"),
        "recordedBy": gettext("recorded by %(who)s, %(time)s", **slots("who", "time")),
        "openQuestions": gettext("%(count)s waiting for an answer", **slots("count")),
        "notCalledList": gettext("%(count)s: %(numbers)s", **slots("count", "numbers")),
        "andMore": gettext("and %(count)s more", **slots("count")),
        "allCalled": gettext("all called"),
    }


def window_control_texts() -> dict[str, str]:
    """The duty leader's control of windows: dedicated windows, releasing one."""
    return {
        "dedicate": gettext("Dedicate"),
        "undedicate": gettext("Back to its services"),
        "release": gettext("Release"),
        "dedicatedTo": gettext("Dedicated: %(services)s", **slots("services")),
        "dedicateSuggested": gettext(
            "Make window %(window)s its dedicated window", **slots("window")
        ),
        "dedicateWhich": gettext(
            "Window %(window)s: which service does it take now?", **slots("window")
        ),
        "dedicateTitle": gettext(
            "Make window %(window)s a dedicated %(service)s window for today?",
            **slots("window", "service"),
        ),
        "dedicateBody": gettext(
            "From its next call it takes only this service; its current number stays. At the "
            "day's end it takes its own services again; “back to its services” ends it sooner."
        ),
        "dedicateYes": gettext("Dedicate the window"),
        "dedicated": gettext(
            "Window %(window)s now takes %(service)s only.", **slots("window", "service")
        ),
        "undedicated": gettext(
            "Window %(window)s takes its own services again.", **slots("window")
        ),
        "noWindowToDedicate": gettext(
            "No open window can be dedicated: open a window first, or ask a clerk to."
        ),
        "waitingCount": gettext("%(count)s waiting", **slots("count")),
        "releaseTitle": gettext("Release window %(window)s?", **slots("window")),
        "releaseBody": gettext(
            "The window closes; its number %(number)s goes back to the head of its queue.",
            **slots("number"),
        ),
        "releaseEmpty": gettext("The window closes; it holds no number."),
        "announced": gettext("Announced on the hall displays."),
        "openFor": gettext("Open for a clerk"),
        "openForWhich": gettext("Open window %(window)s for:", **slots("window")),
        "openedFor": gettext("Window %(window)s is open for %(name)s.", **slots("window", "name")),
        "pauseService": gettext("Pause its windows"),
        "resumeService": gettext("Resume its windows"),
        "servicePaused": gettext("%(service)s: %(windows)s paused.", **slots("service", "windows")),
        "serviceResumed": gettext(
            "%(service)s: %(windows)s call again.", **slots("service", "windows")
        ),
        "released": gettext("Window %(window)s released.", **slots("window")),
    }


def page_texts() -> dict[str, str]:
    """The words every console page uses: the link to the hub, refusals, common buttons."""
    return {
        "yes": pgettext("console", "Yes"),
        "no": pgettext("console", "No"),
        "cancel": gettext("Cancel"),
        "chinese": gettext("Chinese"),
        "english": gettext("English"),
        "edit": gettext("Edit"),
        "online": gettext("Hub connected"),
        "offline": gettext("Hub unreachable"),
        "connecting": gettext("Connecting…"),
        "offlineSince": gettext(
            "Since %(time)s. What you see is the hall as it was then; this page catches up "
            "by itself when the hub is back.",
            **slots("time"),
        ),
        "offlineAction": gettext(
            "The hub cannot be reached, so nothing can be changed now. Try again when it is back."
        ),
        "noAnswer": gettext(
            "The hub did not answer, so the action may not have been done. "
            "Press again to retry: it will not be done twice."
        ),
        "refused": gettext("The hub refused the request (HTTP %(status)s).", **slots("status")),
    }


def console_texts() -> dict[str, object]:
    """Every sentence of the console's script."""
    return {
        **vocabulary(),
        **incident_texts(),
        **paperwork_texts(),
        "day": day_texts(),
        **page_texts(),
        "modeBefore": gettext("Hall mode when the link was lost"),
        **window_control_texts(),
        "since": gettext("Since %(time)s", **slots("time")),
        "expectedRecovery": gettext("expected recovery %(when)s", **slots("when")),
        "window": gettext("Window %(window)s", **slots("window")),
        "windowsOpen": gettext("%(open)s of %(total)s open", **slots("open", "total")),
        "minutes": gettext("%(minutes)s min", **slots("minutes")),
        "relief": gettext("Suggest a dedicated window"),
        "emergencyService": gettext("emergency"),
        "reliefAlert": gettext(
            "%(service)s: %(count)s waiting, longest %(minutes)s min — suggest opening a "
            "dedicated window",
            **slots("service", "count", "minutes"),
        ),
        "emergencyClosed": gettext(
            "Affected services are sent to the emergency window, but %(windows)s is not open",
            **slots("windows"),
        ),
        "seeQueues": gettext("See the queues"),
        "seeDevices": gettext("See the devices"),
        "seeWorklist": gettext("See the list"),
        "devicesDown": gettext("Out of order: %(names)s", **slots("names")),
        "devicesFailed": gettext("%(count)s out of order", **slots("count")),
        "devicesAllWell": gettext("none out of order"),
        "devicesNeverConnected": gettext("%(count)s never connected", **slots("count")),
        "inIncident": gettext("incident %(number)s", **slots("number")),
        "reportedOut": gettext("Reported out of order"),
        "neverHeard": gettext("never heard from"),
        "heardJustNow": gettext("heard just now"),
        "heardMinutesAgo": gettext("heard %(minutes)s min ago", **slots("minutes")),
        "heardAt": gettext("last heard %(time)s", **slots("time")),
        "toBackfill": gettext("%(count)s register records wait to be backfilled", **slots("count")),
        "followUpsOpen": gettext("%(count)s questions wait for an answer", **slots("count")),
        "ordersOverdue": gettext(
            "%(count)s work orders of bad ratings are past their deadline",
            **slots("count"),
        ),
        "seeOrders": gettext("Follow them up"),
        "calendarUnknown": gettext(
            "The working-day calendar does not have this year's holiday arrangement: the hall "
            "counts Monday to Friday as working days and cannot work out filing-deadline "
            "extensions. Enter the State Council's arrangement in the hall's calendar overrides."
        ),
        "noticeOfIncident": gettext("Notice of incident %(number)s", **slots("number")),
        "noticeOwn": gettext("Notice posted by hand"),
        "noticePosted": gettext("Notice posted on every screen."),
        "noticeSaved": gettext("Notice saved; the screens show the new text."),
        "noticeRemoved": gettext("Notice taken down from every screen."),
        "saveNotice": gettext("Save the notice"),
        "takeDown": gettext("Take down"),
        "takeDownTitle": gettext("Take this notice down from every screen?"),
        "takeDownIncident": gettext("The incident stays open; only its notice comes down."),
        "ledgerBetween": gettext("From %(from)s to %(to)s", **slots("from", "to")),
        "ledgerFrom": gettext("From %(from)s on", **slots("from")),
        "ledgerUntil": gettext("Up to %(to)s", **slots("to")),
        "ledgerAll": gettext("Every incident ever recorded"),
        "ledgerWrongOrder": gettext("The period ends before it starts: change one of the dates."),
    }
