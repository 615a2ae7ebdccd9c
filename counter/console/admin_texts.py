"""Sentences of the administration page's script (``/console/admin``), in the page's
language; placeholders as in `counter.console.texts`."""

from __future__ import annotations

from flask_babel import gettext

from counter.console.texts import page_texts, slots, vocabulary


def admin_texts() -> dict[str, object]:
    """Every sentence of ``static/admin.js``."""
    return {
        **page_texts(),
        "systems": vocabulary()["systems"],
        "registers": {
            "tax_registration": gettext("Tax registration register"),
            "invoice_cancellation": gettext("Invoice cancellation register"),
            "invoice_sale": gettext("Invoice sale register"),
            "filing": gettext("Filing register"),
        },
        "noRegister": gettext("No register"),
        "code": gettext("Code (letters, for the API and reports)"),
        "prefix": gettext("Ticket prefix"),
        "nameZh": gettext("Name (Chinese)"),
        "nameEn": gettext("Name (English)"),
        "minutesPerVisit": gettext("Minutes per visit"),
        "affectedBy": gettext("Sent elsewhere while these systems are down"),
        "register": gettext("Emergency register"),
        "reliefWaiting": gettext("Suggest a dedicated window at … waiting"),
        "reliefMinutes": gettext("… or at a wait of (minutes)"),
        "addService": gettext("Add the service"),
        "up": gettext("Move up"),
        "down": gettext("Move down"),
        "remove": gettext("Remove"),
        "save": gettext("Save"),
        "retire": gettext("Retire"),
        "minutesValue": gettext("%(minutes)s min", **slots("minutes")),
        "selfService": gettext("Self-service"),
        "emergencyService": gettext("Emergency windows' service"),
        "reliefValue": gettext(
            "%(waiting)s waiting or %(minutes)s min", **slots("waiting", "minutes")
        ),
        "affectedNone": gettext("Not affected"),
        "retireTitle": gettext("Retire %(name)s?", **slots("name")),
        "retireBody": gettext(
            "The kiosks stop offering it and every window stops serving it. Today's tickets "
            "and its history stay. Refused while people still wait for it."
        ),
        "serviceAdded": gettext("Service added: the kiosks offer it within seconds."),
        "serviceSaved": gettext("Service saved: every screen shows it within seconds."),
        "serviceRetired": gettext("Service retired: the kiosks no longer offer it."),
        "windowAdded": gettext("Window added."),
        "windowSaved": gettext("Window saved: it calls in the new order from its next call."),
        "windowNeedsService": gettext(
            "A window must serve at least one service: add another before removing this one."
        ),
        "windowServices": gettext("Services, in calling order"),
        "addToWindow": gettext("Add a service to this window"),
        "choose": gettext("Choose…"),
        "emergencyWindow": gettext("Emergency window (应急专窗)"),
        "windowName": gettext("Name"),
        "windowDefaultName": gettext("Window %(number)s", **slots("number")),
        "importTitle": gettext("Replace the hall's configuration with %(file)s?", **slots("file")),
        "importBody": gettext(
            "Services, windows, hours and settings become what the file says; a service "
            "the file leaves out is retired. Every screen follows within seconds."
        ),
        "importYes": gettext("Import"),
        "imported": gettext("Hall file imported: %(parts)s changed.", **slots("parts")),
        "importedSame": gettext("The file is the hall as it is: nothing changed."),
        "chooseFile": gettext("Choose a hall file (.toml) first."),
        "parts": {
            "hall": gettext("the hall's settings"),
            "services": gettext("services"),
            "windows": gettext("windows"),
            "devices": gettext("devices"),
        },
    }
