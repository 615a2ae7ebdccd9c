"""docs/SECURITY.md says who may call what as the code enforces it."""

from __future__ import annotations

import re
from pathlib import Path

import core.api  # noqa: F401  (registers every operation)
from core.api.openapi import callers_table
from core.api.registry import OPERATIONS
from core.services.access import Role

SECURITY = Path(__file__).resolve().parents[2] / "docs" / "SECURITY.md"


def test_the_table_of_callers_is_the_enforced_rules() -> None:
    # GIVEN the table in docs/SECURITY.md
    text = SECURITY.read_text(encoding="utf-8")
    match = re.search(
        r"<!-- callers-table:start -->\n(.*?)\n<!-- callers-table:end -->", text, re.S
    )
    assert match, "docs/SECURITY.md has lost its callers table"
    # WHEN the table is made from the rules `requires` enforces on each operation
    # THEN the two are the same (regenerate with `python scripts/security_table.py`)
    assert match.group(1).strip() == callers_table()


def test_the_rules_the_table_shows_are_what_the_views_enforce() -> None:
    # GIVEN operations the review cares most about
    rules = {(item.method, item.path): item.access for item in OPERATIONS}
    # WHEN their enforced rules are read
    # THEN incidents are for leaders, enrolment for admins, the queue for anyone
    assert rules[("POST", "/incidents")] == (Role.LEADER, ())
    assert rules[("POST", "/devices/{device_id}/enrolment")] == (Role.ADMIN, ())
    assert rules[("POST", "/windows/{n}/release")] == (Role.LEADER, ())
    assert rules[("GET", "/queue")] is None
