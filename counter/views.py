"""Pages of the staff screens: the window terminal and the guide desk.

Thin: check who asks, gather the page's configuration, render. The pages
themselves act through the HTTP API and follow the hall on ``/counter``.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from core.domain.errors import NotFound
from counter import bp, pages


@bp.get("/counter/<int:window>")
def counter_page(window: int) -> ResponseReturnValue:
    """The window terminal of window `window`: staff of any role."""
    principal = pages.caller()
    return render_template("counter/counter.html", config=pages.counter_config(principal, window))


@bp.get("/counter/guide")
def guide_page() -> ResponseReturnValue:
    """The guide desk (导税台): staff, or the enrolled guide desk device."""
    principal = pages.caller(devices=pages.GUIDE_DEVICES)
    return render_template("counter/guide.html", config=pages.guide_config(principal))


@bp.errorhandler(pages.LoginNeeded)
def login_needed(error: pages.LoginNeeded) -> ResponseReturnValue:
    """Not logged in: log in, then come back to this page."""
    return redirect(url_for("web.login", next=request.path))


@bp.errorhandler(pages.NotAllowed)
def not_allowed(error: pages.NotAllowed) -> ResponseReturnValue:
    """A display or kiosk session (or another device) has no business on a staff screen."""
    message = gettext("This screen is for hall staff. Please log in with a staff account.")
    return render_template("message.html", message=message), 403


@bp.errorhandler(NotFound)
def unknown_window(error: NotFound) -> ResponseReturnValue:
    """A window number the hall does not have."""
    window = error.params.get("window", "")
    message = gettext("Window %(window)s does not exist in this hall.", window=window)
    return render_template("message.html", message=message), 404
