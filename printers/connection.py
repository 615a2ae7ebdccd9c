"""Printer connections: one small interface, one class per way to reach a printer.

Specs, as the hall's configuration and ``hallq print-agent --printer`` write them:

- ``tcp:HOST:PORT`` — network printer (raw TCP, port 9100 if omitted)
- ``usb:VID:PID`` — USB printer, ids in hex (``usb:0416:5011``)
- ``serial:/dev/ttyUSB0:BAUD`` — serial printer (9600 baud if omitted)
- ``cups:NAME`` — a raw CUPS queue
- ``virtual:DIR`` — the built-in virtual printer, keeping tickets under DIR

A connection object is used until its first failure, then thrown away: the
agent asks the factory for a new one (python-escpos 3.1's Network object is
unusable after an error, and a status byte that arrives after its timeout
would otherwise be read as the answer to the next question).
"""

from __future__ import annotations

import contextlib
import re
import socket
from dataclasses import dataclass
from typing import Any, Protocol

from escpos.printer import Network

from printers import escpos_codes as codes
from printers.errors import PrinterConnectionError, PrinterSpecError
from printers.status import PrinterState, describe, parse_status


class PrinterConnection(Protocol):
    """An open link to one printer."""

    #: What the last status query saw, for the hub's device log.
    detail: str

    def send(self, data: bytes) -> None:
        """Write `data`; raises PrinterConnectionError when the link fails."""

    def query_status(self) -> PrinterState:
        """Ask the printer for its state; NOT_RESPONDING when it does not answer.

        Raises PrinterConnectionError when the link itself broke.
        """

    def clear_buffers(self) -> None:
        """Drop what the printer holds unprinted (DLE DC4 fn=8), where it can.

        Raises PrinterConnectionError when the link itself broke.
        """

    def close(self) -> None:
        """Release the link; never raises."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, for a write, and for each status byte."""

    connect_s: float = 3.0
    write_s: float = 5.0
    status_s: float = 1.0


DEFAULT_TIMEOUTS = Timeouts()


#: The three DLE EOT questions whose answers make a PrinterState.
STATUS_REQUESTS = (codes.STATUS_PRINTER, codes.STATUS_OFFLINE_CAUSE, codes.STATUS_PAPER)


class EscposConnection:
    """Shared behaviour of the connections built on a python-escpos printer object."""

    detail = "not asked yet"

    def __init__(self, printer: Any, timeouts: Timeouts) -> None:
        self._printer = printer
        self.timeouts = timeouts

    def send(self, data: bytes) -> None:
        """Write raw ESC/POS bytes through python-escpos."""
        try:
            # 3.1 has no public raw-bytes method; _raw is what every printer
            # class implements and what its own query_status() uses.
            self._printer._raw(data)
        except Exception as error:  # each backend raises its own (OSError, USBError…)
            raise PrinterConnectionError(f"write failed: {error}") from error

    def query_status(self) -> PrinterState:
        """Ask DLE EOT 1, 2 and 4 in turn; stop at the first unanswered one."""
        answers: list[int | None] = []
        for request in STATUS_REQUESTS:
            answer = self._ask(request)
            answers.append(answer)
            if answer is None:
                break
        answers += [None] * (3 - len(answers))
        self.detail = describe(*answers)
        return parse_status(*answers)

    def _ask(self, request: bytes) -> int | None:
        """Send one status request and return the one-byte answer, None on timeout."""
        raise NotImplementedError

    def clear_buffers(self) -> None:
        """DLE DC4 fn=8; its 3-byte answer is read off, so no status answer is shifted."""
        self.send(codes.CLEAR_BUFFERS)
        self._drain(len(codes.CLEAR_BUFFERS_ANSWER))

    def _drain(self, count: int) -> None:
        """Read up to `count` bytes the printer sent unasked (none by default)."""

    def close(self) -> None:
        """Close the python-escpos printer object."""
        # Closing a broken link must not hide the error that broke it.
        with contextlib.suppress(Exception):
            self._printer.close()


