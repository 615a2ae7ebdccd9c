"""A real hub in a child process (`hallq run`), for tests over real sockets.

Waiting is on conditions with deadlines (`wait_for`), never on sleeps.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import requests

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


def wait_for(
    condition: Callable[[], T],
    *,
    timeout: float = 10.0,
    interval: float = 0.02,
    message: str = "condition",
) -> T:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception as error:
            last_error = error
        else:
            if value:
                return value
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout}s waiting for {message}; last error: {last_error!r}"
    )


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HubProcess:
    """``hallq run`` on a free port, with its own settings and log file."""

    def __init__(
        self,
        database_url: str,
        folder: Path,
        *,
        async_mode: str = "eventlet",
        port: int | None = None,
        command: Sequence[str] = (sys.executable, "-m", "core.cli"),
        **environment: str,
    ) -> None:
        self.command = list(command)
        """`hallq` (default: this checkout's); an installed one runs with its own settings."""
        self.database_url = database_url
        self.folder = folder
        self.port_chosen = port is None
        self.port = port or free_port()
        self.async_mode = async_mode
        self.environment = environment
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = folder / f"hub-{self.port}.log"
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("HALLQ_")}
        env.update(
            HALLQ_DATABASE_URL=self.database_url,
            HALLQ_ASYNC_MODE=self.async_mode,
            HALLQ_VAR_DIR=str(self.folder / "var"),
            HALLQ_SECRET_KEY="test-secret",
            HALLQ_LOG_JSON="0",
            HALLQ_RATE_LIMITS="0",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.environment)
        return env

    def start(self, timeout: float = 30.0) -> HubProcess:
        """Start and wait until ``/api/v1/health`` answers 200. At the first start on a port
        of its own choosing, a port another process took since (`free_port` only knew it
        was free then) is chosen again."""
        for _ in range(3):
            self._spawn()
            wait_for(self._up_or_exited, timeout=timeout, message=f"hub on {self.url}")
            assert self.process is not None
            if self.process.poll() is None:
                return self
            if not (
                self.starts == 1 and self.port_chosen and "Address already in use" in self.logs()
            ):
                raise RuntimeError(
                    f"hub exited with {self.process.returncode}: {self.logs()[-2000:]}"
                )
            self.port, self.starts = free_port(), 0
            self.log_path = self.folder / f"hub-{self.port}.log"
        raise RuntimeError("no free port in three tries")

    def _spawn(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.command, "run", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    def _up_or_exited(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            return True
        return requests.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200

    def kill(self) -> None:
        """SIGKILL, like a power cut for the process: no cleanup runs."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, as systemd stops it."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``hallq <args>`` as an operator runs it beside this hub: another process, same database."""
        return subprocess.run(
            [*self.command, *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
