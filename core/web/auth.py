"""Who is asking, at the HTTP edge: bearer tokens for API clients and devices,
session cookies for browser pages (staff log in; devices enrol once with a token)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request, session

from core.domain.errors import Forbidden
from core.extensions import csrf
from core.runtime import runtime
from core.services import access
from core.services.access import Principal, Role

F = TypeVar("F", bound=Callable[..., Any])


class Unauthenticated(Exception):
    """No valid credentials: the caller must log in or present a token (HTTP 401)."""

    def __init__(self, code: str = "auth.required") -> None:
        super().__init__(code)
        self.code = code


def current_principal() -> Principal | None:
    """The caller, from ``Authorization: Bearer`` or the session cookie; cached per request."""
    if "principal" in g:
        return cast(Principal | None, g.principal)
    principal = _resolve()
    g.principal = principal
    return principal


def _resolve() -> Principal | None:
    header = request.headers.get("Authorization", "")
    rt = runtime()
    now = rt.clock.now()
    with rt.db.single() as connection:
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthenticated("auth.invalid_token")
            principal = access.principal_for_token(
                connection, token.strip(), now, rt.login_lifetime
            )
            if principal is None:
                raise Unauthenticated("auth.invalid_token")
            g.bearer = True
            return principal
        token_id = session.get("token_id")
        if not isinstance(token_id, int):
            return None
        principal = access.principal_for_token_id(connection, token_id, now, rt.login_lifetime)
    if principal is None:
        session.clear()  # logged out, expired, revoked: the cookie is worth nothing now
    elif principal.used_at is not None and now - principal.used_at >= access.TOUCH_EVERY:
        with rt.db.writing() as db_session:
            access.touch_login(db_session, token_id, now)
            db_session.commit()
    return principal


def protect_cookie_session() -> None:
    """CSRF check for state-changing requests that ride on the session cookie.

    Bearer-token requests carry no ambient credential a foreign page could
    abuse, so they are not checked.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("Authorization"):
        return
    if "token_id" in session:
        csrf.protect()


def require_principal() -> Principal:
    """The caller, or 401."""
    principal = current_principal()
    if principal is None:
        raise Unauthenticated()
    return principal


def allowed(principal: Principal, role: Role | None, devices: tuple[str, ...]) -> bool:
    """Staff of at least `role`, or a device of one of `devices`."""
    if principal.kind == "staff":
        return role is not None and principal.at_least(role)
    return principal.is_device(*devices)


def authorize(role: Role | None, devices: tuple[str, ...]) -> None:
    """401 without credentials, 403 unless staff of `role` or above or a device of `devices`."""
    if not allowed(require_principal(), role, devices):
        raise Forbidden("auth.forbidden")


ACCESS_RULE = "access_rule"
"""Attribute `requires` leaves on a view: (role, devices). The API checks it before it
reads a request's body, so a caller without the right learns nothing from validation."""


def requires(role: Role | None = Role.STAFF, devices: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Only staff of `role` or above, or devices of the given kinds, may call the view."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            authorize(role, devices)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_RULE, (role, devices))
        return cast(F, wrapper)

    return decorate
