"""display/static/voice.js under Node with a fake <audio> element and fake timers.

The fake element only records what it was asked to play; each test decides
when an announcement ends, fails or is refused, so the queue logic is checked
without real audio and without waiting on the clock. The real element in
Chromium is the end-to-end tests' business.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

VOICE_JS = Path(__file__).resolve().parents[2] / "display" / "static" / "voice.js"

PRELUDE = """
import { VoiceAnnouncer } from "./voice.mjs";

globalThis.window = globalThis;
const timers = new Map();
let timerSeq = 0;
globalThis.setTimeout = (fn, ms) => { timerSeq += 1; timers.set(timerSeq, { fn, ms }); return timerSeq; };
globalThis.clearTimeout = (id) => { timers.delete(id); };
const fireTimers = () => { const due = [...timers.values()]; timers.clear(); due.forEach((t) => t.fn()); };
console.warn = () => {};

class FakeAudio extends EventTarget {
  constructor() { super(); this.src = ""; this.duration = NaN; this.error = null; this.plays = []; this.refuse = null; }
  play() {
    this.plays.push(this.src);
    if (this.refuse) { const e = this.refuse; this.refuse = null; return Promise.reject(e); }
    return Promise.resolve();
  }
  pause() {}
  loaded(seconds) { this.duration = seconds; this.dispatchEvent(new Event("loadedmetadata")); }
  end() { this.dispatchEvent(new Event("ended")); }
  fail() { this.error = { message: "MEDIA_ERR_SRC_NOT_SUPPORTED" }; this.dispatchEvent(new Event("error")); }
}
const settle = () => new Promise((resolve) => setImmediate(resolve));
const audio = new FakeAudio();
const voice = new VoiceAnnouncer({
  audio,
  urlFor: (call) => `/display/voice/announce.wav?number=${call.number}&window=${call.window}&english=${call.english ? 1 : 0}`,
});
const report = (extra = {}) => console.log(JSON.stringify({
  plays: audio.plays, busy: voice.busy, pending: voice.pending, played: voice.played,
  skipped: voice.skipped, exposed: window.hallqVoice === voice, ...extra,
}));
"""


def run_js(tmp_path: Path, body: str) -> dict[str, Any]:
    """Run PRELUDE + body under Node and return the JSON it reports last."""
    node = shutil.which("node")
    assert node, "node is needed to test display/static/voice.js (apt-get install nodejs)"
    shutil.copy(VOICE_JS, tmp_path / "voice.mjs")
    script = tmp_path / "scenario.mjs"
    script.write_text(PRELUDE + body)
    result = subprocess.run(
        [node, str(script)], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    state: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return state


def test_calls_play_one_at_a_time_in_order(tmp_path: Path) -> None:
    # GIVEN two calls announced back to back
    # WHEN the first announcement plays to its end, then the second
    state = run_js(
        tmp_path,
        """
        voice.announce({ number: "A012", window: 3 });
        voice.announce({ number: "B001", window: 1 });
        const during = { plays: [...audio.plays], busy: voice.busy, pending: voice.pending };
        audio.loaded(9.5); audio.end();
        audio.loaded(9.1); audio.end();
        report({ during });
        """,
    )
    # THEN the second is requested only after the first ended, and both ended
    assert state["during"] == {
        "plays": ["/display/voice/announce.wav?number=A012&window=3&english=0"],
        "busy": True,
        "pending": 1,
    }
    assert [entry["number"] for entry in state["played"]] == ["A012", "B001"]
    assert [entry["outcome"] for entry in state["played"]] == ["ended", "ended"]
    assert state["played"][1]["startedAt"] >= state["played"][0]["endedAt"]
    assert state["played"][0]["duration"] == 9.5
    assert state["busy"] is False
    assert state["exposed"] is True


def test_recall_is_announced_again(tmp_path: Path) -> None:
    # GIVEN A012 being announced
    # WHEN the counter recalls A012 while it plays
    state = run_js(
        tmp_path,
        """
        voice.announce({ number: "A012", window: 3 });
        voice.announce({ number: "A012", window: 3, recall: true });
        audio.end(); audio.end();
        report();
        """,
    )
    # THEN A012 is heard twice, the second time as a recall
    assert [(e["number"], e["recall"]) for e in state["played"]] == [
        ("A012", False),
        ("A012", True),
    ]
    assert len(state["plays"]) == 2


def test_recall_after_the_call_ended_is_announced(tmp_path: Path) -> None:
    # GIVEN A012 was announced to the end
    # WHEN it is recalled
    state = run_js(
        tmp_path,
        """
        voice.announce({ number: "A012", window: 3 });
        audio.end();
        voice.announce({ number: "A012", window: 3, recall: true });
        audio.end();
        report();
        """,
    )
    # THEN it is played again
    assert [e["outcome"] for e in state["played"]] == ["ended", "ended"]
    assert len(state["plays"]) == 2


def test_duplicate_plain_call_while_queued_is_skipped(tmp_path: Path) -> None:
    # GIVEN A012 playing
    # WHEN the same plain call arrives again (a replayed event)
    state = run_js(
        tmp_path,
        """
        voice.announce({ number: "A012", window: 3 });
        voice.announce({ number: "A012", window: 3 });
        audio.end();
        report();
        """,
    )
    # THEN it is heard once and the duplicate is noted
    assert len(state["played"]) == 1
    assert [s["number"] for s in state["skipped"]] == ["A012"]


def test_autoplay_refusal_is_logged_and_the_queue_goes_on(tmp_path: Path) -> None:
    # GIVEN the browser refuses to play without a user gesture
    # WHEN two calls are announced
    state = run_js(
        tmp_path,
        """
        audio.refuse = new DOMException("play() needs a user gesture", "NotAllowedError");
        voice.announce({ number: "A012", window: 3 });
        voice.announce({ number: "B001", window: 1 });
        await settle();
        audio.end();
        report();
        """,
    )
    # THEN the first is logged as refused and the second still plays
    assert [e["outcome"] for e in state["played"]] == ["play-rejected", "ended"]
    assert "user gesture" in state["played"][0]["error"]
    assert state["busy"] is False


def test_broken_file_does_not_block_the_queue(tmp_path: Path) -> None:
    # GIVEN the first announcement's file cannot be decoded
    # WHEN the element reports an error
    state = run_js(
        tmp_path,
        """
        voice.announce({ number: "A012", window: 3 });
        voice.announce({ number: "B001", window: 1 });
        audio.fail();
        audio.end();
        report();
        """,
    )
    # THEN the next call is played
    assert [e["outcome"] for e in state["played"]] == ["error", "ended"]


def test_stalled_announcement_gives_way_after_its_length(tmp_path: Path) -> None:
    # GIVEN an announcement whose length is known but that never ends
    # WHEN its watchdog fires
    state = run_js(
        tmp_path,
        """
        voice.announce({ number: "A012", window: 3 });
        voice.announce({ number: "B001", window: 1 });
        audio.loaded(9.5);
        const deadline = [...timers.values()].map((t) => t.ms);
        fireTimers();
        report({ deadline });
        """,
    )
    # THEN it waited the whole length plus a margin, then the next call started
    assert state["deadline"] == [pytest.approx(19500)]
    assert [e["outcome"] for e in state["played"]] == ["stalled", "playing"]
    assert state["busy"] is True


def test_url_comes_from_url_for_with_english_flag(tmp_path: Path) -> None:
    # GIVEN a call with English requested
    # WHEN it is announced
    state = run_js(
        tmp_path,
        """
        voice.announce({ number: "A1000", window: 12, english: true });
        report();
        """,
    )
    # THEN the URL asks for English
    assert state["plays"] == ["/display/voice/announce.wav?number=A1000&window=12&english=1"]
    assert state["played"][0]["english"] is True