class TcpConnection(EscposConnection):
    """A network printer through python-escpos ``Network``."""

    def __init__(self, host: str, port: int, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> None:
        printer = Network(host, port, timeout=timeouts.connect_s)
        try:
            # Connected here rather than by Network.open(): 3.1 leaks the socket
            # when the connect fails, and a kiosk retries every poll interval.
            sock = socket.create_connection((host, port), timeout=timeouts.connect_s)
        except OSError as error:
            raise PrinterConnectionError(f"cannot connect to {host}:{port}: {error}") from error
        printer.device = sock
        super().__init__(printer, timeouts)
        self._sock = sock
        self._sock.settimeout(timeouts.write_s)
        self.detail = f"connected to {host}:{port}"

    def _ask(self, request: bytes) -> int | None:
        try:
            self._sock.settimeout(self.timeouts.write_s)
            self._sock.sendall(request)
            self._sock.settimeout(self.timeouts.status_s)
            # Exactly one byte per question: a printer that also sent something
            # else must not shift every later answer by one.
            answer = self._sock.recv(1)
        except TimeoutError:
            return None
        except OSError as error:
            raise PrinterConnectionError(f"status query failed: {error}") from error
        finally:
            self._sock.settimeout(self.timeouts.write_s)
        if not answer:
            raise PrinterConnectionError("printer closed the connection")
        return answer[0]

    def _drain(self, count: int) -> None:
        received = b""
        try:
            self._sock.settimeout(self.timeouts.status_s)
            while len(received) < count:
                chunk = self._sock.recv(count - len(received))
                if not chunk:
                    raise PrinterConnectionError("printer closed the connection")
                received += chunk
        except TimeoutError:
            return  # a printer without the answer (or without the command) says nothing
        except OSError as error:
            raise PrinterConnectionError(f"clearing the buffers failed: {error}") from error
        finally:
            self._sock.settimeout(self.timeouts.write_s)


@dataclass(frozen=True)
class PrinterSpec:
    """A parsed printer spec: its kind and the values after the kind."""

    kind: str
    target: str
    number: int | None = None  # port, baud rate or USB product id
    vendor: int | None = None  # USB vendor id


def parse_spec(spec: str) -> PrinterSpec:
    """Parse a printer spec string; a malformed one raises PrinterSpecError (ValueError)."""
    kind, _, rest = spec.strip().partition(":")
    kind = kind.lower()
    try:
        if kind == "tcp":
            # An IPv6 address goes in brackets, as in a URL: tcp:[fd00::7]:9100.
            match = re.fullmatch(r"(?:\[([^\]]+)\]|([^:\[\]]+))(?::(\d{1,5}))?", rest)
            if not match or not 0 < int(match.group(3) or 9100) < 65536:
                raise ValueError("expected tcp:HOST:PORT")
            return PrinterSpec("tcp", match.group(1) or match.group(2), int(match.group(3) or 9100))
        if kind == "usb":
            match = re.fullmatch(r"(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})", rest)
            if not match:
                raise ValueError("expected usb:VID:PID in hex, e.g. usb:0416:5011")
            return PrinterSpec("usb", rest, int(match.group(2), 16), int(match.group(1), 16))
        if kind == "serial":
            device, baud = rest, "9600"
            head, _, tail = rest.rpartition(":")
            if head and tail.isdigit():
                device, baud = head, tail
            if not re.match(r"/|COM\d", device):
                raise ValueError("expected serial:/dev/ttyUSB0:BAUD")
            return PrinterSpec("serial", device, int(baud))
        if kind in ("cups", "virtual") and rest:
            return PrinterSpec(kind, rest)
    except ValueError as error:
        raise PrinterSpecError(f"bad printer spec {spec!r}: {error}") from error
    raise PrinterSpecError(
        f"bad printer spec {spec!r}: use tcp:HOST:PORT, usb:VID:PID (hex), "
        "serial:/dev/ttyUSB0:BAUD, cups:NAME or virtual:DIR"
    )


def open_connection(spec: str, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> PrinterConnection:
    """Open a new connection to the printer `spec` names.

    Raises PrinterSpecError (a ValueError) for a malformed spec and
    PrinterConnectionError when the printer can't be reached.
    """
    parsed = parse_spec(spec)
    if parsed.kind == "tcp":
        assert parsed.number is not None
        return TcpConnection(parsed.target, parsed.number, timeouts)
    if parsed.kind == "virtual":
        from printers.virtual import open_virtual  # starts an emulator: only when asked

        return open_virtual(parsed.target, timeouts)
    from printers.connection_local import open_local

    return open_local(parsed, timeouts)
