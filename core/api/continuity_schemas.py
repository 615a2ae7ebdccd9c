"""Request and response bodies of the continuity API (incidents, notices, paperwork)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from core.api.schemas import Strict

KINDS = "power | equipment | network | application | conflict | public_opinion | other"


class DeclareIncidentBody(Strict):
    kind: str = Field(description=KINDS)
    level: str = Field(default="general", description="general | larger | major | extreme")
    mode: str = Field(default="normal", description="normal | degraded | paper | outage")
    systems: list[str] = Field(default_factory=list, description="backoffice | etax | self_service")
    devices: list[str] = Field(default_factory=list)
    place: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=2000)
    expected_recovery: str = Field(default="", max_length=100)
    duty_leader: str = Field(default="", max_length=80)
    notice_zh: str | None = Field(default=None, max_length=2000)
    notice_en: str | None = Field(default=None, max_length=2000)
    notify_sms: bool | None = Field(default=None, description="Default: yes for an outage.")


class UpdateIncidentBody(Strict):
    level: str | None = None
    place: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    expected_recovery: str | None = Field(default=None, max_length=100)
    duty_leader: str | None = Field(default=None, max_length=80)


class StepBody(Strict):
    text: str = Field(min_length=1, max_length=2000)


class EndIncidentBody(Strict):
    result: str = Field(min_length=1, max_length=2000)


class NoticeBody(Strict):
    text_zh: str = Field(min_length=1, max_length=2000)
    text_en: str = Field(default="", max_length=2000)


class PaperTicketsBody(Strict):
    service: str = Field(min_length=1, max_length=40)
    first: int = Field(ge=1, le=99999)
    last: int | None = Field(default=None, ge=1, le=99999, description="Omit for one ticket.")


class RegisterBody(Strict):
    number: str = Field(min_length=2, max_length=12)
    kind: str = Field(description="tax_registration | invoice_cancellation | invoice_sale | filing")
    data: dict[str, Any]


class FollowUpBody(Strict):
    question: str = Field(min_length=1, max_length=2000)
    reason: str = Field(description="policy_unclear | system_down | other")
    contact_name: str = Field(default="", max_length=60)
    phone: str | None = Field(default=None, max_length=20)
    number: str | None = Field(default=None, max_length=12)


class AnswerBody(Strict):
    answer: str = Field(min_length=1, max_length=2000)


class Created(BaseModel):
    model_config = {"extra": "allow"}


class Listing(BaseModel):
    model_config = {"extra": "allow"}
    items: list[dict[str, Any]]
