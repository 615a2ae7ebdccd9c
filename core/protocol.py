"""The real-time protocol (SPEC §6): namespaces, event names and payloads.

Both the hub and the tests import this module; it is the one place an event
is documented.

Every *hall event* carries the hall-wide `seq` and reaches every hall
namespace (kiosk, display, counter, console, public): no hall event carries a
phone number, taxpayer ID or name, and a client that sees ``seq`` jump by more
than one knows it missed something and asks for a ``state:snapshot``. Phones
(``/public``, admitted with a ticket token of today) get each event cut down to
what the status page shows (`PUBLIC_FIELDS`): no device details, no per-ticket
flags. Print jobs are not hall events: they go to one
print agent only, which gets its pending jobs again on every connect.

Server → client
    ``state:snapshot``  {seq, mode, hall, services, windows, recent_calls, notices}
    ``ticket:issued``   {seq, number, service, channel, green, ahead, estimated_wait_min}
                        (``estimated_wait_min`` is null, here and in every queue summary,
                        while no open window serves the service: no wait can be promised)
    ``ticket:called``   {seq, number, window, service, recall, green, booked}
    ``ticket:changed``  {seq, number, service, state, window}
    ``queue:changed``   {seq, mode, services, windows}: after every command that changes
                        waiting or a window (open, pause, call, …: each window's state
                        and current ticket are in `windows`)
    ``print:status``    {seq, number, state, device}: a ticket printed or not (kiosks show
                        the number on screen when `state` is ``failed``)
    ``device:status``   {seq, device, kind, status, detail}: a device's health changed
    ``hall:mode``       {seq, mode}: normal, degraded, paper or outage
    ``incident:changed`` {seq, id, number, kind, mode, open}: the console fetches details
    ``notice:posted``   {seq, id, text_zh, text_en, incident, mode}: new or edited notice;
                        ``mode`` is the incident's (a device failure's notice is the console's)
    ``notice:removed``  {seq, id}
    ``worklist:changed`` {seq, to_backfill, follow_ups_open}
    ``hall:announcement`` {seq, text_zh, text_en, phrase}: a duty leader's announcement
                        for the hall displays (shown large; `phrase`, when given, spoken)
    ``hall:configured`` {seq, parts}: an admin changed the hall's configuration (parts:
                        services, windows, hall, devices); every screen takes a snapshot
    ``rating:offered``  {seq, window, number}: the window's rating pad asks for a rating
                        (a finish, a transfer on, or the counter handing it back); the pad
                        fetches what to show
    ``rating:recorded`` {seq, window, number, level}: a service was rated (pad or phone)
    ``rating:work_order`` {seq, order, state}: a 差评's work order opened or changed (the
                        console fetches it)
    ``print:job``       {job_id, ticket}                       (/printer only)

Client → server (with an acknowledgement)
    ``state:request``   {} → the snapshot
    ``state:check``     {} → {seq}: clients call it every ~30 s, because an emit can be
                        lost (a message-queue outage) without any disconnect
    ``device:heartbeat`` {state?, detail?} → {seq}
    ``print:ack``       {job_id, ok, error}                    (/printer only)
    ``device:status``   {state, detail}                        (/printer only)
"""

from __future__ import annotations

from typing import Any

from core.domain import events
from core.services.uow import Stamped

KIOSK = "/kiosk"
DISPLAY = "/display"
COUNTER = "/counter"
CONSOLE = "/console"
PRINTER = "/printer"
PUBLIC = "/public"

HALL_NAMESPACES = (KIOSK, DISPLAY, COUNTER, CONSOLE, PUBLIC)
"""Namespaces whose clients receive every hall event."""

