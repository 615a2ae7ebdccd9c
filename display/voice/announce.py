"""Render one announcement WAV from the pre-built clips, with the stdlib only.

No sox or espeak-ng at run time: the clips share one PCM format, so an
announcement is their frames and some silence joined together.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Final

from display.voice.build import MANIFEST_NAME
from display.voice.errors import ClipsNotReady
from display.voice.pcm import read_pcm, silence, wav_bytes
from display.voice.phrases import (
    CLIP_NAMES,
    Pause,
    Segment,
    announcement_timeline,
    phrase_timeline,
)

# A hall calls a few hundred distinct numbers a day, but what repeats within
# minutes is a recall or several screens fetching the same call. An
# announcement is ~10 s ≈ 440 KB, so 64 of them cap the cache near 30 MB.
ANNOUNCEMENT_CACHE_SIZE: Final = 64

_Stamp = tuple[int, int, int]


def render_announcement(
    clips_dir: Path,
    number: str,
    window: int,
    *,
    english: bool = False,
    repeat: int = 2,
    green: bool = False,
) -> bytes:
    """Return a complete WAV file announcing ``number`` to ``window``.

    The chime, then "请 A012 号 到 3 号窗口 办理" ``repeat`` times with a pause
    between, then "Number A 0 1 2, please go to window 3" if ``english``.
    ``number`` must match ``^[A-Z][0-9]{3,4}$``, ``window`` be 1–99 and
    ``repeat`` 1–5, otherwise :class:`~display.voice.errors.InvalidCall`
    (a ``ValueError``) is raised. :class:`~display.voice.errors.ClipsNotReady`
    means the clips in ``clips_dir`` were never built or are damaged.

    Results are cached in memory (LRU); rebuilding the clips, which rewrites
    the manifest, invalidates the cache.
    """
    timeline = tuple(
        announcement_timeline(number, window, english=english, repeat=repeat, green=green)
    )
    directory = str(clips_dir.resolve())
    return _render(directory, _manifest_stamp(directory), timeline)


def render_phrase(clips_dir: Path, key: str) -> bytes:
    """A WAV of the chime and a prepared announcement twice (`phrase_timeline`);
    :class:`~display.voice.errors.InvalidCall` for a phrase that does not exist."""
    directory = str(clips_dir.resolve())
    return _render(directory, _manifest_stamp(directory), tuple(phrase_timeline(key)))


def announcement_cache_info() -> dict[str, int]:
    """Hits, misses and current size of the rendered-announcement cache."""
    info = _render.cache_info()
    return {"hits": info.hits, "misses": info.misses, "size": info.currsize}


def clear_announcement_cache() -> None:
    """Forget every rendered announcement and loaded clip."""
    _render.cache_clear()
    _load_clips.cache_clear()


def _manifest_stamp(directory: str) -> _Stamp:
    # The manifest is rewritten (atomically, so a new inode) by every build
    # that changes anything; its identity is enough to know the clips changed.
    try:
        stat = os.stat(os.path.join(directory, MANIFEST_NAME))
    except FileNotFoundError as exc:
        raise ClipsNotReady(
            f"no voice clips in {directory} ({MANIFEST_NAME} is missing); "
            f"run `hallq voice build --out {directory}`"
        ) from exc
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=ANNOUNCEMENT_CACHE_SIZE)
def _render(directory: str, stamp: _Stamp, timeline: tuple[Segment, ...]) -> bytes:
    clips = _load_clips(directory, stamp)
    missing = sorted({segment for segment in timeline if isinstance(segment, str)} - set(clips))
    if missing:
        raise ClipsNotReady(
            f"voice clips in {directory} lack {', '.join(missing)} (built by an older "
            "version); run `hallq voice build` again"
        )
    frames = b"".join(
        silence(segment.seconds) if isinstance(segment, Pause) else clips[segment]
        for segment in timeline
    )
    return wav_bytes(frames)


@functools.lru_cache(maxsize=4)
def _load_clips(directory: str, stamp: _Stamp) -> dict[str, bytes]:
    """Every clip's frames, read once per build of the directory."""
    del stamp  # only part of the cache key
    root = Path(directory)
    try:
        manifest = json.loads((root / MANIFEST_NAME).read_text())
        entries = manifest["clips"]
        # Clips a newer version added may be missing until the next build: what
        # is there still announces the calls (a missing clip fails its own phrase).
        files = {name: root / str(entries[name]["file"]) for name in CLIP_NAMES if name in entries}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ClipsNotReady(
            f"voice clips in {directory} are incomplete or from another version ({exc!r}); "
            "run `hallq voice build` again"
        ) from exc
    return {name: read_pcm(path).frames for name, path in files.items()}
