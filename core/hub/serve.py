"""`hallq run`: migrate, start the hub's periodic tasks, serve until stopped."""

from __future__ import annotations

import atexit
import logging
import os
import signal
import socket
import time
from typing import Any

from flask import Flask
from flask_socketio import SocketIO
from sqlalchemy import select

from core import migrate
from core.adapters import backups, orm, systemd
from core.adapters.sms import SmsSender, make_sender
from core.adapters.upload import Uploader, make_uploader
from core.app import MAX_HEADER_LINE, create_app
from core.config import ConfigError, Settings
from core.domain.commands import CheckDay
from core.hub.health import HealthWatch, HubLife
from core.hub.revocation import AccessWatch
from core.hub.sms import SmsDispatcher
from core.hub.uploads import UploadDispatcher
from core.runtime import Runtime
from core.services.appointments import mark_no_shows, send_reminders
from core.services.ratings import record_not_rated
from core.services.reports.rollup import roll_up_closed_days
from core.services.retention import erase_personal_data

log = logging.getLogger(__name__)

DAY_CHECK_S = 30.0
MAX_CONNECTIONS = 10_000
"""Concurrent connections one hub process serves (raise the service's file limit to match)."""


def serve(settings: Settings) -> None:
    """Run the hub in the foreground."""
    if settings.sqlite_path is not None:  # no restore replaces the database under the hub
        try:
            lock = backups.hold_shared(settings.sqlite_path)
        except backups.BackupError as error:
            raise SystemExit(str(error)) from error
        atexit.register(lock.close)  # held open, and so locked, until the process ends
    migrate.upgrade(settings.database_url)
    listener = _listen(settings)
    app = create_app(settings)
    rt: Runtime = app.extensions["hallq"]
    socketio = rt.socketio
    socketio.start_background_task(_day_check_loop, app, socketio)
    socketio.start_background_task(_systemd_loop, socketio, settings)
    if settings.print_agents and rt.printing is not None:
        rt.printing.start()
    life = HubLife(rt, f"{socket.gethostname()}:{settings.port}")
    life.start()
    _stop_cleanly_on_sigterm(life, socketio)
    watch = HealthWatch(rt, life)
    socketio.start_background_task(watch.run)
    socketio.start_background_task(AccessWatch(rt).run)
    if settings.sms_dispatch:
        sms = SmsDispatcher(
            rt.db, rt.clock, sms_sender(settings, rt), daily_cap=settings.sms_daily_cap
        )
        socketio.start_background_task(sms.run_forever, socketio.sleep, settings.sms_interval_s)
    if settings.upload_dispatch:
        uploads = UploadDispatcher(rt.db, rt.clock, uploader(settings, rt))
        socketio.start_background_task(
            uploads.run_forever, socketio.sleep, settings.upload_interval_s
        )
    log.info(
        "hallq serving on http://%s:%s (%s)", settings.host, settings.port, settings.async_mode
    )
    if settings.async_mode == "gevent":
        from gevent import pywsgi

        # Websockets come through simple-websocket, as under socketio.run.
        pywsgi.WSGIServer(listener, app, log=None).serve_forever()
        return
    if listener is not None:
        import eventlet.wsgi

        # The app refuses header lines over core.app.MAX_HEADER_LINE with its JSON 400;
        # eventlet's own limit (the same 8 KiB) would answer first, with an empty body.
        eventlet.wsgi.MAX_HEADER_LINE = 8 * MAX_HEADER_LINE
        # Each open screen or phone holds one green thread for its websocket; eventlet's
        # default cap (1,024) would turn the 1,025th phone away.
        eventlet.wsgi.server(
            listener,
            app,
            log_output=False,
            max_size=MAX_CONNECTIONS,
            protocol=_slim_protocol(eventlet.wsgi.HttpProtocol),
        )
        return
    socketio.run(
        app,
        host=settings.host,
        port=settings.port,
        log_output=False,
        allow_unsafe_werkzeug=True,
        use_reloader=False,
    )


def _stop_cleanly_on_sigterm(life: HubLife, socketio: SocketIO) -> None:
    """systemd stops the service with SIGTERM: note the clean stop, then exit (as the
    default action would), so the next start records no outage.

    The handler only starts a task: the signal may have interrupted a writer holding
    the database, which must finish before the note can be written.
    """

    def stop() -> None:
        try:
            life.stop()
        except Exception:  # exit all the same: the next start then records an outage
            log.exception("could not note the clean stop")
        finally:
            logging.shutdown()
            os._exit(0)

    signal.signal(signal.SIGTERM, lambda _signum, _frame: socketio.start_background_task(stop))


