"""Taxpayer ID and phone validation and masking (SPEC §9, §10).

The check characters here are computed by code written independently of
core.domain.identity (Horner's rule for the USCC, ISO 7064's recursive form for
the resident ID), so a wrong weight table in the module cannot agree with them.
"""

from __future__ import annotations

import ast
import string
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.domain.errors import InvalidInput
from core.domain.identity import (
    PHONE_ERRORS,
    TAXPAYER_ID_ERRORS,
    TaxpayerId,
    TaxpayerIdKind,
    mask_phone,
    validate_phone,
    validate_resident_id,
    validate_taxpayer_id,
    validate_uscc,
)

TODAY = date(2025, 6, 1)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Real codes. The first eight are the published codes of well-known companies
# (shown on their business licences and in the National Enterprise Credit
# Information Publicity System, gsxt.gov.cn); they were written down from those
# public records, not fetched by the test, and each passes both independent
# check characters — a misremembered code would pass both about once in 341.
# The rest come from python-stdnum's list of codes "found online"
# (tests/test_cn_uscc.doctest) and cover other authorities, categories and the
# letter-bearing organisation codes issued since 2015 ("MA…").
REAL_USCCS = [
    "914403001922038216",  # 华为技术有限公司 (Huawei Technologies)
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司 (Tencent, Shenzhen)
    "91110000710926094P",  # 中国石油化工股份有限公司 (Sinopec)
    "91100000100003962T",  # 中国工商银行股份有限公司 (ICBC; region 100000: national level)
    "91520000214434146R",  # 贵州茅台酒股份有限公司 (Kweichow Moutai)
    "91440300192317458F",  # 比亚迪股份有限公司 (BYD)
    "91110108551385082Q",  # 小米科技有限责任公司 (Xiaomi)
    "91110000802100433B",  # 北京百度网讯科技有限公司 (Baidu)
    "121200004013590816",  # python-stdnum: authority 1 机构编制, category 2 事业单位
    "91620105L015101280",  # python-stdnum: organisation code starting with a letter
    "91340600MA2PBM9HXD",  # python-stdnum: post-2015 "MA" organisation code
    "92340602MA2PBMEM24",  # python-stdnum: category 2 个体工商户
    "9115220107837941X1",  # python-stdnum: organisation-code check character X
]
STANDARD_RESIDENT_ID = "11010519491231002X"  # the worked example in GB 11643-1999


# --- independent implementations used as oracles and generators --------------


def uscc_check_horner(body: str) -> str:
    """GB 32100 check via Horner's rule: sum(v_i * 3**i) = v_0 + 3*(v_1 + 3*(v_2 + ...))."""
    accumulated = 0
    for char in reversed(body):
        accumulated = (accumulated * 3 + USCC_ALPHABET.index(char)) % 31
    return USCC_ALPHABET[(31 - accumulated) % 31]


def org_check(body: str) -> str:
    """GB 11714 check, straight from the standard's table of weights."""
    values = [int(c) if c.isdigit() else string.ascii_uppercase.index(c) + 10 for c in body]
    remainder = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)


def resident_check_recursive(body: str) -> str:
    """ISO 7064 MOD 11-2 in its recursive form (no weight table)."""
    carried = 0
    for digit in body:
        carried = ((carried + int(digit)) * 2) % 11
    return "0123456789X"[(12 - carried) % 11]


PAIRS = ["11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49"]
PAIRS += ["51", "52", "53", "59", "61", "62", "69", "71", "72", "79", "81", "89", "91", "92"]
PAIRS += ["93", "A1", "A9", "N1", "N2", "N3", "N9", "Y1"]


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    """Any structurally valid USCC: authority/category pair, region digits, checked org code."""
    pair = draw(st.sampled_from(PAIRS))
    region = draw(st.text(string.digits, min_size=6, max_size=6))
    org_body = draw(st.text(USCC_ALPHABET, min_size=8, max_size=8))
    body = pair + region + org_body + org_check(org_body)
    return body + uscc_check_horner(body)


@st.composite
def valid_resident_ids(draw: st.DrawFn) -> str:
    """Any valid resident ID with a birth date between 1900-01-01 and TODAY."""
    region = draw(st.text(string.digits, min_size=6, max_size=6))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.text(string.digits, min_size=3, max_size=3))
    body = region + birth.strftime("%Y%m%d") + sequence
    return body + resident_check_recursive(body)


