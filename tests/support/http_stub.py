"""A scripted HTTP server on loopback, for the outboxes' HTTP senders (an SMS gateway,
the bureau's rating platform): it records each POST and answers the statuses it is told."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Gateway:
    """A scripted server: answers the next status of `answers` (then 200) to each POST."""

    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    hang: threading.Event | None = None  # set: requests wait until it is released
    url: str = ""


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    """The scripted server, listening until the test ends."""
    stub = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            stub.received.append(
                Received(self.path, dict(self.headers.items()), json.loads(body.decode("utf-8")))
            )
            if stub.hang is not None:
                stub.hang.wait(5)
                return  # the client gave up long ago: no answer to write
            status = stub.answers.pop(0) if stub.answers else 200
            payload = json.dumps({"code": status}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/api/sms/send"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield stub
    if stub.hang is not None:
        stub.hang.set()
    server.shutdown()
    server.server_close()
    thread.join(5)
