"""API operations: one decorator registers the Flask route *and* its OpenAPI entry,
so the document cannot drift from what the endpoints do."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, request
from pydantic import BaseModel, ValidationError

from core.api.schemas import NUMBER_PATTERN
from core.domain.errors import InvalidInput
from core.halls import DAY_PATTERN, MONTH_PATTERN
from core.services.access import Role
from core.web.auth import ACCESS_RULE, authorize

Model = TypeVar("Model", bound=BaseModel)
_RULE_PARAM = re.compile(r"<(?:(\w+)(?:\(max=(\d+)\))?:)?(\w+)>")


@dataclass(frozen=True)
class Operation:
    """One documented endpoint."""

    method: str
    rule: str
    summary: str
    tag: str
    body: type[BaseModel] | None
    responses: dict[int, tuple[str, type[BaseModel] | None]]
    headers: tuple[str, ...] = field(default=())
    access: tuple[Role | None, tuple[str, ...]] | None = None
    """The rule `requires` enforces on the view: (lowest staff role, device kinds)."""
    query: type[BaseModel] | None = None
    """The query parameters, one per field (by alias); the view receives them as `params`."""

    @property
    def callers(self) -> tuple[str, ...]:
        """Who may call it, as the enforced rule says: ``public``, ``staff``,
        ``staff:leader``, ``staff:admin``, ``device:<kind>``."""
        if self.access is None:
            return ("public",)
        role, devices = self.access
        staff = {None: (), Role.STAFF: ("staff",)}.get(role, (f"staff:{role}",))
        return (*staff, *(f"device:{kind}" for kind in devices))

    @property
    def path(self) -> str:
        """The OpenAPI path: ``/windows/<int(max=999):n>/recall`` → ``/windows/{n}/recall``."""
        return _RULE_PARAM.sub(lambda match: "{" + match.group(3) + "}", self.rule)

    @property
    def parameters(self) -> list[tuple[str, dict[str, object]]]:
        """(name, JSON schema) of each path parameter; integers are bounded, so an id
        beyond the database's integers is a 404, not a server error."""
        found = []
        for converter, maximum, name in _RULE_PARAM.findall(self.rule):
            if converter == "int":
                found.append(
                    (name, {"type": "integer", "minimum": 0, "maximum": int(maximum or 2**31 - 1)})
                )
            elif name == "number":
                found.append((name, {"type": "string", "maxLength": 12, "pattern": NUMBER_PATTERN}))
            elif name in PATH_PATTERNS:
                found.append((name, {"type": "string", "pattern": PATH_PATTERNS[name]}))
            else:
                found.append((name, {"type": "string"}))
        return found


PATH_PATTERNS = {"day": DAY_PATTERN, "month": MONTH_PATTERN}
"""Path parameters written a set way: a day that matches but does not exist is a 404."""

OPERATIONS: list[Operation] = []


MAX_JSON_DEPTH = 16
"""No body of the API nests deeper. A deeper one is refused before it is parsed: a
body nested 10,000 levels would exhaust Python's recursion in ``json.loads``."""


def too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects more than `limit` levels (brackets
    inside strings do not count). Linear, and skipped when too few brackets exist."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as `model`, or `InvalidInput` that says what is wrong."""
    if too_deep(request.get_data()):
        raise InvalidInput("request.too_deep", field="body", maximum=MAX_JSON_DEPTH)
    payload = request.get_json(silent=True)
    if payload is None:
        if request.get_data():
            raise InvalidInput("request.not_json", field="body")
        payload = {}
    return _validated(model, payload, "body")


def parse_query(model: type[Model]) -> Model:
    """The request's query parameters as `model` (the first of a repeated one), or
    `InvalidInput` that says what is wrong."""
    return _validated(model, request.args.to_dict(), "query")


def _validated(model: type[Model], payload: Any, whole: str) -> Model:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or whole
        own = getattr(model, "ERROR_CODES", {}).get((where, first["type"]))
        if own is not None:  # a rule of the hall's, in its own words
            raise InvalidInput(own, field=where) from None
        raise InvalidInput(
            "request.invalid", field=where, problem=_problem(first["type"])
        ) from None


def _problem(kind: str) -> str:
    """Pydantic's error type, folded into the few problems the catalog words."""
    if kind in ("missing", "extra_forbidden"):
        return kind
    if kind.endswith(("_type", "_parsing")):
        return "wrong_type"
    if kind.endswith(("_too_short", "_too_long")):
        return "wrong_length"
    if kind.startswith(("greater_than", "less_than")):
        return "out_of_range"
    return "invalid"


def operation(
    blueprint: Blueprint,
    method: str,
    rule: str,
    *,
    summary: str,
    tag: str,
    responses: dict[int, tuple[str, type[BaseModel] | None]],
    body: type[BaseModel] | None = None,
    headers: tuple[str, ...] = (),
    query: type[BaseModel] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `view` at `rule`; with `body`, it receives the parsed body as `data`, with
    `query` the parsed query parameters as `params`. Who may call it is what `requires` on
    the view enforces; the document says the same."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        access = getattr(view, ACCESS_RULE, None)

        @wraps(view)
        def endpoint(**kwargs: Any) -> Any:
            if access is not None:
                authorize(*access)  # who may call comes before what they sent (401/403, not 400)
            if body is not None:
                kwargs["data"] = parse_body(body)
            if query is not None:
                kwargs["params"] = parse_query(query)
            return view(**kwargs)

        blueprint.add_url_rule(rule, view_func=endpoint, methods=[method])
        OPERATIONS.append(
            Operation(method, rule, summary, tag, body, responses, headers, access, query)
        )
        return endpoint

    return decorate
