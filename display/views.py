"""The display pages, the voice announcements and the hub's clock.

``GET /display/<display_id>``        the hall TV (1920×1080)
``GET /display/window/<n>``          the LED-like screen above window n (640×240)
``GET /display/rate/<n>``            window n's rating pad (好差评, a 1280×800 tablet)
``GET /display/staff/<user>/photo``  a clerk's photo, for the rating pad
``GET /display/voice/announce.wav``  one call's announcement (``number``, ``window``, ``english``,
                                     ``green``: a green-channel ticket, "请 绿色通道 V003 号…")
``GET /display/voice/phrase.wav``    a prepared announcement (``phrase``)
``GET /display/clock.json``          the hub's time, so a wrong PC clock doesn't matter
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from flask import Response, jsonify, render_template, request, send_file
from flask_babel import get_locale
from sqlalchemy import select

from core.adapters import orm
from core.runtime import runtime
from core.services.access import Role
from core.web.auth import requires
from display import bp
from display.access import NotEnrolled, UnknownScreen, hall_display_screen, window_display_screen
from display.labels import (
    CALL_NOT_ANNOUNCEABLE,
    NO_PHOTO,
    NOT_ENROLLED,
    NOT_ENROLLED_HELP,
    UNKNOWN_SCREEN,
    VOICE_NOT_READY,
    all_text,
    both,
)
from display.pages import hall_config, rate_config, window_config
from display.voice import ClipsNotReady, InvalidCall, render_announcement, render_phrase
from display.voice.phrases import Segment, announcement_timeline, phrase_timeline

# Announcements never change for a given build of the clips (the ETag says
# which); an hour lets every display of the hall reuse a recall's file.
ANNOUNCEMENT_MAX_AGE_S = 3600


@bp.context_processor
def _template_helpers() -> dict[str, Any]:
    # base.html asks for get_locale(); Flask-Babel does not put it in Jinja.
    return {"get_locale": get_locale}


@bp.errorhandler(NotEnrolled)
def _not_enrolled(error: NotEnrolled) -> tuple[str, int]:
    return render_template(
        "display/refused.html", lines=[both(NOT_ENROLLED), both(NOT_ENROLLED_HELP)]
    ), 403


@bp.errorhandler(UnknownScreen)
def _unknown_screen(error: UnknownScreen) -> tuple[str, int]:
    return render_template("display/refused.html", lines=[both(UNKNOWN_SCREEN)]), 404


@bp.get("/display/<display_id>")
def hall_display(display_id: str) -> str:
    """The hall TV: latest call, recent calls, waiting per service, notices, clock."""
    screen = hall_display_screen(display_id)
    return render_template(
        "display/hall.html",
        screen=screen,
        text=all_text(),
        config=hall_config(screen, display_id),
    )


@bp.get("/display/window/<int:window>")
def window_display(window: int) -> str:
    """The small screen above window `window`: its current number and state."""
    screen = window_display_screen(window)
    return render_template(
        "display/window.html",
        screen=screen,
        window=window,
        text=all_text(),
        config=window_config(screen, window),
    )


@bp.get("/display/rate/<int(max=999):window>")
def rating_pad(window: int) -> str:
    """Window `window`'s rating pad: asks the taxpayer to rate each service it finishes."""
    screen = window_display_screen(window, "rating_pad")
    return render_template(
        "display/rate.html",
        screen=screen,
        window=window,
        text=all_text(),
        config=rate_config(screen, window),
    )


@bp.get("/display/staff/<username>/photo")
@requires(Role.STAFF, devices=("rating_pad",))
def staff_photo(username: str) -> Response:
    """The photo the administrator gave a clerk's account, for the rating pad."""
    with runtime().db.read_session() as session:
        staff = session.scalars(select(orm.Staff).where(orm.Staff.username == username)).first()
        if staff is None or staff.photo is None or staff.photo_type is None:
            return _error("staff.no_photo", str(NO_PHOTO), 404)
        photo, kind = staff.photo, staff.photo_type
    response = send_file(
        io.BytesIO(photo), mimetype=kind, etag=hashlib.sha256(photo).hexdigest()[:32], max_age=300
    )
    response.cache_control.private = True
    return response


def _error(code: str, message: str, status: int) -> Response:
    response = jsonify({"error": code, "message": message})
    response.status_code = status
    return response


@bp.get("/display/voice/announce.wav")
@requires(Role.STAFF, devices=("display",))
def announcement() -> Response:
    """A WAV of the chime and "请 A012 号 到 3 号窗口 办理" twice (English after it if asked)."""
    number = request.args.get("number", "").strip().upper()
    english = request.args.get("english", "0").strip().lower() in ("1", "true", "yes")
    green = request.args.get("green", "0").strip().lower() in ("1", "true", "yes")
    try:
        window = int(request.args.get("window", ""))
        wav = render_announcement(
            runtime().settings.var_dir / "voice", number, window, english=english, green=green
        )
    except ValueError as problem:  # InvalidCall, or a window that is not a number
        detail = str(problem) if isinstance(problem, InvalidCall) else "window"
        message = str(CALL_NOT_ANNOUNCEABLE) % {"problem": detail}
        return _error("voice.invalid_call", message, 400)
    except ClipsNotReady:
        return _error("voice.not_ready", str(VOICE_NOT_READY), 503)
    timeline = announcement_timeline(number, window, english=english, green=green)
    return _wav(wav, timeline)


CLIPS_HEADER = "X-HallQ-Clips"
"""The clips an announcement plays, in order (pauses left out): what it says, for a
technician or a test to read without listening."""


def _wav(wav: bytes, timeline: list[Segment] | None = None) -> Response:
    response = send_file(
        io.BytesIO(wav),
        mimetype="audio/wav",
        etag=hashlib.sha256(wav).hexdigest()[:32],
        max_age=ANNOUNCEMENT_MAX_AGE_S,
        conditional=True,
    )
    response.cache_control.private = True
    if timeline is not None:
        response.headers[CLIPS_HEADER] = " ".join(
            segment for segment in timeline if isinstance(segment, str)
        )
    return response


@bp.get("/display/voice/phrase.wav")
@requires(Role.STAFF, devices=("display",))
def phrase() -> Response:
    """A WAV of the chime and a prepared announcement (``phrase``) twice."""
    try:
        wav = render_phrase(runtime().settings.var_dir / "voice", request.args.get("phrase", ""))
    except InvalidCall as problem:
        return _error("voice.invalid_call", str(CALL_NOT_ANNOUNCEABLE) % {"problem": problem}, 400)
    except ClipsNotReady:
        return _error("voice.not_ready", str(VOICE_NOT_READY), 503)
    return _wav(wav, phrase_timeline(request.args.get("phrase", "")))


@bp.get("/display/clock.json")
@requires(Role.STAFF, devices=("display", "window_display", "rating_pad"))
def clock() -> Response:
    """The hub's current time in milliseconds since the epoch, uncached."""
    response = jsonify({"now_ms": int(runtime().clock.now().timestamp() * 1000)})
    response.headers["Cache-Control"] = "no-store"
    return response
