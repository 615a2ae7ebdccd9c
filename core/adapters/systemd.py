"""systemd's notify protocol (sd_notify): READY=1 at start, WATCHDOG=1 while alive.

A few lines over a Unix datagram socket, as systemd documents it; a no-op
when the hub is not started by systemd.
"""

from __future__ import annotations

import os
import socket


def notify(message: str) -> bool:
    """Send `message` to ``$NOTIFY_SOCKET``; False when there is none."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # abstract namespace
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(message.encode())
    return True


def watchdog_interval() -> float | None:
    """Half the watchdog timeout systemd set (``$WATCHDOG_USEC``), in seconds, or None."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000 / 2