def fold(char: str) -> str:
    """What the validator turns one typed character into (full-width and ASCII case folded)."""
    if "\uff01" <= char <= "\uff5e":
        char = chr(ord(char) - 0xFEE0)
    return char.upper() if char.isascii() else char


# Replacement characters for the substitution tests: everything a keyboard or
# an IME might produce, including letters the USCC excludes and full-width forms.
SUBSTITUTES = string.digits + string.ascii_letters + "-_.,/\\*#@！０９ＡＺａｚ中"


def error_code(value: str, today: date = TODAY) -> str:
    with pytest.raises(InvalidInput) as raised:
        validate_taxpayer_id(value, today)
    assert raised.value.field == "taxpayer_id"
    assert raised.value.code in TAXPAYER_ID_ERRORS
    return raised.value.code


# --- unified social credit codes ----------------------------------------------


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_are_accepted(code: str) -> None:
    # GIVEN a code a real organisation was issued
    # WHEN a taxpayer enters it
    result = validate_taxpayer_id(code, TODAY)
    # THEN it is accepted as a USCC, unchanged
    assert result == TaxpayerId(code, "uscc")
    assert uscc_check_horner(code[:17]) == code[17]
    assert org_check(code[8:16]) == code[16]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_every_single_substitution_in_a_real_uscc_is_refused(code: str) -> None:
    # GIVEN a real code WHEN any one character is replaced by anything else typed
    for position in range(18):
        for substitute in SUBSTITUTES:
            if fold(substitute) == code[position]:
                continue
            typo = code[:position] + substitute + code[position + 1 :]
            # THEN it is not accepted as a USCC
            with pytest.raises(InvalidInput):
                validate_uscc(typo)


@pytest.mark.parametrize("code", REAL_USCCS)
def test_a_wrong_final_check_character_is_reported_as_a_check_error(code: str) -> None:
    # GIVEN a real code with its check character replaced by the next one in the alphabet
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(code[17]) + 1) % 31]
    # WHEN it is validated THEN the error names the USCC check
    with pytest.raises(InvalidInput) as raised:
        validate_taxpayer_id(code[:17] + wrong, TODAY)
    assert raised.value.code == "taxpayer_id.check"
    assert raised.value.params["part"] == "uscc"


def test_a_wrong_organisation_code_check_is_refused_even_with_a_matching_final_check() -> None:
    # GIVEN Huawei's code with its organisation-code check changed and the final
    # check recomputed, so only GB 11714's check can catch it
    body = "91440300192203820"
    forged = body + uscc_check_horner(body)
    # WHEN it is validated THEN the organisation-code check refuses it
    with pytest.raises(InvalidInput) as raised:
        validate_taxpayer_id(forged, TODAY)
    assert raised.value.code == "taxpayer_id.check"
    assert raised.value.params["part"] == "organisation_code"


@pytest.mark.parametrize(
    ("pair", "part"),
    [("B1", "registration_authority"), ("01", "registration_authority"), ("94", "category"),
     ("Y2", "category"), ("15", "category")],
)  # fmt: skip
def test_unknown_authority_or_category_is_refused(pair: str, part: str) -> None:
    # GIVEN a code whose checks are right but whose authority/category pair does not exist
    body = pair + "440300" + "MA5FUXJ1" + org_check("MA5FUXJ1")
    code = body + uscc_check_horner(body)
    # WHEN it is validated THEN it is refused as a format error naming the part
    with pytest.raises(InvalidInput) as raised:
        validate_uscc(code)
    assert raised.value.code == "taxpayer_id.format"
    assert raised.value.params["part"] == part


@pytest.mark.parametrize("letter", "IOSVZ")
def test_letters_outside_the_uscc_alphabet_are_a_charset_error(letter: str) -> None:
    # GIVEN a USCC-length value containing a letter GB 32100 never uses
    value = "91440300MA5" + letter + "UXJ1X"
    value += "0" * (18 - len(value))
    # WHEN it is validated THEN the error is the charset, at that position
    with pytest.raises(InvalidInput) as raised:
        validate_taxpayer_id(value, TODAY)
    assert raised.value.code == "taxpayer_id.charset"
    assert raised.value.params["position"] == 12


