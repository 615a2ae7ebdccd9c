"""Who may open a display screen, and what the screen needs to know about itself.

A hall TV opens ``/display/<display_id>`` as the display device of that id; an
LED screen above a window opens ``/display/window/<n>`` as the window display
whose settings say ``window = n`` (a hall TV may show any window too); a rating
pad opens ``/display/rate/<n>`` as the rating pad whose settings say ``window = n``
(only it: a pad rates its own window's services). Staff
of any role may open every screen, to preview it from a counter or the
console. Everyone else gets the "not enrolled" page: a TV in a hall has no
keyboard to log in with, so the only way in is the enrolment link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from core.adapters import orm
from core.runtime import runtime
from core.services.access import Principal
from core.web.auth import Unauthenticated, current_principal


class ScreenRefused(Exception):
    """Base of the reasons a screen page is not shown."""


class NotEnrolled(ScreenRefused):
    """The browser is not the enrolled device of this screen, nor staff (HTTP 403)."""


class UnknownScreen(ScreenRefused):
    """No such display or window in the hall (HTTP 404)."""


@dataclass(frozen=True)
class Screen:
    """A screen that may be shown, with what its page needs from the database."""

    hall: str
    hall_name: str
    hall_name_en: str
    timezone: str
    device: str | None = None
    """The device id, when the device itself opened the page (not a staff preview)."""
    settings: dict[str, Any] = field(default_factory=dict)
    """The display device's own settings (``voice_english``, ``window``…)."""


def _caller() -> Principal | None:
    # A broken bearer header on a page is the same as no credentials at all.
    try:
        return current_principal()
    except Unauthenticated:
        return None


def _screen(hall: orm.Hall, device: orm.Device | None) -> Screen:
    return Screen(
        hall=hall.code,
        hall_name=hall.name_zh,
        hall_name_en=hall.name_en,
        timezone=hall.timezone,
        device=device.id if device is not None else None,
        settings=dict(device.settings or {}) if device is not None else {},
    )


def hall_display_screen(display_id: str) -> Screen:
    """The hall display `display_id`, if the caller is that display or staff."""
    principal = _caller()
    if principal is None:
        raise NotEnrolled(display_id)
    with runtime().db.read_session() as session:
        device = session.get(orm.Device, display_id)
        if principal.kind != "staff" and not (
            principal.is_device("display") and principal.name == display_id
        ):
            raise NotEnrolled(display_id)
        if device is None or device.kind != "display":
            raise UnknownScreen(display_id)
        hall = session.get_one(orm.Hall, device.hall_id)
        if principal.hall not in (None, hall.code):
            raise UnknownScreen(display_id)
        return _screen(hall, device)


def _may_show_window(
    principal: Principal, device: orm.Device | None, window: int, kind: str
) -> bool:
    """Staff, or the device of `kind` set up for this window (any hall display may show a
    window display too)."""
    if principal.kind == "staff" or (kind == "window_display" and principal.is_device("display")):
        return True
    if not principal.is_device(kind) or device is None:
        return False
    return bool((device.settings or {}).get("window") == window)


def window_display_screen(window: int, kind: str = "window_display") -> Screen:
    """Window `window`'s screen of `kind` (its display, or its rating pad), for its own
    device or staff (and a window display for a hall display too)."""
    principal = _caller()
    if principal is None:
        raise NotEnrolled(str(window))
    with runtime().db.read_session() as session:
        device = session.get(orm.Device, principal.name) if principal.kind == "device" else None
        if not _may_show_window(principal, device, window, kind):
            raise NotEnrolled(str(window))
        hall_code = principal.hall or runtime().settings.hall
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == hall_code)).one_or_none()
        if hall is None or not session.scalar(
            select(orm.Window.id).where(orm.Window.hall_id == hall.id, orm.Window.number == window)
        ):
            raise UnknownScreen(str(window))
        return _screen(hall, device)
