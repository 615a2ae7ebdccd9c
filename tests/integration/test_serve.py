"""How the hub's server takes connections (core/hub/serve.py)."""

from __future__ import annotations

import socket
import warnings
from pathlib import Path

import pytest

from core.config import Settings
from core.hub.serve import _listen

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # eventlet is deprecated; its DNS module warns of DSA
    import eventlet  # noqa: F401  (imported by _listen; imported here, its warnings once)


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_the_hubs_connections_send_without_delay(tmp_path: Path, mode: str) -> None:
    # GIVEN the hub's listening socket in an async mode
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'hallq.db'}",
        async_mode=mode,
        host="127.0.0.1",
        port=0,
        var_dir=tmp_path,
        secret_key="test-secret",
    )
    listener = _listen(settings)
    try:
        # WHEN a screen connects
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        # THEN its connection writes at once: an answer in two sends is not held 40 ms
        # for the screen's delayed ACK (Nagle's algorithm)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        accepted.close()
        client.close()
    finally:
        listener.close()
