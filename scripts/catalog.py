"""Maintain the translation catalogs, one per package (core, kiosk, display, counter).

``python scripts/catalog.py update [PACKAGE…]`` re-extracts the English message ids of
each package's code and templates and merges them into its ``translations/zh`` catalog;
with no argument it only checks. It exits 1 when a message has no Chinese translation
(`make test` runs the check).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "kiosk", "display", "counter", "counter/console")
"""Folders with their own catalog; a nested one (the console) is left out of its parent's."""
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


def catalog(package: str, language: str = "zh") -> Path:
    return ROOT / package / "translations" / language / "LC_MESSAGES" / "messages.po"


def update(package: str) -> None:
    folder = ROOT / package / "translations"
    pot = folder / "messages.pot"
    config = folder / "babel.cfg"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[python: **.py]\n[jinja2: **/templates/**.html]\n", encoding="utf-8")
    nested = [
        other.removeprefix(f"{package}/") for other in PACKAGES if other.startswith(f"{package}/")
    ]
    ignore = [f"--ignore-dirs={' '.join(nested)}"] if nested else []
    subprocess.run(
        [
            *PYBABEL,
            "extract",
            "-F",
            str(config),
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "-o",
            str(pot),
            "--no-location",
            "--sort-output",
            "--omit-header",
            *ignore,
            package,
        ],
        cwd=ROOT,
        check=True,
    )
    command = "update" if catalog(package).exists() else "init"
    extra = (
        ["--no-fuzzy-matching", "--omit-header", "--ignore-obsolete"] if command == "update" else []
    )
    subprocess.run(
        [*PYBABEL, command, "-i", str(pot), "-d", str(folder), "-l", "zh", *extra],
        cwd=ROOT,
        check=True,
    )


def translations(package: str) -> dict[str, str]:
    """msgid → Chinese of one package (context-qualified ids are kept apart)."""
    path = catalog(package)
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        messages = read_po(handle)
    return {
        f"{message.context}\x04{message.id}" if message.context else str(message.id): str(
            message.string
        )
        for message in messages
        if message.id and message.string
    }


def clashes() -> list[str]:
    """Flask-Babel merges the packages' catalogs and the last one wins: the same msgid
    translated differently in two packages would silently change one screen's text."""
    seen: dict[str, tuple[str, str]] = {}
    found = []
    for package in PACKAGES:
        for message, text in translations(package).items():
            if message in seen and seen[message][1] != text:
                other, earlier = seen[message]
                found.append(f"{message!r}: {other} says {earlier!r}, {package} says {text!r}")
            seen.setdefault(message, (package, text))
    return found


def untranslated(package: str) -> list[str]:
    path = catalog(package)
    if not path.exists():
        return []
    with path.open("rb") as handle:
        messages = read_po(handle)
    return [str(message.id) for message in messages if message.id and not message.string]


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["update"]:
        for package in arguments[1:] or PACKAGES:
            update(package)
    missing = {package: untranslated(package) for package in PACKAGES}
    for package, ids in missing.items():
        for message in ids:
            print(f"{package}: untranslated: {message}")
    conflicts = clashes()
    for conflict in conflicts:
        print(f"translated differently: {conflict}")
    if any(missing.values()) or conflicts:
        sys.exit(1)
