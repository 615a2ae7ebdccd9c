"""What a ticket is made of, between the layout and the two ways to print it.

The layout decides the lines; the text encoder turns them into ESC/POS text
commands, the raster encoder and the emulator's preview draw them with Pillow.
Keeping one description means a raster ticket and a text ticket say the same.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextLine:
    """One printed line, already normalised and short enough for the paper.

    `scale` multiplies both the character width and height (GS ! n), 1..8.
    """

    text: str
    scale: int = 1
    bold: bool = False


@dataclass(frozen=True)
class QrBlock:
    """A QR code (model 2) holding `data`."""

    data: str


Block = TextLine | QrBlock
