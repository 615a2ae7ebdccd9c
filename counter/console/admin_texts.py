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
        "hoursSaved": gettext("Hours saved: the kiosks follow them from now on."),
        "rulesSaved": gettext("Calling rules saved: they apply from the next call."),
        "monthTitle": gettext("%(month)s/%(year)s", **slots("year", "month")),
        "dayTitle": gettext("%(weekday)s %(day)s/%(month)s", **slots("month", "day", "weekday")),
        "weekdays": [
            gettext("Mon"),
            gettext("Tue"),
            gettext("Wed"),
            gettext("Thu"),
            gettext("Fri"),
            gettext("Sat"),
            gettext("Sun"),
        ],
        "statutory": {
            "workday": gettext("a working day"),
            "weekend": gettext("a weekend"),
            "holiday": gettext("a public holiday"),
            "adjusted_workday": gettext("a working day in lieu (调休上班)"),
            "unknown": gettext("not in the installed calendar"),
        },
        "offTag": gettext("Off"),
        "workTag": gettext("Work"),
        "hallOwn": gettext("Set by the hall"),
        "deadlineTag": gettext("Filing deadline"),
        "pickDay": gettext(
            "Tap a day to open or close the hall on it, or to make it the month's filing deadline."
        ),
        "dayOpen": gettext("the hall is open"),
        "dayClosed": gettext("the hall is closed"),
        "dayUnknown": gettext("not known: enter the year's arrangement"),
        "byHall": gettext(" (set by the hall)"),
        "setOpen": gettext("Open this day"),
        "setClosed": gettext("Closed this day"),
        "setStatutory": gettext("As the statutory calendar says"),
        "makeDeadline": gettext("Make it this month's filing deadline"),
        "daySaved": gettext("Day saved: every screen follows within seconds."),
        "deadlineSaved": gettext("Filing deadline saved."),
        "deadlineOfficial": gettext(
            "Filing deadline: the %(day)s (official filing calendar)", **slots("day")
        ),
        "deadlineDefault": gettext(
            "Filing deadline: the %(day)s (the 15th, moved past non-working days)", **slots("day")
        ),
        "deadlineUnknown": gettext(
            "Filing deadline: unknown until the year's arrangement is entered"
        ),
        "yearUnknown": gettext(
            "The installed calendar has no holiday arrangement for %(year)s. Enter the State "
            "Council's arrangement day by day: close each public holiday, open each working day "
            "in lieu. From the first day entered, the hall counts Monday to Friday as working "
            "days plus what you entered.",
            **slots("year"),
        ),
        "yearEntered": gettext(
            "The installed calendar has no arrangement for %(year)s: the hall counts Monday to "
            "Friday plus the days entered here. Check them against the State Council's notice.",
            **slots("year"),
        ),
        "probeSystem": gettext("System"),
        "probeUrl": gettext("Health URL"),
        "probeEvery": gettext("Every (s)"),
        "probeTimeout": gettext("Timeout (s)"),
        "probeFailures": gettext("Failures before an outage"),
        "probesSaved": gettext("Probes saved: the hub probes with them from now on."),
        "quietSaved": gettext("Quiet hours saved."),
        "retentionSaved": gettext("Retention saved: the next erasure follows it."),
        "ledgerSaved": gettext("Ledger setting saved."),
        "isSet": gettext("set"),
        "notSet": gettext("not set"),
        "on": gettext("on"),
        "off": gettext("off"),
        "senders": {
            "log": gettext("written to the hub's log file (no gateway)"),
            "http": gettext("the HTTP SMS gateway"),
        },
        "smsSender": gettext("SMS are sent by"),
        "smsGateway": gettext("Gateway"),
        "smsHeaders": gettext("Gateway credentials"),
        "smsTemplate": gettext("Gateway request template"),
        "smsDispatch": gettext("Sending"),
        "smsCap": gettext("SMS per phone per day, at most"),
        "database": gettext("Database"),
        "secretKey": gettext("Session key from the environment"),
        "roles": {
            "staff": gettext("Counter staff"),
            "guide": gettext("Guide desk"),
            "leader": gettext("Duty leader"),
            "admin": gettext("Administrator"),
        },
        "role": gettext("Role"),
        "ratingsSaved": gettext("Rating settings saved."),
        "uploadSender": gettext("Uploader"),
        "uploaders": {
            "log": gettext("Log file only (var/ratings-upload.log)"),
            "http": gettext("The platform's HTTP API"),
        },
        "uploadPlatform": gettext("Platform"),
        "uploadDispatch": gettext("This hub uploads"),
        "uploadHeaders": gettext("Platform credentials"),
        "uploadTemplate": gettext("Platform request template"),
        "fullName": gettext("Full name"),
        "staffNumber": gettext("Staff no."),
        "uploadPhoto": gettext("Add a photo"),
        "changePhoto": gettext("Change the photo"),
        "removePhoto": gettext("Remove the photo"),
        "photoSaved": gettext("Photo saved: the rating pad shows it from the next service."),
        "photoRemoved": gettext("Photo removed."),
        "resetPassword": gettext("Reset password"),
        "disable": gettext("Disable"),
        "enable": gettext("Enable"),
        "endSessions": gettext("End sessions"),
        "active": gettext("Active"),
        "disabled": gettext("Disabled"),
        "locked": gettext("Locked after failed logins"),
        "passwordOnce": gettext(
            "The password of %(username)s, shown this once: hand it to the person.",
            **slots("username"),
        ),
        "resetTitle": gettext("Give %(username)s a new password?", **slots("username")),
        "resetBody": gettext(
            "The old password stops working and every open session of the account ends."
        ),
        "disableTitle": gettext("Disable %(username)s?", **slots("username")),
        "disableBody": gettext(
            "The account can no longer log in; its open counters and consoles close within "
            "seconds. Its history stays."
        ),
        "accountSaved": gettext("Account saved."),
        "accountDisabled": gettext("Account disabled: its sessions have ended."),
        "accountEnabled": gettext("Account enabled: it may log in again."),
        "sessionsEnded": gettext("Every session of the account has ended."),
        "name": gettext("Name"),
        "englishName": gettext("English name"),
        "kinds": {
            "kiosk": gettext("Ticket kiosk"),
            "display": gettext("Hall display"),
            "window_display": gettext("Window display"),
            "rating_pad": gettext("Rating pad"),
            "guide": gettext("Guide desk"),
            "printer": gettext("Ticket printer"),
            "booking_platform": gettext("Booking platform"),
        },
        "printer": gettext("Printer"),
        "noPrinter": gettext("No printer (on-screen tickets)"),
        "windowOf": gettext("Window shown"),
        "connection": gettext("Printer connection"),
        "neverHeard": gettext("never heard from"),
        "enrolLink": gettext("Enrolment link"),
        "enrolTitle": gettext(
            "Open this link on %(device)s, or scan the code with it: the first browser that "
            "opens it becomes the device.",
            **slots("device"),
        ),
        "enrolExpires": gettext("Unused, it expires at %(time)s.", **slots("time")),
        "revoke": gettext("Revoke"),
        "revokeTitle": gettext("Revoke %(device)s?", **slots("device")),
        "revokeBody": gettext(
            "Its enrolment and tokens end: its screen shows “not enrolled” within seconds, "
            "until it is enrolled again with a new link."
        ),
        "deviceAdded": gettext("Device added: give it its bindings, then enrol it."),
        "deviceSaved": gettext("Device saved: it follows within seconds."),
        "deviceRevoked": gettext("Device revoked."),
        "everyAction": gettext("Every action"),
        "auditCount": gettext("%(count)s lines, newest first.", **slots("count")),
        "parts": {
            "hall": gettext("the hall's settings"),
            "services": gettext("services"),
            "windows": gettext("windows"),
            "devices": gettext("devices"),
        },
    }
