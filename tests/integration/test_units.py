"""Every systemd unit HallQ ships passes `systemd-analyze verify` (issue 16): the hub,
its nightly backup and timer, the print agent, the kiosk and display browsers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.hub import ROOT

UNITS = sorted([*(ROOT / "systemd").glob("*.service"), *(ROOT / "systemd").glob("*.timer")])
# What exists only once installed (install.sh, or a kiosk PC's apt-get install cage):
# verify checks that each ExecStart= is an executable, so stand-ins take their place.
INSTALLED = ("/opt/hallq/current/bin/hallq", "/usr/bin/cage")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_every_unit_verifies_cleanly(tmp_path: Path) -> None:
    assert {unit.name for unit in UNITS} >= {
        "hallq.service",
        "hallq-backup.service",
        "hallq-backup.timer",
        "hallq-print-agent.service",
        "hallq-kiosk-browser.service",
        "hallq-display.service",
    }
    (tmp_path / "units").mkdir()
    for program in INSTALLED:
        stand_in = tmp_path / Path(program).name
        stand_in.write_text("#!/bin/sh\n")
        stand_in.chmod(0o755)
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        for program in INSTALLED:
            text = text.replace(program, str(tmp_path / Path(program).name))
        (tmp_path / "units" / unit.name).write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            *sorted(str(path) for path in (tmp_path / "units").iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # no error, and no warning either (an unknown key, a bad value: verify only warns)
    assert (checked.returncode, checked.stderr) == (0, "")


def test_the_kiosk_and_display_browsers_never_leave_the_screen() -> None:
    for name in ("hallq-kiosk-browser.service", "hallq-display.service"):
        unit = (ROOT / "systemd" / name).read_text(encoding="utf-8")
        assert "--kiosk" in unit
        assert "--autoplay-policy=no-user-gesture-required" in unit
        assert "Restart=always" in unit
