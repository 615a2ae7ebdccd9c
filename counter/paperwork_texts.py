"""Sentences of the continuity paperwork on the staff screens (SPEC §7): the emergency
registers and their backfill at the counter, paper tickets and follow-ups at the guide desk.

Same conventions as `counter.texts`: a ``{name}`` placeholder survives translation
and the script fills it.
"""

from __future__ import annotations

from flask_babel import gettext, pgettext


def _placeholders(*names: str) -> dict[str, str]:
    return {name: "{" + name + "}" for name in names}


def register_kinds() -> dict[str, str]:
    """The four registers (登记簿) of the bureau's emergency plan, by the hub's kind code."""
    return {
        "tax_registration": pgettext("register", "Tax registration"),
        "invoice_cancellation": pgettext("register", "Invoice cancellation"),
        "invoice_sale": pgettext("register", "Invoice sale"),
        "filing": pgettext("register", "Tax filing"),
    }


def register_texts() -> dict[str, object]:
    """The window terminal's register panel (during an outage) and backfill worklist (after)."""
    return {
        "kinds": register_kinds(),
        "requested": gettext("Requested service: %(service)s", **_placeholders("service")),
        "registerFor": gettext("Register for %(number)s", **_placeholders("number")),
        "registerNoTicket": gettext(
            "Each register entry belongs to a ticket: call the taxpayer first (F1)."
        ),
        "example": gettext("e.g. %(example)s", **_placeholders("example")),
        "formsLoading": gettext("Loading the register forms…"),
        "yes": gettext("Yes"),
        "no": gettext("No"),
        "saving": gettext("Saving…"),
        "saved": gettext(
            "%(kind)s register of %(number)s saved: to backfill once the system is back.",
            **_placeholders("kind", "number"),
        ),
        "notSaved": gettext("Not saved: correct the marked field."),
        "unsaved": gettext(
            "The register entry for %(number)s is not saved yet: save it (Enter) or clear it.",
            **_placeholders("number"),
        ),
        "cleared": gettext("Register form cleared."),
        "toBackfill": gettext("To backfill"),
        "savedForTicket": gettext("Saved for %(number)s", **_placeholders("number")),
        "worklistCount": gettext("To backfill in the hall: %(count)s", **_placeholders("count")),
        "recorded": gettext("%(time)s · %(staff)s", **_placeholders("time", "staff")),
        "incident": gettext("Incident %(incident)s", **_placeholders("incident")),
        "markEntered": gettext("Mark entered"),
        "marking": gettext("Marking…"),
        "entered": gettext(
            "%(kind)s record of %(number)s marked as entered into the tax system.",
            **_placeholders("kind", "number"),
        ),
        "stillDown": gettext(
            "Incident %(incident)s is still open: backfill after the system is back.",
            **_placeholders("incident"),
        ),
        "worklistTitle": gettext("To backfill (%(count)s)", **_placeholders("count")),
        "mine": gettext("yours"),
    }


def paper_texts() -> dict[str, object]:
    """The guide desk's paper-ticket registration and reconciliation."""
    return {
        "paperPreview": gettext(
            "%(service)s %(first)s–%(last)s: %(count)s tickets",
            **_placeholders("service", "first", "last", "count"),
        ),
        "paperPreviewOne": gettext(
            "%(service)s %(first)s: one ticket", **_placeholders("service", "first")
        ),
        "paperRegistered": gettext(
            "Paper tickets %(first)s–%(last)s registered: the windows call them in order.",
            **_placeholders("first", "last"),
        ),
        "paperRegisteredOne": gettext(
            "Paper ticket %(first)s registered: the windows call it in order.",
            **_placeholders("first"),
        ),
        "paperWrongPrefix": gettext(
            "%(number)s is not a %(service)s number: its numbers start with %(prefix)s.",
            **_placeholders("number", "service", "prefix"),
        ),
        "paperFirstMissing": gettext("Enter the first number handed out, e.g. C051."),
        "paperNoService": gettext("Choose the service, or type the number with its letter."),
        "paperNone": gettext("No paper tickets registered today."),
        "allCalled": gettext("all called"),
        "modeNote": gettext(
            "Paper tickets in use: tickets issued here are not printed. Tell the taxpayer "
            "the number or write it on a paper ticket; tick the box to print after all."
        ),
    }


def follow_up_texts() -> dict[str, object]:
    """The guide desk's follow-up ledger (待答复)."""
    return {
        "reasons": {
            "policy_unclear": gettext("Policy unclear"),
            "system_down": gettext("System down"),
            "other": gettext("Other"),
        },
        "followUpSaved": gettext(
            "Question recorded; the answer will be texted to %(phone)s.", **_placeholders("phone")
        ),
        "followUpSavedNoPhone": gettext(
            "Question recorded. Without a phone number the answer cannot be texted."
        ),
        "followUpsNone": gettext("No open questions."),
        "followUpsDevice": gettext(
            "The list of open questions needs a staff login; below are the ones recorded "
            "on this screen."
        ),
        "ticketOf": gettext("ticket %(number)s", **_placeholders("number")),
    }
