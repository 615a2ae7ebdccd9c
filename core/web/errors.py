"""Every error leaves as JSON ``{error, message}`` (API) with the right status, in the caller's language."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, current_app, jsonify, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as NoSuchRoute

from core.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unprocessable,
)
from core.messages import message_for
from core.web.auth import Unauthenticated

log = logging.getLogger(__name__)

STATUS = {InvalidInput: 400, NotFound: 404, Conflict: 409, Forbidden: 403, Unprocessable: 422}


def error_response(code: str, status: int, params: dict[str, object] | None = None) -> Response:
    """The JSON error body every endpoint uses."""
    response = jsonify({"error": code, "message": message_for(code, params)})
    response.status_code = status
    return response


def status_of(error: DomainError) -> int:
    """The HTTP status for a domain error."""
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def _resource_exists(error: MethodNotAllowed) -> bool:
    """Whether the path names something another method serves. Werkzeug answers 405 when
    a route's pattern matches but its converter refuses the value (an id beyond the
    route's range): there is no such resource, so that is a 404."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in error.valid_methods or ():
        try:
            adapter.match(method=method)
        except HTTPException:
            continue
        return True
    return False


def register_error_handlers(app: Flask) -> None:
    """JSON errors for the API and sockets; pages get the same JSON for now only under /api."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        response = error_response(error.code, status_of(error), error.params)
        if isinstance(error, InvalidInput):
            # Which field, so a form can put the message next to it.
            response.set_data(
                json.dumps({**response.get_json(), "field": error.field}, ensure_ascii=False)
            )
        return response

    @app.errorhandler(Unauthenticated)
    def unauthenticated(error: Unauthenticated) -> Response:
        response = error_response(error.code, 401)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return error_response("auth.csrf", 400)

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded) -> Response:
        return error_response("rate.limited", 429)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | HTTPException:
        if not request.path.startswith("/api/"):
            return error
        if isinstance(error, MethodNotAllowed) and not _resource_exists(error):
            error = NoSuchRoute()
        code = {404: "route.unknown", 405: "route.method", 413: "request.too_large"}.get(
            error.code or 400, "request.invalid"
        )
        response = error_response(code, error.code or 400, {"field": "body", "problem": "invalid"})
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)  # RFC 9110
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response("server.error", 500)
