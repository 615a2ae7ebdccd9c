"""Who may open the console, and the JSON configuration its script starts from.

Kept out of the views so each view stays a few lines. Everything the page does
after it is drawn goes through the HTTP API and the ``/console`` namespace.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import request, url_for
from flask_babel import get_locale
from sqlalchemy import or_, select

from core import protocol
from core.adapters import orm
from core.domain.announcements import PHRASES
from core.domain.hallday import business_day
from core.runtime import runtime
from core.services import views
from core.services.access import Principal, Role
from core.web.auth import Unauthenticated, current_principal
from counter.console.admin_texts import admin_texts
from counter.console.booking_texts import booking_texts
from counter.console.rating_texts import rating_texts
from counter.console.report_texts import report_texts, wall_texts
from counter.console.texts import console_texts


class ConsoleRefused(Exception):
    """Base of the reasons the console is not shown."""


class LoginNeeded(ConsoleRefused):
    """Nobody is logged in: the browser goes to the login form and comes back."""


class NotAllowed(ConsoleRefused):
    """Logged in, but without the role the page needs (HTTP 403)."""

    def __init__(self, principal: Principal, needs: Role) -> None:
        super().__init__(principal.name)
        self.principal = principal
        self.needs = needs


def leader() -> Principal:
    """The duty leader or administrator asking; LoginNeeded or NotAllowed otherwise."""
    return _staff_of(Role.LEADER)


def administrator() -> Principal:
    """The administrator asking; LoginNeeded or NotAllowed otherwise."""
    return _staff_of(Role.ADMIN)


def _staff_of(role: Role) -> Principal:
    try:
        principal = current_principal()
    except Unauthenticated:
        # A broken bearer header on a page is the same as no credentials at all.
        principal = None
    if principal is None:
        raise LoginNeeded(request.full_path.rstrip("?"))
    if principal.kind != "staff" or not principal.at_least(role):
        raise NotAllowed(principal, role)
    return principal


def hall_of(principal: Principal) -> str:
    """The hall the console shows: the leader's own, else the hub's default."""
    return principal.hall or runtime().settings.hall


def _staff_name(principal: Principal) -> str:
    with runtime().db.read_session() as session:
        staff = session.scalars(
            select(orm.Staff).where(orm.Staff.username == principal.name)
        ).one_or_none()
        return (staff.display_name if staff else "") or principal.name


def console_config(principal: Principal) -> dict[str, Any]:
    """The console's configuration: who, which hall, its clock, and the page's sentences."""
    return {
        **_page_config(principal),
        "ledger": {
            "xlsx": url_for("console.ledger_download"),
            "print": url_for("console.ledger_print"),
        },
        "text": console_texts(),
        "phrases": [
            {"key": key, "text_zh": zh, "text_en": en} for key, (zh, en) in PHRASES.items()
        ],
    }


def admin_config(principal: Principal) -> dict[str, Any]:
    """The administration page's configuration: the console's, with its own sentences."""
    return {**_page_config(principal), "text": admin_texts()}


def ratings_config(principal: Principal) -> dict[str, Any]:
    """The service ratings page's configuration (好差评)."""
    return {
        **_page_config(principal),
        "text": rating_texts(),
        "xlsx": url_for("console.ratings_download"),
    }


def appointments_config(principal: Principal) -> dict[str, Any]:
    """The bookings page's configuration (预约办税)."""
    return {**_page_config(principal), "text": booking_texts()}


def reports_config(principal: Principal) -> dict[str, Any]:
    """The reports page's configuration (统计): what a report can be narrowed to."""
    with runtime().db.read_session() as session:
        hall = views.hall_by_code(session, hall_of(principal))
        services = session.scalars(
            select(orm.Service).where(orm.Service.hall_id == hall.id).order_by(orm.Service.position)
        )
        windows = session.scalars(
            select(orm.Window.number)
            .where(orm.Window.hall_id == hall.id)
            .order_by(orm.Window.number)
        )
        clerks = session.execute(
            select(orm.Staff.username, orm.Staff.display_name)
            .where(
                orm.Staff.role == Role.STAFF.value,
                or_(orm.Staff.hall_id == hall.id, orm.Staff.hall_id.is_(None)),
            )
            .order_by(orm.Staff.username)
        )
        choices = {
            "services": [
                {"code": row.code, "name": row.name_zh, "name_en": row.name_en} for row in services
            ],
            "windows": list(windows),
            "clerks": [
                {"username": username, "name": name or username} for username, name in clerks
            ],
        }
    return {**_page_config(principal), "text": report_texts(), **choices}


def wall_config(principal: Principal) -> dict[str, Any]:
    """The leader's live wall's configuration."""
    return {**_page_config(principal), "text": wall_texts()}


def _page_config(principal: Principal) -> dict[str, Any]:
    rt = runtime()
    hall_code = hall_of(principal)
    with rt.db.read_session() as session:
        hall = views.hall_by_code(session, hall_code)
        zone = hall.timezone
        today: date = business_day(rt.clock.now(), ZoneInfo(zone))
        hall_names = {"zh": hall.name_zh, "en": hall.name_en or hall.name_zh}
    return {
        "hall": hall_code,
        "hallName": hall_names,
        "timezone": zone,
        "today": today.isoformat(),
        "user": principal.name,
        "dutyLeader": _staff_name(principal),
        "role": str(principal.role),
        "lang": str(get_locale()),
        "namespace": protocol.CONSOLE,
        "cacheKey": f"console:{hall_code}",
        "offlineAfterMs": int(rt.settings.offline_after_s * 1000),
        "checkEveryMs": int(rt.settings.state_check_s * 1000),
    }
