"""Request and response bodies of the continuity API (incidents, notices, paperwork)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, StrictBool

from core.api.schemas import NUMBER_PATTERN, PHONE_PATTERN, TEXT, Strict, checked
from core.domain.continuity import MAX_PAPER_RANGE, IncidentKind, Level, Mode, System
from core.domain.registers import RegisterKind
from core.halls import JsonInt, json_int
from core.services.registers import FollowUpReason


class DeclareIncidentBody(Strict):
    kind: IncidentKind = Field(description="The type in the bureau's incident ledger.")
    level: Level = Level.GENERAL
    mode: Mode = Mode.NORMAL
    systems: list[System] = Field(default_factory=list, description="The systems down.")
    devices: list[str] = Field(default_factory=list)
    place: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=2000)
    expected_recovery: str = Field(default="", max_length=100)
    duty_leader: str = Field(default="", max_length=80)
    notice_zh: str | None = Field(default=None, max_length=2000)
    notice_en: str | None = Field(default=None, max_length=2000)
    notify_sms: StrictBool | None = Field(default=None, description="Default: yes for an outage.")


class UpdateIncidentBody(Strict):
    level: Level | None = None
    place: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    expected_recovery: str | None = Field(default=None, max_length=100)
    duty_leader: str | None = Field(default=None, max_length=80)


class StepBody(Strict):
    text: str = Field(min_length=1, max_length=2000, json_schema_extra=checked(TEXT))


class EndIncidentBody(Strict):
    result: str = Field(min_length=1, max_length=2000, json_schema_extra=checked(TEXT))


class NoticeBody(Strict):
    text_zh: str = Field(min_length=1, max_length=2000, json_schema_extra=checked(TEXT))
    text_en: str = Field(default="", max_length=2000)


class PaperTicketsBody(Strict):
    service: str = Field(min_length=1, max_length=40)
    first: JsonInt = Field(ge=1, le=99999)
    last: json_int(ge=1, le=99999) | None = Field(  # type: ignore[valid-type]
        default=None,
        description=f"Omit for one ticket; at least `first`, and at most {MAX_PAPER_RANGE} "
        "tickets in one range.",
    )


class RegisterBody(Strict):
    number: str = Field(min_length=2, max_length=12, json_schema_extra=checked(NUMBER_PATTERN))
    kind: RegisterKind
    data: dict[str, Any]


class FollowUpBody(Strict):
    question: str = Field(min_length=1, max_length=2000, json_schema_extra=checked(TEXT))
    reason: FollowUpReason
    contact_name: str = Field(default="", max_length=60)
    phone: str | None = Field(default=None, max_length=20, json_schema_extra=checked(PHONE_PATTERN))
    number: str | None = Field(
        default=None, max_length=12, json_schema_extra=checked(NUMBER_PATTERN)
    )


class AnswerBody(Strict):
    answer: str = Field(min_length=1, max_length=2000, json_schema_extra=checked(TEXT))


class Created(BaseModel):
    model_config = {"extra": "allow"}


class Listing(BaseModel):
    model_config = {"extra": "allow"}
    items: list[dict[str, Any]]
