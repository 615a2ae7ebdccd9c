"""Emergency registers (登记簿): one form per business kind, filled at the emergency window
while the tax system is down, and backfilled (补录) into it after recovery (SPEC §7).

The forms are data: the counter screen draws them from `FORMS`, and
`validate_record` checks a submission field by field, so both sides agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from core.domain.errors import InvalidInput
from core.domain.identity import validate_phone, validate_taxpayer_id


class RegisterKind(StrEnum):
    TAX_REGISTRATION = "tax_registration"  # 税务登记
    INVOICE_CANCELLATION = "invoice_cancellation"  # 发票缴销
    INVOICE_SALE = "invoice_sale"  # 发票发售
    FILING = "filing"  # 纳税申报


class FieldType(StrEnum):
    TEXT = "text"
    PHONE = "phone"
    TAXPAYER_ID = "taxpayer_id"
    COUNT = "count"
    MONEY = "money"
    YES_NO = "yes_no"
    MONTH = "month"
    CHOICES = "choices"


@dataclass(frozen=True)
class Field:
    """One field of a register form; `label` is the Chinese label of the bureau's form."""

    name: str
    label: str
    label_en: str
    type: FieldType
    required: bool = True
    max_length: int = 100
    options: tuple[str, ...] = ()
    """The choices as the form writes them (Chinese): what is stored."""
    options_en: tuple[str, ...] = ()
    """The same choices in English, in the same order, for an English screen."""
    personal: bool = False
    """Erased by the retention job after backfill (names, addresses, phones, IDs)."""


INVOICE_KINDS = {
    "增值税专用发票": "Special VAT invoice",
    "增值税普通发票": "Ordinary VAT invoice",
    "电子发票（纸质）": "E-invoice (on paper)",
    "机动车销售统一发票": "Motor vehicle sales invoice",
    "其他": "Other",
}
TAX_KINDS = {
    "增值税": "VAT",
    "消费税": "Consumption tax",
    "企业所得税": "Enterprise income tax",
    "个人所得税": "Individual income tax",
    "印花税": "Stamp duty",
    "城市维护建设税": "City maintenance and construction tax",
    "房产税": "Property tax",
    "城镇土地使用税": "Urban land use tax",
    "附加税费": "Surcharges",
    "其他": "Other",
}


def _choices(name: str, label: str, label_en: str, options: dict[str, str]) -> Field:
    """A field of the form's words to choose from, each with its English name."""
    return Field(
        name,
        label,
        label_en,
        FieldType.CHOICES,
        options=tuple(options),
        options_en=tuple(options.values()),
    )


_NAME = Field("name", "纳税人名称", "Taxpayer name", FieldType.TEXT, personal=True)
_ADDRESS = Field("address", "地址", "Address", FieldType.TEXT, max_length=200, personal=True)
_PHONE = Field("phone", "联系电话", "Phone", FieldType.PHONE, personal=True)
_TAXPAYER_ID = Field(
    "taxpayer_id", "纳税人识别号", "Taxpayer ID", FieldType.TAXPAYER_ID, personal=True
)
_INVOICE = (
    _TAXPAYER_ID,
    _NAME,
    _ADDRESS,
    _PHONE,
    _choices("invoice_kind", "发票种类", "Invoice kind", INVOICE_KINDS),
    Field("quantity", "数量（份）", "Quantity", FieldType.COUNT),
    Field("amount", "金额（元）", "Amount (CNY)", FieldType.MONEY),
)

FORMS: dict[RegisterKind, tuple[Field, ...]] = {
    RegisterKind.TAX_REGISTRATION: (
        _NAME,
        _ADDRESS,
        _PHONE,
        Field("documents", "收取资料", "Documents received", FieldType.TEXT, max_length=500),
    ),
    RegisterKind.INVOICE_CANCELLATION: _INVOICE,
    RegisterKind.INVOICE_SALE: (
        *_INVOICE,
        Field("first_purchase", "是否首次领购", "First purchase", FieldType.YES_NO),
        Field("fee", "工本费（元）", "Fee (CNY)", FieldType.MONEY),
    ),
    RegisterKind.FILING: (
        _TAXPAYER_ID,
        _NAME,
        _choices("tax_kinds", "税种", "Tax kinds", TAX_KINDS),
        Field("period", "所属期（年-月）", "Period (YYYY-MM)", FieldType.MONTH),
        Field("amount", "应纳税额（元）", "Tax payable (CNY)", FieldType.MONEY),
    ),
}

MAX_MONEY = Decimal("1000000000")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _check(field: Field, raw: Any, today: date) -> Any:
    def refuse(problem: str) -> InvalidInput:
        return InvalidInput(
            f"register.{problem}", field=field.name, label=field.label, label_en=field.label_en
        )

    if field.type is FieldType.YES_NO:
        if not isinstance(raw, bool):
            raise refuse("yes_no")
        return raw
    if field.type is FieldType.CHOICES:
        values = raw if isinstance(raw, list) else [raw]
        if not values or any(value not in field.options for value in values):
            raise refuse("choice")
        return sorted(set(values), key=field.options.index)
    text = str(raw).strip()
    if field.type is FieldType.PHONE:
        return validate_phone(text)
    if field.type is FieldType.TAXPAYER_ID:
        return validate_taxpayer_id(text, today).value
    if field.type is FieldType.COUNT:
        if not text.isdigit() or not 0 < int(text) <= 100_000:
            raise refuse("count")
        return int(text)
    if field.type is FieldType.MONEY:
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise refuse("money") from None
        if (
            not amount.is_finite()
            or amount < 0
            or amount >= MAX_MONEY
            or amount != round(amount, 2)
        ):
            raise refuse("money")
        return f"{amount:.2f}"
    if field.type is FieldType.MONTH:
        match = _MONTH.match(text)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise refuse("month")
        if (int(match.group(1)), int(match.group(2))) > (today.year, today.month):
            raise refuse("month")
        return text
    if len(text) > field.max_length:
        raise refuse("too_long")
    return text


def validate_record(kind: str, data: dict[str, Any], today: date) -> dict[str, Any]:
    """A register submission checked against its form; the normalised values.

    Unknown fields are refused rather than stored: a register holds exactly
    what the bureau's form asks for and no more personal data.
    """
    try:
        form = FORMS[RegisterKind(kind)]
    except ValueError:
        raise InvalidInput("register.kind", field="kind", kind=kind) from None
    known = {field.name for field in form}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput("register.unknown_field", field=unknown[0], label=unknown[0])
    record: dict[str, Any] = {}
    for field in form:
        raw = data.get(field.name)
        if raw is None or raw == "" or raw == []:
            if field.required:
                raise InvalidInput(
                    "register.required",
                    field=field.name,
                    label=field.label,
                    label_en=field.label_en,
                )
            continue
        record[field.name] = _check(field, raw, today)
    return record


def personal_fields(kind: str) -> tuple[str, ...]:
    """The fields the retention job erases once a record is backfilled and old enough."""
    return tuple(field.name for field in FORMS[RegisterKind(kind)] if field.personal)
