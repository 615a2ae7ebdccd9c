"""Voice clips built with the real espeak-ng and sox, and announcements from them.

No skip when the tools are missing: the Makefile installs espeak-ng and sox,
and a hall without them would have a silent display.
"""

from __future__ import annotations

import array
import io
import json
import math
import os
import re
import shutil
import subprocess
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from display.voice.announce import render_announcement
from display.voice.build import VOICES, build_clips
from display.voice.commands import voice_group
from display.voice.errors import ToolMissing
from display.voice.pcm import SAMPLE_RATE, silence
from display.voice.phrases import (
    AFTER_CHIME,
    BETWEEN_REPEATS,
    CLIP_NAMES,
    CLIP_TABLE,
    TAIL,
    Pause,
    Segment,
    announcement_timeline,
)

# Full scale is 32767; levelled speech sits around 0.1–0.2 of it.
MIN_RMS = 0.03 * 32767
TONE_CONTOURS = {"1": "55", "2": "35", "3": "214", "4": "51"}


def _read(wav_file: Path | bytes) -> tuple[array.array[int], tuple[int, int, int]]:
    source = io.BytesIO(wav_file) if isinstance(wav_file, bytes) else str(wav_file)
    with wave.open(source, "rb") as wav:
        params = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return samples, params


def _rms(samples: array.array[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / max(len(samples), 1))


def _pcm_of(clips_dir: Path, segments: list[Segment]) -> bytes:
    return b"".join(
        silence(s.seconds) if isinstance(s, Pause) else _read(clips_dir / f"{s}.wav")[0].tobytes()
        for s in segments
    )


@pytest.fixture(scope="module")
def clips_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every clip, built once for this module with the real tools."""
    out_dir = tmp_path_factory.mktemp("voice")
    manifest = build_clips(out_dir)
    assert manifest["status"] == "built"
    return out_dir


def test_espeak_ng_and_sox_are_installed() -> None:
    # GIVEN a machine set up by the Makefile
    # WHEN the voice tools are looked up
    # THEN both are there (the hall display is mute without them)
    for tool in ("espeak-ng", "sox"):
        assert shutil.which(tool), f"{tool} missing: apt-get install espeak-ng sox"


def test_pinyin_voice_reads_mandarin_with_tones() -> None:
    # GIVEN the pinyin text of every Chinese clip
    for name, spec in CLIP_TABLE.items():
        if spec.voice != "zh":
            continue
        # WHEN espeak-ng's pinyin voice transcribes it to phonemes
        phonemes = subprocess.run(
            ["espeak-ng", "-v", VOICES["zh"], "-q", "-x", spec.text],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # THEN it stays in Mandarin (no switch to English) with the right tone per syllable
        assert "(en)" not in phonemes, (name, phonemes)
        tones = re.findall(r"214|21|55|35|51", phonemes)
        if name.startswith("phrase_"):
            # A sentence: every syllable toned, third tones changed by sandhi as spoken.
            assert len(tones) == len(spec.text.split()), (name, phonemes)
            continue
        expected = [TONE_CONTOURS[syllable[-1]] for syllable in spec.text.split()]
        assert tones == expected, (name, phonemes)


def test_every_clip_is_real_sound_in_the_common_format(clips_dir: Path) -> None:
    # GIVEN the built clips
    manifest = json.loads((clips_dir / "manifest.json").read_text())
    assert list(manifest["clips"]) == list(CLIP_NAMES)
    for name in CLIP_NAMES:
        # WHEN each clip is read
        samples, params = _read(clips_dir / f"{name}.wav")
        duration = len(samples) / SAMPLE_RATE
        # THEN it is mono 16-bit at the common rate, audible, and of plausible length
        assert params == (SAMPLE_RATE, 1, 2), name
        assert _rms(samples) > MIN_RMS, name
        # A word or two; a prepared announcement is a sentence.
        longest = 6.0 if name.startswith("phrase_") else 2.0
        assert 0.1 <= duration <= longest, (name, duration)
        assert manifest["clips"][name]["duration"] == pytest.approx(duration, abs=1e-3)
        spec = CLIP_TABLE[name]
        if spec.voice == "zh":
            # One Mandarin syllable, spoken slowly, lasts a few tenths of a second.
            per_syllable = duration / len(spec.text.split())
            assert 0.15 <= per_syllable <= 0.7, (name, per_syllable)


def test_second_build_is_skipped(clips_dir: Path) -> None:
    # GIVEN clips already built
    before = {path.name: path.stat().st_mtime_ns for path in clips_dir.iterdir()}
    # WHEN the build runs again
    manifest = build_clips(clips_dir)
    # THEN nothing is regenerated
    assert manifest["status"] == "up-to-date"
    assert {path.name: path.stat().st_mtime_ns for path in clips_dir.iterdir()} == before


def test_announcement_is_chime_then_phrase_twice(clips_dir: Path) -> None:
    # GIVEN the built clips
    # WHEN A012 → window 3 is rendered with the phrase twice
    rendered = render_announcement(clips_dir, "A012", 3, repeat=2)
    samples, params = _read(rendered)
    duration = len(samples) / SAMPLE_RATE
    # THEN it is real sound of plausible length
    assert params == (SAMPLE_RATE, 1, 2)
    assert 3 <= duration <= 15
    assert _rms(samples) > MIN_RMS
    # AND it starts with the chime, sample for sample
    chime = _read(clips_dir / "chime.wav")[0]
    assert samples[: len(chime)] == chime
    # AND the Chinese phrase occurs twice, making up the whole length with the pauses
    once = announcement_timeline("A012", 3, repeat=1)
    phrase = _pcm_of(clips_dir, once[2:-1])  # between the chime's pause and the tail
    pcm = samples.tobytes()
    assert pcm.count(phrase) == 2
    expected = (
        len(chime.tobytes())
        + len(silence(AFTER_CHIME))
        + 2 * len(phrase)
        + len(silence(BETWEEN_REPEATS))
        + len(silence(TAIL))
    )
    assert len(pcm) == expected


def test_english_follows_the_chinese(clips_dir: Path) -> None:
    # GIVEN the built clips
    # WHEN A1000 → window 12 is rendered with English
    chinese_only = _read(render_announcement(clips_dir, "A1000", 12))[0]
    with_english = _read(render_announcement(clips_dir, "A1000", 12, english=True))[0]
    # THEN it starts exactly like the Chinese-only one (whose tail is silence)
    assert with_english[: len(chinese_only)] == chinese_only
    # AND goes on for at least "number", "please go to window" and "twelve"
    english = ("en_number", "en_please_go_to_window", "en_num_12")
    minimum = sum(len(_read(clips_dir / f"{name}.wav")[0]) for name in english)
    assert len(with_english) > len(chinese_only) + minimum


def _recording(path: Path, *, rate: int, channels: int, tone_hz: float) -> None:
    """A 'studio' take: silence, half a second of tone, silence."""
    frames = array.array("h")
    for index in range(int(rate * 1.0)):
        t = index / rate
        value = int(12000 * math.sin(2 * math.pi * tone_hz * t)) if 0.2 <= t < 0.7 else 0
        frames.extend([value] * channels)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames.tobytes())


def test_recorded_pack_replaces_clips(tmp_path: Path, clips_dir: Path) -> None:
    # GIVEN a recorded pack with qing.wav at 44.1 kHz stereo, and a misnamed file
    pack = tmp_path / "pack"
    pack.mkdir()
    _recording(pack / "qing.wav", rate=44100, channels=2, tone_hz=220)
    _recording(pack / "Qing.wav", rate=22050, channels=1, tone_hz=220)
    out_dir = tmp_path / "voice"
    # WHEN the clips are built with it
    manifest = build_clips(out_dir, overrides_dir=pack)
    # THEN qing is the recording, converted, levelled and trimmed; the rest are generated
    samples, params = _read(out_dir / "qing.wav")
    assert params == (SAMPLE_RATE, 1, 2)
    assert len(samples) / SAMPLE_RATE == pytest.approx(0.5, abs=0.03)
    assert samples.tobytes() != _read(clips_dir / "qing.wav")[0].tobytes()
    assert manifest["clips"]["qing"]["source"].startswith("recorded")
    assert manifest["clips"]["hao"]["source"].startswith("espeak-ng")
    assert list(manifest["recorded"]) == ["qing"]
    assert manifest["recorded_ignored"] == ["Qing.wav"]
    # AND announcements use it
    rendered = _read(render_announcement(out_dir, "A012", 3))[0].tobytes()
    assert samples.tobytes() in rendered
    # AND a changed recording triggers a rebuild
    _recording(pack / "qing.wav", rate=44100, channels=2, tone_hz=330)
    assert build_clips(out_dir, overrides_dir=pack)["status"] == "built"


@pytest.mark.parametrize(
    ("present", "missing"), [((), "espeak-ng and sox"), (("sox",), "espeak-ng")]
)
def test_missing_tools_fail_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, present: tuple[str, ...], missing: str
) -> None:
    # GIVEN a PATH without espeak-ng (and maybe without sox)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in present:
        (bin_dir / tool).symlink_to(shutil.which(tool) or "/usr/bin/false")
    monkeypatch.setenv("PATH", str(bin_dir))
    # WHEN the clips are built
    # THEN the error names what is missing and how to install it
    with pytest.raises(ToolMissing, match=f"^{missing} not found.*apt-get install espeak-ng sox"):
        build_clips(tmp_path / "voice")


def test_cli_build(tmp_path: Path, clips_dir: Path) -> None:
    # GIVEN an already built clips directory (copied)
    out_dir = tmp_path / "voice"
    shutil.copytree(clips_dir, out_dir)
    # WHEN `hallq voice build --out DIR` runs
    result = CliRunner().invoke(voice_group, ["build", "--out", str(out_dir)])
    # THEN it reports the clips up to date
    assert result.exit_code == 0, result.output
    assert f"{len(CLIP_NAMES)} voice clips already up to date" in result.output


def test_cli_reports_missing_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no espeak-ng or sox on PATH
    monkeypatch.setenv("PATH", os.fspath(tmp_path))
    # WHEN `hallq voice build` runs
    result = CliRunner().invoke(voice_group, ["build", "--out", str(tmp_path / "voice")])
    # THEN it fails with the message, not a traceback
    assert result.exit_code == 1
    assert "espeak-ng and sox not found" in result.output
