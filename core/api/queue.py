"""The queue as everyone may see it, and the hub's health."""

from __future__ import annotations

from importlib.metadata import version

from flask import Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.api import bp
from core.api.common import hall_code, json_response
from core.api.registry import operation
from core.api.schemas import Error, HealthView, QueueView
from core.extensions import limiter
from core.runtime import runtime
from core.services import views


@operation(
    bp,
    "GET",
    "/queue",
    summary="Waiting counts and estimates per service, and every window's state.",
    tag="queue",
    responses={200: ("The queue", QueueView), 404: ("Unknown hall", Error)},
)
@limiter.limit(lambda: runtime().settings.rate_limit_public)
def queue() -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        return json_response(views.queue_view(session, hall_code(), rt.clock.now()))


@operation(
    bp,
    "GET",
    "/health",
    summary="Whether the hub and its database answer (for monitoring and systemd).",
    tag="operations",
    responses={200: ("Healthy", HealthView), 503: ("The database does not answer", HealthView)},
)
def health() -> Response:
    rt = runtime()
    body = {"status": "ok", "database": "ok", "seq": 0, "version": version("hallq")}
    try:
        with rt.db.read_session() as session:
            session.execute(text("SELECT 1"))
            body["seq"] = views.hall_by_code(session, hall_code()).seq
    except SQLAlchemyError:
        body.update(status="unavailable", database="unavailable")
        return json_response(body, 503)
    return json_response(body)
