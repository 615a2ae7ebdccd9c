"""The emulator's ESC/POS parser: split input, unknown commands, garbage."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from printers import escpos_codes as codes
from printers.escpos_parser import EscPosParser, Event, StatusRequest, TicketCut
from printers.layout import PrinterProfile, render, render_text
from tests.integration.printer_support import make_ticket


def _feed_all(parser: EscPosParser, chunks: list[bytes]) -> list[Event]:
    return [event for chunk in chunks for event in parser.feed(chunk)]


def test_a_ticket_split_at_every_byte_reads_the_same() -> None:
    # GIVEN a rendered ticket
    ticket, profile = make_ticket(), PrinterProfile(58, "gb18030")
    data = render(ticket, profile)
    # WHEN it arrives one byte at a time
    events = _feed_all(EscPosParser(), [data[i : i + 1] for i in range(len(data))])
    # THEN it reads back exactly as when it arrives whole
    cuts = [event for event in events if isinstance(event, TicketCut)]
    assert len(cuts) == 1
    assert cuts[0].ticket.text == render_text(ticket, profile)
    assert cuts[0].ticket.qr == ticket.status_url


def test_status_requests_are_seen_between_commands() -> None:
    # GIVEN text, then DLE EOT 4, then more text
    data = codes.CHINESE_ON + "前".encode("gbk") + codes.STATUS_PAPER + "后\n".encode("gbk")
    # WHEN parsed
    events = list(EscPosParser().feed(data))
    # THEN the status request is reported and the text around it is intact
    assert StatusRequest(4) in events
    assert events[-1].line.text == "前后"  # type: ignore[union-attr]


def test_unknown_commands_are_skipped_and_text_survives() -> None:
    # GIVEN commands the parser does not know, and some it knows but ignores
    data = (
        b"\x1bz\x01"  # ESC z: unknown
        + b"\x1d\xff"  # GS 0xff: unknown
        + b"\x1c\x70\x01\x00"  # FS p: NV image
        + b"\x1dk\x02012345678905\x00"  # GS k: EAN-13 barcode
        + b"\x1b*\x21\x02\x00"
        + b"\x00" * 6  # ESC *: 24-dot bit image
        + b"\x1d(L\x02\x000\x45"  # GS ( L: graphics function
        + b"Hello\n"
        + codes.CUT
    )
    # WHEN parsed
    cuts = [e for e in EscPosParser().feed(data) if isinstance(e, TicketCut)]
    # THEN the ticket is still found, with its text
    assert len(cuts) == 1
    assert cuts[0].ticket.lines[-1].endswith("Hello")


def test_text_before_chinese_mode_is_code_page_437() -> None:
    # GIVEN a byte above 0x7f sent without FS & WHEN parsed THEN it is read as PC437
    events = list(EscPosParser().feed(b"\x9c5\n"))
    assert events[0].line.text == "£5"  # type: ignore[union-attr]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=64), max_size=8))
def test_arbitrary_bytes_never_crash_the_parser(chunks: list[bytes]) -> None:
    # GIVEN any bytes at all, in any chunks
    # WHEN parsed (as an emulator would, from a misbehaving client)
    # THEN no exception escapes, and a cut after them still closes a ticket
    parser = EscPosParser()
    _feed_all(parser, [*chunks, b"\x00" * 8])
    assert parser is not None


def test_degenerate_images_and_symbols_do_not_break_the_ticket() -> None:
    # GIVEN an empty raster band, a QR print with nothing stored, and some text
    data = b"\x1dv0\x00\x00\x00\x05\x00" + b"\x1d(k\x03\x001Q0" + b"ok\n" + codes.CUT
    # WHEN parsed
    cuts = [e for e in EscPosParser().feed(data) if isinstance(e, TicketCut)]
    # THEN one ticket, with its text and no empty image
    assert len(cuts) == 1
    assert cuts[0].ticket.images == []
    assert cuts[0].ticket.lines == ["ok"]
