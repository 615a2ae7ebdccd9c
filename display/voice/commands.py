"""``hallq voice …``: the set-up commands for voice calling.

The `hallq` CLI registers :data:`voice_group`; ``hallq voice build`` is run
once when a hall machine is set up (and again after an espeak-ng upgrade or a
new recorded voice pack — it does nothing when nothing changed).
"""

from __future__ import annotations

from pathlib import Path

import click

from display.voice.build import build_clips
from display.voice.errors import VoiceError


@click.group("voice")
def voice_group() -> None:
    """Offline voice calling: generate the clips the hall display speaks with."""


@voice_group.command("build")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/voice"),
    show_default=True,
    help="Directory to write the clips and manifest.json into.",
)
@click.option(
    "--recorded",
    "recorded_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A recorded voice pack: <clip name>.wav files that replace the generated ones.",
)
def build_command(out_dir: Path, recorded_dir: Path | None) -> None:
    """Generate every voice clip with espeak-ng and sox (skipped when up to date)."""
    try:
        manifest = build_clips(out_dir, overrides_dir=recorded_dir)
    except VoiceError as exc:
        raise click.ClickException(str(exc)) from exc
    clips = manifest["clips"]
    total = sum(float(entry["duration"]) for entry in clips.values())
    verb = "already up to date" if manifest["status"] == "up-to-date" else "built"
    click.echo(f"{len(clips)} voice clips {verb} in {out_dir} ({total:.1f} s of audio)")
    if manifest["recorded"]:
        click.echo(f"recorded clips used: {', '.join(sorted(manifest['recorded']))}")
    if manifest["recorded_ignored"]:
        click.echo(
            "ignored in the recorded pack (not a known clip name): "
            + ", ".join(manifest["recorded_ignored"]),
            err=True,
        )
