"""Text for Chinese ESC/POS printers: normalise, measure, wrap, encode.

A thermal printer in Chinese mode (FS &) prints one-byte codes as half-width
ASCII glyphs and two-byte GBK/GB18030 codes as full-width Hanzi glyphs. Its
font holds GB2312/GBK (and, on GB18030 models, CJK Extension A through the
four-byte codes); anything else comes out as garbage. So every character is
checked against what the profile's code page really prints, and replaced when
it can't be: "¥" by the full-width "￥" the font has, a no-break space by a
space, an emoji by "?". Control characters are never passed through: a hall
or service name must not be able to smuggle an ESC/POS command onto the wire.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Encoding = Literal["gb18030", "gbk"]

#: Replacements for characters the fonts lack, chosen to look the same on paper;
#: used only when the profile's code page can't print the character itself.
_REPLACEMENTS: dict[str, str] = {
    "\u00a5": "\uffe5",  # ¥ YEN SIGN: 4-byte in GB18030, absent from GBK → ￥ (A3A4)
    "\u00a0": " ",  # no-break space
    "\u2007": " ",
    "\u202f": " ",
    "\u30fb": "\u00b7",  # katakana middle dot → middle dot (A1A4)
    "\u2022": "\u00b7",  # bullet
    "\u2212": "-",  # minus sign
    "\u20ac": "EUR",  # only GB18030 has €, as A2E3; GBK printers lack it
    "\u200b": "",  # zero-width space
    "\u200d": "",
    "\ufeff": "",  # byte-order mark pasted from a document
}

_UNPRINTABLE = "?"


def _printable(char: str, encoding: Encoding) -> bool:
    """True when the printer's font has a glyph for `char` in this code page."""
    code = ord(char)
    if code < 0x80:
        return 0x20 <= code < 0x7F  # printable ASCII; C0 controls and DEL are commands
    try:
        encoded = char.encode(encoding)
    except UnicodeEncodeError:
        return False
    if len(encoded) == 2:
        return True
    # GB18030's four-byte codes are printed only for CJK Extension A, the
    # ideographs GB18030-2000 made mandatory; the rest (emoji, Latin-1 signs) are
    # not in printer fonts.
    return len(encoded) == 4 and 0x3400 <= code <= 0x4DBF


def normalise(text: str, encoding: Encoding) -> str:
    """Return `text` with every character replaced by one the printer can print.

    Full-width punctuation ("，", "：", "（"…) is kept as it is: it is in the
    code page, and NFKC would wrongly narrow it to ASCII.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if _printable(char, encoding):
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        elif unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            out.append(" ")  # tabs, newlines and controls become spaces
        else:
            compat = unicodedata.normalize("NFKC", char)
            if compat != char and all(_printable(c, encoding) for c in compat):
                out.append(compat)  # e.g. "ﬁ" → "fi", "²" → "2"
            else:
                out.append(_UNPRINTABLE)
    return "".join(out)


def encode(text: str, encoding: Encoding) -> bytes:
    """Normalise `text` and encode it for a printer in Chinese mode."""
    return normalise(text, encoding).encode(encoding)


def char_width(char: str) -> int:
    """Columns a normalised character takes: ASCII one, any multi-byte code two."""
    return 1 if ord(char) < 0x80 else 2


def display_width(text: str) -> int:
    """Columns a normalised string takes on the paper."""
    return sum(char_width(c) for c in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break a normalised line into pieces of at most `columns` columns.

    Breaks at a space when the line has one in reach (English labels), else
    between any two characters, which is how Chinese is set anyway.
    """
    if columns < 2:
        raise ValueError("a line needs at least two columns")
    lines: list[str] = []
    rest = text.rstrip()
    while display_width(rest) > columns:
        used = 0
        cut = 0
        for index, char in enumerate(rest):
            used += char_width(char)
            if used > columns:
                break
            cut = index + 1
        # Only an English word is kept whole; Chinese breaks between any two
        # characters, so a space inside Chinese is no better a place than any.
        inside_word = rest[cut - 1].isascii() and rest[cut].isascii() and rest[cut] != " "
        space = rest.rfind(" ", 0, cut + 1) if inside_word else -1
        if space > 0:
            lines.append(rest[:space].rstrip())
            rest = rest[space + 1 :].lstrip()
        else:
            lines.append(rest[:cut].rstrip())
            rest = rest[
                cut:
            ].lstrip()  # a break that falls on a space does not indent the next line
    lines.append(rest)
    return lines
