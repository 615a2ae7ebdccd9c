"""The staff screens' pages through Flask's test client: who may open them, and
what the page hands its script."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.conftest import Api
from tests.support.databases import DEMO_PASSWORD
from tests.support.enrolment import enrolled
from tests.support.protocol_client import wait_for_snapshot


def logged_in(app: Flask, username: str) -> FlaskClient:
    """A browser in which a staff member logged in through the login form (CSRF token included)."""
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, "the login form carries its CSRF token"
    data = {"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return client


def page_config(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="hallq-config">(.*?)</script>', html)
    assert found, "the page carries its configuration"
    return dict(json.loads(found.group(1)))


def test_an_anonymous_browser_is_sent_to_the_login_form_and_back(app: Flask) -> None:
    # GIVEN nobody logged in
    client = app.test_client()
    # WHEN it opens a counter page and the guide desk
    counter = client.get("/counter/3")
    guide = client.get("/counter/guide")
    # THEN both send it to the login form, which will come back to the page
    assert counter.status_code == 302
    assert counter.headers["Location"] == "/login?next=/counter/3"
    assert guide.status_code == 302
    assert guide.headers["Location"] == "/login?next=/counter/guide"


def test_the_login_form_itself_renders(app: Flask) -> None:
    # GIVEN / WHEN the login form of a counter
    response = app.test_client().get("/login?next=/counter/3")
    # THEN it is there, ready to come back to the counter
    assert response.status_code == 200
    assert 'name="next" value="/counter/3"' in response.get_data(as_text=True)


def test_a_display_session_is_refused_both_staff_screens(app: Flask, api: Api) -> None:
    # GIVEN the hall display's browser, enrolled as display-1
    client = enrolled(app, api.tokens, "display-1")
    # WHEN it opens a counter page or the guide desk
    # THEN it is refused, with a page that says these screens are for staff
    for path in ("/counter/3", "/counter/guide"):
        response = client.get(path)
        assert response.status_code == 403
        assert "工作人员" in response.get_data(as_text=True)


def test_the_guide_device_opens_the_guide_desk_but_no_counter(app: Flask, api: Api) -> None:
    # GIVEN the guide desk's PC, enrolled as guide-1
    client = enrolled(app, api.tokens, "guide-1")
    # WHEN it opens the guide desk, then a counter
    guide = client.get("/counter/guide")
    counter = client.get("/counter/3")
    # THEN the desk opens (no staff member is named in it), the counter does not
    assert guide.status_code == 200
    assert page_config(guide.get_data(as_text=True))["user"] is None
    assert counter.status_code == 403


def test_a_clerk_gets_the_counter_with_its_configuration_and_an_unknown_window_is_404(
    app: Flask,
) -> None:
    # GIVEN window 3's clerk, logged in
    client = logged_in(app, "window3")
    # WHEN they open counter 3
    response = client.get("/counter/3")
    # THEN the page carries what its script needs: who they are, the window, and the
    # register usually kept for a service (the hall's rules come with the window detail)
    assert response.status_code == 200
    config = page_config(response.get_data(as_text=True))
    assert config["user"] == "window3"
    assert config["window"] == 3
    assert config["registerHints"]["filing"] == "filing"
    assert config["namespace"] == "/counter"
    # … and no inline script: the strict CSP would block it
    scripts = re.findall(r"<script([^>]*)>", response.get_data(as_text=True))
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    # WHEN they open a window the hall does not have
    missing = client.get("/counter/99")
    # THEN they are told so
    assert missing.status_code == 404
    assert "99" in missing.get_data(as_text=True)


def test_a_named_window_keeps_its_name_and_default_names_are_worded_per_language(
    app: Flask,
) -> None:
    # GIVEN a clerk, logged in
    client = logged_in(app, "window8")
    # WHEN they open the emergency window (named) and window 3 (default name) in English
    named = page_config(client.get("/counter/8").get_data(as_text=True))
    plain = client.get("/counter/3?lang=en").get_data(as_text=True)
    # THEN the emergency window's own name comes through; window 3 is "Window 3"
    assert named["windowName"] == "应急专窗"
    assert page_config(plain)["windowName"] == ""
    assert '<h1 class="staff-bar__name">Window 3</h1>' in plain


def test_the_guide_device_follows_the_hall_on_the_counter_namespace(app: Flask, api: Api) -> None:
    # GIVEN the guide desk's PC, enrolled as guide-1, with its page open
    client = enrolled(app, api.tokens, "guide-1")
    assert client.get("/counter/guide").status_code == 200
    # WHEN its script connects to /counter with the session cookie
    socketio = app.extensions["hallq"].socketio
    socket = socketio.test_client(app, namespace="/counter", flask_test_client=client)
    # THEN it is admitted and gets the hall's snapshot to draw from
    assert socket.is_connected("/counter")
    wait_for_snapshot(socket, "/counter")
    socket.disconnect(namespace="/counter")


def test_a_display_cannot_follow_the_counter_namespace(app: Flask, api: Api) -> None:
    # GIVEN the hall display's browser, enrolled as display-1
    client = enrolled(app, api.tokens, "display-1")
    # WHEN it tries to connect to /counter
    socket = app.extensions["hallq"].socketio.test_client(
        app, namespace="/counter", flask_test_client=client
    )
    # THEN it is refused
    assert not socket.is_connected("/counter")
