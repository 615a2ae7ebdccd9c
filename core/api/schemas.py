"""Request and response bodies of the HTTP API (pydantic), the source of the OpenAPI document."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic.config import JsonDict

from core.halls import json_int

NUMBER_PATTERN = r"^\s*[A-Za-z]0*[1-9][0-9]*\s*$"
"""A ticket number: its service's letter and a sequence from 1 (``C051``; `` c51 `` too)."""
PHONE_PATTERN = (
    r"^$|^[\s\-－]*([+＋]?(86|８６)|0086|００８６)?[\s\-－]*[1１][\s\-－]*[3-9３-９]"
    r"([\s\-－]*[0-9０-９]){9}[\s\-－]*$"
)
"""A mainland mobile number (spaces, dashes, +86, full-width as a Chinese input method
types them), or empty for none."""
_ID_CHAR = r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]\s*"
TAXPAYER_ID_PATTERN = rf"^$|^\s*({_ID_CHAR}){{15}}(({_ID_CHAR}){{3}}(({_ID_CHAR}){{2}})?)?$"
"""15, 18 or 20 letters and digits (统一社会信用代码, resident ID, older tax numbers), or
empty for none; the check digit is checked by the hub (a wrong one is a 400)."""
TEXT = r"\S"
"""A text to be filled in: at least one character that is not a space."""


def checked(pattern: str) -> JsonDict:
    """A pattern the document shows and the hub's own rules check, so a value that does not
    match gets the rule's own message ("请输入以13–19开头的11位手机号码") rather than a
    generic one."""
    return {"pattern": pattern}


class Strict(BaseModel):
    """Unknown fields are refused, and values are not coerced: a typo must not be
    silently ignored, and ``"yes"`` is no boolean nor ``"3"`` a number (SPEC §9): booleans
    are `StrictBool`, integers `JsonInt`; strings are never made from numbers."""

    model_config = ConfigDict(extra="forbid")


class IssueTicketBody(Strict):
    service: str = Field(min_length=1, max_length=40, description="Service code, e.g. `filing`.")
    phone: str | None = Field(
        default=None,
        max_length=20,
        json_schema_extra=checked(PHONE_PATTERN),
        description="Mainland mobile number; empty means none.",
    )
    taxpayer_id: str | None = Field(
        default=None,
        max_length=40,
        json_schema_extra=checked(TAXPAYER_ID_PATTERN),
        description="统一社会信用代码 or ID number; empty means none.",
    )
    green: StrictBool = Field(
        default=False, description="Green channel (elderly, disabled, pregnant)."
    )
    print: StrictBool = Field(default=True, description="Print on the issuing desk's printer.")


class TransferBody(Strict):
    to_service: str | None = Field(default=None, min_length=1, max_length=40)
    to_window: json_int(ge=1, le=999) | None = None  # type: ignore[valid-type]


class CallBody(Strict):
    number: str = Field(
        min_length=2,
        max_length=12,
        json_schema_extra=checked(NUMBER_PATTERN),
        description="Ticket number, e.g. `C051`.",
    )


class ReconcileBody(Strict):
    number: str = Field(
        min_length=2,
        max_length=12,
        json_schema_extra=checked(NUMBER_PATTERN),
        description="Ticket number, e.g. `C001`.",
    )
    outcome: Literal["served", "no_show", "at_window"] = Field(
        description="What became of a number called by hand while the hub was down: served "
        "(done), no_show (过号), at_window (being served at this window now)."
    )


class Error(BaseModel):
    error: str = Field(description="Stable error code, e.g. `window.paused`.")
    message: str = Field(description="The error in the caller's language.")


class TicketView(BaseModel):
    number: str
    service: str
    state: str
    green: bool
    channel: str
    window: int | None
    ahead: int
    estimated_wait_min: int | None
    issued_at: str
    token: str
    status_url: str
    printed: bool
    print_state: str


class PublicTicketView(BaseModel):
    number: str
    service: str
    service_name: str
    state: str
    window: int | None
    ahead: int
    estimated_wait_min: int | None
    route: str = Field(
        description="normal | emergency (an outage sent it to the emergency window, same "
        "number and place) | self_service (an outage: the terminals can do it)"
    )
    requested_service_name: str | None
    issued_at: str
    mode: str
    seq: int
    notices: list[dict[str, object]]


class ServiceView(BaseModel):
    code: str
    prefix: str
    name: str
    name_en: str
    waiting: int
    longest_wait_min: int
    estimated_wait_min: int | None
    route: str
    relief: bool
    suggest_self_service: bool
    self_service: bool
    emergency: bool
    register_form: str | None


class WindowView(BaseModel):
    n: int
    name: str
    state: str
    current: str | None
    current_state: str | None
    emergency: bool
    services: list[str]


class QueueView(BaseModel):
    seq: int
    mode: str
    services: list[ServiceView]
    windows: list[WindowView]


class WindowActionView(BaseModel):
    window: int
    state: str
    ticket: TicketView | None


class CounterTicketView(TicketView):
    phone: str | None = Field(default=None, description="Only for this window's clerk and leaders.")
    taxpayer_id: str | None = Field(
        default=None, description="Only for this window's clerk and leaders."
    )
    recalls: int
    called_at: str | None
    started_at: str | None
    requested_service: str | None


class WindowDetailView(BaseModel):
    window: int
    name: str
    state: str
    staff: str | None
    services: list[str]
    ticket: CounterTicketView | None
    no_show_after_recalls: int


class HealthView(BaseModel):
    status: str
    database: str
    seq: int
    version: str


class AnnouncementBody(Strict):
    text_zh: str = Field(default="", max_length=200, description="What the displays show.")
    text_en: str = Field(default="", max_length=200)
    phrase: str | None = Field(
        default=None,
        max_length=40,
        description="A prepared phrase the displays also speak (GET /announcements/phrases).",
    )


class OpenForBody(Strict):
    staff: str = Field(min_length=1, max_length=80, description="The clerk's login name.")


class DedicateBody(Strict):
    services: list[str] = Field(
        min_length=1,
        max_length=20,
        json_schema_extra={"uniqueItems": True},
        description="Service codes the window calls from now on, in order.",
    )
    until: Literal["today", "undone"] = Field(
        default="today", description="For the rest of the business day, or until undone."
    )


class ReleaseBody(Strict):
    ticket: Literal["requeue", "finish"] = Field(
        default="requeue",
        description="The current ticket goes back to the head of its queue, or is finished.",
    )
