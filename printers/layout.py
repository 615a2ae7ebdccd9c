"""The ticket (号票) as printed: what it says, and the ESC/POS bytes that print it.

Text mode sends Chinese text in the profile's code page after FS &; raster
mode draws the same lines with a CJK font (see :mod:`printers.imaging`) for
printers that have no Chinese font. Both end with a feed and a partial cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from printers import escpos_codes as codes
from printers.blocks import Block, QrBlock, TextLine
from printers.imaging import draw_blocks, to_raster_bands
from printers.textcodec import Encoding, normalise, wrap


@dataclass(frozen=True)
class TicketPrint:
    """Everything printed on one ticket; times already formatted in hall time."""

    hall_name: str
    service_name: str
    number: str
    ahead: int
    estimated_wait_min: int | None
    """None while no open window serves the service: the ticket says so instead."""
    issued_at: str
    status_url: str
    notice: str | None
    footer: str
    language: str = "zh"


@dataclass(frozen=True)
class PrinterProfile:
    """What a printer can do: paper width, its Chinese code page, text or raster."""

    paper_mm: Literal[80, 58] = 80
    encoding: Encoding = "gb18030"
    mode: Literal["text", "raster"] = "text"

    def __post_init__(self) -> None:
        if self.paper_mm not in (80, 58):
            raise ValueError(f"paper_mm must be 80 or 58, not {self.paper_mm!r}")
        if self.encoding not in ("gb18030", "gbk"):
            raise ValueError(f"encoding must be gb18030 or gbk, not {self.encoding!r}")
        if self.mode not in ("text", "raster"):
            raise ValueError(f"mode must be text or raster, not {self.mode!r}")

    @property
    def dots(self) -> int:
        """Printable width in dots at 203 dpi: 72 mm and 48 mm of the rolls."""
        return 576 if self.paper_mm == 80 else 384

    @property
    def columns(self) -> int:
        """Half-width (12-dot) characters per line at normal size."""
        return self.dots // 12

    @property
    def qr_module_dots(self) -> int:
        """QR module size: big enough for an old phone camera, small enough to fit."""
        return 8 if self.paper_mm == 80 else 6


#: Labels, Chinese first with English under (the other way round for "en").
_LABELS: dict[str, tuple[str, str]] = {
    "ahead": ("前面还有 {n} 人", "{n} ahead"),
    "wait": ("预计等候约 {n} 分钟", "About {n} min wait"),
    "no_window": (
        "暂无窗口办理此业务，等候时间无法估计",
        "No window is serving this yet: no wait estimate",
    ),
    "issued": ("取号时间：{t}", "Issued {t}"),
    "scan": ("扫码查看排队进度", "Scan for your place in the queue"),
}


def _bilingual(key: str, language: str, **values: object) -> tuple[str, str]:
    chinese, english = _LABELS[key]
    pair = (chinese.format(**values), english.format(**values))
    return pair if language != "en" else (pair[1], pair[0])


def number_scale(number: str, profile: PrinterProfile) -> int:
    """The largest GS ! multiplier (≤ 8) at which the number fits on one line."""
    return max(1, min(8, profile.dots // (12 * max(1, len(number)))))


def ticket_blocks(ticket: TicketPrint, profile: PrinterProfile) -> list[Block]:
    """Lay out a ticket as normalised, wrapped lines and the QR code."""
    enc = profile.encoding

    def lines(text: str, scale: int = 1, bold: bool = False) -> list[Block]:
        columns = max(2, profile.columns // scale)
        return [TextLine(part, scale, bold) for part in wrap(normalise(text, enc), columns)]

    blocks: list[Block] = [*lines(ticket.hall_name, bold=True), TextLine("")]
    blocks += lines(ticket.service_name, scale=2)
    blocks += lines(ticket.number, scale=number_scale(normalise(ticket.number, enc), profile))
    blocks.append(TextLine(""))
    wait = (
        ("no_window", {})
        if ticket.estimated_wait_min is None
        else ("wait", {"n": ticket.estimated_wait_min})
    )
    for key, values in (("ahead", {"n": ticket.ahead}), wait, ("issued", {"t": ticket.issued_at})):
        for text in _bilingual(key, ticket.language, **values):
            blocks += lines(text)
    blocks.append(TextLine(""))
    blocks.append(QrBlock(ticket.status_url))
    for text in _bilingual("scan", ticket.language):
        blocks += lines(text)
    if ticket.notice:
        # Double size and bold: the routing line is the one thing a taxpayer
        # must not miss when the hall is in a fallback mode.
        blocks += [TextLine(""), *lines(ticket.notice, scale=2, bold=True)]
    if ticket.footer:
        blocks += [TextLine(""), *lines(ticket.footer)]
    return blocks


def render_text(ticket: TicketPrint, profile: PrinterProfile) -> str:
    """The ticket's text lines exactly as printed (normalised, wrapped), one per line."""
    return "\n".join(b.text for b in ticket_blocks(ticket, profile) if isinstance(b, TextLine))


def render(ticket: TicketPrint, profile: PrinterProfile) -> bytes:
    """The complete ESC/POS byte stream for one ticket: init … cut."""
    blocks = ticket_blocks(ticket, profile)
    body = (
        _raster_body(blocks, profile) if profile.mode == "raster" else _text_body(blocks, profile)
    )
    return codes.INIT + body + codes.feed_lines(4) + codes.CUT


def _text_body(blocks: list[Block], profile: PrinterProfile) -> bytes:
    out = [codes.CHINESE_ON, codes.ALIGN_CENTER]
    for block in blocks:
        if isinstance(block, QrBlock):
            out.append(codes.qr_code(block.data.encode("utf-8"), profile.qr_module_dots))
            continue
        if block.bold:
            out.append(codes.BOLD_ON)
        if block.scale != 1:
            out.append(codes.char_size(block.scale, block.scale))
        # Already normalised by the layout, so this cannot fail.
        out.append(block.text.encode(profile.encoding) + codes.LF)
        if block.scale != 1:
            out.append(codes.char_size(1, 1))
        if block.bold:
            out.append(codes.BOLD_OFF)
    return b"".join(out)


def _raster_body(blocks: list[Block], profile: PrinterProfile) -> bytes:
    image = draw_blocks(blocks, profile.dots, profile.qr_module_dots)
    return b"".join(codes.raster_image(*band) for band in to_raster_bands(image))
