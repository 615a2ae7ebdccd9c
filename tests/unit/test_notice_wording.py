"""The English half of a notice never carries Chinese words (issue 17, point 10)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.services.notices import device_notice, outage_notice


def test_a_device_notice_names_the_device_in_each_language() -> None:
    # GIVEN a printer with an English name, and one without
    named = device_notice("1号取号机打印机", "Kiosk 1 printer", "printer")
    unnamed = device_notice("3号取号机打印机", "", "printer")
    # THEN the Chinese says 1号取号机打印机, the English its English name or its kind
    assert named[0].startswith("【设备提示】1号取号机打印机")
    assert named[1].startswith("Kiosk 1 printer cannot print tickets")
    assert unnamed[1].startswith("A ticket printer cannot print tickets")


def test_an_outage_notice_in_english_says_the_expected_recovery_in_english() -> None:
    since = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
    zone = ZoneInfo("Asia/Shanghai")

    def english(expected: str) -> str:
        return outage_notice(["backoffice"], since, zone, expected, [8], None)[1]

    # GIVEN the leader typed 暂不确定, a time, or Chinese words
    assert "expected recovery: not yet known." in english("暂不确定")
    assert "expected recovery: not yet known." in english("")
    assert "expected recovery: 15:30." in english("15:30")
    assert "expected recovery: see the Chinese notice." in english("下午三点左右")
