"""Who may open a staff screen, and the JSON configuration its script starts from.

Kept out of the views so each view stays a few lines. Everything a page does
after it is drawn goes through the HTTP API and the ``/counter`` namespace.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import get_locale

from core import protocol
from core.adapters.repository import HallRepository
from core.runtime import runtime
from core.services import views
from core.services.access import Principal
from core.web.auth import Unauthenticated, current_principal
from counter.texts import counter_texts, guide_texts

GUIDE_DEVICES = ("guide",)
"""Device kinds that may open the guide desk without a staff login."""


class PageRefused(Exception):
    """Base of the reasons a staff screen is not shown."""


class LoginNeeded(PageRefused):
    """Nobody is logged in: the browser goes to the login form and comes back."""


class NotAllowed(PageRefused):
    """Logged in, but as something that may not use this screen (HTTP 403)."""


def caller(devices: tuple[str, ...] = ()) -> Principal:
    """The staff member (any role) or, where allowed, the device opening a staff screen."""
    try:
        principal = current_principal()
    except Unauthenticated:
        # A broken bearer header on a page is the same as no credentials at all.
        principal = None
    if principal is None:
        raise LoginNeeded(request.path)
    if principal.kind == "staff" or principal.is_device(*devices):
        return principal
    raise NotAllowed(principal.name)


def _client(principal: Principal, cache_key: str, timezone: str) -> dict[str, Any]:
    settings = runtime().settings
    return {
        "hall": principal.hall or settings.hall,
        "timezone": timezone,  # times on the hall's clock, whatever zone the PC is set to
        "user": principal.name if principal.kind == "staff" else None,
        "lang": str(get_locale()),
        "namespace": protocol.COUNTER,
        "cacheKey": cache_key,
        "offlineAfterMs": int(settings.offline_after_s * 1000),
        "checkEveryMs": int(settings.state_check_s * 1000),
    }


def counter_config(principal: Principal, window: int) -> dict[str, Any]:
    """The window terminal's configuration; NotFound when the hall has no such window."""
    rt = runtime()
    hall_code = principal.hall or rt.settings.hall
    with rt.db.read_session() as session:
        detail = views.window_detail(session, hall_code, window, rt.clock.now(), principal)
        hall = views.hall_by_code(session, hall_code)
        # The register (登记簿) each service's business usually goes in (hall file: register_form).
        hints = {
            service.code: service.settings.get("register_form")
            for service in HallRepository(session).services(hall)
            if (service.settings or {}).get("register_form")
        }
    return {
        **_client(principal, f"counter:{hall_code}:{window}", hall.timezone),
        "window": window,
        "windowName": special_name(window, detail["name"]),
        "registerHints": hints,
        "text": counter_texts(),
    }


def special_name(window: int, name: str) -> str:
    """A window's own name (``应急专窗``), or "" when it is only the hall loader's default
    ``<n>号窗口`` — which the page words in its own language instead."""
    return "" if name in ("", f"{window}号窗口") else name


def guide_config(principal: Principal) -> dict[str, Any]:
    """The guide desk's configuration."""
    rt = runtime()
    hall_code = principal.hall or rt.settings.hall
    with rt.db.read_session() as session:
        timezone = views.hall_by_code(session, hall_code).timezone
    return {**_client(principal, f"guide:{hall_code}", timezone), "text": guide_texts()}
