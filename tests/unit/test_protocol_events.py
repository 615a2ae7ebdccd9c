"""The screens' JS client listens to exactly the hall events the hub sends with a seq."""

from __future__ import annotations

import re
from pathlib import Path

from core import protocol

CLIENT = Path(__file__).resolve().parents[2] / "core" / "static" / "hallq-client.js"


def test_the_js_client_listens_to_every_hall_event() -> None:
    # GIVEN the list of event names in hallq-client.js
    source = CLIENT.read_text(encoding="utf-8")
    block = re.search(r"export const HALL_EVENTS = \[(.*?)\];", source, re.S)
    assert block is not None
    listened = set(re.findall(r'"([a-z]+:[a-z]+)"', block.group(1)))
    # WHEN compared with the events the hub stamps with a seq
    # THEN they are the same: a missing one would look like a seq gap to every screen
    assert listened == set(protocol.HALL_EVENT_NAMES)
