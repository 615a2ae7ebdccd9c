"""Pages shared by every screen: staff login and logout, device enrolment, the index, language."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from core.domain.errors import DomainError
from core.extensions import csrf, limiter
from core.messages import message_for
from core.runtime import runtime
from core.services import access, logins
from core.web.auth import current_principal

bp = Blueprint("web", __name__)

LANGUAGES = ("zh", "en")


def _safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: a login link must not bounce a user to another site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.get("/")
def index() -> str:
    return render_template("index.html", hall=runtime().settings.hall)


@bp.get("/sw.js")
def service_worker() -> Response:
    """The offline cache, served from the root so it may control every screen's pages."""
    response = send_from_directory(current_app.static_folder or "static", "sw.js")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it on every screen; an answer keeps the logs clean."""
    response = send_from_directory(current_app.static_folder or "static", "favicon.svg")
    response.headers["Cache-Control"] = "max-age=86400"
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: runtime().settings.rate_limit_login, methods=["POST"])
def login() -> ResponseReturnValue:
    target = _safe_next(request.values.get("next"))
    error = None
    if request.method == "POST":
        csrf.protect()  # no session yet, but a foreign page must not log a desk in
        rt = runtime()
        now = rt.clock.now()
        address = request.remote_addr or ""
        with rt.db.writing() as db_session:
            try:
                staff = logins.log_in(
                    db_session,
                    request.form.get("username", ""),
                    request.form.get("password", ""),
                    address,
                    now,
                    rt.login_policy,
                )
            except DomainError as failure:
                db_session.commit()  # the failure is audited, and counts
                error = message_for(failure.code, failure.params)
            else:
                if staff.password_change_required:  # a password someone else saw
                    session.clear()
                    session[CHOOSING] = {"username": staff.username, "since": now.timestamp()}
                    return redirect(url_for("web.choose_password", next=target))
                principal = access.open_login(db_session, staff, now)
                access.audit(
                    db_session,
                    now,
                    principal,
                    logins.LOGGED_IN,
                    target=logins.account_target(staff.username),
                    address=address,
                )
                db_session.commit()
                session.clear()
                session.permanent = False
                session["token_id"] = principal.token_id
                return redirect(target)
    return render_template("login.html", next=target, error=error)


CHOOSING = "choosing_password"
"""The session of someone who logged in with a generated password: who, and since when."""
CHOOSE_WITHIN = timedelta(minutes=10)


@bp.route("/login/password", methods=["GET", "POST"])
@limiter.limit(lambda: runtime().settings.rate_limit_login, methods=["POST"])
def choose_password() -> ResponseReturnValue:
    """Choose one's own password after logging in with one generated for one (by the
    installer, or an administrator who saw it): nothing opens before."""
    target = _safe_next(request.values.get("next"))
    rt = runtime()
    now = rt.clock.now()
    pending = session.get(CHOOSING)
    if not isinstance(pending, dict) or now.timestamp() - pending["since"] > (
        CHOOSE_WITHIN.total_seconds()
    ):
        session.pop(CHOOSING, None)
        return redirect(url_for("web.login", next=target))
    username = str(pending["username"])
    error = None
    if request.method == "POST":
        csrf.protect()
        with rt.db.writing() as db_session:
            try:
                principal = logins.choose_password(
                    db_session,
                    username,
                    request.form.get("password", ""),
                    request.form.get("again", ""),
                    request.remote_addr or "",
                    now,
                )
            except DomainError as failure:
                error = message_for(failure.code, failure.params)
            else:
                db_session.commit()
                session.clear()
                session.permanent = False
                session["token_id"] = principal.token_id
                return redirect(target)
    return render_template("password.html", next=target, username=username, error=error)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """The login ends for good: its cookie, replayed later, opens nothing (SPEC §10)."""
    principal = current_principal()
    if principal is not None and principal.kind == "staff" and principal.token_id is not None:
        rt = runtime()
        with rt.db.writing() as db_session:
            access.end_login(db_session, principal.token_id, rt.clock.now())
            access.audit(
                db_session, rt.clock.now(), principal, "logout", address=request.remote_addr or ""
            )
            db_session.commit()
    session.clear()
    return redirect(url_for("web.login"))


@bp.get("/enrol")
def enrol() -> ResponseReturnValue:
    """A kiosk or display opens ``/enrol?code=…&next=/display/display-1`` once.

    The one-time code (``hallq device enrol``, or the API) becomes a token of this
    browser's own, kept in a long-lived session cookie, so the link does not stay
    usable in the address bar or the browser history: another browser opening it
    is refused, and so is everyone after it expires. Revoking the device ends the
    session too.
    """
    code = request.args.get("code", "")
    rt = runtime()
    try:
        with rt.db.writing() as db_session:
            principal = access.redeem_enrolment(
                db_session, code, rt.clock.now(), holder=session.get("token_id")
            )
            db_session.commit()
    except DomainError as error:
        return render_template("message.html", message=message_for(error.code)), 403
    session.clear()
    session.permanent = True
    session["token_id"] = principal.token_id
    return redirect(_safe_next(request.args.get("next"), "/"))


@bp.get("/lang/<code>")
def switch_language(code: str) -> ResponseReturnValue:
    target = _safe_next(
        request.args.get("next") or (request.referrer and urlsplit(request.referrer).path)
    )
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax")
    return response
