"""Helpers shared by the test packages."""

from __future__ import annotations

import os

import pytest


def mandatory(kind: str) -> bool:
    """True when CI demands the `kind` tests (HALLQ_REQUIRE=postgres,redis,browser)."""
    required = os.environ.get("HALLQ_REQUIRE", "")
    return kind in {item.strip() for item in required.split(",")}


def skip_or_fail(kind: str, reason: str) -> None:
    """Skip loudly on a developer machine; fail where CI says the kind is mandatory."""
    if mandatory(kind):
        pytest.fail(f"{kind} is mandatory here (HALLQ_REQUIRE) but unavailable: {reason}")
    pytest.skip(f"*** {kind.upper()} TESTS SKIPPED: {reason} ***")
