"""A printer's state, read from its own real-time status bytes (DLE EOT n).

Bit meanings are from Epson's ESC/POS Command Reference, "DLE EOT n —
Transmit real-time status". Each answer byte has bit 1 and bit 4 fixed at 1
and bits 0 and 7 fixed at 0 (so an idle, healthy printer answers 0x12 to
every query); a byte that breaks that pattern is not a status answer.

- n = 1, printer status: bit 3 = 1 offline.
- n = 2, offline cause: bit 2 = 1 cover open; bit 3 = paper being fed by the
  FEED button; bit 5 = 1 printing stopped because the paper ran out; bit 6 = 1
  an error occurred.
- n = 4, roll paper sensor: bits 2 and 3 = 1 near-end sensor sees the end
  coming; bits 5 and 6 = 1 paper-end sensor sees no paper.

python-escpos 3.1's ``paper_status()`` says "adequate" when the printer says
nothing; here silence is :attr:`PrinterState.NOT_RESPONDING`, never "ready".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum


class PrinterState(StrEnum):
    """What the hall needs to know about a ticket printer."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    NOT_RESPONDING = "not_responding"

    @property
    def can_print(self) -> bool:
        """True when a ticket sent now will come out (near-end still prints)."""
        return self in (PrinterState.READY, PrinterState.PAPER_NEAR_END)


#: Most severe last. The specific causes outrank the bare offline bit that
#: they themselves set (an open cover or an empty roll also takes the printer
#: offline), because the cause is what tells staff what to do.
SEVERITY: tuple[PrinterState, ...] = (
    PrinterState.READY,
    PrinterState.PAPER_NEAR_END,
    PrinterState.OFFLINE,
    PrinterState.PAPER_OUT,
    PrinterState.COVER_OPEN,
    PrinterState.NOT_RESPONDING,
)

_FIXED_MASK = 0b1001_0011  # bits 7, 4, 1, 0
_FIXED_VALUE = 0b0001_0010  # bit 4 and bit 1 set, bits 7 and 0 clear

_PRINTER_OFFLINE = 1 << 3  # n=1 bit 3
_CAUSE_COVER_OPEN = 1 << 2  # n=2 bit 2
_CAUSE_PAPER_END_STOP = 1 << 5  # n=2 bit 5
_CAUSE_ERROR = 1 << 6  # n=2 bit 6
_PAPER_NEAR_END = 0b0000_1100  # n=4 bits 2-3
_PAPER_END = 0b0110_0000  # n=4 bits 5-6


def is_status_byte(value: int) -> bool:
    """True when `value` has the fixed bits every DLE EOT answer carries."""
    return value & _FIXED_MASK == _FIXED_VALUE


def most_severe(states: Sequence[PrinterState]) -> PrinterState:
    """The state that matters most among several (READY when there are none)."""
    return max(states, key=SEVERITY.index, default=PrinterState.READY)


def parse_status(printer: int | None, cause: int | None, paper: int | None) -> PrinterState:
    """Combine the answers to DLE EOT 1, 2 and 4 into one state.

    A missing answer (None) or one without the fixed bits means the printer is
    not talking to us: NOT_RESPONDING, whatever the other bytes say.
    """
    answers = (printer, cause, paper)
    if any(value is None or not is_status_byte(value) for value in answers):
        return PrinterState.NOT_RESPONDING
    assert printer is not None
    assert cause is not None
    assert paper is not None
    found: list[PrinterState] = []
    if printer & _PRINTER_OFFLINE or cause & _CAUSE_ERROR:
        found.append(PrinterState.OFFLINE)
    if cause & _CAUSE_COVER_OPEN:
        found.append(PrinterState.COVER_OPEN)
    # Either sensor is enough: some printers only set the n=2 bit while the
    # roll sensor flickers as the last of the paper pulls through.
    if paper & _PAPER_END or cause & _CAUSE_PAPER_END_STOP:
        found.append(PrinterState.PAPER_OUT)
    if paper & _PAPER_NEAR_END:
        found.append(PrinterState.PAPER_NEAR_END)
    return most_severe(found)


def describe(printer: int | None, cause: int | None, paper: int | None) -> str:
    """The raw answers, for the hub's device log ("DLE EOT 1=0x12 2=0x12 4=0x1e")."""

    def show(value: int | None) -> str:
        return "none" if value is None else f"0x{value:02x}"

    return f"DLE EOT 1={show(printer)} 2={show(cause)} 4={show(paper)}"


#: CUPS printer-state-reasons keywords (RFC 8011 §5.4.12, PWG 5100.9), most
#: telling first; "-report" / "-warning" / "-error" suffixes are stripped.
_CUPS_REASONS: Mapping[str, PrinterState] = {
    "cover-open": PrinterState.COVER_OPEN,
    "door-open": PrinterState.COVER_OPEN,
    "media-empty": PrinterState.PAPER_OUT,
    "media-needed": PrinterState.PAPER_OUT,
    "media-jam": PrinterState.OFFLINE,
    "offline": PrinterState.OFFLINE,
    "shutdown": PrinterState.OFFLINE,
    "connecting-to-device": PrinterState.NOT_RESPONDING,
    "timed-out": PrinterState.NOT_RESPONDING,
    "media-low": PrinterState.PAPER_NEAR_END,
}

_CUPS_STOPPED = 5  # IPP printer-state: 3 idle, 4 processing, 5 stopped


def parse_cups_state(attributes: Mapping[str, object]) -> PrinterState:
    """Map a CUPS printer's attributes (pycups ``getPrinters()`` entry) to a state."""
    reasons = attributes.get("printer-state-reasons") or []
    if isinstance(reasons, str):
        reasons = [reasons]
    found: list[PrinterState] = []
    for reason in reasons if isinstance(reasons, list | tuple) else []:
        keyword = str(reason)
        for suffix in ("-report", "-warning", "-error"):
            keyword = keyword.removesuffix(suffix)
        if keyword in _CUPS_REASONS:
            found.append(_CUPS_REASONS[keyword])
    if attributes.get("printer-state") == _CUPS_STOPPED:
        found.append(PrinterState.OFFLINE)
    return most_severe(found)
