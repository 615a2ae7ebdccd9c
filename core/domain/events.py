"""Events: what happened, past tense. The hub turns them into Socket.IO messages.

No event carries a phone number, taxpayer ID or name: every screen of the
hall may receive every event (see `core.protocol`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """Base of the hall's events."""


@dataclass(frozen=True)
class TicketIssued(Event):
    """Payload: number, service, channel, green, ahead, estimated_wait_min (None: no open
    window serves the service, so no estimate can be given)."""

    number: str
    service: str
    channel: str
    green: bool
    ahead: int
    estimated_wait_min: int | None


@dataclass(frozen=True)
class TicketCalled(Event):
    """Payload: number, window, service, `recall` for a repeated announcement, `green`
    for a green-channel ticket (announced and shown as such), and `booked` for a booked
    visit's ticket (预约, shown as such)."""

    number: str
    window: int
    service: str
    recall: bool
    green: bool = False
    booked: bool = False


@dataclass(frozen=True)
class TicketChanged(Event):
    """Payload: number, service, new state, window involved (started, finished, no-show…)."""

    number: str
    service: str
    state: str
    window: int | None


@dataclass(frozen=True)
class PrintStatusChanged(Event):
    """Payload: number, print state (pending, printed, failed), the device that issued it."""

    number: str
    state: str
    device: str | None


@dataclass(frozen=True)
class DeviceStatusChanged(Event):
    """Payload: device id, kind, status (e.g. ready, paper_out, offline), detail, and
    whether that status counts as failed."""

    device: str
    kind: str
    status: str
    detail: str
    failed: bool = False


@dataclass(frozen=True)
class HallModeChanged(Event):
    """Payload: the hall's new mode (normal, degraded, paper, outage)."""

    mode: str


@dataclass(frozen=True)
class IncidentChanged(Event):
    """Payload: incident id, ledger number, kind, mode, whether it is still open.
    Details (descriptions, people) stay behind the console's API."""

    id: int
    number: str
    kind: str
    mode: str
    open: bool


@dataclass(frozen=True)
class NoticePosted(Event):
    """Payload: notice id, Chinese and English text, the incident it belongs to (or None)
    and that incident's mode (screens leave a device failure's notice to the console).
    Also sent when a notice's text changes."""

    id: int
    text_zh: str
    text_en: str
    incident: int | None
    mode: str | None


@dataclass(frozen=True)
class NoticeRemoved(Event):
    """Payload: notice id."""

    id: int


@dataclass(frozen=True)
class HallConfigured(Event):
    """Payload: what of the hall's configuration an admin changed (``services``,
    ``windows``, ``hall``, ``devices``). Screens take a snapshot: it has the new one."""

    parts: list[str]


@dataclass(frozen=True)
class WorklistChanged(Event):
    """Payload: register records still to backfill, follow-ups still unanswered (counts only)."""

    to_backfill: int
    follow_ups_open: int


@dataclass(frozen=True)
class ServiceSummary:
    """One service in a queue summary."""

    code: str
    prefix: str
    name: str
    name_en: str
    waiting: int
    longest_wait_min: int
    estimated_wait_min: int | None
    route: str = "normal"
    """normal, self_service or emergency: where an outage sends this service's taxpayers."""
    relief: bool = False
    """Waiting count or longest wait past the service's thresholds (suggest a dedicated window)."""
    suggest_self_service: bool = False
    """A newcomer faces a long queue and the terminals can do it: the kiosk says so."""
    self_service: bool = False
    emergency: bool = False
    """Taken by the emergency windows during an outage; not a button on the kiosk."""
    register_form: str | None = None
    """The emergency register its business is recorded in during an outage."""


@dataclass(frozen=True)
class WindowSummary:
    """One window in a queue summary."""

    number: int
    name: str
    state: str
    current: str | None
    services: tuple[str, ...]
    current_state: str | None = None
    """The current ticket's state: called (being announced) or serving."""
    emergency: bool = False
    """An emergency window (应急专窗)."""
    dedicated: bool = False
    """A duty leader made it call only `services` for now (专窗, 潮汐窗口)."""


@dataclass(frozen=True)
class QueueChanged(Event):
    """Payload: the hall's mode, every service's waiting count and estimate, every window."""

    mode: str
    services: tuple[ServiceSummary, ...]
    windows: tuple[WindowSummary, ...]


@dataclass(frozen=True)
class HallAnnounced(Event):
    """Payload: a duty leader's announcement for the hall displays (Chinese, English) and
    the prepared phrase they speak, if one was chosen."""

    text_zh: str
    text_en: str
    phrase: str | None


@dataclass(frozen=True)
class RatingOffered(Event):
    """Payload: window `window` finished (or transferred on) `number`, or handed its rating
    back: the window's rating pad asks the taxpayer to rate it (好差评)."""

    window: int
    number: str


@dataclass(frozen=True)
class RatingRecorded(Event):
    """Payload: `number`'s service at `window` was rated `level` (1–5)."""

    window: int
    number: str
    level: int


@dataclass(frozen=True)
class WorkOrderChanged(Event):
    """Payload: 差评 work order `order` was opened or changed; `state` open or closed."""

    order: int
    state: str
