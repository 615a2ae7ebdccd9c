"""Text normalisation for Chinese ESC/POS code pages."""

from __future__ import annotations

import pytest

from printers.textcodec import display_width, encode, normalise, wrap


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_yen_sign_becomes_the_full_width_yen_the_font_has(encoding: str) -> None:
    # GIVEN a price with the Latin-1 yen sign (4-byte in GB18030, absent from GBK)
    # WHEN it is normalised for the printer
    # THEN it is printed with the full-width ￥ (A3A4), which every Chinese font has
    assert normalise("工本费 ¥5", encoding) == "工本费 ￥5"  # type: ignore[arg-type]
    assert encode("¥", encoding) == b"\xa3\xa4"  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_full_width_punctuation_is_kept_not_narrowed(encoding: str) -> None:
    # GIVEN Chinese text with full-width punctuation
    text = "请注意：您好，（第一）窗口！“发票”、再见。～"
    # WHEN normalised
    # THEN nothing changes (NFKC would have turned "，" into ",")
    assert normalise(text, encoding) == text  # type: ignore[arg-type]
    # AND each of them is one two-byte code
    assert len(encode(text, encoding)) == 2 * len(text)  # type: ignore[arg-type]


def test_characters_no_printer_font_has_become_question_marks() -> None:
    # GIVEN an emoji and a Japanese-only middle dot
    # WHEN normalised for GB18030 (which could *encode* both in four bytes)
    # THEN the emoji is "?" and the dot is the Chinese middle dot
    assert normalise("排队😀完成・好", "gb18030") == "排队?完成·好"


def test_extension_a_ideographs_print_on_gb18030_only() -> None:
    # GIVEN a rare CJK Extension A character (found in personal names)
    # WHEN normalised for each code page
    # THEN GB18030 keeps it (four-byte code, mandatory in GB18030 fonts), GBK cannot
    assert normalise("㐀", "gb18030") == "㐀"
    assert normalise("㐀", "gbk") == "?"


def test_euro_sign_is_spelt_out_for_gbk_only() -> None:
    # GIVEN a euro sign WHEN normalised THEN GBK spells it out, GB18030 keeps A2E3
    assert normalise("€5", "gbk") == "EUR5"
    assert encode("€", "gb18030") == b"\xa2\xe3"


def test_control_characters_cannot_reach_the_printer() -> None:
    # GIVEN a hall name with an ESC/POS command smuggled in (ESC @ resets the printer)
    # WHEN normalised
    # THEN no byte below 0x20 survives
    encoded = encode("大厅\x1b@\x1dV\x01名\t称\n", "gb18030")
    assert all(byte >= 0x20 for byte in encoded)
    assert encoded.decode("gb18030") == "大厅 @ V 名 称 "


def test_compatibility_characters_fall_back_to_their_plain_form() -> None:
    # GIVEN a ligature and a superscript no code page holds
    # WHEN normalised THEN their NFKC form is printed instead of "?"
    assert normalise("ﬁle m²", "gbk") == "file m2"


def test_width_counts_multi_byte_characters_as_two_columns() -> None:
    # GIVEN mixed text WHEN measured THEN Hanzi and full-width signs take two columns
    assert display_width("A012 号，") == 5 + 2 + 2


def test_wrap_breaks_chinese_anywhere_and_english_at_spaces() -> None:
    # GIVEN a Chinese line and an English line wider than the paper
    # WHEN wrapped
    # THEN Chinese breaks between characters, English between words
    assert wrap("请到八号应急窗口办理", 8) == ["请到八号", "应急窗口", "办理"]
    assert wrap("Scan for your place in the queue", 16) == [
        "Scan for your",
        "place in the",
        "queue",
    ]
    assert all(display_width(part) <= 16 for part in wrap("国家税务总局 ABC 办税服务厅", 16))


def test_a_break_on_a_space_does_not_indent_the_next_line() -> None:
    # GIVEN a line whose width runs out exactly at a space (the ticket's footer on 80 mm)
    footer = "请留意叫号 · 过号请到导税台 / Please listen for your number"
    # WHEN wrapped THEN the next line starts with the word, not the space
    assert wrap(footer, 48) == ["请留意叫号 · 过号请到导税台 / Please listen for", "your number"]
