"""The emulator's control API: a tiny HTTP/JSON server on its own port.

- ``GET /state`` → ``{"fault", "slow_delay_s", "interrupted_jobs", "discarded_jobs",
  "held_jobs", "tickets": [{"seq", "number", "text", "qr", "raster"}]}``
- ``POST /fault`` ``{"fault": "paper_out"}`` (and optionally ``"slow_delay_s": 3``)
  → ``{"fault"}``; an unknown fault → 400 ``{"error", "message"}``
- ``POST /reset-tickets`` → ``{"tickets": []}``
"""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from printers.emulator import PrinterEmulator

log = logging.getLogger(__name__)


class ControlServer(ThreadingHTTPServer):
    """The HTTP server, bound to one emulator."""

    daemon_threads = True

    def __init__(self, emulator: PrinterEmulator, host: str, port: int) -> None:
        self.emulator = emulator
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        """The port actually bound."""
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: ControlServer

    def do_GET(self) -> None:
        if self.path.rstrip("/") != "/state":
            self._reply(404, {"error": "not_found", "message": f"no {self.path}"})
            return
        emulator = self.server.emulator
        self._reply(
            200,
            {
                "fault": str(emulator.fault),
                "slow_delay_s": emulator.slow_delay_s,
                "interrupted_jobs": emulator.interrupted_jobs,
                "discarded_jobs": emulator.discarded_jobs,
                "held_jobs": emulator.held_jobs,
                "tickets": [ticket.to_json() for ticket in emulator.tickets()],
            },
        )

    def do_POST(self) -> None:
        emulator = self.server.emulator
        path = self.path.rstrip("/")
        if path == "/reset-tickets":
            emulator.reset_tickets()
            self._reply(200, {"tickets": []})
        elif path == "/fault":
            body = self._json_body()
            try:
                if "slow_delay_s" in body:
                    emulator.slow_delay_s = float(body["slow_delay_s"])
                emulator.set_fault(str(body.get("fault", "")))
            except (TypeError, ValueError) as error:
                self._reply(400, {"error": "bad_fault", "message": str(error)})
                return
            self._reply(200, {"fault": str(emulator.fault)})
        else:
            self._reply(404, {"error": "not_found", "message": f"no {self.path}"})

    def _json_body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # Through logging, not stderr, so a test run or a journal stays readable.
        log.debug("control %s " + format, self.client_address[0], *args)
