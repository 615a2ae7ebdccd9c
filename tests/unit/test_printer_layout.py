"""Ticket layout: the ESC/POS bytes and the text as printed (no printer needed)."""

from __future__ import annotations

import pytest

from printers import escpos_codes as codes
from printers.escpos_parser import EscPosParser, TicketCut
from printers.layout import PrinterProfile, number_scale, render, render_text
from tests.integration.printer_support import make_ticket


def _parse(data: bytes) -> TicketCut:
    cuts = [event for event in EscPosParser().feed(data) if isinstance(event, TicketCut)]
    assert len(cuts) == 1
    return cuts[0]


def test_stream_enters_chinese_mode_before_any_chinese_text() -> None:
    # GIVEN a ticket WHEN rendered in text mode
    data = render(make_ticket(), PrinterProfile(80, "gb18030"))
    # THEN it starts with ESC @ then FS &, before the first Hanzi
    assert data.startswith(codes.INIT + codes.CHINESE_ON)
    assert data.index(codes.CHINESE_ON) < data.index("徐汇".encode("gb18030"))
    # AND it ends with a feed and a cut
    assert data.endswith(codes.feed_lines(4) + codes.CUT)


@pytest.mark.parametrize(
    ("number", "paper", "scale"),
    [("A012", 80, 8), ("A012", 58, 8), ("A1000", 80, 8), ("A1000", 58, 6), ("GREEN0012", 58, 3)],
)
def test_number_is_as_large_as_the_paper_allows(number: str, paper: int, scale: int) -> None:
    # GIVEN a ticket number and a paper width
    profile = PrinterProfile(paper, "gbk")  # type: ignore[arg-type]
    # WHEN rendered
    data = render(make_ticket(number=number), profile)
    # THEN the number is printed at the largest GS ! size at which it fits one line
    assert number_scale(number, profile) == scale
    assert len(number) * 12 * scale <= profile.dots
    assert codes.char_size(scale, scale) + number.encode() + b"\n" in data


def test_qr_code_holds_the_status_url() -> None:
    # GIVEN a ticket WHEN rendered
    ticket = make_ticket()
    data = render(ticket, PrinterProfile())
    # THEN a model-2 QR symbol stores and prints exactly the status URL
    assert codes.qr_code(ticket.status_url.encode(), 8) in data


def test_labels_are_chinese_with_english_under() -> None:
    # GIVEN a Chinese ticket WHEN its text is laid out
    lines = render_text(make_ticket(ahead=3, estimated_wait_min=15), PrinterProfile()).split("\n")
    # THEN each label comes in Chinese then English
    assert lines[lines.index("前面还有 3 人") + 1] == "3 ahead"
    assert lines[lines.index("预计等候约 15 分钟") + 1] == "About 15 min wait"
    assert lines[lines.index("取号时间：2026-11-23 09:41") + 1] == "Issued 2026-11-23 09:41"


def test_with_no_open_window_the_ticket_says_so_instead_of_a_wait() -> None:
    # GIVEN a ticket of a service no open window serves (no estimate)
    text = render_text(make_ticket(ahead=0, estimated_wait_min=None), PrinterProfile())
    # WHEN printed THEN it says no window serves it, and promises no wait
    assert "暂无窗口办理此业务，等候时间无法估计" in text
    assert "No window is serving this yet" in text
    assert "预计等候" not in text


def test_english_ticket_puts_english_first() -> None:
    # GIVEN an English-language ticket WHEN laid out THEN English leads each pair
    lines = render_text(make_ticket(language="en"), PrinterProfile()).split("\n")
    assert lines[lines.index("3 ahead") + 1] == "前面还有 3 人"


def test_notice_line_is_printed_bold_and_large_only_when_given() -> None:
    # GIVEN a ticket with a routing notice (a fallback mode) and one without
    with_notice = make_ticket(notice="请到 8 号应急窗口")
    # WHEN rendered and read back
    parsed = _parse(render(with_notice, PrinterProfile(80))).ticket
    plain = _parse(render(make_ticket(), PrinterProfile(80))).ticket
    # THEN the notice is there, bold and double size, and absent otherwise
    notice = [line for line in parsed.blocks if getattr(line, "text", "") == "请到 8 号应急窗口"]
    assert len(notice) == 1
    assert notice[0].bold
    assert notice[0].scale == 2
    assert "应急窗口" not in plain.text


def test_every_line_fits_the_paper() -> None:
    # GIVEN a long hall name and footer on 58 mm paper WHEN laid out
    profile = PrinterProfile(58, "gbk")
    long_name = "国家税务总局上海市徐汇区税务局第一税务所办税服务厅"
    parsed = _parse(render(make_ticket(hall_name=long_name), profile)).ticket
    # THEN every line fits its columns at its size, and the name is all there
    for block in parsed.blocks:
        if hasattr(block, "scale"):
            width = sum(1 if ord(c) < 0x80 else 2 for c in block.text)
            assert width * block.scale <= profile.columns
    assert long_name in "".join(parsed.lines)


@pytest.mark.parametrize("paper", [80, 58])
@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_text_reads_back_exactly_as_laid_out(paper: int, encoding: str) -> None:
    # GIVEN a ticket with full-width punctuation and ¥
    ticket = make_ticket(notice="请到 8 号应急窗口，谢谢！")
    profile = PrinterProfile(paper, encoding)  # type: ignore[arg-type]
    # WHEN its bytes are parsed back
    parsed = _parse(render(ticket, profile)).ticket
    # THEN text, number and QR are exactly what the layout says was printed
    assert parsed.text == render_text(ticket, profile)
    assert parsed.number == "A012"
    assert parsed.qr == ticket.status_url
    assert "工本费：￥0.00（免费）" in parsed.lines


def test_raster_mode_sends_an_image_and_no_text() -> None:
    # GIVEN a printer without a Chinese font WHEN a ticket is rendered in raster mode
    profile = PrinterProfile(58, "gbk", "raster")
    parsed = _parse(render(make_ticket(), profile)).ticket
    # THEN the stream carries raster bands as wide as the paper, and no text lines
    assert parsed.images
    assert {image.width for image in parsed.images} == {profile.dots}
    assert sum(image.height for image in parsed.images) > 400
    assert parsed.lines == []
    # AND the image has ink (black dots) on it
    assert any(image.getextrema()[0] == 0 for image in parsed.images)


def test_profile_refuses_unknown_values() -> None:
    # GIVEN a paper width no printer has WHEN a profile is made THEN ValueError
    with pytest.raises(ValueError, match="paper_mm"):
        PrinterProfile(76, "gbk")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="encoding"):
        PrinterProfile(80, "utf-8")  # type: ignore[arg-type]
