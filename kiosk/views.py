"""Routes of the taxpayer screens: the kiosk, its QR codes, and the ticket status page."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, abort, render_template
from flask_babel import get_locale

from core.extensions import limiter
from core.runtime import runtime
from core.services.access import Principal, Role
from core.web.auth import current_principal, requires
from core.web.qr import qr_svg
from kiosk import bp, pages

F = TypeVar("F", bound=Callable[..., Any])
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
"""What a status token looks like (`secrets.token_urlsafe`): anything else is not one."""


def may_open_kiosk(principal: Principal | None, kiosk_id: str) -> bool:
    """The kiosk enrolled under `kiosk_id` itself, or admin staff previewing it."""
    if principal is None:
        return False
    if principal.kind == "staff":
        return principal.at_least(Role.ADMIN)
    return principal.is_device("kiosk") and principal.name == kiosk_id


def enrolled_kiosk(view: F) -> F:
    """Admit only the kiosk the URL names; anyone else gets a bilingual 403 page.

    A kiosk PC that lost its enrolment (revoked token, cleared cookies) must
    say so plainly, in both languages, rather than show a login form to a taxpayer.
    """

    @wraps(view)
    def wrapper(kiosk_id: str, **kwargs: Any) -> Any:
        if not may_open_kiosk(current_principal(), kiosk_id):
            texts = pages.in_both_languages(pages.NOT_ENROLLED)
            return render_template("kiosk/refused.html", texts=texts, device=kiosk_id), 403
        return view(kiosk_id, **kwargs)

    return cast(F, wrapper)


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    # core's base.html asks for get_locale(); Flask-Babel does not put it in Jinja.
    return {"get_locale": get_locale}


def _public_limit() -> str:
    return runtime().settings.rate_limit_public


@bp.get("/kiosk/<kiosk_id>")
@enrolled_kiosk
def kiosk(kiosk_id: str) -> str:
    """The touchscreen ticket kiosk."""
    return render_template("kiosk/kiosk.html", **pages.kiosk_page(kiosk_id))


@bp.get("/kiosk/qr/<token>.svg")
@requires(Role.STAFF, devices=("kiosk", "guide"))
def ticket_qr(token: str) -> Response:
    """The QR code of a ticket's status page, drawn on the hub: kiosks have no internet."""
    if not TOKEN.fullmatch(token):
        abort(404)
    response = Response(qr_svg(pages.status_url(token)), mimetype="image/svg+xml")
    # Personal to one taxpayer and useless tomorrow: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/t/<token>")
@limiter.limit(_public_limit)
def status(token: str) -> tuple[str, int] | str:
    """A ticket's status page on the taxpayer's phone; public, knows only that ticket."""
    ticket = pages.public_ticket(token) if TOKEN.fullmatch(token) else None
    if ticket is None:
        texts = pages.in_both_languages(pages.UNKNOWN_TICKET)
        return render_template("kiosk/refused.html", texts=texts, device=None), 404
    return render_template(
        "kiosk/status.html",
        ticket=ticket,
        state=pages.state_words(ticket["state"]),
        config=pages.status_config(token, ticket),
    )


@bp.get("/book")
@limiter.limit(_public_limit)
def book() -> str:
    """The booking page (预约办税) on the taxpayer's phone; public."""
    return render_template("kiosk/book.html", **pages.booking_page())
