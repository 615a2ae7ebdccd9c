"""`make bundle`: the offline installation bundle of a hall server.

Run on a machine with registry access (PyPI, npm), after `make runtime` has put the
front-end files and the compiled catalogs in place. It writes
``dist/hallq-bundle-<version>-<platform>.tar.gz`` holding, under one folder:

- ``wheels/``: HallQ's wheel (front-end files and catalogs inside) and a wheel of every
  dependency, for CPython 3.11 on x86_64 Linux, so the hall server installs with
  ``pip --no-index`` and nothing fetched from outside;
- ``install.sh``: installs, upgrades in place and rolls back (docs/OPERATIONS.md);
- ``systemd/``, ``docs/``, ``README.md``;
- ``MANIFEST``: the release, the Python and platform, the size, and every file with its
  size and SHA-256 (``install.sh`` checks them before touching anything).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from packaging.utils import parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
PYTHON_TAG = "cp311"
PLATFORM = "linux_x86_64"
# Inside HallQ's wheel: a bundle without them serves screens with no Socket.IO,
# no charts, or English only.
FRONT_END = (
    "core/static/vendor/socket.io.min.js",
    "core/static/vendor/echarts.min.js",
    "core/translations/zh/LC_MESSAGES/messages.mo",
    "kiosk/translations/zh/LC_MESSAGES/messages.mo",
    "display/translations/zh/LC_MESSAGES/messages.mo",
    "counter/translations/zh/LC_MESSAGES/messages.mo",
    "counter/console/translations/zh/LC_MESSAGES/messages.mo",
)
EXTRAS = ("README.md", "docs", "systemd")


class BundleError(Exception):
    """The bundle cannot be built as asked; the message says why."""


def version() -> str:
    project: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["version"]


def release(base: str) -> str:
    """The version and the commit it was built from (``0.1.0+g06eb9c8``), so two bundles
    of one version tell apart in MANIFEST and in the installed releases."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return base
    return f"{base}+g{commit}{'.dirty' if dirty else ''}"


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def hall_python(python: Path) -> str:
    """The full version of the hall server's Python. Dependencies resolve by it: Debian 12's
    3.11.2 needs wheels a 3.11.7 does not (redis's async-timeout, below 3.11.3)."""
    probe = "import platform; print(platform.python_version(), platform.machine())"
    try:
        found = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise BundleError(
            f"no Python at {python} ({error}): apt-get install python3.11-venv"
        ) from error
    full, machine = found.stdout.split()
    if not full.startswith("3.11.") or machine != "x86_64":
        raise BundleError(f"{python} is Python {full} on {machine}, not 3.11 on x86_64")
    return full


def build_wheels(python: Path, into: Path, scratch: Path) -> None:
    """HallQ's wheel and its dependencies', resolved by `python` in a venv of its own
    (downloaded where PyPI has a wheel, built here otherwise)."""
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # no stale module in the wheel
    subprocess.run([python, "-m", "venv", scratch], check=True)
    pip = [scratch / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--wheel-dir", into, ROOT], check=True)


def check_wheels(wheels: Path) -> None:
    """Every wheel installs on CPython 3.11, x86_64 Linux; HallQ's carries its front end."""
    for wheel in sorted(wheels.glob("*.whl")):
        _, _, _, tags = parse_wheel_filename(wheel.name)
        if not any(_fits(tag.interpreter, tag.abi, tag.platform) for tag in tags):
            raise BundleError(f"{wheel.name} does not install on {PYTHON_TAG} {PLATFORM}")
    [hallq] = wheels.glob("hallq-*.whl")
    with zipfile.ZipFile(hallq) as archive:
        missing = sorted(set(FRONT_END) - set(archive.namelist()))
    if missing:
        raise BundleError(f"{hallq.name} lacks {', '.join(missing)}: run `make runtime` first")


def _fits(interpreter: str, abi: str, platform_tag: str) -> bool:
    return (
        interpreter in {"py3", "py2.py3", PYTHON_TAG}
        and abi in {"none", "abi3", PYTHON_TAG}
        and (platform_tag == "any" or (platform_tag.endswith("x86_64") and "linux" in platform_tag))
    )


def manifest(folder: Path, release_id: str, python: str) -> str:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    size = sum(path.stat().st_size for path in files)
    lines = [
        "# HallQ offline installation bundle",
        f"release: {release_id}",
        f"python: CPython {python} ({PYTHON_TAG})",
        f"platform: {PLATFORM}",
        f"built: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"files: {len(files)}",
        f"size: {size} bytes ({size / 2**20:.1f} MiB unpacked)",
        "",
        "# sha256, size in bytes, path",
    ]
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.stat().st_size:>10}  {path.relative_to(folder)}")
    return "\n".join(lines) + "\n"


def build(out: Path, python: Path) -> Path:
    full = hall_python(python)
    base = version()
    name = f"hallq-bundle-{base}-{PYTHON_TAG}-{PLATFORM}"
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / name
        build_wheels(python, folder / "wheels", Path(scratch) / "venv")
        check_wheels(folder / "wheels")
        shutil.copy2(ROOT / "scripts" / "install.sh", folder / "install.sh")
        for extra in EXTRAS:
            source = ROOT / extra
            if source.is_dir():
                shutil.copytree(source, folder / extra)
            else:
                shutil.copy2(source, folder / extra)
        (folder / "MANIFEST").write_text(manifest(folder, release(base), full), encoding="utf-8")
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{name}.tar.gz"
        with tarfile.open(target, "w:gz") as archive:
            archive.add(folder, arcname=name)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--python",
        type=Path,
        default=Path("/usr/bin/python3.11"),
        help="the hall server's Python (default: Debian 12's)",
    )
    arguments = parser.parse_args()
    try:
        target = build(arguments.out, arguments.python)
    except BundleError as error:
        sys.exit(f"make bundle: {error}")
    print(f"{target} ({target.stat().st_size / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
