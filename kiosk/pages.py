"""What the taxpayer screens' pages are drawn from: their JSON configs, QR codes, notices.

Kept out of the views so each view stays a few lines.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import LazyString, force_locale, get_locale, lazy_gettext

from core import protocol
from core.adapters import orm
from core.adapters.network import public_base_url
from core.domain.errors import NotFound
from core.domain.identity import USCC_ALPHABET
from core.runtime import runtime
from core.services import views
from kiosk.texts import PAPER, TICKET_STATES, booking_texts, kiosk_texts, status_texts

IDLE_SECONDS = {"start": 60, "details": 60, "ticket": 30, "guide": 30}
"""How long each kiosk screen waits for a touch before it starts over."""
IDLE_OVERRIDE_RANGE = (1.0, 600.0)
REFETCH_JITTER_MS = 1500
"""Status pages re-read their ticket within this random delay after an event, so
that a hall's phones do not all ask the hub at the same instant."""

NOT_ENROLLED = {
    "title": lazy_gettext("This screen is not enrolled as a ticket kiosk"),
    "help": lazy_gettext(
        "Please ask the hall's administrator to enrol it with the kiosk's enrolment link."
    ),
}
UNKNOWN_TICKET = {
    "title": lazy_gettext("This ticket link is not valid"),
    "help": lazy_gettext("Please scan the QR code on your ticket again, or ask at the guide desk."),
}
OFFLINE = {
    "title": lazy_gettext("Please get a paper ticket at the guide desk"),
    "help": lazy_gettext("The ticket system cannot be reached right now."),
}
LANGUAGES = ("zh", "en")
KEYPAD_LETTERS = "".join(char for char in USCC_ALPHABET if char.isalpha())
"""The letters a unified social credit code may contain (a resident ID's X among them)."""


def in_both_languages(texts: dict[str, LazyString]) -> list[dict[str, str]]:
    """The same sentences in Chinese, then English: for pages nobody chose a language on."""
    rendered = []
    for language in LANGUAGES:
        with force_locale(language):
            rendered.append(
                {"lang": "zh-CN" if language == "zh" else "en"}
                | {key: str(text) for key, text in texts.items()}
            )
    return rendered


def _client_timing() -> dict[str, int]:
    settings = runtime().settings
    return {
        "offlineAfterMs": int(settings.offline_after_s * 1000),
        "checkEveryMs": int(settings.state_check_s * 1000),
    }


def _idle_seconds() -> dict[str, float]:
    # ``?idle=N`` shortens every timeout, so a test or a demo need not wait a minute.
    override = request.args.get("idle", type=float)
    if override is None:
        return dict(IDLE_SECONDS)
    low, high = IDLE_OVERRIDE_RANGE
    return dict.fromkeys(IDLE_SECONDS, min(max(override, low), high))


def kiosk_page(kiosk_id: str) -> dict[str, Any]:
    """Everything the kiosk template draws from."""
    return {
        "config": kiosk_config(kiosk_id),
        "offline": in_both_languages(OFFLINE),
        "paper": in_both_languages(PAPER),
        "letters": KEYPAD_LETTERS,
        "kiosk_id": kiosk_id,
    }


def kiosk_setup(kiosk_id: str) -> dict[str, Any]:
    """The kiosk's printer and its hall's timezone, as the database says at page load.

    Snapshots name the printer too; knowing it from the start means a kiosk
    whose printer is already out says so with its first drawing.
    """
    rt = runtime()
    with rt.db.read_session() as session:
        device = session.get(orm.Device, kiosk_id)
        if device is None:  # an admin previewing a kiosk that is not configured
            return {"printer": None, "timezone": hall_timezone(rt.settings.hall)}
        hall = session.get_one(orm.Hall, device.hall_id)
        return {"printer": (device.settings or {}).get("printer"), "timezone": hall.timezone}


def hall_timezone(hall_code: str) -> str:
    """The hall's timezone: screens show its clock, wherever the browser thinks it is."""
    rt = runtime()
    with rt.db.read_session() as session:
        return views.hall_by_code(session, hall_code).timezone


def kiosk_config(kiosk_id: str) -> dict[str, Any]:
    """The kiosk script's configuration (rendered into the page as JSON)."""
    return {
        "kiosk": kiosk_id,
        **kiosk_setup(kiosk_id),
        "namespace": protocol.KIOSK,
        "cacheKey": f"kiosk:{kiosk_id}",
        "lang": str(get_locale()),
        "homeUrl": url_for("web.switch_language", code="zh", next=request.full_path),
        "ticketsUrl": url_for("api.issue_ticket"),
        "checkInUrl": url_for("api.check_in"),
        "qrUrl": url_for("kiosk.ticket_qr", token="TOKEN"),
        "idleSeconds": _idle_seconds(),
        "texts": kiosk_texts(),
        **_client_timing(),
    }


def public_ticket(token: str) -> dict[str, Any] | None:
    """The ticket's public status (`GET /api/v1/tickets/<token>`), or None if unknown."""
    rt = runtime()
    with rt.db.read_session() as session:
        try:
            return views.public_ticket(session, token, rt.clock.now())
        except NotFound:
            return None


def state_words(state: str) -> str:
    """A ticket state as the taxpayer reads it."""
    return str(TICKET_STATES.get(state, state))


def status_config(token: str, ticket: dict[str, Any]) -> dict[str, Any]:
    """The status page script's configuration."""
    return {
        "token": token,
        "namespace": protocol.PUBLIC,
        "lang": str(get_locale()),
        "ticketUrl": url_for("api.ticket_status", token=token),
        "ratingUrl": url_for("api.ticket_rating", token=token),
        "ticket": ticket,
        "timezone": hall_timezone(ticket["hall"]),
        "jitterMs": REFETCH_JITTER_MS,
        "texts": status_texts(),
        **_client_timing(),
    }


def status_url(token: str) -> str:
    """The address a phone opens from the ticket's QR code: the same base URL as the
    printed ticket's (``HALLQ_PUBLIC_URL``, or the hub's address on the hall's network),
    not the address the kiosk happens to use (often 127.0.0.1)."""
    return public_base_url(runtime().settings) + url_for("kiosk.status", token=token)


def booking_page() -> dict[str, Any]:
    """The booking page (预约办税) of the hub's hall: its name, and its script's config."""
    rt = runtime()
    with rt.db.read_session() as session:
        hall = views.hall_by_code(session, rt.settings.hall)
        english = str(get_locale()) == "en"
        name = hall.name_en if english and hall.name_en else hall.name_zh
        zone = hall.timezone
    return {
        "hall_name": name,
        "config": {
            "lang": str(get_locale()),
            "timezone": zone,
            "api": url_for("api.booking_offer").rsplit("/", 1)[0],
            "texts": booking_texts(),
        },
    }