def test_region_must_be_digits() -> None:
    # GIVEN a code with a letter in the registering office's division code
    body = "9144A300" + "19220382" + org_check("19220382")
    # WHEN validated THEN refused as a region format error
    with pytest.raises(InvalidInput) as raised:
        validate_uscc(body + uscc_check_horner(body))
    assert raised.value.params["part"] == "region"


@given(valid_usccs())
def test_any_generated_uscc_validates(code: str) -> None:
    # GIVEN any code built by the rules WHEN validated as a USCC THEN it is accepted
    assert validate_uscc(code) == TaxpayerId(code, "uscc")
    # AND the general validator accepts it too — as a resident ID only when it
    # also is a valid one (digits-only codes are tried as resident IDs first)
    result = validate_taxpayer_id(code, TODAY)
    assert result.value == code
    if result.kind == "resident_id":
        assert validate_resident_id(code, TODAY).kind == "resident_id"
    else:
        assert result.kind == "uscc"


@given(valid_usccs(), st.integers(0, 17), st.sampled_from(SUBSTITUTES))
def test_any_single_substitution_in_a_generated_uscc_is_refused(
    code: str, position: int, substitute: str
) -> None:
    # GIVEN a valid code and one character changed to something that reads differently
    if fold(substitute) == code[position]:
        substitute = "0" if code[position] != "0" else "1"
    typo = code[:position] + substitute + code[position + 1 :]
    # WHEN validated as a USCC THEN it is refused: weights 3**i mod 31 are never
    # 0 mod 31 and two characters' values differ by less than 31
    with pytest.raises(InvalidInput):
        validate_uscc(typo)
    # AND the general validator accepts it only if the typo happens to be a valid resident ID
    try:
        result = validate_taxpayer_id(typo, TODAY)
    except InvalidInput:
        return
    assert result.kind == "resident_id"


# --- resident identity numbers ------------------------------------------------


def test_the_standards_example_is_accepted() -> None:
    # GIVEN GB 11643's worked example, typed with a lower-case x and spaces
    # WHEN validated THEN it is a resident ID, normalised
    assert validate_taxpayer_id(" 110105 19491231 002x ", TODAY) == TaxpayerId(
        STANDARD_RESIDENT_ID, "resident_id"
    )
    assert resident_check_recursive(STANDARD_RESIDENT_ID[:17]) == "X"


@pytest.mark.parametrize(
    "body",
    ["44030519900101123", "31011520000229004", "65010219000101001", "53010220250601987"],
)
def test_computed_resident_ids_are_accepted(body: str) -> None:
    # GIVEN resident IDs whose check digit is computed independently
    number = body + resident_check_recursive(body)
    # WHEN validated THEN accepted (incl. a leap day, 1900-01-01 and a birth date of today)
    assert validate_taxpayer_id(number, TODAY) == TaxpayerId(number, "resident_id")


@pytest.mark.parametrize(
    "birth",
    ["18991231", "20250602", "20230229", "19901301", "19900100", "19900431", "00000000"],
)
def test_impossible_birth_dates_are_refused(birth: str) -> None:
    # GIVEN a resident ID with a correct check digit around an impossible or future date
    body = "440305" + birth + "123"
    number = body + resident_check_recursive(body)
    # WHEN validated on 2025-06-01 THEN the birth date is the error
    assert error_code(number) == "taxpayer_id.birth_date"


def test_a_wrong_resident_check_digit_is_refused() -> None:
    # GIVEN the standard's example with 0 instead of X
    # WHEN validated THEN it is a check error on the resident ID
    with pytest.raises(InvalidInput) as raised:
        validate_taxpayer_id("110105194912310020", TODAY)
    assert raised.value.code == "taxpayer_id.check"
    assert raised.value.params["part"] == "resident_id"


def test_x_only_counts_as_the_last_character() -> None:
    # GIVEN an X inside the digits of a resident ID
    # WHEN validated as a resident ID THEN its shape is refused
    with pytest.raises(InvalidInput) as raised:
        validate_resident_id("1101051949123100X2", TODAY)
    assert raised.value.code == "taxpayer_id.format"


