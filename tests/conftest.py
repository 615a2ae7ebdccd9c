"""Suite-wide guards and switches.

Every test runs with a socket guard: reaching anything but loopback or a Unix
socket fails the test, so no test quietly depends on the internet or on a
device that a CI machine will not have.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    # A datagram socket's connect sends nothing: the hub asks the kernel which of its
    # addresses routes to the hall's network that way (core.adapters.network).
    if not _is_local(address) and self.type != socket.SOCK_DGRAM:
        raise AssertionError(f"test tried to reach a real network host: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise AssertionError(f"test tried to reach a real network host: {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN any test WHEN it connects outside loopback THEN it fails."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
