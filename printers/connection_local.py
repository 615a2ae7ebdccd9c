"""Printers attached to the kiosk PC itself: USB, serial, and a raw CUPS queue.

These need a library and a device the CI machine does not have (pyusb with
libusb-1.0, pyserial, pycups with a CUPS server), so their construction turns
every "missing library / missing device" error into one PrinterConnectionError
with the reason, and the print agent treats it like any unreachable printer.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from escpos.printer import CupsPrinter, Serial, Usb

from printers.connection import (
    DEFAULT_TIMEOUTS,
    EscposConnection,
    PrinterConnection,
    PrinterSpec,
    Timeouts,
)
from printers.errors import PrinterConnectionError
from printers.status import PrinterState, parse_cups_state

if TYPE_CHECKING:
    from collections.abc import Callable


def _opened(make: Callable[[], Any], what: str) -> Any:
    try:
        printer = make()
        printer.open()
    except Exception as error:  # DeviceNotFoundError, NoBackendError, RuntimeError…
        raise PrinterConnectionError(f"cannot open {what}: {error}") from error
    return printer


class UsbConnection(EscposConnection):
    """A USB printer through python-escpos ``Usb`` (pyusb)."""

    def __init__(self, vendor: int, product: int, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> None:
        what = f"USB printer {vendor:04x}:{product:04x}"
        # pyusb timeouts are milliseconds; python-escpos passes this to every write.
        printer = _opened(lambda: Usb(vendor, product, timeout=int(timeouts.write_s * 1000)), what)
        super().__init__(printer, timeouts)
        self.detail = f"opened {what}"

    def _ask(self, request: bytes) -> int | None:
        import usb.core  # type: ignore[import-untyped]

        self.send(request)
        try:
            # A bulk read returns one USB packet; the printer answers one byte.
            packet = self._printer.device.read(
                self._printer.in_ep, 64, int(self.timeouts.status_s * 1000)
            )
        except usb.core.USBTimeoutError:
            return None
        except usb.core.USBError as error:
            raise PrinterConnectionError(f"status query failed: {error}") from error
        return int(packet[-1]) if len(packet) else None

    def _drain(self, count: int) -> None:
        import usb.core

        with contextlib.suppress(usb.core.USBTimeoutError):
            self._printer.device.read(self._printer.in_ep, 64, int(self.timeouts.status_s * 1000))


class SerialConnection(EscposConnection):
    """A serial printer through python-escpos ``Serial`` (pyserial)."""

    def __init__(self, device: str, baudrate: int, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> None:
        what = f"serial printer {device} at {baudrate} baud"
        printer = _opened(lambda: Serial(device, baudrate, timeout=timeouts.status_s), what)
        printer.device.write_timeout = timeouts.write_s
        super().__init__(printer, timeouts)
        self.detail = f"opened {what}"

    def _ask(self, request: bytes) -> int | None:
        import serial  # type: ignore[import-untyped]

        try:
            self._printer.device.reset_input_buffer()  # drop a late answer to an earlier question
            self.send(request)
            answer = self._printer.device.read(1)  # pyserial: b"" after `timeout`
        except serial.SerialException as error:
            raise PrinterConnectionError(f"status query failed: {error}") from error
        return answer[0] if answer else None


class CupsConnection(EscposConnection):
    """A raw CUPS queue: jobs go through CUPS, the state is what CUPS knows."""

    def __init__(self, name: str, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> None:
        printer = _opened(lambda: CupsPrinter(name), f"CUPS printer {name}")
        super().__init__(printer, timeouts)
        self.name = name
        self.detail = f"CUPS queue {name}"

    def send(self, data: bytes) -> None:
        """Submit `data` as one raw CUPS job."""
        if self._printer.tmpfile.closed:
            # CupsPrinter.send() closes its spool file; open() starts a new job.
            try:
                self._printer.open()
            except Exception as error:
                raise PrinterConnectionError(f"CUPS job not started: {error}") from error
        super().send(data)
        try:
            self._printer.send()
        except Exception as error:  # cups.IPPError and friends
            raise PrinterConnectionError(f"CUPS refused the job: {error}") from error

    def clear_buffers(self) -> None:
        """Nothing to do: CUPS spools whole jobs and sends no real-time commands."""

    def query_status(self) -> PrinterState:
        """Map CUPS's printer-state and state reasons (CUPS can't ask DLE EOT)."""
        try:
            attributes = self._printer.printers.get(self.name)
        except Exception as error:
            raise PrinterConnectionError(f"CUPS query failed: {error}") from error
        if attributes is None:
            self.detail = f"CUPS has no printer {self.name}"
            return PrinterState.NOT_RESPONDING
        reasons = attributes.get("printer-state-reasons")
        self.detail = f"CUPS printer-state={attributes.get('printer-state')} reasons={reasons}"
        return parse_cups_state(attributes)


def open_local(spec: PrinterSpec, timeouts: Timeouts) -> PrinterConnection:
    """Open a USB, serial or CUPS connection from a parsed spec."""
    if spec.kind == "usb":
        assert spec.vendor is not None
        assert spec.number is not None
        return UsbConnection(spec.vendor, spec.number, timeouts)
    if spec.kind == "serial":
        assert spec.number is not None
        return SerialConnection(spec.target, spec.number, timeouts)
    if spec.kind == "cups":
        return CupsConnection(spec.target, timeouts)
    raise PrinterConnectionError(f"no local printer kind {spec.kind!r}")
