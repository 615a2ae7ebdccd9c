"""Commands: what someone asks the hall to do. Imperative names, small dataclasses.

Every command names its hall by code and the `actor` asking (``staff:wang``,
``device:kiosk-1``, ``system``). `idempotency_key`, when given, makes a
repeat of the same request return the first answer instead of acting twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.tickets import Channel


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base: hall, actor and the optional idempotency key."""

    hall: str
    actor: str
    idempotency_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class IssueTicket(Command):
    """Payload: service code, channel, green channel, optional phone and taxpayer ID;
    the issuing device (a kiosk or the guide desk) and whether to print the ticket
    on its printer (the guide desk in paper mode hands out no printed ticket)."""

    service: str
    channel: Channel = Channel.KIOSK
    green: bool = False
    phone: str | None = None
    taxpayer_id: str | None = None
    device: str | None = None
    print_ticket: bool = True
    appointment: tuple[datetime, datetime] | None = None
    """The booked slot of a checked-in booking (预约): called first within it (SPEC §4.2)."""


@dataclass(frozen=True, kw_only=True)
class WindowCommand(Command):
    """Payload: the window number; the actor must be the staff member who opened it."""

    window: int
    staff: str


@dataclass(frozen=True, kw_only=True)
class ReleaseWindow(Command):
    """A leader closes window `window`, which its clerk left open; its current ticket
    goes back to the head of its queue (`ticket = "requeue"`) or is finished."""

    window: int
    ticket: str = "requeue"


@dataclass(frozen=True, kw_only=True)
class Announce(Command):
    """A duty leader announces `text_zh` (and `text_en`) on the hall displays; `phrase`, a
    prepared one (`core.domain.announcements.PHRASES`), is also spoken. Without a text,
    the phrase's own words are shown."""

    text_zh: str = ""
    text_en: str = ""
    phrase: str | None = None


@dataclass(frozen=True, kw_only=True)
class DedicateWindow(Command):
    """A duty leader makes open window `window` call only `services`, in that order
    (专窗, 潮汐窗口): for the rest of the business day (`until` ``today``) or until
    undone (``undone``)."""

    window: int
    services: tuple[str, ...]
    until: str = "today"


@dataclass(frozen=True, kw_only=True)
class OpenWindowFor(Command):
    """A duty leader opens window `window` for clerk `staff` (the emergency window at an
    outage): the clerk's counter finds it open in their name."""

    window: int
    staff: str


@dataclass(frozen=True, kw_only=True)
class PauseServiceWindows(Command):
    """A duty leader pauses every open window that calls `service` (or, with `resume`,
    lets every paused one call again)."""

    service: str
    resume: bool = False


@dataclass(frozen=True, kw_only=True)
class EndDedication(Command):
    """Window `window` calls its own services again."""

    window: int


@dataclass(frozen=True, kw_only=True)
class OpenWindow(WindowCommand):
    """Open the window for `staff`."""


@dataclass(frozen=True, kw_only=True)
class CloseWindow(WindowCommand):
    """Close the window (it must not hold a ticket)."""


@dataclass(frozen=True, kw_only=True)
class PauseWindow(WindowCommand):
    """Stop receiving calls for a while."""


@dataclass(frozen=True, kw_only=True)
class ResumeWindow(WindowCommand):
    """Receive calls again."""


@dataclass(frozen=True, kw_only=True)
class CallNext(WindowCommand):
    """Call whoever the policy says is next for this window."""


@dataclass(frozen=True, kw_only=True)
class CallSpecific(WindowCommand):
    """Payload: `number`, a waiting ticket (paper ticket, returning taxpayer)."""

    number: str


@dataclass(frozen=True, kw_only=True)
class Recall(WindowCommand):
    """Announce the window's current ticket again."""


@dataclass(frozen=True, kw_only=True)
class MarkNoShow(WindowCommand):
    """过号: the called taxpayer did not come."""


@dataclass(frozen=True, kw_only=True)
class StartService(WindowCommand):
    """The called taxpayer is at the window."""


@dataclass(frozen=True, kw_only=True)
class FinishService(WindowCommand):
    """Service is complete."""


@dataclass(frozen=True, kw_only=True)
class TransferTicket(WindowCommand):
    """Payload: exactly one of `to_service` (a service code) or `to_window` (a number)."""

    to_service: str | None = None
    to_window: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReconcileCall(WindowCommand):
    """Payload: `number`, called by voice at this window while the hub was down, and
    `outcome`: ``served``, ``no_show``, or ``at_window`` (being served there now)."""

    number: str
    outcome: str


@dataclass(frozen=True, kw_only=True)
class RequeueTicket(Command):
    """Payload: `number`, a no-show ticket whose holder came back (过号重排)."""

    number: str


@dataclass(frozen=True, kw_only=True)
class CancelTicket(Command):
    """Payload: `number`, a waiting ticket the taxpayer gives up.

    `only_for_window_of`: the caller is a clerk, who may cancel only a ticket waiting
    for a window they hold (None: the guide desk or a leader, who may cancel any)."""

    number: str
    only_for_window_of: str | None = None


@dataclass(frozen=True, kw_only=True)
class CheckDay(Command):
    """Bring the hall onto today's business day (the bus rolls days over before any command)."""


@dataclass(frozen=True, kw_only=True)
class AcknowledgePrint(Command):
    """A print agent reports a job: `job_id`, printed (`ok`) or not, and why (`error`)."""

    job_id: str
    ok: bool
    error: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReportDeviceStatus(Command):
    """A device (print agent, screen) reports its `status` and a short `detail`; also a
    heartbeat. `version`: the HallQ version it runs, when it said (on connecting)."""

    device: str
    status: str
    detail: str = ""
    version: str | None = None


@dataclass(frozen=True, kw_only=True)
class FailStalePrintJobs(Command):
    """Jobs not acknowledged within `timeout_s` are failed: the ticket shows as not printed."""

    timeout_s: float
