"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, built from the registered operations."""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

from flask import Response
from pydantic import BaseModel

from core.api import bp
from core.api.common import MAX_IDEMPOTENCY_KEY, json_response
from core.api.registry import OPERATIONS, Operation

REF = "#/components/schemas/{model}"


def _collect(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template=REF)
    for name, definition in schema.pop("$defs", {}).items():
        schemas[name] = definition
    schemas[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def operation_id(item: Operation) -> str:
    """``post_windows_n_call_next`` from ``POST /windows/{n}/call-next``."""
    words = re.sub(r"[^a-z0-9]+", "_", item.path.lower()).strip("_")
    return f"{item.method.lower()}_{words}"


def _query_schema(field: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: a query has no null, so an optional field's other type."""
    chosen = next(
        (option for option in field.get("anyOf", [field]) if option.get("type") != "null"), field
    )
    return {key: value for key, value in chosen.items() if key not in ("title", "anyOf")}


def _operation(item: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in item.parameters
    ]
    parameters += [
        {
            "name": header,
            "in": "header",
            "required": False,
            "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
        }
        for header in item.headers
    ]
    if item.query is not None:
        schema = item.query.model_json_schema(by_alias=True)
        parameters += [
            {
                "name": name,
                "in": "query",
                "required": name in schema.get("required", ()),
                "schema": _query_schema(field),
            }
            for name, field in schema["properties"].items()
        ]
    responses: dict[str, Any] = {}
    for status, (description, model) in sorted(item.responses.items()):
        entry: dict[str, Any] = {"description": description}
        if model is not None:
            entry["content"] = {"application/json": {"schema": _collect(model, schemas)}}
        responses[str(status)] = entry
    error = {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}
    if item.body is not None:
        responses.setdefault("400", {"description": "Invalid input", "content": error})
        responses.setdefault("413", {"description": "The body is over 256 KiB", "content": error})
    if item.parameters:
        responses.setdefault("404", {"description": "Not found", "content": error})
    if item.query is not None:
        responses.setdefault("400", {"description": "Invalid query", "content": error})
    if item.headers:
        responses.setdefault(
            "400",
            {"description": "Invalid input, or an Idempotency-Key too long", "content": error},
        )
        responses.setdefault(
            "422",
            {
                "description": "The Idempotency-Key was used for a different request",
                "content": error,
            },
        )
    if "public" not in item.callers:
        responses.setdefault(
            "401", {"description": "Not logged in or token revoked", "content": error}
        )
        responses.setdefault(
            "403", {"description": "Not allowed for this caller", "content": error}
        )
    result: dict[str, Any] = {
        "summary": item.summary,
        "tags": [item.tag],
        "operationId": operation_id(item),
        "parameters": parameters,
        "responses": responses,
        "x-allowed-callers": list(item.callers),
        "security": [] if "public" in item.callers else [{"bearer": []}, {"session": []}],
    }
    if item.body is not None:
        result["requestBody"] = {
            # A body whose every field is optional may be left out (it reads as {}).
            "required": any(field.is_required() for field in item.body.model_fields.values()),
            "content": {"application/json": {"schema": _collect(item.body, schemas)}},
        }
    return result


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    from core.api.schemas import Error

    schemas: dict[str, Any] = {}
    _collect(Error, schemas)
    paths: dict[str, dict[str, Any]] = {}
    for item in OPERATIONS:
        paths.setdefault(item.path, {})[item.method.lower()] = _operation(item, schemas)
    paths["/openapi.json"] = {
        "get": {
            "summary": "This document.",
            "tags": ["operations"],
            "operationId": "get_openapi",
            "responses": {
                "200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}
            },
            "security": [],
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "HallQ API",
            "version": version("hallq"),
            "description": "Queue and continuity API of a tax service hall. Errors are "
            "`{error, message}`; `message` follows Accept-Language (zh first, en).",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return json_response(document())


CALLER_WORDS = {
    "public": "anyone",
    "staff": "any staff",
    "staff:leader": "leaders, admins",
    "staff:admin": "admins",
}


def callers_table() -> str:
    """Who may call each operation, as the enforced rules say: the table in
    docs/SECURITY.md (a test keeps the two equal; ``python scripts/security_table.py``
    prints it)."""
    lines = ["| operation | who may call |", "|---|---|"]
    for item in sorted(OPERATIONS, key=lambda item: (item.path, item.method)):
        staff = [CALLER_WORDS[who] for who in item.callers if not who.startswith("device:")]
        devices = [who.removeprefix("device:") for who in item.callers if who.startswith("device:")]
        words = [*staff, *(["devices: " + ", ".join(devices)] if devices else [])]
        lines.append(f"| `{item.method} {item.path}` | {'; '.join(words)} |")
    return "\n".join(lines)
