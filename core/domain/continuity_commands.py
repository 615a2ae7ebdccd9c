"""Commands of business continuity (SPEC §7): incidents, notices, paper tickets,
registers and backfill, follow-ups, and what detection reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.domain.commands import Command


@dataclass(frozen=True, kw_only=True)
class DeclareIncident(Command):
    """Payload: kind, level, the mode it puts the hall in, systems and devices concerned,
    place, description, expected recovery, duty leader, an optional notice (zh/en), and
    whether to text today's taxpayers."""

    kind: str
    level: str = "general"
    mode: str = "normal"
    systems: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    place: str = ""
    description: str = ""
    expected_recovery: str = ""
    duty_leader: str = ""
    notice_zh: str | None = None
    notice_en: str | None = None
    notify_sms: bool | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateIncident(Command):
    """Payload: `incident` id and the fields to change (level, place, description,
    expected_recovery, duty_leader)."""

    incident: int
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AddIncidentStep(Command):
    """Payload: `incident` id and what was done (处置过程)."""

    incident: int
    text: str


@dataclass(frozen=True, kw_only=True)
class EndIncident(Command):
    """Payload: `incident` id and its `result` (处置结果)."""

    incident: int
    result: str


@dataclass(frozen=True, kw_only=True)
class EditNotice(Command):
    """Payload: `notice` id and its new Chinese and English text."""

    notice: int
    text_zh: str
    text_en: str


@dataclass(frozen=True, kw_only=True)
class PostNotice(Command):
    """Payload: a notice of the duty leader's own (zh/en), not tied to an incident."""

    text_zh: str
    text_en: str = ""


@dataclass(frozen=True, kw_only=True)
class RemoveNotice(Command):
    """Payload: `notice` id."""

    notice: int


@dataclass(frozen=True, kw_only=True)
class CheckHeartbeats(Command):
    """Devices not heard of for `timeout_s` are failed (offline)."""

    timeout_s: float


@dataclass(frozen=True, kw_only=True)
class RecordHubOutage(Command):
    """The hub died after its last heartbeat at `since` and is back at `until`."""

    since: datetime
    until: datetime


@dataclass(frozen=True, kw_only=True)
class ReportScreenOffline(Command):
    """A screen back after the hub's outage says since when it showed its offline
    view; the actor is the screen (``device:kiosk-1``, ``staff:window3``)."""

    since: datetime


@dataclass(frozen=True, kw_only=True)
class ReportSystem(Command):
    """A health probe's verdict on an outside `system`: `up` or not, with a `detail`."""

    system: str
    up: bool
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class RefreshOutages(Command):
    """Recompute open outages' deadline extensions (they change as an outage lasts)."""


@dataclass(frozen=True, kw_only=True)
class RegisterPaperTickets(Command):
    """Payload: `service` and the numbers `first`…`last` of the paper tickets handed out."""

    service: str
    first: int
    last: int


@dataclass(frozen=True, kw_only=True)
class SubmitRegister(Command):
    """Payload: the ticket `number`, the register `kind` and the form's `data`."""

    number: str
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class MarkBackfilled(Command):
    """Payload: `record` id, entered into the tax system after recovery."""

    record: int


@dataclass(frozen=True, kw_only=True)
class AddFollowUp(Command):
    """Payload: the question, why it waits (`reason`), the contact name and phone, the ticket."""

    question: str
    reason: str
    contact_name: str = ""
    phone: str | None = None
    number: str | None = None


@dataclass(frozen=True, kw_only=True)
class AnswerFollowUp(Command):
    """Payload: `follow_up` id and the `answer`, texted to the contact."""

    follow_up: int
    answer: str
