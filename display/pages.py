"""The configuration each display page hands its script (``#hallq-config``).

The strict CSP allows no inline script, so everything the browser needs —
which namespace, how long before the offline view, the hub's clock, the
sentences in both languages — travels as one JSON block in the page.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from core import protocol
from core.runtime import runtime
from display.access import Screen
from display.labels import all_text, screen_language

TRUE_WORDS = ("1", "true", "yes", "on")


def english_voice(screen: Screen) -> bool:
    """English after the Chinese call: ``?english=1|0``, else the device's ``voice_english``."""
    asked = request.args.get("english")
    if asked is not None:
        return asked.strip().lower() in TRUE_WORDS
    return bool(screen.settings.get("voice_english", False))


def _static(filename: str) -> str:
    return url_for("static", filename=filename)


def _display_static(filename: str) -> str:
    return url_for("display.static", filename=filename)


def _common(
    screen: Screen, cache_key: str, scripts: list[str], styles: list[str]
) -> dict[str, Any]:
    settings = runtime().settings
    now = runtime().clock.now()
    return {
        "namespace": protocol.DISPLAY,
        "cache_key": cache_key,
        "language": screen_language(),
        "hall": {"code": screen.hall, "name": screen.hall_name, "name_en": screen.hall_name_en},
        "timezone": screen.timezone,
        # The hub's clock, not the PC's: a display PC's clock is often wrong.
        "hub_now_ms": int(now.timestamp() * 1000),
        "clock_url": url_for("display.clock"),
        "offline_after_ms": int(settings.offline_after_s * 1000),
        "check_every_ms": int(settings.state_check_s * 1000),
        "text": all_text(),
        # Fetched once the service worker runs, so that a reload during an
        # outage finds the page and every file it needs in the offline cache.
        "precache": [
            request.full_path.rstrip("?"),
            _static("hallq.css"),
            _static("vendor/socket.io.min.js"),
            _static("hallq-client.js"),
            _display_static("screen.js"),
            *scripts,
            *styles,
        ],
    }


def hall_config(screen: Screen, display_id: str) -> dict[str, Any]:
    """The hall display's page configuration."""
    config = _common(
        screen,
        f"display:{display_id}",
        [_display_static("hall.js"), _display_static("voice.js")],
        [_display_static("hall.css")],
    )
    config.update(
        screen="hall",
        display=display_id,
        english_voice=english_voice(screen),
        voice_url=url_for("display.announcement"),
        phrase_url=url_for("display.phrase"),
    )
    return config


def window_config(screen: Screen, window: int) -> dict[str, Any]:
    """The window display's page configuration."""
    config = _common(
        screen,
        f"window-display:{window}",
        [_display_static("window.js")],
        [_display_static("window.css")],
    )
    config.update(
        screen="window",
        window=window,
        clerk_url=url_for("api.window_clerk", window=window),
    )
    return config


def rate_config(screen: Screen, window: int) -> dict[str, Any]:
    """The rating pad's page configuration."""
    config = _common(
        screen,
        f"rating-pad:{window}",
        [_display_static("rate.js")],
        [_display_static("rate.css")],
    )
    config.update(
        screen="rate",
        window=window,
        pad_url=url_for("api.pad", window=window),
        rate_url=url_for("api.rate_on_pad", window=window),
    )
    return config
