"""An incremental ESC/POS stream parser: enough of a printer to read a ticket back.

It recovers text lines (GB18030/GBK after FS &, code page 437 before it), the
character size of each line, QR contents (GS ( k store/print), raster bands
(GS v 0) and the cuts that end a ticket. Every other command is skipped by its
known length; an unknown one is skipped as two bytes so that garbage may print
but never stops the parser. Data may arrive split anywhere: an incomplete
command waits in the buffer for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from PIL import Image

from printers.blocks import Block, QrBlock, TextLine
from printers.imaging import from_raster_band

_ESC, _FS, _GS, _DLE = 0x1B, 0x1C, 0x1D, 0x10
#: A command claiming more than this is taken to be garbage, not waited for.
_MAX_COMMAND = 4 * 1024 * 1024

_ESC_FIXED = {**dict.fromkeys(b"@2imLS<\x0c", 2), **dict.fromkeys(b"!EadJ-GMtR3{V =r%?UTe", 3)}
_ESC_FIXED |= {**dict.fromkeys(b"$\\c", 4), ord("p"): 5, ord("W"): 10}
_FS_FIXED = {**dict.fromkeys(b"&.", 2), **dict.fromkeys(b"!-WC", 3), **dict.fromkeys(b"Sp", 4)}
_GS_FIXED = {ord(":"): 2, **dict.fromkeys(b"!BHfhwarI/EbT", 3), **dict.fromkeys(b"LWP$\\", 4)}
_GS_FIXED[ord("^")] = 5


@dataclass(frozen=True)
class StatusRequest:
    """DLE EOT n arrived: the printer must answer one status byte now."""

    n: int


@dataclass(frozen=True)
class BuffersCleared:
    """DLE DC4 fn=8 arrived: drop every job not printed yet, and say so."""


@dataclass(frozen=True)
class LinePrinted:
    """A text line was printed (LF, or a feed that flushed the buffer)."""

    line: TextLine


@dataclass
class ParsedTicket:
    """What came out between two cuts."""

    blocks: list[Block] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """The printed text lines, in order."""
        return [block.text for block in self.blocks if isinstance(block, TextLine)]

    @property
    def text(self) -> str:
        """The printed text, one line per line."""
        return "\n".join(self.lines)

    @property
    def qr(self) -> str | None:
        """The first QR code's content, if one was printed."""
        return next((b.data for b in self.blocks if isinstance(b, QrBlock)), None)

    @property
    def number(self) -> str:
        """The ticket number: the text printed at the largest character size."""
        lines = [b for b in self.blocks if isinstance(b, TextLine) and b.scale > 1]
        return max(lines, key=lambda line: line.scale).text.strip() if lines else ""


@dataclass(frozen=True)
class TicketCut:
    """The paper was cut: `ticket` is complete."""

    ticket: ParsedTicket


Event = StatusRequest | BuffersCleared | LinePrinted | TicketCut


