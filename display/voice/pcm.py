"""The one audio format every clip shares, and reading/writing it with ``wave``.

All clips are mono, 16-bit signed little-endian PCM at 22 050 Hz (espeak-ng's
own rate, so its output is not resampled). Because they share one format an
announcement is made by concatenating their PCM bytes: no sox at run time.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from display.voice.errors import ClipsNotReady

SAMPLE_RATE: Final = 22050
CHANNELS: Final = 1
SAMPLE_WIDTH: Final = 2  # bytes: 16-bit
FRAME_BYTES: Final = CHANNELS * SAMPLE_WIDTH


@dataclass(frozen=True)
class Pcm:
    """Raw frames in the common format, and where they came from."""

    frames: bytes
    source: str

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.frames) / (SAMPLE_RATE * FRAME_BYTES)


def silence(seconds: float) -> bytes:
    """``seconds`` of digital silence in the common format, whole frames only."""
    return bytes(round(seconds * SAMPLE_RATE) * FRAME_BYTES)


def read_pcm(path: Path) -> Pcm:
    """Read a WAV file that must be in the common format.

    Raises :class:`ClipsNotReady` if it is missing, unreadable or in another
    format — a clip that slipped past the build would otherwise play at the
    wrong speed or as noise.
    """
    try:
        with wave.open(str(path), "rb") as wav:
            found = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError as exc:
        raise ClipsNotReady(f"voice clip {path} is missing; run `hallq voice build`") from exc
    except (wave.Error, EOFError) as exc:
        raise ClipsNotReady(f"voice clip {path} is not a readable WAV file: {exc}") from exc
    expected = (SAMPLE_RATE, CHANNELS, SAMPLE_WIDTH)
    if found != expected:
        raise ClipsNotReady(
            f"voice clip {path} is {found[0]} Hz, {found[1]} channel(s), {8 * found[2]}-bit; "
            f"expected {SAMPLE_RATE} Hz mono 16-bit — rebuild with `hallq voice build`"
        )
    return Pcm(frames=frames, source=str(path))


def wav_bytes(frames: bytes) -> bytes:
    """Wrap PCM frames in the common format into a complete WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(frames)
    return buffer.getvalue()
