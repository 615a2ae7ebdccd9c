"""The OpenAPI document (SPEC §6): valid 3.1, complete, and true to what the endpoints answer."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import requests
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from core.api.registry import OPERATIONS
from tests.support.databases import SqliteTemplate, Tokens
from tests.support.hub import HubProcess

PREFIX = "/api/v1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def document(app: Flask) -> dict[str, Any]:
    response = app.test_client().get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    # GIVEN the document the hub serves
    # WHEN it is checked against the OpenAPI 3.1 schema, and each body schema against JSON Schema 2020-12
    OPENAPI_31_VALIDATOR.validate(document)
    for name, schema in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name
    # THEN it is a 3.1 document and every $ref points at a component that exists
    assert document["openapi"].startswith("3.1.")
    targets = {f"#/components/schemas/{name}" for name in document["components"]["schemas"]}
    assert set(references(document)) <= targets


def references(node: object) -> Iterator[str]:
    """Every ``$ref`` anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_the_document_lists_every_route_of_the_api(app: Flask, document: dict[str, Any]) -> None:
    # GIVEN the routes Flask serves for the api blueprint
    served = {
        (
            re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule.removeprefix(PREFIX)),
            method.lower(),
        )
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    # WHEN the document's operations are listed
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    # THEN the two are the same (nothing undocumented, nothing documented that is not served)
    assert ("/tickets", "post") in served
    assert served == documented


def where_the_state_is(case: schemathesis.Case) -> schemathesis.Case:
    """Keep generated requests where the state is: window 3 (its clerk's own), ids small,
    ticket numbers well-formed. Oversized and malformed path values have their own tests below."""
    for name, value in list(case.path_parameters.items()):
        if name == "n":
            case.path_parameters[name] = 3
        elif isinstance(value, int):
            case.path_parameters[name] = value % 50
        elif name == "number" and not re.fullmatch(r"[A-Za-z][0-9]{1,6}", str(value)):
            case.path_parameters[name] = "C001"
    return case


