"""Window endpoints: ``POST /windows/<n>/<action>`` for every counter action, and the
window's own view with its current ticket's details (staff only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response
from pydantic import BaseModel

from core.api import bp
from core.api.common import command, hall_code, idempotency_key, json_response, run
from core.api.registry import operation
from core.api.schemas import (
    AnnouncementBody,
    CallBody,
    DedicateBody,
    Error,
    OpenForBody,
    ReconcileBody,
    ReleaseBody,
    TransferBody,
    WindowActionView,
    WindowDetailView,
)
from core.domain import commands as cmd
from core.domain.announcements import PHRASES
from core.domain.errors import Forbidden
from core.runtime import runtime
from core.services import views
from core.services.access import Role
from core.web.auth import require_principal, requires


@dataclass(frozen=True)
class Action:
    """One counter action: its command, optional body and what the document says."""

    name: str
    command: type[cmd.WindowCommand]
    summary: str
    body: type[TransferBody] | type[CallBody] | type[ReconcileBody] | None = None


ACTIONS = (
    Action("open", cmd.OpenWindow, "Open the window for the calling staff member."),
    Action("close", cmd.CloseWindow, "Close the window (it must not hold a ticket)."),
    Action("pause", cmd.PauseWindow, "Stop receiving calls."),
    Action("resume", cmd.ResumeWindow, "Receive calls again."),
    Action("call-next", cmd.CallNext, "Call the next ticket by the hall's policy; 204 if none."),
    Action(
        "call", cmd.CallSpecific, "Call a given waiting (or returning no-show) number.", CallBody
    ),
    Action("recall", cmd.Recall, "Announce the current ticket again."),
    Action("no-show", cmd.MarkNoShow, "Mark the current ticket as a no-show (过号)."),
    Action("start", cmd.StartService, "The taxpayer has arrived; service starts."),
    Action("finish", cmd.FinishService, "Service is complete."),
    Action("transfer", cmd.TransferTicket, "Transfer to another service or window.", TransferBody),
    Action(
        "reconcile",
        cmd.ReconcileCall,
        "Enter a number called by hand while the hub was down, and what became of it.",
        ReconcileBody,
    ),
)


def _window_command(action: Action, n: int, data: Any | None) -> Response:
    principal = require_principal()
    if principal.kind != "staff":
        raise Forbidden("auth.forbidden")
    fields = data.model_dump() if data is not None else {}
    return run(
        action.command(
            hall=hall_code(principal),
            actor=principal.actor,
            idempotency_key=idempotency_key(principal),
            window=n,
            staff=principal.name,
            **fields,
        )
    )


def _register(action: Action) -> None:
    def view(n: int, data: Any | None = None) -> Response:
        return _window_command(action, n, data)

    view.__name__ = f"window_{action.name.replace('-', '_')}"
    responses: dict[int, tuple[str, Any]] = {
        200: ("The window and its current ticket", WindowActionView),
        400: ("Invalid input", Error),
        403: ("Not your window", Error),
        404: ("Unknown window, service or ticket", Error),
        409: ("Not allowed in the window's or ticket's state", Error),
    }
    if action.name == "call-next":
        responses[204] = ("Nobody is waiting for this window", None)
    operation(
        bp,
        "POST",
        f"/windows/<int(max=999):n>/{action.name}",
        summary=action.summary,
        tag="windows",
        body=action.body,
        responses=responses,
        headers=("Idempotency-Key",),
    )(requires(Role.STAFF)(view))


for _action in ACTIONS:
    _register(_action)


@operation(
    bp,
    "POST",
    "/windows/<int(max=999):n>/release",
    summary="A leader closes a window its clerk left open (audited); its current ticket "
    "goes back to the head of its queue or is finished.",
    tag="windows",
    body=ReleaseBody,
    responses={
        200: ("The window, closed, and what became of its ticket", WindowActionView),
        400: ("Invalid input", Error),
        404: ("Unknown window", Error),
        409: ("The window is closed already", Error),
    },
    headers=("Idempotency-Key",),
)
@requires(Role.LEADER)
def release_window(n: int, data: ReleaseBody) -> Response:
    return command(cmd.ReleaseWindow, window=n, ticket=data.ticket)


@operation(
    bp,
    "POST",
    "/windows/<int(max=999):n>/dedicate",
    summary="A leader makes an open window call only the given services, in order (专窗, "
    "潮汐窗口), for the rest of the day or until undone.",
    tag="windows",
    body=DedicateBody,
    responses={
        200: ("What the window calls now", None),
        400: ("Invalid input", Error),
        404: ("Unknown window or service", Error),
        409: ("The window is closed", Error),
    },
    headers=("Idempotency-Key",),
)
@requires(Role.LEADER)
def dedicate_window(n: int, data: DedicateBody) -> Response:
    return command(cmd.DedicateWindow, window=n, services=tuple(data.services), until=data.until)


@operation(
    bp,
    "POST",
    "/windows/<int(max=999):n>/open-for",
    summary="A leader opens a window for a clerk (the emergency window at an outage); the "
    "clerk's counter finds it open in their name.",
    tag="windows",
    body=OpenForBody,
    responses={
        200: ("The window, open", None),
        400: ("Invalid input", Error),
        404: ("Unknown window or clerk", Error),
        409: ("Open for someone else, or the clerk holds another window", Error),
    },
    headers=("Idempotency-Key",),
)
@requires(Role.LEADER)
def open_window_for(n: int, data: OpenForBody) -> Response:
    return command(cmd.OpenWindowFor, window=n, staff=data.staff)


def _register_service_pause(action: str, resume: bool, summary: str) -> None:
    def view(code: str) -> Response:
        return command(cmd.PauseServiceWindows, service=code, resume=resume)

    view.__name__ = f"{action.replace('-', '_')}_of_service"
    operation(
        bp,
        "POST",
        f"/services/<code>/{action}",
        summary=summary,
        tag="windows",
        responses={200: ("The windows changed", None), 404: ("Unknown service", Error)},
        headers=("Idempotency-Key",),
    )(requires(Role.LEADER)(view))


_register_service_pause(
    "pause-windows", False, "A leader pauses every open window that calls the service."
)
_register_service_pause(
    "resume-windows", True, "A leader lets every paused window that calls the service call again."
)


@operation(
    bp,
    "POST",
    "/windows/<int(max=999):n>/undedicate",
    summary="The window calls its own services again.",
    tag="windows",
    responses={
        200: ("What the window calls now", None),
        404: ("Unknown window", Error),
        409: ("The window is not dedicated", Error),
    },
    headers=("Idempotency-Key",),
)
@requires(Role.LEADER)
def end_dedication(n: int) -> Response:
    return command(cmd.EndDedication, window=n)


@operation(
    bp,
    "GET",
    "/windows/<int(max=999):n>",
    summary="The window, its staff and its current ticket; the taxpayer's phone and ID "
    "only for the clerk of this window, leaders and administrators.",
    tag="windows",
    responses={200: ("The window", WindowDetailView), 404: ("Unknown window", Error)},
)
@requires(Role.STAFF)
def window_detail(n: int) -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        return json_response(
            views.window_detail(session, hall_code(), n, rt.clock.now(), require_principal())
        )


class PhrasesView(BaseModel):
    items: list[dict[str, str]]


@operation(
    bp,
    "GET",
    "/announcements/phrases",
    summary="The prepared phrases the hall displays can speak.",
    tag="windows",
    responses={200: ("Phrases", PhrasesView)},
)
@requires(Role.LEADER)
def announcement_phrases() -> Response:
    items = [{"key": key, "text_zh": zh, "text_en": en} for key, (zh, en) in PHRASES.items()]
    return json_response({"items": items})


@operation(
    bp,
    "POST",
    "/announcements",
    summary="A duty leader's announcement on the hall displays: shown large, and spoken "
    "when a prepared phrase is chosen.",
    tag="windows",
    body=AnnouncementBody,
    responses={
        201: ("Announced", None),
        400: ("Neither text nor phrase, too long, or an unknown phrase", Error),
    },
    headers=("Idempotency-Key",),
)
@requires(Role.LEADER)
def make_announcement(data: AnnouncementBody) -> Response:
    return command(cmd.Announce, text_zh=data.text_zh, text_en=data.text_en, phrase=data.phrase)
