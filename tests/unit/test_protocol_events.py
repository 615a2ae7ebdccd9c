"""The screens' JS client listens to exactly the hall events the hub sends with a seq."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import protocol
from core.domain.events import QueueChanged
from core.services.uow import Stamped

CLIENT = Path(__file__).resolve().parents[2] / "core" / "static" / "hallq-client.js"


def test_the_js_client_listens_to_every_hall_event() -> None:
    # GIVEN the list of event names in hallq-client.js
    source = CLIENT.read_text(encoding="utf-8")
    block = re.search(r"export const HALL_EVENTS = \[(.*?)\];", source, re.S)
    assert block is not None
    listened = set(re.findall(r'"([a-z]+:[a-z_]+)"', block.group(1)))
    # WHEN compared with the events the hub stamps with a seq
    # THEN they are the same: a missing one would look like a seq gap to every screen
    assert listened == set(protocol.HALL_EVENT_NAMES)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_event_becomes_the_json_of_its_fields(data: st.DataObject) -> None:
    # GIVEN any event the hub stamps, with any values of its fields' types
    kind = data.draw(st.sampled_from(sorted(protocol._NAMES, key=lambda kind: kind.__name__)))
    event = data.draw(st.builds(kind))

    # WHEN the hub turns it into a message (a shallow copy of its fields)
    name, payload = protocol.message(Stamped(seq=7, event=event))

    # THEN the payload is every field, as a deep copy would have had it, and JSON
    # carries it unchanged (no field holds an object a screen could not read)
    assert name == protocol._NAMES[kind]
    expected = asdict(event)
    if isinstance(event, QueueChanged):
        expected["windows"] = [
            {"n" if key == "number" else key: value for key, value in window.items()}
            for window in expected["windows"]
        ]
    assert json.loads(json.dumps(payload)) == json.loads(json.dumps({"seq": 7, **expected}))