class EscPosParser:
    """Feed bytes in, get events out; keeps print modes across calls."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._pending = bytearray()  # text bytes of the current line, current mode
        self._segments: list[str] = []  # decoded parts of the line from earlier modes
        self.ticket = ParsedTicket()
        self._reset_modes()
        self._qr_stored = b""

    def _reset_modes(self) -> None:
        self.chinese = False
        self._scale = 1
        self._bold = False
        # Largest size and any bold among the current line's characters; 0 and
        # False until it has one (a size change after LF belongs to the next line).
        self._line_scale = 0
        self._line_bold = False

    @property
    def job_started(self) -> bool:
        """True when the current ticket has printed anything yet."""
        return bool(self.ticket.blocks or self.ticket.images or self._pending or self._segments)

    def feed(self, data: bytes) -> Iterator[Event]:
        """Parse `data` (plus any incomplete command left over), yielding events.

        Stopping the iteration early leaves the unparsed bytes in the buffer.
        """
        self._buffer += data
        while self._buffer:
            length = self._command_length()
            if length is None or length > len(self._buffer):
                return  # wait for the rest of the command
            command = bytes(self._buffer[:length])
            del self._buffer[:length]
            try:
                yield from self._execute(command)
            except IndexError:
                # An oversized command is skipped as its 2-byte prefix; what is left
                # of it is garbage a real printer would ignore too.
                continue

    def _command_length(self) -> int | None:
        buf = self._buffer
        first = buf[0]
        if first not in (_ESC, _FS, _GS, _DLE):
            return 1
        if len(buf) < 2:
            return None
        second = buf[1]
        if first == _ESC:
            length = self._esc_length(second)
        elif first == _FS:
            # FS 2 c1 c2 d1…d72 defines one 24 × 24 user character.
            length = self._prefixed_length(_FS_FIXED, second, 4 + 72 if second == ord("2") else 2)
        elif first == _GS:
            length = self._gs_length(second)
        else:
            length = self._dle_length(second)
        if length is None or length > _MAX_COMMAND:
            return 2 if length is not None else None
        return length if len(buf) >= length else None

    def _need(self, count: int) -> bytes | None:
        return bytes(self._buffer[:count]) if len(self._buffer) >= count else None

    def _prefixed_length(self, table: dict[int, int], second: int, default: int) -> int | None:
        if second == ord("("):  # FS ( x pL pH … and GS ( x pL pH …
            head = self._need(5)
            return None if head is None else 5 + head[3] + (head[4] << 8)
        return table.get(second, default)

    def _dle_length(self, second: int) -> int | None:
        if second in (0x04, 0x05):  # DLE EOT n, DLE ENQ n
            return 3
        if second == 0x14:  # DLE DC4 fn …: fn 8 (clear buffers) is 10 bytes, others 5
            head = self._need(3)
            return None if head is None else (10 if head[2] == 8 else 5)
        return 2

    def _esc_length(self, second: int) -> int | None:
        if second == ord("*"):  # ESC * m nL nH d…: 8-dot modes 1 byte per column
            head = self._need(5)
            if head is None:
                return None
            columns = head[3] + (head[4] << 8)
            return 5 + columns * (1 if head[2] in (0, 1) else 3)
        if second == ord("D"):  # ESC D n1 … NUL: tab positions
            end = self._buffer.find(b"\x00", 2)
            return None if end < 0 else end + 1
        return _ESC_FIXED.get(second, 2)

    def _gs_length(self, second: int) -> int | None:
        head: bytes | None
        if second == ord("V"):  # GS V m [n]
            head = self._need(3)
            return None if head is None else (3 if head[2] in (0, 1, 48, 49) else 4)
        if second == ord("v"):  # GS v 0 m xL xH yL yH d…
            head = self._need(8)
            if head is None:
                return None
            return 8 + (head[4] + (head[5] << 8)) * (head[6] + (head[7] << 8))
        if second == ord("8"):  # GS 8 L p1 p2 p3 p4 …: a four-byte length
            head = self._need(7)
            return None if head is None else 7 + int.from_bytes(head[3:7], "little")
        if second == ord("*"):  # GS * x y d…
            head = self._need(4)
            return None if head is None else 4 + head[2] * head[3] * 8
        if second == ord("k"):  # GS k m …: barcodes
            head = self._need(4)
            if head is None:
                return None
            if head[2] >= 65:
                return 4 + head[3]
            end = self._buffer.find(b"\x00", 3)
            return None if end < 0 else end + 1
        return self._prefixed_length(_GS_FIXED, second, 2)

    def _execute(self, command: bytes) -> Iterator[Event]:
        first = command[0]
        if first not in (_ESC, _FS, _GS, _DLE):
            yield from self._text_byte(first)
            return
        second = command[1]
        if first == _DLE:
            if second == 0x04:
                yield StatusRequest(command[2])
            elif second == 0x14 and command[2] == 0x08:
                yield BuffersCleared()
        elif first == _ESC:
            yield from self._escape(second, command)
        elif first == _FS:
            if second in (ord("&"), ord(".")):
                self._decode_pending()
                self.chinese = second == ord("&")
        elif second == ord("!"):
            self._scale = max((command[2] >> 4) + 1, (command[2] & 0x0F) + 1)
        elif second == ord("("):
            self._function(command)
        elif second == ord("v"):
            width, rows = command[4] + (command[5] << 8), command[6] + (command[7] << 8)
            if width and rows:  # an empty band prints nothing
                self.ticket.images.append(from_raster_band(width, rows, command[8:]))
        elif second == ord("V"):
            yield from self._cut()

    def _escape(self, second: int, command: bytes) -> Iterator[Event]:
        if second == ord("@"):
            # ESC @ clears the print buffer: unprinted text is lost, as on paper.
            self._pending.clear()
            self._segments.clear()
            self._reset_modes()
        elif second == ord("E"):
            self._bold = bool(command[2] & 1)
        elif second == ord("!"):
            self._bold = bool(command[2] & 0x08)
            self._scale = 2 if command[2] & 0x30 else 1
        elif second in (ord("d"), ord("J")):
            if self._pending or self._segments:
                yield self._end_line()
        elif second in (ord("i"), ord("m")):
            yield from self._cut()

    def _function(self, command: bytes) -> None:
        # GS ( k pL pH cn fn …; cn 49 = QR Code, fn 80 = store, fn 81 = print.
        if command[2] != ord("k") or len(command) < 7 or command[5] != 49:
            return
        if command[6] == 80:
            self._qr_stored = command[8:]  # after "m" (48)
        elif command[6] == 81:
            self.ticket.blocks.append(QrBlock(self._qr_stored.decode("utf-8", "replace")))

    def _text_byte(self, value: int) -> Iterator[Event]:
        if value == 0x0A:
            yield self._end_line()
        elif value >= 0x20:
            self._pending.append(value)
            self._line_scale = max(self._line_scale, self._scale)
            self._line_bold = self._line_bold or self._bold
        # Other C0 bytes (CR, HT, NUL, stray controls) print nothing here.

    def _decode_pending(self) -> None:
        if self._pending:
            codec = "gb18030" if self.chinese else "cp437"
            self._segments.append(self._pending.decode(codec, "replace"))
            self._pending.clear()

    def _end_line(self) -> LinePrinted:
        self._decode_pending()
        text = "".join(self._segments)
        scale = self._line_scale or self._scale
        line = TextLine(text, scale, self._line_bold if text else self._bold)
        self._segments.clear()
        self._line_scale, self._line_bold = 0, False
        self.ticket.blocks.append(line)
        return LinePrinted(line)

    def _cut(self) -> Iterator[Event]:
        if self._pending or self._segments:
            yield self._end_line()
        ticket, self.ticket = self.ticket, ParsedTicket()
        yield TicketCut(ticket)
