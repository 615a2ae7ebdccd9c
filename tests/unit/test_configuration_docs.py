"""Every hub setting is documented where operators look for it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from core.config import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "CONFIGURATION.md"


def test_every_setting_is_in_the_configuration_document() -> None:
    # GIVEN the settings a hub reads and the operators' document
    text = DOC.read_text(encoding="utf-8")
    # WHEN each HALLQ_ name is looked for
    missing = [
        f"HALLQ_{item.name.upper()}"
        for item in dataclasses.fields(Settings)
        if f"`HALLQ_{item.name.upper()}`" not in text
    ]
    # THEN none is missing
    assert missing == []


def test_the_documented_hall_file_is_a_valid_hall_file() -> None:
    # GIVEN the example hall file in the document
    import re
    import tomllib

    from core.halls import HallFile

    example = re.search(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert example is not None
    # WHEN it is read and validated like `hallq hall load` does
    hall = HallFile.model_validate(tomllib.loads(example.group(1)))
    # THEN it describes the hall it shows
    assert (hall.hall.code, [s.prefix for s in hall.services], len(hall.hall.probes)) == (
        "xuhui",
        ["C", "Y"],
        1,
    )
