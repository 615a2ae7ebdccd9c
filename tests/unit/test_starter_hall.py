"""The starter hall file install.sh writes to /etc/hallq/hall.toml (issue 16): the demo
hall, every key explained where it first appears, no demo accounts."""

from __future__ import annotations

import re
import tomllib

from core.halls import HallFile, starter_text

KEY = re.compile(r"^([A-Za-z_]+)\s*=")
HEADER = re.compile(r"^\[\[?([A-Za-z_.]+)\]\]?")


def test_the_starter_is_a_hall_file_without_the_demo() -> None:
    document = tomllib.loads(starter_text())
    assert "demo" not in document
    spec = HallFile.model_validate(document)
    assert spec.services
    assert spec.windows
    assert spec.devices


def test_every_key_is_explained_where_it_first_appears() -> None:
    table, seen, silent = "", set(), []
    previous = ""
    for line in starter_text().splitlines():
        if header := HEADER.match(line):
            table = header.group(1)
        elif (key := KEY.match(line)) and (table, key.group(1)) not in seen:
            seen.add((table, key.group(1)))
            value = re.sub(r'"[^"]*"', '""', line)  # a '#' inside a string is no comment
            if "#" not in value and not previous.startswith("#"):
                silent.append(f"[{table}] {key.group(1)}")
        previous = line
    assert len(seen) > 30  # the file's every table, not a parse that found nothing
    assert silent == []
