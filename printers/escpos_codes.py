"""The ESC/POS byte sequences HallQ sends, and the emulator recognises.

One place for the bytes, so the layout and the emulator cannot drift apart.
References are to Epson's "ESC/POS Command Reference for TM printers"; Chinese
models (Xprinter, Gprinter, Sunmi, Hprt…) follow the same codes.
"""

from __future__ import annotations

ESC = b"\x1b"
FS = b"\x1c"
GS = b"\x1d"
DLE = b"\x10"
EOT = b"\x04"
LF = b"\n"

#: ESC @ — initialise: clears the buffer and every print mode.
INIT = ESC + b"@"
#: FS & — select Kanji (Chinese) character mode; multi-byte codes print as
#: Hanzi only after this. python-escpos 3.1 never sends it.
CHINESE_ON = FS + b"&"
#: FS . — cancel Kanji character mode.
CHINESE_OFF = FS + b"."
#: DLE EOT n — real-time status request; the printer answers one byte.
STATUS_PRINTER = DLE + EOT + b"\x01"
STATUS_OFFLINE_CAUSE = DLE + EOT + b"\x02"
STATUS_ERROR_CAUSE = DLE + EOT + b"\x03"
STATUS_PAPER = DLE + EOT + b"\x04"
CLEAR_BUFFERS = DLE + b"\x14\x08\x01\x03\x14\x01\x06\x02\x08"
"""DLE DC4 fn=8, a real-time command: drop what sits in the receive and print buffers
(a job sent while the paper was out would print late, after the refill)."""
CLEAR_BUFFERS_ANSWER = b"\x37\x25\x00"
"""What the printer answers once its buffers are cleared."""

ALIGN_LEFT = ESC + b"a\x00"
ALIGN_CENTER = ESC + b"a\x01"
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"


def char_size(width: int, height: int) -> bytes:
    """GS ! n — character width and height multipliers, each 1..8."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("character size multipliers are 1..8")
    return GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])


def feed_lines(lines: int) -> bytes:
    """ESC d n — print the buffer and feed n lines (the gap before the cutter)."""
    return ESC + b"d" + bytes([max(0, min(lines, 255))])


#: GS V 1 — partial cut (one point left uncut, so the ticket does not fall).
CUT = GS + b"V\x01"


def _gs_k(fn_and_params: bytes) -> bytes:
    """GS ( k pL pH cn fn … — a 2D-symbol function; cn 49 is QR Code."""
    length = len(fn_and_params) + 1  # + cn
    return GS + b"(k" + bytes([length & 0xFF, length >> 8]) + b"1" + fn_and_params


def qr_code(data: bytes, module_size: int) -> bytes:
    """Select model 2, module size, error level M, store `data`, print it."""
    if len(data) > 7089:
        raise ValueError("QR data too long for GS ( k")
    return b"".join(
        (
            _gs_k(b"A2\x00"),  # fn 165: model 2
            _gs_k(b"C" + bytes([module_size])),  # fn 167: module size in dots
            _gs_k(b"E1"),  # fn 169: error correction M (15 %): survives a scuff
            _gs_k(b"P0" + data),  # fn 180: store the data in the symbol area
            _gs_k(b"Q0"),  # fn 181: print the stored symbol
        )
    )


def raster_image(width_bytes: int, rows: int, bitmap: bytes) -> bytes:
    """GS v 0 m xL xH yL yH d… — print one raster band, 1 bit per dot, MSB left."""
    if len(bitmap) != width_bytes * rows:
        raise ValueError("bitmap size does not match width × rows")
    header = GS + b"v0\x00" + bytes([width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8])
    return header + bitmap
