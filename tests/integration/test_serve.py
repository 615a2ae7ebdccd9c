"""How the hub's eventlet server takes connections (core/hub/serve.py)."""

from __future__ import annotations

import socket
import warnings
from pathlib import Path

from core.config import Settings
from core.hub.serve import READ_BUFFER, WRITE_BUFFER, _listen, _slim_protocol

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # eventlet's DNS module warns about cryptography's DSA
    import eventlet.wsgi


def test_the_hubs_connections_send_without_delay_and_keep_small_buffers(tmp_path: Path) -> None:
    # GIVEN the hub's listening socket and its HTTP protocol
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'hallq.db'}",
        async_mode="eventlet",
        host="127.0.0.1",
        port=0,
        var_dir=tmp_path,
        secret_key="test-secret",
    )
    listener = _listen(settings)
    protocol = _slim_protocol(eventlet.wsgi.HttpProtocol)
    try:
        # WHEN a screen connects
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        # THEN its connection writes at once (no Nagle: an answer in two sends is not
        # held 40 ms for the screen's delayed ACK), and the buffers each connection
        # keeps for its life are small (2,000 phones' websockets keep theirs)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert (protocol.rbufsize, protocol.wbufsize) == (READ_BUFFER, WRITE_BUFFER)
        assert eventlet.wsgi.HttpProtocol.wbufsize > WRITE_BUFFER
        accepted.close()
        client.close()
    finally:
        listener.close()