READ_BUFFER = 2 << 10
WRITE_BUFFER = 4 << 10
"""Each connection's HTTP buffers. eventlet allocates 8 KiB to read and 16 KiB to write
for every connection, and a screen's or phone's websocket keeps them, unused, for its
whole life: 48 MB for 2,000 phones. A request's headers and a JSON answer fit these."""


BACKLOG = 1024
"""Connections waiting to be accepted: after a restart the hall's screens and phones
come back together (eventlet's default is 50; the kernel caps it at somaxconn)."""


def _slim_protocol(base: type) -> type:
    """eventlet's HTTP protocol with `READ_BUFFER` and `WRITE_BUFFER`."""
    return type("SlimHttpProtocol", (base,), {"rbufsize": READ_BUFFER, "wbufsize": WRITE_BUFFER})


def _listen(settings: Settings) -> Any:
    """Under eventlet or gevent, bind the port before anything starts, and alone.

    Not through socketio.run: eventlet.listen would set SO_REUSEPORT, and a second
    hub started by mistake on the same port would silently take half the screens.
    Binding first makes it fail at once ("address already in use").
    """
    address = (settings.host, settings.port)
    if settings.async_mode == "eventlet":
        import eventlet

        listener = eventlet.listen(address, reuse_port=False, backlog=BACKLOG)
    elif settings.async_mode == "gevent":
        from gevent import socket as green

        listener = green.socket(green.AF_INET, green.SOCK_STREAM)
        listener.setsockopt(green.SOL_SOCKET, green.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    else:
        return None
    # Accepted connections inherit it (Linux): an answer written in more than one send
    # is not held back by Nagle's algorithm for the client's delayed ACK (gevent's
    # server answered every request 40 ms late without it).
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


def sms_sender(settings: Settings, rt: Runtime) -> SmsSender:
    """The configured SMS sender; a malformed gateway template stops the hub at start."""
    try:
        return make_sender(
            settings.sms_sender,
            log_path=settings.var_dir / "sms.log",
            http_url=settings.sms_http_url,
            http_headers=settings.sms_http_headers,
            http_template=settings.sms_http_template,
            http_timeout_s=settings.sms_http_timeout_s,
            clock=rt.clock,
        )
    except ValueError as error:
        raise ConfigError(str(error)) from error


def uploader(settings: Settings, rt: Runtime) -> Uploader:
    """The uploader of ratings the settings name; a bad setting stops the hub at start."""
    try:
        return make_uploader(
            settings.upload_sender,
            log_path=settings.var_dir / "ratings-upload.log",
            http_url=settings.upload_http_url,
            http_headers=settings.upload_http_headers,
            http_template=settings.upload_http_template,
            http_timeout_s=settings.upload_http_timeout_s,
            clock=rt.clock,
        )
    except ValueError as error:
        raise ConfigError(str(error)) from error


def _day_check_loop(app: Flask, socketio: SocketIO) -> None:
    """Roll each hall over to a new business day even when nobody presses anything, record
    services whose time to rate ran out as not rated, bookings never checked in as
    no-shows, queue the bookings' reminders and keep a closed day in the reports' rollup;
    once a day (and at start), erase personal data past its retention."""
    rt: Runtime = app.extensions["hallq"]
    erased_on = None
    while True:
        try:
            with rt.db.read_session() as db_session:
                halls = list(db_session.scalars(select(orm.Hall.code)))
            for hall in halls:
                rt.bus.handle(CheckDay(hall=hall, actor="system"))
            record_not_rated(rt.db, rt.clock.now())
            mark_no_shows(rt.db, rt.clock.now())
            send_reminders(rt.db, rt.clock.now())
            roll_up_closed_days(rt.db, rt.clock.now())
            today = rt.clock.now().date()
            if erased_on != today:
                erased = erase_personal_data(rt.db, rt.clock.now())
                log.info("retention: erased %s", erased)
                erased_on = today
        except Exception:  # keep the loop alive; the next round retries
            log.exception("day check failed")
        socketio.sleep(DAY_CHECK_S)


def _systemd_loop(socketio: SocketIO, settings: Settings) -> None:
    """READY=1 once the port answers, then WATCHDOG=1 from the event loop itself.

    If the loop is stuck (a blocking call under eventlet), the pings stop and
    systemd restarts the hub.
    """
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _listening(settings):
        socketio.sleep(0.1)
    systemd.notify("READY=1")
    interval = systemd.watchdog_interval()
    if interval is None or not settings.watchdog:
        return
    while True:
        systemd.notify("WATCHDOG=1")
        socketio.sleep(interval)


def _listening(settings: Settings) -> bool:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "") else settings.host
    try:
        with socket.create_connection((host, settings.port), timeout=0.5):
            return True
    except OSError:
        return False
