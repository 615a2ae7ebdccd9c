"""Browser fixtures: Debian's Chromium driven by Playwright, against a real hub process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import skip_or_fail
from tests.support.databases import SqliteTemplate, Tokens
from tests.support.hub import HubProcess

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        skip_or_fail("browser", f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go: the CI keeps this folder as an artifact."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def e2e_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("e2e-template"))


@pytest.fixture(scope="session")
def voice_clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline voice clips, generated once per session with espeak-ng and sox."""
    from display.voice.build import build_clips

    folder = tmp_path_factory.mktemp("voice")
    build_clips(folder)
    return folder


@pytest.fixture
def hub_env() -> dict[str, str]:
    """Extra HALLQ_* settings for the `hub` fixture; override it in a test module."""
    return {}


@pytest.fixture
def hub(
    e2e_template: SqliteTemplate, voice_clips: Path, tmp_path: Path, hub_env: dict[str, str]
) -> Iterator[HubProcess]:
    """A hub process on a fresh copy of the demo hall, with the voice clips in its var/."""
    shutil.copytree(voice_clips, tmp_path / "var" / "voice")
    process = HubProcess(e2e_template.copy(tmp_path / "hallq.db"), tmp_path, **hub_env)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def tokens(e2e_template: SqliteTemplate) -> Tokens:
    return e2e_template.tokens
