"""The printer CLI commands: a clear refusal of bad input, and a real emulator process."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from printers.commands import print_agent_command

_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def test_print_agent_refuses_a_bad_printer_spec() -> None:
    # GIVEN a printer spec with a typo
    args = ["--hub", "http://127.0.0.1:1", "--token", "t", "--printer", "usb:04b8"]
    # WHEN the agent command is run
    result = CliRunner().invoke(print_agent_command, args)
    # THEN it stops at once with a usage error naming the forms, connecting nowhere
    assert result.exit_code == 2
    assert "bad printer spec" in result.output
    assert "usb:VID:PID" in result.output


def test_printer_emulator_command_serves_until_sigterm(tmp_path: Path) -> None:
    # GIVEN the emulator started as its own process on free ports
    command = [sys.executable, "-m", "printers.commands", "printer-emulator", "--port", "0",
               "--control-port", "0", "--spool", str(tmp_path)]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()  # printed once both ports are bound
            match = re.search(r"control API http://127\.0\.0\.1:(\d+)/state", banner)
            assert match, banner
            # WHEN its control API is asked for the state
            with _http.open(f"http://127.0.0.1:{match.group(1)}/state", timeout=5) as response:
                state = json.loads(response.read())
            # THEN it answers, fault-free and empty
            assert state["fault"] == "none"
            assert state["tickets"] == []
            # WHEN systemd would stop it THEN it exits cleanly
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
