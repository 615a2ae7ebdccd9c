"""Draw tickets as bitmaps: the raster print mode and the emulator's PNG previews.

The CJK font comes from Debian: ``fonts-wqy-zenhei`` (WenQuanYi Zen Hei, what
the Makefile installs) is looked for first, then ``fonts-noto-cjk`` (Noto Sans
CJK SC) and ``fonts-arphic-uming``. ``HALLQ_CJK_FONT`` (a font file path) wins
over all of them. With none present, :func:`find_cjk_font` raises
:class:`FontNotFoundError` saying what to install, rather than Pillow's bitmap
default font, which would print empty boxes for every Hanzi.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont, ImageOps

from printers.blocks import Block, QrBlock, TextLine
from printers.errors import FontNotFoundError

#: (path, face index in the collection). Noto's .ttc holds JP, KR, SC, TC, HK in
#: that order; face 2 is Simplified Chinese, whose glyph shapes a hall expects.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)

#: Dots of a normal-size line: the printers' own Hanzi are 24 × 24.
BASE_FONT_PX = 24
_LINE_GAP_PX = 6
_MARGIN_PX = 8


def find_cjk_font() -> tuple[Path, int]:
    """Return the path and face index of an installed CJK font, or raise."""
    override = os.environ.get("HALLQ_CJK_FONT")
    if override:
        if Path(override).is_file():
            return Path(override), 0
        raise FontNotFoundError(f"HALLQ_CJK_FONT={override} is not a file")
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return Path(path), index
    tried = ", ".join(path for path, _ in FONT_CANDIDATES)
    raise FontNotFoundError(
        "no CJK font for raster tickets: install Debian's fonts-wqy-zenhei "
        f"(apt-get install fonts-wqy-zenhei) or set HALLQ_CJK_FONT; tried {tried}"
    )


@functools.lru_cache(maxsize=16)
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    path, index = find_cjk_font()
    return ImageFont.truetype(str(path), size_px, index=index)


def _qr_image(data: str, module_px: int) -> Image.Image:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module_px, border=2
    )
    code.add_data(data)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("L")


#: One drawing at a time: the cached FreeType fonts are shared between the
#: agent's raster tickets and the virtual printer's previews, on other threads.
_drawing = threading.Lock()


def draw_blocks(blocks: Sequence[Block], width_px: int, qr_module_px: int) -> Image.Image:
    """Draw the blocks centred, top to bottom, black on white ("L" mode)."""
    with _drawing:
        return _draw_blocks(blocks, width_px, qr_module_px)


def _draw_blocks(blocks: Sequence[Block], width_px: int, qr_module_px: int) -> Image.Image:
    pieces: list[Image.Image] = []
    for block in blocks:
        if isinstance(block, QrBlock):
            pieces.append(_qr_image(block.data, qr_module_px))
            continue
        pieces.append(_line_image(block, width_px))
    height = sum(piece.height for piece in pieces) + 2 * _MARGIN_PX
    canvas = Image.new("L", (width_px, max(height, 1)), 255)
    top = _MARGIN_PX
    for piece in pieces:
        canvas.paste(piece, (max(0, (width_px - piece.width) // 2), top))
        top += piece.height
    return canvas


def _line_image(line: TextLine, width_px: int) -> Image.Image:
    size = BASE_FONT_PX * line.scale
    usable = width_px - 2 * _MARGIN_PX
    if line.text:
        # The font's Latin glyphs are wider than a printer's 12-dot ones, so a
        # number sized for text mode may not fit: shrink it rather than clip it.
        natural = _font(size).getlength(line.text)
        if natural > usable:
            size = max(8, int(size * usable / natural))
    image = Image.new("L", (width_px, size + _LINE_GAP_PX), 255)
    if line.text:
        font = _font(size)
        draw = ImageDraw.Draw(image)
        stroke = 1 if line.bold else 0  # a one-dot stroke is what ESC E looks like
        text_width = draw.textlength(line.text, font=font)
        left = max(0, (width_px - int(text_width)) // 2)
        draw.text((left, 0), line.text, font=font, fill=0, stroke_width=stroke, stroke_fill=0)
    return image


def to_raster_bands(image: Image.Image, band_rows: int = 256) -> list[tuple[int, int, bytes]]:
    """Cut an "L" image into 1-bit bands: (width in bytes, rows, bitmap).

    Bands, because many printers' receive buffers can't take a whole ticket in
    one GS v 0 command; 256 rows is safe on the 4 KB-buffer models.
    """
    if image.width % 8:
        raise ValueError("raster width must be a multiple of 8 dots")
    # In mode "1" a set bit is white; ESC/POS prints set bits, so invert first.
    bits = ImageOps.invert(image.convert("L")).convert("1", dither=Image.Dither.NONE)
    width_bytes = image.width // 8
    bands = []
    for top in range(0, bits.height, band_rows):
        band = bits.crop((0, top, bits.width, min(top + band_rows, bits.height)))
        bands.append((width_bytes, band.height, band.tobytes()))
    return bands


def from_raster_band(width_bytes: int, rows: int, bitmap: bytes) -> Image.Image:
    """Turn a GS v 0 bitmap back into a black-on-white "L" image (emulator)."""
    bits = Image.frombytes("1", (width_bytes * 8, rows), bitmap)
    return ImageOps.invert(bits.convert("L"))


def stack(images: Sequence[Image.Image]) -> Image.Image:
    """Join raster bands (or any images) top to bottom on a white page."""
    width = max((image.width for image in images), default=8)
    height = sum(image.height for image in images)
    page = Image.new("L", (width, max(height, 1)), 255)
    top = 0
    for image in images:
        page.paste(image, (0, top))
        top += image.height
    return page
