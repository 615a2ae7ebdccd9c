"""DLE EOT status bytes and CUPS states → PrinterState."""

from __future__ import annotations

import pytest

from printers.status import PrinterState, describe, is_status_byte, parse_cups_state, parse_status

S = PrinterState


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "expected"),
    [
        (0x12, 0x12, 0x12, S.READY),  # every fixed bit right, nothing set
        (0x12, 0x12, 0x1E, S.PAPER_NEAR_END),  # n=4 bits 2-3
        (0x12, 0x12, 0x16, S.PAPER_NEAR_END),  # one near-end bit is enough
        (0x1A, 0x32, 0x7E, S.PAPER_OUT),  # offline, n=2 bit 5, n=4 bits 5-6
        (0x1A, 0x32, 0x12, S.PAPER_OUT),  # paper-end stop reported by n=2 alone
        (0x12, 0x12, 0x72, S.PAPER_OUT),  # roll sensor alone
        (0x1A, 0x16, 0x12, S.COVER_OPEN),  # n=2 bit 2
        (0x1A, 0x36, 0x7E, S.COVER_OPEN),  # cover open while out of paper: cover first
        (0x1A, 0x12, 0x12, S.OFFLINE),  # n=1 bit 3, no known cause
        (0x12, 0x52, 0x12, S.OFFLINE),  # n=2 bit 6: an error occurred
        (0x1A, 0x12, 0x1E, S.OFFLINE),  # offline outranks near-end
        (0x12, 0x12, None, S.NOT_RESPONDING),  # one question unanswered
        (None, None, None, S.NOT_RESPONDING),
        (0x00, 0x12, 0x12, S.NOT_RESPONDING),  # fixed bits wrong: not a status byte
        (0x12, 0x12, 0x92, S.NOT_RESPONDING),  # bit 7 must be 0
    ],
)
def test_status_bytes_make_one_state(
    printer: int | None, cause: int | None, paper: int | None, expected: PrinterState
) -> None:
    # GIVEN the answers to DLE EOT 1, 2 and 4
    # WHEN they are parsed
    # THEN the most telling state wins
    assert parse_status(printer, cause, paper) is expected


def test_fixed_bits_identify_a_status_byte() -> None:
    # GIVEN any byte WHEN checked THEN only bit 1 and 4 set / 0 and 7 clear pass
    assert is_status_byte(0x12)
    assert is_status_byte(0x7E)
    assert not is_status_byte(ord("A"))


def test_description_shows_the_raw_answers() -> None:
    # GIVEN answers with one missing WHEN described THEN the log line shows them as hex
    assert describe(0x1A, 0x32, None) == "DLE EOT 1=0x1a 2=0x32 4=none"


def test_can_print_only_when_ready_or_near_end() -> None:
    # GIVEN every state WHEN asked whether a ticket would print THEN only two say yes
    assert {state for state in S if state.can_print} == {S.READY, S.PAPER_NEAR_END}


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"printer-state": 3, "printer-state-reasons": ["none"]}, S.READY),
        ({"printer-state": 3, "printer-state-reasons": ["media-low-report"]}, S.PAPER_NEAR_END),
        ({"printer-state": 5, "printer-state-reasons": ["media-empty-error"]}, S.PAPER_OUT),
        ({"printer-state": 5, "printer-state-reasons": ["cover-open"]}, S.COVER_OPEN),
        ({"printer-state": 5, "printer-state-reasons": ["paused"]}, S.OFFLINE),
        ({"printer-state": 4, "printer-state-reasons": "offline-report"}, S.OFFLINE),
    ],
)
def test_cups_states_map_to_printer_states(
    attributes: dict[str, object], expected: PrinterState
) -> None:
    # GIVEN a CUPS queue's state and reasons WHEN mapped THEN the matching state
    assert parse_cups_state(attributes) is expected