@given(valid_resident_ids())
def test_any_generated_resident_id_validates_as_a_resident_id(number: str) -> None:
    # GIVEN any valid resident ID WHEN validated THEN it is a resident ID, even
    # when it also happens to pass as a USCC
    assert validate_taxpayer_id(number, TODAY) == TaxpayerId(number, "resident_id")


@given(valid_resident_ids(), st.integers(0, 17), st.sampled_from(SUBSTITUTES))
@example("11010519491231002X", 17, "0")
def test_any_single_substitution_in_a_resident_id_is_refused(
    number: str, position: int, substitute: str
) -> None:
    # GIVEN a valid resident ID with one character changed
    if fold(substitute) == number[position]:
        substitute = "1" if number[position] != "1" else "2"
    typo = number[:position] + substitute + number[position + 1 :]
    # WHEN validated as a resident ID THEN it is refused (MOD 11-2 weights are
    # never 0 mod 11 and digits differ by less than 11)
    with pytest.raises(InvalidInput):
        validate_resident_id(typo, TODAY)
    # AND the general validator accepts it only if the typo happens to be a valid USCC
    try:
        result = validate_taxpayer_id(typo, TODAY)
    except InvalidInput:
        return
    assert result.kind == "uscc"


def test_one_typo_can_turn_a_resident_id_into_a_valid_uscc() -> None:
    # GIVEN a valid resident ID (found by search: the two kinds share a length)
    number = "593819199704162852"
    assert validate_taxpayer_id(number, TODAY).kind == "resident_id"
    # WHEN its last digit is mistyped as M
    typo = "59381919970416285M"
    # THEN no check can tell: the typo is a well-formed USCC (民政, 其他), which
    # is why the kind is shown to the window and the number is read back
    assert validate_taxpayer_id(typo, TODAY) == TaxpayerId(typo, "uscc")


def test_a_number_valid_as_both_kinds_is_taken_as_a_resident_id() -> None:
    # GIVEN an all-digit number that passes the resident ID rules and the USCC rules
    number = "116504197108049785"
    assert validate_uscc(number).kind == "uscc"
    # WHEN validated THEN the resident ID reading wins (see the module docstring)
    assert validate_taxpayer_id(number, TODAY).kind == "resident_id"


def test_a_mistyped_birth_date_reports_the_birth_date() -> None:
    # GIVEN the standard's example with month 13 typed for 12: as a USCC it
    # would fail a check too, but characters 7–10 read as a birth year
    # WHEN validated THEN the birth date is reported
    assert error_code("11010519491331002X") == "taxpayer_id.birth_date"


def test_a_mistyped_all_digit_uscc_reports_the_uscc_check() -> None:
    # GIVEN Huawei's all-digit code with its last digit mistyped: as a resident ID
    # its "birth date" 0019-22-03 is nonsense, as a USCC only the final check fails
    # WHEN validated THEN the check error is reported, not the birth date
    with pytest.raises(InvalidInput) as raised:
        validate_taxpayer_id("914403001922038217", TODAY)
    assert raised.value.code == "taxpayer_id.check"
    assert raised.value.params["part"] == "uscc"


# --- legacy numbers, normalisation, errors --------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("440301192203821", "legacy15"),  # region + organisation code
        ("44030119220382X", "legacy15"),  # organisation code check X
        ("110105491231002", "legacy15"),  # a first-generation 15-digit resident ID
        ("11010519491231002X01", "legacy20"),  # resident ID + 2-digit sequence
        ("4403011922038216ABCD", "legacy20"),
    ],
)
def test_legacy_numbers_are_accepted_by_format(value: str, kind: TaxpayerIdKind) -> None:
    # GIVEN an old tax registration number WHEN validated THEN accepted with its kind
    assert validate_taxpayer_id(value.lower(), TODAY) == TaxpayerId(value, kind)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "taxpayer_id.required"),
        (" \t\u3000", "taxpayer_id.required"),
        ("9144030019220382", "taxpayer_id.length"),  # 16
        ("91440300192203821", "taxpayer_id.length"),  # 17
        ("9144030019220382161", "taxpayer_id.length"),  # 19
        ("914403001922038216123", "taxpayer_id.length"),  # 21
        ("4403011922038-1", "taxpayer_id.charset"),
        ("A40301192203821", "taxpayer_id.format"),  # legacy15 region must be digits
        ("11010519491231002X0!", "taxpayer_id.charset"),
        ("91440300192203821é", "taxpayer_id.charset"),
        ("91440300192203821ß", "taxpayer_id.charset"),  # "ß".upper() is "SS": must not become 19
    ],
)
def test_malformed_taxpayer_ids_are_refused_with_a_stable_code(value: str, code: str) -> None:
    # GIVEN a malformed value WHEN validated THEN the error code says what is wrong
    assert error_code(value) == code


