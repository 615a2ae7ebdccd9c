"""Who may follow the hall on the kiosk's Socket.IO namespace (/kiosk)."""

from __future__ import annotations

import pytest
from flask import Flask

from core import protocol
from tests.support.databases import Tokens
from tests.support.enrolment import enrolled
from tests.support.protocol_client import wait_for_snapshot


@pytest.mark.parametrize(
    ("who", "admitted"),
    [
        ("kiosk-1", True),
        ("guide-1", True),
        ("admin", True),
        ("display-1", False),
        ("window3", False),
    ],
)
def test_only_kiosks_the_guide_desk_and_admins_connect(
    app: Flask, tokens: Tokens, who: str, admitted: bool
) -> None:
    # GIVEN a device or staff token
    token = tokens.staff.get(who) or tokens.devices[who]
    # WHEN it connects to /kiosk
    client = app.extensions["hallq"].socketio.test_client(
        app, namespace=protocol.KIOSK, auth={"token": token}
    )
    # THEN kiosks, the guide desk and admins are in, and get the hall's snapshot
    assert client.is_connected(protocol.KIOSK) is admitted
    if admitted:
        wait_for_snapshot(client, protocol.KIOSK)
        client.disconnect(namespace=protocol.KIOSK)


def test_an_enrolled_kiosk_browser_connects_with_its_session_cookie(
    app: Flask, tokens: Tokens
) -> None:
    # GIVEN a browser that opened kiosk 1's enrolment link
    browser = enrolled(app, tokens, "kiosk-1", "/kiosk/kiosk-1")
    # WHEN its page connects to /kiosk without a token
    client = app.extensions["hallq"].socketio.test_client(
        app, namespace=protocol.KIOSK, flask_test_client=browser
    )
    # THEN the session cookie admits it
    assert client.is_connected(protocol.KIOSK)
    client.disconnect(namespace=protocol.KIOSK)
