"""Maintain the translation catalogs: ``python scripts/catalog.py update`` re-extracts the
English message ids from code and templates and merges them into each language's .po
file; ``check`` fails when a message has no Chinese translation (the suite runs it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "core" / "translations"
POT = CATALOGS / "messages.pot"
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


def update() -> None:
    subprocess.run(
        [
            *PYBABEL,
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "-o",
            str(POT),
            "--no-location",
            "--sort-output",
            "--omit-header",
            "--ignore-dirs=.venv node_modules var build",
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    subprocess.run(
        [
            *PYBABEL,
            "update",
            "-i",
            str(POT),
            "-d",
            str(CATALOGS),
            "--no-fuzzy-matching",
            "--omit-header",
        ],
        cwd=ROOT,
        check=True,
    )


def untranslated(language: str = "zh") -> list[str]:
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    return [str(message.id) for message in catalog if message.id and not message.string]


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    missing = untranslated()
    if missing:
        print("untranslated:", *missing, sep="\n  ")
        sys.exit(1)