def test_full_width_input_is_folded_to_ascii() -> None:
    # GIVEN Huawei's code typed in a Chinese IME's full-width mode, in lower case
    typed = "９１４４０３００１９２２０３８２１６"
    # WHEN validated THEN it is the ASCII code
    assert validate_taxpayer_id(typed, TODAY).value == "914403001922038216"
    assert validate_taxpayer_id("9144030071526726ｘｇ", TODAY).value == "9144030071526726XG"


@given(st.text(max_size=25))
def test_arbitrary_text_either_validates_or_raises_a_known_code(value: str) -> None:
    # GIVEN any text WHEN validated THEN it is accepted or refused with a listed code, never crashes
    refusal: InvalidInput | None = None
    try:
        result = validate_taxpayer_id(value, TODAY)
    except InvalidInput as refused:
        refusal = refused
    if refusal is not None:
        assert refusal.code in TAXPAYER_ID_ERRORS
    else:
        assert len(result.value) in (15, 18, 20)
        assert set(result.value) <= set(string.digits + string.ascii_uppercase)


# --- phones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "8613812345678",
     "0086-13812345678", "+8613812345678", "１３８１２３４５６７８"],
)  # fmt: skip
def test_mainland_mobiles_are_normalised(typed: str) -> None:
    # GIVEN a mobile written in any usual way WHEN validated THEN the 11 digits are returned
    assert validate_phone(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed",
    ["12812345678", "1381234567", "138123456789", "23812345678", "010-12345678",
     "+85291234567", "86138123456", "1381234567a", "١٣٨١٢٣٤٥٦٧٨", "13812345678#"],
)  # fmt: skip
def test_other_numbers_are_refused(typed: str) -> None:
    # GIVEN something that is not a mainland mobile (incl. Arabic-Indic digits)
    # WHEN validated THEN phone.format is raised on the phone field
    with pytest.raises(InvalidInput) as raised:
        validate_phone(typed)
    assert (raised.value.code, raised.value.field) == ("phone.format", "phone")


def test_an_empty_phone_is_required() -> None:
    # GIVEN only separators WHEN validated THEN phone.required
    with pytest.raises(InvalidInput) as raised:
        validate_phone(" - ")
    assert raised.value.code == "phone.required"
    assert set(PHONE_ERRORS) == {"phone.required", "phone.format"}


@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["", "+86", "86", "0086", "+86 ", "86-"]),
    st.lists(st.sampled_from([" ", "-"]), max_size=3),
)
def test_any_mobile_with_any_prefix_and_separators_round_trips(
    number: str, prefix: str, separators: list[str]
) -> None:
    # GIVEN a mobile with a country code and separators sprinkled in
    typed = prefix + number
    for index, separator in enumerate(separators):
        cut = len(prefix) + 3 + index * 3
        typed = typed[:cut] + separator + typed[cut:]
    # WHEN validated THEN the bare 11 digits come back
    assert validate_phone(typed) == number


# --- masking --------------------------------------------------------------------


def test_a_phone_shows_only_its_ends() -> None:
    # GIVEN a mobile number WHEN masked (logs, public screens) THEN its middle is hidden
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("short", ["1234567", ""])
def test_short_values_are_masked_whole(short: str) -> None:
    # GIVEN a value too short to keep a prefix and suffix WHEN masked THEN nothing shows
    assert mask_phone(short) == "*" * len(short)


# --- purity -------------------------------------------------------------------


@pytest.mark.parametrize("module", ["identity", "workdays", "filing", "errors"])
def test_domain_module_imports_only_the_standard_library(module: str) -> None:
    # GIVEN a domain module's source WHEN its imports are listed
    path = Path(__file__).parents[2] / "core" / "domain" / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    # THEN each is the standard library or the domain itself
    foreign = {
        name for name in names
        if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith("core.domain")
    }  # fmt: skip
    assert foreign == set()
