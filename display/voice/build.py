"""Generate the voice clips at set-up time with espeak-ng and sox.

Run once per hall machine (``hallq voice build``); the hall itself may have no
internet and the display only concatenates the WAV files written here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

from display.voice.errors import ToolFailed, ToolMissing, VoiceError
from display.voice.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, read_pcm
from display.voice.phrases import CLIP_NAMES, CLIP_TABLE, ClipSpec

MANIFEST_NAME: Final = "manifest.json"
MANIFEST_FORMAT: Final = 1

# espeak-ng's `cmn` voice reads hanzi through its English fallback (请 comes
# out as "qing three"); the pinyin voice gets syllables and tones right.
VOICES: Final = {"zh": "cmn-latn-pinyin", "en": "en"}
# Words per minute. espeak-ng's default (175) is brisk for elderly taxpayers
# in an echoing hall; much slower and a call twice over takes so long that
# calls queue up at a busy hour (at 140 one A012 announcement was 14 s).
SPEEDS: Final = {"zh": 160, "en": 160}

_OUTPUT_FORMAT: Final = [
    *("-r", str(SAMPLE_RATE), "-c", str(CHANNELS)),
    *("-b", str(8 * SAMPLE_WIDTH), "-e", "signed-integer"),
]


def _speech_effects(threshold: str) -> list[str]:
    """sox effects for every speech clip, generated or recorded.

    Level every clip to the same peak first, so generated and recorded clips
    sound equally loud and the silence threshold means the same for all. Then
    trim silence at both ends (sox's `silence` only trims the front, hence
    reverse–trim–reverse) and fade a few ms so no cut clicks.
    """
    trim = ["silence", "1", "0.01", threshold]
    return [
        *("gain", "-n", "-3", *trim, "reverse", *trim),
        *("fade", "q", "0.01", "reverse", "fade", "q", "0.005"),
    ]


# espeak-ng pads with exact digital silence, so a very low threshold is safe;
# at 1 % the quiet frication of "F" (ɛf) was cut off. Recordings have a noise
# floor, hence a higher one.
_GENERATED_EFFECTS: Final = _speech_effects("0.1%")
_RECORDED_EFFECTS: Final = _speech_effects("0.5%")

# Ding (E5) then dong (C5), each dying away: the usual two-tone hall chime.
# Its peak is kept below speech because a sine is far louder than a voice at
# the same peak.
_CHIME_TONES: Final = (("659.25", "0.5"), ("523.25", "0.8"))
_CHIME_GAIN: Final = "-10"
_MIN_CLIP_SECONDS: Final = 0.05
_TOOL_TIMEOUT: Final = 60


def build_clips(out_dir: Path, *, overrides_dir: Path | None = None) -> dict[str, Any]:
    """Generate every clip of :data:`CLIP_NAMES` into ``out_dir`` and write its manifest.

    Clips are mono 16-bit WAV at 22 050 Hz, silence-trimmed and levelled.
    ``overrides_dir`` is a recorded voice pack: any ``<clip name>.wav`` in it
    replaces the generated clip (converted to the common format with sox);
    other files there are listed under ``recorded_ignored``.

    Idempotent: when the manifest already matches the espeak-ng and sox
    versions, the phrase table, the recorded pack and the files on disk,
    nothing is regenerated. Returns the manifest plus ``status``, ``"built"``
    or ``"up-to-date"``.

    Raises :class:`ToolMissing` if espeak-ng or sox is not installed and
    :class:`ToolFailed` if one of them fails.
    """
    tools = _require_tools()
    recorded, ignored = _recorded_pack(overrides_dir)
    recipe = _recipe(tools)
    recorded_shas = {name: _sha256(path) for name, path in recorded.items()}
    out_dir.mkdir(parents=True, exist_ok=True)

    existing = _load_manifest(out_dir)
    if existing is not None and _is_current(existing, out_dir, recipe, recorded_shas):
        return {**existing, "recorded_ignored": ignored, "status": "up-to-date"}

    work_dir = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
    try:
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
            sources = dict(
                zip(
                    CLIP_NAMES,
                    pool.map(
                        lambda name: _make_clip(tools, name, recorded.get(name), work_dir),
                        CLIP_NAMES,
                    ),
                    strict=True,
                )
            )
        durations = {name: read_pcm(work_dir / f"{name}.wav").duration for name in CLIP_NAMES}
        for name, duration in durations.items():
            if duration < _MIN_CLIP_SECONDS:
                raise VoiceError(
                    f"clip {name!r} ({sources[name]}) is silent after trimming ({duration:.3f} s)"
                )
        # Every clip is good: drop the old manifest first, so that clips half
        # replaced by a build that dies now are never vouched for by it.
        (out_dir / MANIFEST_NAME).unlink(missing_ok=True)
        clips: dict[str, dict[str, Any]] = {}
        for name, duration in durations.items():
            final = out_dir / f"{name}.wav"
            os.replace(work_dir / final.name, final)
            clips[name] = {
                "file": final.name,
                "duration": round(duration, 4),
                "sha256": _sha256(final),
                "source": sources[name],
            }
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)

    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "recipe_sha256": _recipe_sha(recipe),
        "espeak_version": recipe["espeak_version"],
        "sox_version": recipe["sox_version"],
        "sample_rate": SAMPLE_RATE,
        "channels": CHANNELS,
        "sample_width": SAMPLE_WIDTH,
        "recorded": recorded_shas,
        "recorded_ignored": ignored,
        "clips": clips,
    }
    # Written last, and atomically: its presence says the clips are complete.
    staged_manifest = out_dir / f".{MANIFEST_NAME}.tmp"
    staged_manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    os.replace(staged_manifest, out_dir / MANIFEST_NAME)
    return {**manifest, "status": "built"}


def _require_tools() -> dict[str, str]:
    found = {tool: shutil.which(tool) for tool in ("espeak-ng", "sox")}
    missing = [tool for tool, path in found.items() if path is None]
    if missing:
        raise ToolMissing(
            f"{' and '.join(missing)} not found on PATH; the voice clips are generated with "
            "espeak-ng and sox — install them (`apt-get install espeak-ng sox`, done by the "
            "Makefile) and run `hallq voice build` again"
        )
    return {tool: path for tool, path in found.items() if path is not None}


def _run(args: Sequence[str]) -> str:
    try:
        result = subprocess.run(
            list(args), capture_output=True, text=True, timeout=_TOOL_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolFailed(f"{args[0]} could not run: {exc}") from exc
    if result.returncode != 0:
        raise ToolFailed(
            f"{' '.join(args)} failed with exit code {result.returncode}: {result.stderr.strip()}"
        )
    return result.stdout


def _recipe(tools: dict[str, str]) -> dict[str, Any]:
    """Everything that decides what the generated clips sound like."""
    return {
        "format": MANIFEST_FORMAT,
        "espeak_version": _run([tools["espeak-ng"], "--version"]).strip(),
        "sox_version": _run([tools["sox"], "--version"]).strip(),
        "voices": VOICES,
        "speeds": SPEEDS,
        "output_format": _OUTPUT_FORMAT,
        "speech_effects": [_GENERATED_EFFECTS, _RECORDED_EFFECTS],
        "chime": [_CHIME_TONES, _CHIME_GAIN],
        "clips": [[name, spec.voice, spec.text] for name, spec in CLIP_TABLE.items()],
    }


def _recipe_sha(recipe: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _recorded_pack(overrides_dir: Path | None) -> tuple[dict[str, Path], list[str]]:
    if overrides_dir is None:
        return {}, []
    if not overrides_dir.is_dir():
        raise VoiceError(f"recorded voice pack {overrides_dir} is not a directory")
    known = set(CLIP_NAMES)
    recorded: dict[str, Path] = {}
    ignored: list[str] = []
    for path in sorted(overrides_dir.iterdir()):
        if path.is_file() and path.suffix == ".wav" and path.stem in known:
            recorded[path.stem] = path
        elif not path.name.startswith("."):
            # Reported, not fatal: a typo (Digit_1.wav) should be visible.
            ignored.append(path.name)
    return recorded, ignored


def _load_manifest(out_dir: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads((out_dir / MANIFEST_NAME).read_text())
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _is_current(
    manifest: dict[str, Any], out_dir: Path, recipe: dict[str, Any], recorded: dict[str, str]
) -> bool:
    if manifest.get("recipe_sha256") != _recipe_sha(recipe) or manifest.get("recorded") != recorded:
        return False
    clips = manifest.get("clips")
    if not isinstance(clips, dict) or set(clips) != set(CLIP_NAMES):
        return False
    for entry in clips.values():
        path = out_dir / str(entry.get("file"))
        if not path.is_file() or _sha256(path) != entry.get("sha256"):
            return False
    return True


def _make_clip(tools: dict[str, str], name: str, recorded: Path | None, work_dir: Path) -> str:
    """Write ``work_dir/<name>.wav`` and return where it came from."""
    target = work_dir / f"{name}.wav"
    sox = tools["sox"]
    if recorded is not None:
        _run([sox, str(recorded), *_OUTPUT_FORMAT, str(target), *_RECORDED_EFFECTS])
        return f"recorded: {recorded}"
    spec: ClipSpec = CLIP_TABLE[name]
    if spec.voice == "chime":
        _make_chime(sox, target, work_dir)
        return "sox synth: " + " then ".join(f"{hz} Hz {s} s" for hz, s in _CHIME_TONES)
    raw = work_dir / f"{name}.espeak.wav"
    voice = VOICES[spec.voice]
    espeak = [tools["espeak-ng"], "-v", voice, "-s", str(SPEEDS[spec.voice])]
    _run([*espeak, "-w", str(raw), spec.text])
    _run([sox, str(raw), *_OUTPUT_FORMAT, str(target), *_GENERATED_EFFECTS])
    raw.unlink()
    return f"espeak-ng {voice}: {spec.text}"


def _make_chime(sox: str, target: Path, work_dir: Path) -> None:
    tones: list[Path] = []
    for index, (frequency, seconds) in enumerate(_CHIME_TONES):
        tone = work_dir / f"chime.{index}.wav"
        # Quarter-sine fade over all but the first 5 ms: a struck bar dying away.
        fade = ["fade", "q", "0.005", seconds, str(float(seconds) - 0.005)]
        _run([sox, "-n", *_OUTPUT_FORMAT, str(tone), "synth", seconds, "sine", frequency, *fade])
        tones.append(tone)
    _run([sox, *map(str, tones), *_OUTPUT_FORMAT, str(target), "gain", "-n", _CHIME_GAIN])
    for tone in tones:
        tone.unlink()
