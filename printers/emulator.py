"""A TCP ESC/POS printer to print to when there is no printer: tests, demos, CI.

It listens like a network printer on port 9100, reads tickets back out of the
byte stream (text, QR content, number; raster bands as images), answers
DLE EOT like a real printer in whatever fault it has been switched into, and
keeps what it printed, in memory and (with a spool directory) as
``<seq>-<number>.txt`` and ``.png``. A tiny HTTP/JSON API on the control port
switches faults at run time (see :mod:`printers.emulator_control`).
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import socketserver
import struct
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from printers.emulator_control import ControlServer
from printers.errors import PrinterError
from printers.escpos_codes import CLEAR_BUFFERS_ANSWER
from printers.escpos_parser import (
    BuffersCleared,
    EscPosParser,
    LinePrinted,
    ParsedTicket,
    StatusRequest,
    TicketCut,
)
from printers.imaging import draw_blocks, stack

log = logging.getLogger(__name__)


class Fault(StrEnum):
    """The faults the emulator can be switched into."""

    NONE = "none"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    SILENT = "silent"  # never answers status, swallows data
    SLOW = "slow"  # answers status only after `slow_delay_s`
    RESET = "reset"  # resets the connection in the middle of the next job, once
    PAPER_RUNS_OUT = "paper_runs_out"  # ready, until the paper runs out under the next job


#: Answers to DLE EOT 1, 2, 4 (see printers.status for the bits). A fault that
#: stops printing also sets the n=1 offline bit, as real printers do.
_STATUS: dict[Fault, tuple[int, int, int]] = {
    Fault.NONE: (0x12, 0x12, 0x12),
    Fault.PAPER_NEAR_END: (0x12, 0x12, 0x1E),
    Fault.PAPER_OUT: (0x1A, 0x32, 0x7E),  # near-end and end sensors both see no paper
    Fault.COVER_OPEN: (0x1A, 0x16, 0x12),
    Fault.OFFLINE: (0x1A, 0x52, 0x12),  # offline with an error, cause unknown
}
_STOPS_PRINTING = (Fault.PAPER_OUT, Fault.COVER_OPEN, Fault.OFFLINE)


@dataclass(frozen=True)
class PrintedTicket:
    """One ticket that came out of the emulator."""

    seq: int
    number: str
    text: str
    qr: str | None
    raster: bool

    def to_json(self) -> dict[str, Any]:
        """The ticket as the control API shows it."""
        return {"seq": self.seq, "number": self.number, "text": self.text, "qr": self.qr,
                "raster": self.raster}  # fmt: skip


class PrinterEmulator:
    """An ESC/POS printer on a TCP port; start() it, print to it, stop() it."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 9100,
        control_port: int | None = 9101,
        spool_dir: str | Path | None = None,
        slow_delay_s: float = 3.0,
    ) -> None:
        self._host, self._port, self._control_port = host, port, control_port
        self.spool_dir = Path(spool_dir) if spool_dir is not None else None
        self.slow_delay_s = slow_delay_s
        self._fault = Fault.NONE
        self._tickets: list[PrintedTicket] = []
        self._seq = 0
        self.interrupted_jobs = 0  # jobs cut off by the reset fault
        self.discarded_jobs = 0  # jobs held during a fault, then cleared (DLE DC4 8)
        self._held: list[ParsedTicket] = []
        """Jobs received while paper was out, the cover open or the printer offline: a
        real printer keeps them in its buffer and prints them when the fault clears."""
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._server: socketserver.ThreadingTCPServer | None = None
        self._control: ControlServer | None = None
        self._threads: list[threading.Thread] = []

    # -- life cycle ---------------------------------------------------------

    def start(self) -> PrinterEmulator:
        """Bind the ports and serve in background threads; returns self."""
        emulator = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                emulator._serve_connection(self.request)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._server = Server((self._host, self._port), Handler)
        self._spawn(self._server.serve_forever, "printer-emulator", 0.05)
        if self._control_port is not None:
            self._control = ControlServer(self, self._host, self._control_port)
            self._spawn(self._control.serve_forever, "printer-emulator-control", 0.05)
        if self.spool_dir is not None:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        log.info("printer emulator on %s:%d, control %s", self._host, self.port, self.control_port)
        return self

    def _spawn(self, target: Any, name: str, poll: float) -> None:
        thread = threading.Thread(target=target, args=(poll,), name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Stop serving and close every connection."""
        self._stopping.set()
        for server in (self._server, self._control):
            if server is not None:
                server.shutdown()
                server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> PrinterEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The printer port actually bound (useful when started on port 0)."""
        if self._server is None:
            raise PrinterError("emulator not started")
        return int(self._server.server_address[1])

    @property
    def control_port(self) -> int | None:
        """The control API's port actually bound, or None without one."""
        return self._control.port if self._control is not None else None

    # -- faults and tickets -------------------------------------------------

    @property
    def fault(self) -> Fault:
        """The fault the emulator is in now."""
        return self._fault

    def set_fault(self, fault: Fault | str) -> None:
        """Switch into `fault` ("none" to heal); a bad name raises ValueError. Healed, the
        printer prints what it kept in its buffer meanwhile, late, as a real one does."""
        with self._changed:
            self._fault = Fault(fault)
            late: list[ParsedTicket] = []
            if self._fault not in _STOPS_PRINTING:
                late, self._held = self._held, []
            self._changed.notify_all()
        for parsed in late:
            self._keep(parsed)

    @property
    def held_jobs(self) -> int:
        """Jobs in the buffer, waiting for the fault to clear."""
        with self._changed:
            return len(self._held)

    def tickets(self) -> list[PrintedTicket]:
        """Every ticket printed since start (or since reset_tickets())."""
        with self._changed:
            return list(self._tickets)

    def reset_tickets(self) -> None:
        """Forget the printed tickets (sequence numbers go on)."""
        with self._changed:
            self._tickets.clear()

    def wait_for_tickets(self, count: int, timeout: float) -> list[PrintedTicket]:
        """Block until at least `count` tickets are kept, or `timeout`; returns them."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._tickets) >= count, timeout)
            return list(self._tickets)

    # -- one printer connection ---------------------------------------------

    def _serve_connection(self, sock: socket.socket) -> None:
        parser = EscPosParser()
        sock.settimeout(0.2)  # so a stop() is noticed without a byte arriving
        while not self._stopping.is_set():
            try:
                data = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            if self._fault is Fault.SILENT:
                continue  # a hung printer: takes the bytes, says and prints nothing
            if not self._handle(sock, parser, data):
                return

    def _handle(self, sock: socket.socket, parser: EscPosParser, data: bytes) -> bool:
        """Parse one chunk; False when the connection was reset on purpose."""
        for event in parser.feed(data):
            if isinstance(event, StatusRequest):
                self._answer_status(sock, event.n)
            elif isinstance(event, BuffersCleared):
                self._clear_buffers(sock)
            elif isinstance(event, LinePrinted) and self._fault is Fault.RESET:
                self._reset_connection(sock)
                return False
            elif isinstance(event, TicketCut):
                self._keep(event.ticket)
        return True

    def _answer_status(self, sock: socket.socket, n: int) -> None:
        fault = self._fault
        if fault is Fault.SLOW:
            # A slow printer still answers, just late; stop() cuts the wait short.
            if self._stopping.wait(self.slow_delay_s):
                return
            fault = Fault.NONE
        answers = _STATUS.get(fault, _STATUS[Fault.NONE])
        byte = {1: answers[0], 2: answers[1], 4: answers[2]}.get(n, 0x12)
        # If the agent hung up, it will ask again on a new connection.
        with contextlib.suppress(OSError):
            sock.sendall(bytes([byte]))

    def _clear_buffers(self, sock: socket.socket) -> None:
        with self._changed:
            self.discarded_jobs += len(self._held)
            self._held.clear()
            self._changed.notify_all()
        with contextlib.suppress(OSError):
            sock.sendall(CLEAR_BUFFERS_ANSWER)

    def _reset_connection(self, sock: socket.socket) -> None:
        # SO_LINGER 0 makes close() send RST: a cable pulled mid-ticket.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        with self._changed:
            self.interrupted_jobs += 1
            if self._fault is Fault.RESET:
                self._fault = Fault.NONE  # one job cut, then the printer works again
            self._changed.notify_all()

    def _keep(self, parsed: ParsedTicket) -> None:
        if not parsed.blocks and not parsed.images:
            return  # a bare cut (e.g. a test page) is no ticket
        with self._changed:
            if self._fault is Fault.PAPER_RUNS_OUT:
                self._fault = Fault.PAPER_OUT  # this ticket stays in the buffer
            if self._fault in _STOPS_PRINTING:
                self._held.append(parsed)  # nothing comes out now; it will, later
                self._changed.notify_all()
                return
            self._seq += 1
            seq = self._seq
        ticket = PrintedTicket(seq, parsed.number, parsed.text, parsed.qr, bool(parsed.images))
        if self.spool_dir is not None:
            self._spool(ticket, parsed)  # before it is announced: a waiter finds the files
        with self._changed:
            self._tickets.append(ticket)
            self._changed.notify_all()

    def _spool(self, ticket: PrintedTicket, parsed: ParsedTicket) -> None:
        assert self.spool_dir is not None
        name = re.sub(r"[^A-Za-z0-9_-]", "_", ticket.number) or "ticket"
        stem = self.spool_dir / f"{ticket.seq:06d}-{name}"
        qr_line = f"\n[QR] {ticket.qr}" if ticket.qr else ""
        kind = "[raster image]\n" if ticket.raster else ""
        # A full disk or a missing font loses the file, not the printer: the
        # ticket is still kept in memory and the connection goes on.
        try:
            stem.with_suffix(".txt").write_text(kind + ticket.text + qr_line + "\n", "utf-8")
            image = stack(parsed.images) if parsed.images else draw_blocks(parsed.blocks, 576, 8)
            image.save(stem.with_suffix(".png"))
        except (PrinterError, OSError, ValueError) as error:
            log.warning("ticket %s not fully spooled: %s", ticket.seq, error)
