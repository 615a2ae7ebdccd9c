"""The offline bundle and install.sh, as a hall's IT staff use them (issue 16).

`make bundle`'s script builds the bundle once; install.sh runs from it with no network at
all (`unshare -n`: a network namespace with nothing but a loopback that is down) into a
prefix; the installed hub serves; a second install upgrades in place and keeps the
tickets; `--rollback` returns to the code installed before.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.support.hub import ROOT, HubProcess

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("install")]

HALL_PYTHON = Path("/usr/bin/python3.11")


def _offline_ok() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "true"], check=False).returncode == 0
    except OSError:
        return False


if not (HALL_PYTHON.exists() and shutil.which("dpkg-query") and _offline_ok()):
    pytest.skip(
        "needs Debian's python3.11 and `unshare -n` (root): the hall server's setting",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle `make bundle` builds, unpacked: its folder."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "scripts/bundle.py", "--out", str(out)],
        cwd=ROOT,
        check=True,
        timeout=300,
        capture_output=True,
    )
    [archive] = out.glob("hallq-bundle-*-cp311-linux_x86_64.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(out, filter="data")
    [folder] = (path for path in out.iterdir() if path.is_dir())
    return folder


def install(bundle: Path, prefix: Path, *options: str) -> str:
    """install.sh with no network; its output (it must succeed)."""
    done = subprocess.run(
        ["unshare", "-n", bundle / "install.sh", "--prefix", prefix, "--no-systemd", *options],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_bundle_holds_every_wheel_and_lists_itself(bundle: Path) -> None:
    manifest = (bundle / "MANIFEST").read_text(encoding="utf-8")
    listed = {
        line.split()[2]: int(line.split()[1])
        for line in manifest.splitlines()
        if len(line) > 64 and line[64:66] == "  "
    }
    files = {
        str(path.relative_to(bundle)): path.stat().st_size
        for path in bundle.rglob("*")
        if path.is_file() and path.name != "MANIFEST"
    }
    assert listed == files
    assert "python: CPython 3.11." in manifest
    assert f"size: {sum(files.values())} bytes" in manifest
    # a wheel of every dependency HallQ declares
    wheels = {path.name.split("-")[0].lower() for path in (bundle / "wheels").glob("*.whl")}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = requirement.split(">")[0].split("<")[0].split("[")[0].split("=")[0].strip()
        assert name.lower().replace("-", "_") in wheels, name
    # the front end is in HallQ's wheel: no npm on the hall server
    [hallq] = (bundle / "wheels").glob("hallq-*.whl")
    inside = zipfile.ZipFile(hallq).namelist()
    assert "core/static/vendor/socket.io.min.js" in inside
    assert "counter/console/translations/zh/LC_MESSAGES/messages.mo" in inside
    assert os.access(bundle / "install.sh", os.X_OK)


def test_install_offline_serve_upgrade_and_roll_back(bundle: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "root"
    hallq = prefix / "usr/local/bin/hallq"
    database = prefix / "var/lib/hallq/hallq.db"

    # GIVEN a hall server with no network: install.sh installs from the bundle alone
    first = install(bundle, prefix)
    assert "admin / " in first  # the administrator's first login
    assert "/enrol?code=" in first  # the screens' links
    assert "%2Fkiosk%2Fkiosk-1" in first
    env_file = prefix / "etc/hallq/hallq.env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert "HALLQ_SECRET_KEY=change-me" not in env_file.read_text()
    assert (prefix / "etc/hallq/hall.toml").exists()
    assert (prefix / "var/lib/hallq/voice/manifest.json").exists()
    installed = (prefix / "opt/hallq/current").resolve()

    # WHEN the installed hub starts, a kiosk takes a ticket
    hub = HubProcess(f"sqlite:///{database}", tmp_path, command=[str(hallq)])
    token = hub.cli("device", "token", "kiosk-1").stdout.strip()
    with serving(hub):
        assert ticket(hub, token) == "C001"
        # AND the admin's printed password is one-time: it leads to choosing their own
        password = first.split("admin / ")[1].split()[0]
        browser = requests.Session()
        form = browser.get(f"{hub.url}/login", timeout=5).text
        csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
        answer = browser.post(
            f"{hub.url}/login",
            data={"username": "admin", "password": password, "csrf_token": csrf},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.headers["Location"] == "/login/password?next=/"

    # an upgrade: a backup first (holding the ticket), the new code beside the old
    second = install(bundle, prefix)
    [backup] = (prefix / "var/lib/hallq/backups").glob("hallq-*-before-*.db")
    assert numbers(backup) == ["C001"]
    assert "admin / " not in second  # the accounts are the hall's now
    upgraded = (prefix / "opt/hallq/current").resolve()
    assert upgraded != installed
    assert (prefix / "opt/hallq/previous").resolve() == installed
    with serving(hub):
        assert ticket(hub, token) == "C002"  # numbering goes on: the tickets are kept

    # rollback: the code installed before is current again, and runs on the same database
    rolled = install(bundle, prefix, "--rollback")
    assert f"{installed.name} is current" in rolled
    assert (prefix / "opt/hallq/current").resolve() == installed
    assert hub.cli("db", "check").returncode == 0
    assert numbers(database) == ["C001", "C002"]


@contextmanager
def serving(hub: HubProcess) -> Iterator[None]:
    """The installed hub, started and answering, stopped after."""
    hub.start(timeout=60)
    try:
        assert requests.get(f"{hub.url}/api/v1/health", timeout=5).json()["database"] == "ok"
        yield
    finally:
        hub.stop()


def ticket(hub: HubProcess, token: str) -> str:
    """A filing ticket taken as kiosk-1: its number."""
    response = requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": "filing"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["number"])


def numbers(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT number FROM tickets ORDER BY id")]