STATE_SNAPSHOT = "state:snapshot"
STATE_REQUEST = "state:request"
STATE_CHECK = "state:check"
TICKET_ISSUED = "ticket:issued"
TICKET_CALLED = "ticket:called"
TICKET_CHANGED = "ticket:changed"
QUEUE_CHANGED = "queue:changed"
DEVICE_HEARTBEAT = "device:heartbeat"
DEVICE_STATUS = "device:status"
PRINT_JOB = "print:job"
PRINT_ACK = "print:ack"
PRINT_STATUS = "print:status"
HALL_MODE = "hall:mode"
INCIDENT_CHANGED = "incident:changed"
NOTICE_POSTED = "notice:posted"
NOTICE_REMOVED = "notice:removed"
WORKLIST_CHANGED = "worklist:changed"
HALL_CONFIGURED = "hall:configured"
HALL_ANNOUNCEMENT = "hall:announcement"
RATING_OFFERED = "rating:offered"
RATING_RECORDED = "rating:recorded"
RATING_WORK_ORDER = "rating:work_order"

_NAMES: dict[type[events.Event], str] = {
    events.TicketIssued: TICKET_ISSUED,
    events.TicketCalled: TICKET_CALLED,
    events.TicketChanged: TICKET_CHANGED,
    events.QueueChanged: QUEUE_CHANGED,
    events.PrintStatusChanged: PRINT_STATUS,
    events.DeviceStatusChanged: DEVICE_STATUS,
    events.HallModeChanged: HALL_MODE,
    events.IncidentChanged: INCIDENT_CHANGED,
    events.NoticePosted: NOTICE_POSTED,
    events.NoticeRemoved: NOTICE_REMOVED,
    events.WorklistChanged: WORKLIST_CHANGED,
    events.HallConfigured: HALL_CONFIGURED,
    events.HallAnnounced: HALL_ANNOUNCEMENT,
    events.RatingOffered: RATING_OFFERED,
    events.RatingRecorded: RATING_RECORDED,
    events.WorkOrderChanged: RATING_WORK_ORDER,
}


def hall_room(hall: str) -> str:
    """The Socket.IO room of one hall's screens."""
    return f"hall:{hall}"


def device_room(device: str) -> str:
    """The Socket.IO room of one device (a print agent's jobs)."""
    return f"device:{device}"


def _fields(flat: object) -> dict[str, Any]:
    """A flat event's (or summary's) fields: its values are JSON's own types, so a
    shallow copy will do (`dataclasses.asdict` copies deeply: 0.3 ms of a 7 ms kiosk
    ticket when every message used it)."""
    return dict(vars(flat))


def queue_payload(summary: events.QueueChanged) -> dict[str, Any]:
    """The queue as `GET /api/v1/queue`, `queue:changed` and snapshots show it."""
    return {
        "mode": summary.mode,
        "services": [_fields(service) for service in summary.services],
        "windows": [
            {
                "n": window.number,
                "name": window.name,
                "state": window.state,
                "current": window.current,
                "current_state": window.current_state,
                "emergency": window.emergency,
                "dedicated": window.dedicated,
                "services": list(window.services),
            }
            for window in summary.windows
        ],
    }


def message(stamped: Stamped) -> tuple[str, dict[str, Any]]:
    """The event name and payload for one committed event."""
    event = stamped.event
    name = _NAMES[type(event)]
    payload = queue_payload(event) if isinstance(event, events.QueueChanged) else _fields(event)
    return name, {"seq": stamped.seq, **payload}


PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    TICKET_ISSUED: ("service",),
    TICKET_CALLED: ("number", "window", "service", "recall"),
    TICKET_CHANGED: ("number", "service", "state", "window"),
    QUEUE_CHANGED: ("mode", "services", "windows"),
    HALL_MODE: ("mode",),
    NOTICE_POSTED: ("id", "text_zh", "text_en", "incident", "mode"),
    NOTICE_REMOVED: ("id",),
    RATING_RECORDED: ("number",),
}
"""What of each hall event reaches ``/public`` (taxpayers' phones): what the status
page shows — calls, the queue summary, the mode, notices. Every other event, and
every other field (a ticket's ``green`` flag, its channel, a device's health and
its error), is cut down to its ``seq``, so phones still see a gapless sequence."""


def public_payload(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The ``/public`` form of a hall event."""
    return {"seq": payload["seq"], **{key: payload[key] for key in PUBLIC_FIELDS.get(name, ())}}


HALL_EVENT_NAMES = tuple(_NAMES.values())
"""Every event that carries the hall's seq; clients must listen to all of them."""
