"""The display blueprint through Flask's test client: who may open which screen,
and the voice announcements served from real clips."""

from __future__ import annotations

import io
import json
import re
import shutil
import wave
from pathlib import Path

import pytest
from flask import Flask

from display.voice.build import build_clips
from tests.integration.conftest import Api
from tests.support.enrolment import enrolled

VOICE = "/display/voice/announce.wav"


@pytest.fixture(scope="module")
def built_clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The voice clips, generated once for this module with espeak-ng and sox."""
    folder = tmp_path_factory.mktemp("clips")
    build_clips(folder)
    return folder


@pytest.fixture
def with_clips(app: Flask, built_clips: Path) -> Flask:
    """The app with the clips where `hallq voice build --out var/voice` puts them."""
    shutil.copytree(built_clips, app.extensions["hallq"].settings.var_dir / "voice")
    return app


def page_config(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="hallq-config">(.*?)</script>', html)
    assert found, "the page carries its configuration"
    return dict(json.loads(found.group(1)))


def test_an_enrolled_display_gets_a_real_announcement(with_clips: Flask, api: Api) -> None:
    # GIVEN the hall display display-1, enrolled
    client = enrolled(with_clips, api.tokens, "display-1")
    # WHEN it asks for the announcement of A012 to window 3
    response = client.get(f"{VOICE}?number=A012&window=3&english=0")
    # THEN it gets a WAV of several seconds, cacheable by the browser
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.headers["ETag"]
    assert "max-age" in response.headers["Cache-Control"]
    with wave.open(io.BytesIO(response.data)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 3 < seconds < 20


def test_an_unannounceable_number_is_refused_with_400(with_clips: Flask, api: Api) -> None:
    # GIVEN an enrolled display WHEN it asks for number XYZ THEN 400 with a JSON error
    client = enrolled(with_clips, api.tokens, "display-1")
    response = client.get(f"{VOICE}?number=XYZ&window=3")
    assert response.status_code == 400
    assert (response.json or {}).get("error") == "voice.invalid_call"


def test_a_window_that_is_not_a_number_is_refused_with_400(with_clips: Flask, api: Api) -> None:
    # GIVEN an enrolled display WHEN the window is not a number THEN 400
    client = enrolled(with_clips, api.tokens, "display-1")
    assert client.get(f"{VOICE}?number=A012&window=x").status_code == 400


def test_the_voice_needs_enrolment(with_clips: Flask, api: Api) -> None:
    # GIVEN no credentials WHEN the announcement is asked for THEN 401
    assert with_clips.test_client().get(f"{VOICE}?number=A012&window=3").status_code == 401
    # GIVEN a kiosk's token WHEN it asks THEN 403: only displays and staff get the voice
    assert api.get(f"{VOICE}?number=A012&window=3", as_="kiosk-1").status_code == 403


def test_without_clips_the_voice_answers_503(app: Flask, api: Api) -> None:
    # GIVEN a hub whose clips were never built WHEN a display asks THEN 503, not a crash
    response = api.get(f"{VOICE}?number=A012&window=3", as_="display-1")
    assert response.status_code == 503
    assert (response.json or {}).get("error") == "voice.not_ready"


def test_the_hall_display_opens_for_its_own_device(app: Flask, api: Api) -> None:
    # GIVEN display-1 enrolled WHEN it opens its page THEN the page and its configuration
    client = enrolled(app, api.tokens, "display-1")
    response = client.get("/display/display-1")
    assert response.status_code == 200
    config = page_config(response.get_data(as_text=True))
    assert config["namespace"] == "/display"
    assert config["english_voice"] is False
    assert config["text"]["offline"] == [  # type: ignore[index]
        "叫号系统故障，请留意窗口人工叫号",
        "Calling system down — please listen for manual calls at the windows",
    ]


def test_english_first_after_switching_language(app: Flask, api: Api) -> None:
    # GIVEN display-1 switched to English WHEN it opens its page THEN English comes first
    client = enrolled(app, api.tokens, "display-1", language="en")
    config = page_config(client.get("/display/display-1?english=1").get_data(as_text=True))
    assert config["text"]["window"] == ["Window {n}", "{n}号窗口"]  # type: ignore[index]
    assert config["english_voice"] is True


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        (None, "/display/display-1", 403),
        ("display-2", "/display/display-1", 403),
        ("kiosk-1", "/display/display-1", 403),
        ("window-display-3", "/display/display-1", 403),
        ("window-display-3", "/display/window/3", 200),
        ("window-display-3", "/display/window/4", 403),
        ("display-1", "/display/window/4", 200),
        ("kiosk-1", "/display/window/3", 403),
        (None, "/display/window/3", 403),
        ("rating-pad-3", "/display/rate/3", 200),
        ("rating-pad-3", "/display/rate/4", 403),
        ("rating-pad-3", "/display/window/3", 403),
        ("window-display-3", "/display/rate/3", 403),
        ("display-1", "/display/rate/3", 403),
        (None, "/display/rate/3", 403),
    ],
)
def test_who_may_open_which_screen(
    app: Flask, api: Api, who: str | None, path: str, status: int
) -> None:
    # GIVEN a browser enrolled as `who` (or not at all) WHEN it opens `path` THEN `status`
    client = enrolled(app, api.tokens, who) if who else app.test_client()
    response = client.get(path)
    assert response.status_code == status
    if status == 403:
        page = response.get_data(as_text=True)
        assert "本屏幕尚未登记。" in page
        assert "This screen is not enrolled." in page


def test_staff_may_preview_every_screen_but_not_invent_one(app: Flask, api: Api) -> None:
    # GIVEN a staff token WHEN it opens displays THEN known ones show, unknown ones are 404
    assert api.get("/display/display-2", as_="window3").status_code == 200
    assert api.get("/display/window/8", as_="window3").status_code == 200
    assert api.get("/display/nowhere", as_="window3").status_code == 404
    assert api.get("/display/window/99", as_="window3").status_code == 404
    assert api.get("/display/rate/8", as_="window3").status_code == 200
    assert api.get("/display/rate/99", as_="window3").status_code == 404


def test_the_clock_is_the_hubs(app: Flask, api: Api) -> None:
    # GIVEN the hub's fixed clock WHEN a window display asks the time THEN it is the hub's
    response = api.get("/display/clock.json", as_="window-display-3")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    clock = app.extensions["hallq"].clock
    assert response.json == {"now_ms": int(clock.now().timestamp() * 1000)}


def test_a_prepared_announcement_is_a_real_recording_and_an_unknown_one_is_refused(
    with_clips: Flask, api: Api
) -> None:
    # GIVEN the hall display, enrolled
    client = enrolled(with_clips, api.tokens, "display-1")
    # WHEN it asks for the prepared phrase "keep your belongings", and for one that is none
    spoken = client.get("/display/voice/phrase.wav?phrase=keep_belongings")
    unknown = client.get("/display/voice/phrase.wav?phrase=sing")
    # THEN the first is the chime and the phrase twice, several seconds; the second a 400
    assert (spoken.status_code, spoken.mimetype) == (200, "audio/wav")
    with wave.open(io.BytesIO(spoken.data)) as wav:
        assert 4 < wav.getnframes() / wav.getframerate() < 15
    assert (unknown.status_code, unknown.get_json()["error"]) == (400, "voice.invalid_call")
