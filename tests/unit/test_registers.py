"""The emergency register forms (core/domain/registers.py): what a submission may hold."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.domain.errors import InvalidInput
from core.domain.registers import FORMS, FieldType, personal_fields, validate_record

TODAY = date(2026, 12, 15)
TAXPAYER_ID = "91350100M000100Y43"
FILING = {
    "taxpayer_id": TAXPAYER_ID,
    "name": "示范科技有限公司",
    "tax_kinds": ["印花税", "增值税"],
    "period": "2026-11",
    "amount": "1234.5",
}


def test_every_choice_has_its_english_name() -> None:
    # GIVEN every choices field of every form
    choices = [
        field for form in FORMS.values() for field in form if field.type is FieldType.CHOICES
    ]
    assert choices
    # THEN each option has one English name, none empty, none the Chinese word itself
    for field in choices:
        assert len(field.options_en) == len(field.options), field.name
        assert all(
            english and english != word
            for english, word in zip(field.options_en, field.options, strict=True)
        )


def test_a_filing_record_is_normalised() -> None:
    # GIVEN a filing register as the counter sends it WHEN validated
    record = validate_record("filing", FILING, TODAY)
    # THEN choices come in the form's order, money with two decimals
    assert record["tax_kinds"] == ["增值税", "印花税"]
    assert record["amount"] == "1234.50"
    assert record["taxpayer_id"] == TAXPAYER_ID


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"tax_kinds": ["VAT"]}, "tax_kinds", "register.choice"),  # the English name is not a value
        ({"tax_kinds": []}, "tax_kinds", "register.required"),
        ({"amount": "12.345"}, "amount", "register.money"),
        ({"amount": "-1"}, "amount", "register.money"),
        ({"period": "2027-01"}, "period", "register.month"),  # in the future
        ({"period": "2026-13"}, "period", "register.month"),
        ({"shoe_size": "42"}, "shoe_size", "register.unknown_field"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(
    change: dict[str, Any], field: str, code: str
) -> None:
    # GIVEN a filing register with one bad value WHEN validated THEN refused, naming the field
    with pytest.raises(InvalidInput) as refused:
        validate_record("filing", {**FILING, **change}, TODAY)
    assert refused.value.code == code
    assert refused.value.params["field"] == field


def test_personal_fields_are_the_ones_retention_erases() -> None:
    # GIVEN the filing form THEN its taxpayer ID and name are personal, the amounts are not
    assert set(personal_fields("filing")) == {"taxpayer_id", "name"}
