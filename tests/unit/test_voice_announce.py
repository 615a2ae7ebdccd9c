"""Rendering announcements from a clips directory, with synthetic clips.

Each fake clip is a constant sample value unique to its name, so the rendered
PCM can be checked byte for byte without espeak-ng or sox.
"""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from display.voice.announce import (
    announcement_cache_info,
    clear_announcement_cache,
    render_announcement,
)
from display.voice.errors import ClipsNotReady, InvalidCall
from display.voice.pcm import SAMPLE_RATE, silence
from display.voice.phrases import CLIP_NAMES, Pause, announcement_timeline


def _frames(name: str, seconds: float = 0.1) -> bytes:
    value = CLIP_NAMES.index(name) + 1
    return value.to_bytes(2, "little", signed=True) * round(seconds * SAMPLE_RATE)


def _write_wav(path: Path, frames: bytes, *, rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    clear_announcement_cache()
    yield
    clear_announcement_cache()


@pytest.fixture
def make_clips_dir(tmp_path: Path) -> Callable[..., Path]:
    """Factory: a clips directory with a manifest, every clip synthetic."""

    def make(*, omit: str | None = None, seconds: float = 0.1) -> Path:
        clips_dir = tmp_path / "voice"
        clips_dir.mkdir(exist_ok=True)
        clips = {}
        for name in CLIP_NAMES:
            if name != omit:
                _write_wav(clips_dir / f"{name}.wav", _frames(name, seconds))
            clips[name] = {"file": f"{name}.wav", "duration": seconds, "sha256": "-"}
        staged = clips_dir / "manifest.tmp"
        staged.write_text(json.dumps({"format": 1, "clips": clips}))
        staged.replace(clips_dir / "manifest.json")
        return clips_dir

    return make


def _pcm(wav_file: bytes) -> tuple[bytes, tuple[int, int, int]]:
    with wave.open(io.BytesIO(wav_file), "rb") as wav:
        params = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
        return wav.readframes(wav.getnframes()), params


def test_announcement_follows_the_timeline(make_clips_dir: Callable[..., Path]) -> None:
    # GIVEN a clips directory
    clips_dir = make_clips_dir()
    # WHEN A012 → window 3 is rendered with English
    rendered = render_announcement(clips_dir, "A012", 3, english=True, repeat=2)
    # THEN the WAV is each clip and pause of the timeline, in order, in the common format
    expected = b"".join(
        silence(segment.seconds) if isinstance(segment, Pause) else _frames(segment)
        for segment in announcement_timeline("A012", 3, english=True, repeat=2)
    )
    frames, params = _pcm(rendered)
    assert params == (SAMPLE_RATE, 1, 2)
    assert frames == expected


def test_repeat_adds_one_phrase(make_clips_dir: Callable[..., Path]) -> None:
    # GIVEN a clips directory
    clips_dir = make_clips_dir()
    # WHEN the same call is rendered with repeat 1 and 2
    once, _ = _pcm(render_announcement(clips_dir, "A012", 3, repeat=1))
    twice, _ = _pcm(render_announcement(clips_dir, "A012", 3, repeat=2))
    # THEN the second is longer by a phrase of 10 clips plus its pauses
    assert len(twice) > len(once) + 10 * len(_frames("qing"))


def test_rendered_announcements_are_cached(make_clips_dir: Callable[..., Path]) -> None:
    # GIVEN a clips directory and one rendered announcement
    clips_dir = make_clips_dir()
    first = render_announcement(clips_dir, "A012", 3)
    # WHEN the same announcement is asked for again
    second = render_announcement(clips_dir, "A012", 3)
    # THEN it comes from the cache
    assert second == first
    assert announcement_cache_info()["hits"] == 1
    assert announcement_cache_info()["misses"] == 1


def test_rebuilt_clips_invalidate_the_cache(make_clips_dir: Callable[..., Path]) -> None:
    # GIVEN an announcement rendered from short clips
    clips_dir = make_clips_dir(seconds=0.1)
    before = render_announcement(clips_dir, "A012", 3)
    # WHEN the clips are rebuilt (new manifest) with longer clips
    make_clips_dir(seconds=0.2)
    after = render_announcement(clips_dir, "A012", 3)
    # THEN the new clips are used
    assert len(after) > len(before)


def test_missing_manifest_says_to_build(tmp_path: Path) -> None:
    # GIVEN an empty directory
    # WHEN an announcement is rendered from it
    # THEN the error says to run the build
    with pytest.raises(ClipsNotReady, match="hallq voice build"):
        render_announcement(tmp_path, "A012", 3)


def test_missing_clip_is_reported(make_clips_dir: Callable[..., Path]) -> None:
    # GIVEN a clips directory whose banli.wav was deleted
    clips_dir = make_clips_dir(omit="banli")
    # WHEN an announcement is rendered
    # THEN the missing clip is named
    with pytest.raises(ClipsNotReady, match=r"banli\.wav is missing"):
        render_announcement(clips_dir, "A012", 3)


def test_clip_in_another_format_is_reported(make_clips_dir: Callable[..., Path]) -> None:
    # GIVEN a clip at 44.1 kHz among 22.05 kHz clips
    clips_dir = make_clips_dir()
    _write_wav(clips_dir / "qing.wav", _frames("qing"), rate=44100)
    # WHEN an announcement is rendered
    # THEN the mismatch is named rather than played at the wrong speed
    with pytest.raises(ClipsNotReady, match=r"qing\.wav is 44100 Hz"):
        render_announcement(clips_dir, "A012", 3)


@pytest.mark.parametrize(
    ("number", "window", "message"),
    [("A12", 3, "ticket number"), ("A012", 100, "window"), ("A012", 0, "window")],
)
def test_bad_input_is_a_value_error(
    make_clips_dir: Callable[..., Path], number: str, window: int, message: str
) -> None:
    # GIVEN a clips directory
    clips_dir = make_clips_dir()
    # WHEN a malformed call is rendered
    # THEN ValueError (InvalidCall) explains it, before any file is read
    with pytest.raises(InvalidCall, match=message):
        render_announcement(clips_dir, number, window)
    assert announcement_cache_info()["misses"] == 0
