"""Enrolling a test browser as a device, the way a hall does it: an administrator asks
for the device's one-time link (``POST /api/v1/devices/<id>/enrolment``) and the
device's browser opens it once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.support.databases import Tokens


def link_code(url: str) -> str:
    """The one-time code in an enrolment link."""
    return parse_qs(urlsplit(url).query)["code"][0]


def enrol_path(code: str, next_path: str) -> str:
    return f"/enrol?{urlencode({'code': code, 'next': next_path})}"


def enrolment_url(hub_url: str, tokens: Tokens, device: str, next_path: str) -> str:
    """A fresh one-time link for `device` on a running hub, landing on `next_path`."""
    response = requests.post(
        f"{hub_url}/api/v1/devices/{device}/enrolment",
        headers={"Authorization": f"Bearer {tokens.staff['admin']}"},
        timeout=5,
    )
    response.raise_for_status()
    return hub_url + enrol_path(link_code(response.json()["url"]), next_path)


def new_code(app: Flask, tokens: Tokens, device: str) -> str:
    """A fresh one-time enrolment code for `device`, from the app under test."""
    response = app.test_client().post(
        f"/api/v1/devices/{device}/enrolment",
        headers={"Authorization": f"Bearer {tokens.staff['admin']}"},
    )
    assert response.status_code == 201, response.get_json()
    return link_code(response.get_json()["url"])


def enrolled(
    app: Flask, tokens: Tokens, device: str, next_path: str = "/", language: str | None = None
) -> FlaskClient:
    """A browser that opened `device`'s enrolment link once, as a screen PC does at set-up."""
    client = app.test_client()
    assert client.get(enrol_path(new_code(app, tokens, device), next_path)).status_code == 302
    if language:
        client.set_cookie("lang", language)
    return client
