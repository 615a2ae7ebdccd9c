"""Helpers the API views share: which hall, who is asking, how to answer a command."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy.orm import Session

from core.domain.commands import Command
from core.domain.errors import InvalidInput
from core.runtime import runtime
from core.services.access import Principal
from core.web.auth import current_principal, require_principal

IDEMPOTENCY_HEADER = "Idempotency-Key"


def hall_code(principal: Principal | None = None) -> str:
    """The hall a request is about: the caller's own hall, else ``?hall=``, else the default."""
    principal = principal or current_principal()
    if principal is not None and principal.hall:
        return principal.hall
    return request.args.get("hall") or runtime().settings.hall


MAX_IDEMPOTENCY_KEY = 80


def idempotency_key(principal: Principal) -> str | None:
    """The request's idempotency key, whole, scoped to the caller so two clients never
    collide, and hashed (a fixed length to store); over 80 characters it is refused."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        return None
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            "idempotency.too_long", field=IDEMPOTENCY_HEADER, maximum=MAX_IDEMPOTENCY_KEY
        )
    return hashlib.sha256(f"{principal.actor}\n{key}".encode()).hexdigest()


def run(command: Command) -> Response:
    """Hand a command to the bus and answer with its body and status."""
    result = runtime().bus.handle(command)
    if result.status == 204:
        return Response(status=204)
    response = jsonify(result.body)
    response.status_code = result.status
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    """A JSON response with a status."""
    response = jsonify(body)
    response.status_code = status
    return response


def command(command_type: type[Command], /, **fields: object) -> Response:
    """Run a command for the calling principal in its hall, with the request's idempotency key."""
    principal = require_principal()
    return run(
        command_type(
            hall=hall_code(principal),
            actor=principal.actor,
            idempotency_key=idempotency_key(principal),
            **fields,
        )
    )


def read_items(build: Callable[[Session], list[dict[str, Any]]]) -> Response:
    """``{"items": …}`` from a read-only query."""
    with runtime().db.read_session() as session:
        return json_response({"items": build(session)})
