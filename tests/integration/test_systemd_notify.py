"""``hallq run`` speaks systemd's notify protocol (SPEC §11, ``Type=notify`` with a watchdog).

The test plays systemd: it owns the ``NOTIFY_SOCKET`` datagram socket and sets
``WATCHDOG_USEC``, then starts the real hub.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import SqliteTemplate
from tests.support.hub import HubProcess, wait_for

WATCHDOG_USEC = 1_000_000  # systemd expects a ping at least every second; the hub pings every 0.5 s


class FakeSystemd:
    """A Unix datagram socket that records each notification and whether the hub's port answered
    at the moment it arrived."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.port: int | None = None
        self.messages: list[tuple[float, str, bool]] = []
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def _port_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port or 0), timeout=0.5):
                return True
        except OSError:
            return False

    def _listen(self) -> None:
        while not self.closed.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            for line in data.decode().splitlines():
                self.messages.append((time.monotonic(), line, self._port_answers()))

    def received(self, message: str) -> list[tuple[float, bool]]:
        return [(at, answered) for at, line, answered in self.messages if line == message]

    def close(self) -> None:
        self.closed.set()
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def systemd() -> Iterator[FakeSystemd]:
    # A short folder: a Unix socket path must fit in 108 bytes, pytest's tmp_path may not.
    with tempfile.TemporaryDirectory(prefix="hallq-sd-") as folder:
        fake = FakeSystemd(Path(folder) / "notify.sock")
        yield fake
        fake.close()


def test_ready_once_the_port_answers_then_watchdog_pings(
    systemd: FakeSystemd, sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    # GIVEN systemd's notify socket and a one-second watchdog in the hub's environment
    hub = HubProcess(
        sqlite_template.copy(tmp_path / "hallq.db"),
        tmp_path,
        NOTIFY_SOCKET=str(systemd.path),
        WATCHDOG_USEC=str(WATCHDOG_USEC),
        WATCHDOG_PID="",
    )
    systemd.port = hub.port
    try:
        # WHEN the hub starts
        hub.start()
        # THEN READY=1 arrives once, when the port already accepts connections
        ready = wait_for(lambda: systemd.received("READY=1"), timeout=30, message="READY=1")
        assert [answered for _, answered in ready] == [True]
        # AND WATCHDOG=1 follows again and again, at least three times within about 3 s
        ready_at = ready[0][0]
        pings = wait_for(
            lambda: [at for at, _ in systemd.received("WATCHDOG=1") if at >= ready_at][2:],
            timeout=3.5,
            message="three WATCHDOG=1 after READY=1",
        )
        assert pings
        assert all(answered for _, answered in systemd.received("WATCHDOG=1"))
    finally:
        hub.stop()
