"""Taxpayer IDs and phone numbers: validation (SPEC §9) and masking for public screens (§10).

Accepted taxpayer IDs, after normalisation (whitespace removed, full-width ASCII
folded to ASCII, ASCII lower case folded to upper case):

- ``uscc`` — unified social credit code, GB 32100-2015: 18 characters over
  ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z).

  * char 1, registration authority, and char 2, category: one of the pairs in
    `USCC_CATEGORIES` (GB 32100-2015 table 1 plus the authority codes the
    standardisation administration added since: 2 外交, 3 司法行政, 4 文化,
    6 旅游, 7 宗教, 8 工会, A 中央军委改革和编制办公室, N 农业);
  * chars 3–8, administrative division of the registering office: 6 digits
    (format only — GB/T 2260 codes are renamed and retired, and a code keeps
    the division it was issued under);
  * chars 9–17, organisation code (GB 11714): its 9th character must be the
    GB 11714 check (weights 3 7 9 10 5 8 4 2, letters valued A=10 … Z=35,
    ``11 - sum mod 11``, 10 → ``X``, 11 → ``0``);
  * char 18, check character: weights ``3**i mod 31`` (i = 0 … 16 from the
    left), value ``31 - sum mod 31``
    (31 → ``0``) taken from the alphabet above.

- ``resident_id`` — 18-character resident identity number, GB 11643-1999:
  chars 1–6 a region code (6 digits, format only), 7–14 a birth date YYYYMMDD
  that exists, is not before 1900-01-01 and not after `today`, 15–17 a
  sequence number, 18 the ISO 7064 MOD 11-2 check (weights ``2**(17-i) mod 11``
  for i = 0 … 16 from the left, ``X`` for 10).

- ``legacy15`` — 15 characters: 6 digits (the region code of the issuing tax
  office) followed by 9 of ``0-9A-Z`` (the GB 11714 organisation code, or the
  rest of a first-generation 15-digit resident ID). Format only, as SPEC §9
  asks: no check character is verified.

- ``legacy20`` — 20 of ``0-9A-Z``. Format only, as SPEC §9 asks. These are
  the old tax registration numbers of individual businesses, usually the
  18-character resident ID plus a 2-digit sequence; the ID inside is not
  checked, and letters are allowed anywhere: the hall has no authoritative
  layout to hold these numbers to.

An 18-character input that could be both a resident ID and a USCC (all digits
but a possible final ``X``) is tried as a resident ID first: both checks pass
for roughly one Beijing/Shanghai/… resident ID in 340, and for far fewer
all-digit USCCs, so this order misfiles fewer real numbers.

Errors are `InvalidInput` with ``field="taxpayer_id"`` or ``field="phone"`` and
one of the codes in `TAXPAYER_ID_ERRORS` / `PHONE_ERRORS`.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Literal

from core.domain.errors import InvalidInput

TaxpayerIdKind = Literal["uscc", "resident_id", "legacy15", "legacy20"]

TAXPAYER_ID_ERRORS = (
    "taxpayer_id.required",  # nothing left after removing whitespace
    "taxpayer_id.length",  # not 15, 18 or 20 characters; params: length
    "taxpayer_id.charset",  # a character no such number may contain; params: position
    # a part has the wrong shape; params: part = "registration_authority" |
    # "category" | "region" (USCC, legacy15) | "resident_id"
    "taxpayer_id.format",
    # a check character is wrong; params: part = "uscc" | "organisation_code" | "resident_id"
    "taxpayer_id.check",
    "taxpayer_id.birth_date",  # the resident ID's birth date is impossible
)
PHONE_ERRORS = (
    "phone.required",  # nothing left after removing spaces and dashes
    "phone.format",  # not a mainland mobile number 1[3-9] + 9 digits
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {char: value for value, char in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, position, 31) for position in range(17))

# Registration authority → category codes it may issue.
USCC_CATEGORIES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办管理的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国/港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级/村级/乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_WEIGHTS = tuple(pow(2, 17 - position, 11) for position in range(17))
_RESIDENT_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)
_EARLIEST_BIRTH = date(1900, 1, 1)

_UPPER_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Kiosk and counter keyboards may be in a Chinese IME's full-width mode; fold
# U+FF01–U+FF5E to ASCII and fold only ASCII case, so that no Unicode case rule
# (e.g. "ß".upper() == "SS") can change the length of what was typed.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({code: code - 32 for code in range(ord("a"), ord("z") + 1)})
_FULLWIDTH_ONLY = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PHONE_SEPARATORS = re.compile(r"[\s\-]")


@dataclass(frozen=True)
class TaxpayerId:
    """A validated taxpayer ID: `value` normalised (upper case, no spaces) and its `kind`."""

    value: str
    kind: TaxpayerIdKind


def validate_taxpayer_id(value: str, today: date) -> TaxpayerId:
    """Normalise and validate a taxpayer ID of any accepted kind (see the module docstring).

    `today` is the hall's local date: a resident ID's birth date may not be later.
    Raises `InvalidInput` (field ``taxpayer_id``) with a code from `TAXPAYER_ID_ERRORS`.
    """
    normalised = _normalise_taxpayer_id(value)
    if not normalised:
        raise _taxpayer_error("taxpayer_id.required")
    if len(normalised) == 18:
        if _looks_like_resident_id(normalised):
            try:
                return validate_resident_id(normalised, today)
            except InvalidInput as resident_error:
                try:
                    return validate_uscc(normalised)
                except InvalidInput as uscc_error:
                    raise _likelier_error(normalised, today, resident_error, uscc_error) from None
        return validate_uscc(normalised)
    if len(normalised) == 15:
        _require_charset(normalised, _UPPER_ALNUM)
        if not normalised[:6].isdigit():
            raise _taxpayer_error("taxpayer_id.format", part="region")
        return TaxpayerId(normalised, "legacy15")
    if len(normalised) == 20:
        _require_charset(normalised, _UPPER_ALNUM)
        return TaxpayerId(normalised, "legacy20")
    _require_charset(normalised, _UPPER_ALNUM)
    raise _taxpayer_error("taxpayer_id.length", length=len(normalised))


def validate_uscc(value: str) -> TaxpayerId:
    """Validate a unified social credit code (GB 32100-2015), normalising it first.

    Raises `InvalidInput` (field ``taxpayer_id``); ``taxpayer_id.check`` carries
    ``part="organisation_code"`` or ``part="uscc"`` for the check that failed.
    """
    code = _normalise_taxpayer_id(value)
    if len(code) != 18:
        _require_charset(code, _UPPER_ALNUM)
        raise _taxpayer_error("taxpayer_id.length", length=len(code))
    _require_charset(code, _USCC_VALUE)
    if code[1] not in USCC_CATEGORIES.get(code[0], ""):
        part = "registration_authority" if code[0] not in USCC_CATEGORIES else "category"
        raise _taxpayer_error("taxpayer_id.format", part=part)
    if not code[2:8].isdigit():
        raise _taxpayer_error("taxpayer_id.format", part="region")
    if organisation_code_check(code[8:16]) != code[16]:
        raise _taxpayer_error("taxpayer_id.check", part="organisation_code")
    if uscc_check(code[:17]) != code[17]:
        raise _taxpayer_error("taxpayer_id.check", part="uscc")
    return TaxpayerId(code, "uscc")


def validate_resident_id(value: str, today: date) -> TaxpayerId:
    """Validate an 18-character resident identity number (GB 11643-1999), normalising it first.

    Raises `InvalidInput` (field ``taxpayer_id``): ``taxpayer_id.birth_date`` for a
    date that does not exist, is before 1900 or after `today`; ``taxpayer_id.check``
    with ``part="resident_id"`` for a wrong check character.
    """
    number = _normalise_taxpayer_id(value)
    if len(number) != 18:
        _require_charset(number, _UPPER_ALNUM)
        raise _taxpayer_error("taxpayer_id.length", length=len(number))
    _require_charset(number, _UPPER_ALNUM)
    if not _looks_like_resident_id(number):
        raise _taxpayer_error("taxpayer_id.format", part="resident_id")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _taxpayer_error("taxpayer_id.birth_date") from None
    if not _EARLIEST_BIRTH <= birth <= today:
        raise _taxpayer_error("taxpayer_id.birth_date")
    if resident_id_check(number[:17]) != number[17]:
        raise _taxpayer_error("taxpayer_id.check", part="resident_id")
    return TaxpayerId(number, "resident_id")


def uscc_check(body: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC."""
    total = sum(
        _USCC_VALUE[char] * weight for char, weight in zip(body, _USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def organisation_code_check(body: str) -> str:
    """The GB 11714 check character for the first 8 characters of an organisation code."""
    total = sum(
        _org_code_value(char) * weight for char, weight in zip(body, _ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def resident_id_check(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _RESIDENT_WEIGHTS, strict=True))
    return _RESIDENT_CHECK[total % 11]


def validate_phone(value: str) -> str:
    """Normalise and validate a mainland mobile number; returns the 11 digits.

    Spaces, dashes and a leading ``+86``, ``0086`` or ``86`` country code are
    removed; what is left must be ``1[3-9]`` followed by 9 digits. Raises
    `InvalidInput` (field ``phone``) with ``phone.required`` or ``phone.format``.
    """
    number = _PHONE_SEPARATORS.sub("", value.translate(_FULLWIDTH_ONLY))
    if not number:
        raise InvalidInput("phone.required", field="phone")
    for prefix in ("+86", "0086", "86"):
        # A bare "86" is only a country code when 11 digits follow it; no
        # mainland mobile starts with 8, so this cannot eat a real digit.
        if number.startswith(prefix) and len(number) - len(prefix) == 11:
            number = number[len(prefix) :]
            break
    if not _MOBILE.fullmatch(number):
        raise InvalidInput("phone.format", field="phone")
    return number


def mask_phone(value: str) -> str:
    """Hide the middle of a phone number for public screens: ``138****5678``.

    Anything shorter than 8 characters is masked whole, so a stray value never shows in full.
    """
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def _normalise_taxpayer_id(value: str) -> str:
    folded = value.translate(_FOLD)
    return "".join(char for char in folded if not char.isspace())


def _looks_like_resident_id(value: str) -> bool:
    return value[:17].isascii() and value[:17].isdigit() and value[17] in "0123456789X"


def _require_charset(value: str, allowed: Container[str]) -> None:
    for position, char in enumerate(value, start=1):
        if char not in allowed:
            raise _taxpayer_error("taxpayer_id.charset", position=position)


def _org_code_value(char: str) -> int:
    # GB 11714 values letters by their place in the Latin alphabet from 10
    # (A=10 … Z=35), unlike the USCC's own 31-character table.
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def _likelier_error(
    number: str, today: date, resident_error: InvalidInput, uscc_error: InvalidInput
) -> InvalidInput:
    # Digits-only input failed both readings; report the one the person most
    # likely meant. Characters 7–10 are a resident ID's birth year, but in a
    # USCC the end of a region code and the start of an organisation code,
    # which seldom look like a year since 1900: so a plausible year means a
    # (mistyped) resident ID. Otherwise, if the USCC reading got as far as a
    # check character, it was probably a USCC.
    looks_like_birth_year = 1900 <= int(number[6:10]) <= today.year
    if looks_like_birth_year or uscc_error.code != "taxpayer_id.check":
        return resident_error
    return uscc_error


def _taxpayer_error(code: str, **params: object) -> InvalidInput:
    return InvalidInput(code, field="taxpayer_id", **params)
