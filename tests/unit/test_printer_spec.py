"""Printer spec strings → connection kinds, and clear errors for bad ones."""

from __future__ import annotations

import pytest

from printers.connection import PrinterSpec, open_connection, parse_spec
from printers.errors import PrinterConnectionError


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("tcp:192.0.2.10:9100", PrinterSpec("tcp", "192.0.2.10", 9100)),
        ("tcp:printer-1.hall.lan", PrinterSpec("tcp", "printer-1.hall.lan", 9100)),
        ("tcp:[::1]:9101", PrinterSpec("tcp", "::1", 9101)),
        ("usb:0416:5011", PrinterSpec("usb", "0416:5011", 0x5011, 0x0416)),
        ("usb:0x04b8:0x0202", PrinterSpec("usb", "0x04b8:0x0202", 0x0202, 0x04B8)),
        ("serial:/dev/ttyUSB0:115200", PrinterSpec("serial", "/dev/ttyUSB0", 115200)),
        ("serial:/dev/ttyS0", PrinterSpec("serial", "/dev/ttyS0", 9600)),
        ("cups:TM-T88", PrinterSpec("cups", "TM-T88")),
        ("virtual:var/printed", PrinterSpec("virtual", "var/printed")),
    ],
)
def test_good_specs_parse(spec: str, parsed: PrinterSpec) -> None:
    # GIVEN a spec as the configuration writes it WHEN parsed THEN its parts come out
    assert parse_spec(spec) == parsed


@pytest.mark.parametrize(
    "spec",
    ["", "lpt:1", "tcp:", "tcp:host:99999", "tcp:host:port", "usb:0416", "usb:zz:11",
     "serial:ttyUSB0", "cups:", "virtual:"],
)  # fmt: skip
def test_bad_specs_raise_a_clear_value_error(spec: str) -> None:
    # GIVEN a malformed spec WHEN parsed THEN a ValueError names it and the forms
    with pytest.raises(ValueError, match="bad printer spec"):
        parse_spec(spec)


def test_missing_serial_printer_is_a_connection_error_not_a_crash() -> None:
    # GIVEN a serial printer whose device node does not exist
    # WHEN a connection is opened
    # THEN a PrinterConnectionError says which printer could not be opened
    with pytest.raises(PrinterConnectionError, match="serial printer /dev/hallq-absent-tty"):
        open_connection("serial:/dev/hallq-absent-tty:9600")


def test_an_unusable_cups_queue_is_a_connection_error_not_a_crash() -> None:
    # GIVEN no CUPS here (no pycups — the optional `cups` extra — nor a CUPS server)
    # WHEN a CUPS printer is opened THEN a PrinterConnectionError names it, and why
    with pytest.raises(PrinterConnectionError, match=r"cannot open CUPS printer TM-T88: \S"):
        open_connection("cups:TM-T88")
