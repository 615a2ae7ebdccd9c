"""The domain's one exception family.

Errors carry a stable `code` (e.g. ``"ticket.invalid_transition"``) and the
values a message needs; the edge (HTTP, Socket.IO, CLI) turns the code into a
sentence in the screen's language. The domain never holds user-facing text.
"""

from __future__ import annotations


class DomainError(Exception):
    """Something the hall's rules refuse; `code` names the rule."""

    code: str
    params: dict[str, object]

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        if not self.params:
            return self.code
        details = ", ".join(f"{key}={value!r}" for key, value in sorted(self.params.items()))
        return f"{self.code} ({details})"


class InvalidInput(DomainError):
    """A value typed or sent by someone does not follow the input rules (SPEC §9)."""

    field: str

    def __init__(self, code: str, *, field: str, **params: object) -> None:
        super().__init__(code, field=field, **params)
        self.field = field


class NotFound(DomainError):
    """The named ticket, service, window, device … does not exist in this hall."""


class Conflict(DomainError):
    """The request is valid but the hall's current state does not allow it."""


class Unprocessable(DomainError):
    """Well-formed, but contradicts an earlier request (a key reused for another body)."""


class Forbidden(DomainError):
    """The caller may not do this (role, device kind, or not their window)."""
