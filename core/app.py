"""`create_app`: settings, database, extensions, blueprints and socket namespaces.

Nothing happens at import time; tests build apps with their own settings,
clock and broadcaster.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response, request
from flask_babel import get_locale
from flask_socketio import SocketIO

from core import hallq_version
from core.adapters.clock import Clock, ShiftedClock, SystemClock
from core.adapters.db import Database
from core.config import Settings, load_settings
from core.domain.errors import InvalidInput
from core.extensions import babel, csrf, limiter
from core.halls import calendar_for
from core.hub.broadcast import SocketIOBroadcaster
from core.logs import configure_logging
from core.runtime import Runtime
from core.services.bus import CommandBus, Publish
from core.services.handlers import HANDLERS, KEEPS_CONFIGURATION
from core.services.tickets import roll_over_day
from core.web.errors import register_error_handlers

log = logging.getLogger(__name__)

CATALOGS = ("core", "kiosk", "display", "counter", "counter/console")
ROOT = Path(__file__).resolve().parent.parent
# Each screen package keeps its own catalog; Flask-Babel merges them.
TRANSLATIONS = ";".join(str(ROOT / package / "translations") for package in CATALOGS)

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self' ws: wss:",
        "style-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)


def select_locale() -> str:
    """``?lang=`` → the ``lang`` cookie → Accept-Language → Chinese."""
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in ("zh", "en"):
        return chosen
    return request.accept_languages.best_match(["zh", "en"], default="zh") or "zh"


def _secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.var_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


MAX_HEADER_LINE = 8192
"""The longest header line (name and value) a request may carry. The hub checks it
itself, so the refusal is the JSON 400 every other bad request gets; the web server's
own limit is set above it (`core.hub.serve`)."""


def _limit_header_lines() -> None:
    for name, value in request.headers.items():
        if len(name) + len(value) + 2 > MAX_HEADER_LINE:
            raise InvalidInput("request.header_too_long", field=name[:40], maximum=MAX_HEADER_LINE)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    publish: Publish | None = None,
) -> Flask:
    """A HallQ hub app. `publish` replaces the Socket.IO broadcaster (in-process tests)."""
    settings = settings or load_settings()
    configure_logging(settings)
    app = Flask("hallq", root_path=str(Path(__file__).parent))
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(days=365),
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="zh",
        BABEL_TRANSLATION_DIRECTORIES=TRANSLATIONS,
        RATELIMIT_ENABLED=settings.rate_limits,
        RATELIMIT_STORAGE_URI=settings.message_queue or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    db = Database(settings.database_url)
    socketio = SocketIO(
        app,
        async_mode=settings.async_mode,
        message_queue=settings.message_queue,
        json=None,
        ping_interval=10,
        ping_timeout=10,
        max_http_buffer_size=256 * 1024,
    )
    if clock is None:
        clock = ShiftedClock.parse(settings.fake_now) if settings.fake_now else SystemClock()
    bus = CommandBus(
        db,
        clock,
        calendar_for,
        publish or SocketIOBroadcaster(socketio).publish,
        HANDLERS,
        prepare=roll_over_day,
        keeps_configuration=KEEPS_CONFIGURATION,
    )
    runtime = Runtime(settings, db, clock, bus, socketio)
    app.extensions["hallq"] = runtime

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["hallq_version"] = hallq_version
    csrf.init_app(app)
    limiter.init_app(app)
    register_error_handlers(app)
    app.before_request(_limit_header_lines)
    app.after_request(_security_headers)
    _register_blueprints(app)
    _register_namespaces(runtime)
    return app


def _register_blueprints(app: Flask) -> None:
    from core.api import bp as api
    from core.web.auth import protect_cookie_session
    from core.web.views import bp as web
    from counter import bp as counter
    from counter.console import bp as console
    from display import bp as display
    from kiosk import bp as kiosk

    app.before_request(protect_cookie_session)
    for blueprint in (web, api, kiosk, display, counter, console):
        app.register_blueprint(blueprint)


def _register_namespaces(runtime: Runtime) -> None:
    from core.hub.printing import PrinterNamespace, PrintService
    from core.hub.realtime import PublicNamespace
    from counter.sockets import ConsoleNamespace, CounterNamespace
    from display.sockets import DisplayNamespace
    from kiosk.sockets import KioskNamespace

    for namespace in (
        KioskNamespace(),
        DisplayNamespace(),
        CounterNamespace(),
        ConsoleNamespace(),
        PublicNamespace(),
    ):
        runtime.socketio.on_namespace(namespace)
    runtime.printing = PrintService(runtime)
    runtime.socketio.on_namespace(PrinterNamespace(runtime, runtime.printing))
