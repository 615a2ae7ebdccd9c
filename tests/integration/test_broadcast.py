"""The hub's broadcaster: committed events reach the hall's screens through Socket.IO."""

from __future__ import annotations

import time
from typing import Any

from flask_socketio import SocketIOTestClient

from core import protocol
from core.domain.events import Event, HallModeChanged
from core.hub.broadcast import SocketIOBroadcaster
from core.services.uow import Stamped
from tests.integration.conftest import AppFactory
from tests.support.databases import Tokens


class Unknown(Event):
    """An event the protocol has no name for: turning it into a message fails."""


def received(client: SocketIOTestClient, name: str) -> list[dict[str, Any]]:
    """What `client` has received of event `name`, waiting up to 5 s for the first."""
    deadline = time.monotonic() + 5
    seen: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        seen += [
            event["args"][0]
            for event in client.get_received(protocol.DISPLAY)
            if event["name"] == name
        ]
        if seen:
            return seen
        time.sleep(0.02)
    raise AssertionError(f"no {name} within 5 s")


def test_an_event_that_cannot_be_emitted_does_not_stop_the_ones_after_it(
    make_app: AppFactory, db_url: str, tokens: Tokens
) -> None:
    # GIVEN a hub app with its own broadcaster, and a display connected to it
    app = make_app(db_url, socketio_events=True)
    broadcaster = app.extensions["hallq"].bus.publish.__self__
    assert isinstance(broadcaster, SocketIOBroadcaster)
    display = app.extensions["socketio"].test_client(
        app, namespace=protocol.DISPLAY, auth={"token": tokens.devices["display-1"]}
    )
    try:
        received(display, protocol.STATE_SNAPSHOT)

        # WHEN a command's events are published: one that fails to become a
        # message, then a good one
        broadcaster.publish(
            "demo",
            [Stamped(seq=1, event=Unknown()), Stamped(seq=2, event=HallModeChanged("paper"))],
        )

        # THEN the display still receives the good one (the emitting task lives on)
        assert received(display, protocol.HALL_MODE) == [{"seq": 2, "mode": "paper"}]
    finally:
        display.disconnect(namespace=protocol.DISPLAY)