def exercise(operation: Any, headers: dict[str, str]) -> None:
    """Send generated requests to one operation; raise on the first failed check."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy().map(where_the_state_is))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_no_generated_request_gets_a_5xx_or_an_answer_the_document_does_not_describe(
    app: Flask, tokens: Tokens
) -> None:
    # GIVEN a hall at work (three filing tickets, window 3 open by its clerk) and the document
    # loaded by schemathesis against the app in-process
    client = app.test_client()
    kiosk = {"Authorization": f"Bearer {tokens.devices['kiosk-1']}"}
    clerk = {"Authorization": f"Bearer {tokens.staff['window3']}"}
    admin = {"Authorization": f"Bearer {tokens.staff['admin']}"}
    issued = [
        client.post(f"{PREFIX}/tickets", json={"service": "filing"}, headers=kiosk)
        for _ in range(3)
    ]
    assert [response.status_code for response in issued] == [201, 201, 201]
    assert client.post(f"{PREFIX}/windows/3/open", headers=clerk).status_code == 200
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: dict[str, str] = {}
    # WHEN each operation gets up to 15 generated requests, with the credentials of its caller
    # (the kiosk issues tickets, window 3's clerk acts on window 3, the administrator does the rest)
    for operation in operations:
        if (operation.method, operation.path) == ("post", "/tickets"):
            headers = kiosk
        elif operation.path.startswith("/windows/"):
            headers = clerk
        else:
            headers = admin
        try:
            exercise(operation, headers)
        except (Exception, BaseExceptionGroup) as error:
            failures[operation.label] = str(error)[:1500]
    # THEN no response is a server error or contradicts the document
    assert failures == {}


@pytest.mark.parametrize("action", ["cancel", "requeue"])
def test_a_malformed_ticket_number_gets_a_documented_answer(
    app: Flask, tokens: Tokens, document: dict[str, Any], action: str
) -> None:
    # GIVEN the guide's staff token
    headers = {"Authorization": f"Bearer {tokens.staff['guide']}"}
    # WHEN a malformed number is cancelled or requeued
    response = app.test_client().post(f"{PREFIX}/tickets/resume/{action}", headers=headers)
    # THEN the answer is a 4xx JSON error whose status the document lists for the operation
    assert (response.status_code, response.get_json()["error"]) == (400, "ticket.number")
    assert "400" in document["paths"]["/tickets/{number}/" + action]["post"]["responses"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/windows/{}"),
        ("post", "/windows/{}/open"),
        ("get", "/incidents/{}"),
        ("post", "/notices/{}/remove"),
        ("post", "/registers/{}/backfill"),
        ("patch", "/incidents/{}"),  # Werkzeug says 405 here: the GET route's pattern matches
    ],
)
def test_an_id_beyond_the_databases_integers_is_not_found_rather_than_a_server_error(
    app: Flask, tokens: Tokens, method: str, path: str
) -> None:
    # GIVEN a caller allowed to use the route (window 3's clerk for windows, else the administrator)
    who = "window3" if path.startswith("/windows/") else "admin"
    headers = {"Authorization": f"Bearer {tokens.staff[who]}"}
    # WHEN it names the id 9223372036854775808 (2**63)
    response = getattr(app.test_client(), method)(PREFIX + path.format(2**63), headers=headers)
    # THEN it is simply not found, not a server error
    assert response.status_code == 404, response.get_json()


def test_who_may_call_is_checked_before_what_they_sent(app: Flask, tokens: Tokens) -> None:
    # GIVEN every operation that takes a body, and nobody's credentials or a display's
    client = app.test_client()
    display = {"Authorization": f"Bearer {tokens.devices['display-1']}"}
    with_body = [item for item in OPERATIONS if item.body is not None]
    assert with_body
    for item in with_body:
        path = PREFIX + re.sub(r"<(?:[^:>]+:)?(\w+)>", "1", item.rule)
        for headers, expected in (({}, 401), (display, 403)):
            if "public" in item.callers or (expected == 403 and "device:display" in item.callers):
                continue
            # WHEN an invalid body is sent
            answer = client.open(path, method=item.method, json={"service": ""}, headers=headers)
            # THEN the answer is about who is asking, not about the body
            assert answer.status_code == expected, (item.method, path, headers, answer.get_json())


SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
SCHEMATHESIS_CONFIG = Path(__file__).resolve().parents[1] / "schemathesis.toml"


@pytest.fixture(scope="module")
def hub(
    sqlite_template: SqliteTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HubProcess]:
    """A hub process (eventlet, as in a hall) on the demo hall, for what goes over the wire."""
    folder = tmp_path_factory.mktemp("openapi-hub")
    process = HubProcess(sqlite_template.copy(folder / "hallq.db"), folder, HALLQ_PRINT_AGENTS="0")
    process.start()
    yield process
    process.stop()


def test_a_header_line_over_the_limit_gets_the_json_error(hub: HubProcess) -> None:
    # GIVEN / WHEN a request with a 10 KB header line, in Chinese
    answer = requests.get(
        f"{hub.url}{PREFIX}/queue",
        headers={"X-Padding": "x" * 10_000, "Accept-Language": "zh"},
        timeout=10,
    )
    # THEN the JSON 400 every other bad request gets, with its reason in Chinese
    assert answer.status_code == 400
    assert answer.json()["error"] == "request.header_too_long"
    assert "标头过长" in answer.json()["message"]


def test_schemathesis_with_every_check_finds_nothing(
    hub: HubProcess, sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    # GIVEN a hub on the demo hall, and schemathesis's command line with every check: status
    # codes and bodies as documented, schema-valid data accepted and invalid data refused,
    # undeclared methods answered 405 with Allow, missing credentials refused…
    # WHEN it sends 10 examples per operation and phase as the administrator
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(SCHEMATHESIS_CONFIG),
            "run",
            f"{hub.url}{PREFIX}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "10",
            "--generation-deterministic",
            "--header",
            f"Authorization: Bearer {sqlite_template.tokens.staff['admin']}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,  # its cache goes there, not into the checkout
    )
    # THEN it finds no failure at all
    assert run.returncode == 0, run.stdout[-6000:]
    assert " passed" in run.stdout


def test_a_method_the_route_does_not_serve_gets_405_with_allow(app: Flask, tokens: Tokens) -> None:
    # GIVEN the administrator
    headers = {"Authorization": f"Bearer {tokens.staff['admin']}"}
    # WHEN they DELETE the incidents list (served for GET and POST only)
    answer = app.test_client().delete(f"{PREFIX}/incidents", headers=headers)
    # THEN 405, as JSON, saying which methods are served
    assert (answer.status_code, answer.get_json()["error"]) == (405, "route.method")
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}
