"""The doctor's verdicts that need no hall: the clock, the senders, the summary line."""

from __future__ import annotations

from datetime import UTC, datetime

from core.services.doctor import Level, clock_finding, render, sender_finding

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
TEMPLATE = '{"mobile": "{phone}", "content": "{text}"}'


def test_a_clock_nobody_keeps_fails_with_why_and_how() -> None:
    unsynced = clock_finding(NOW, synced=False)
    assert unsynced.level is Level.FAIL
    assert "未与 NTP 同步" in unsynced.said
    assert "filing deadlines" in unsynced.said
    assert "timedatectl set-ntp true" in unsynced.todo
    assert clock_finding(NOW, synced=None).level is Level.WARN  # cannot tell
    assert clock_finding(NOW, synced=True).level is Level.OK


def test_a_sender_set_to_http_needs_its_url_and_a_log_is_no_sending() -> None:
    assert sender_finding("短信 / SMS", "sms_sender", "http", None, None).level is Level.FAIL
    sent = sender_finding("短信 / SMS", "sms_sender", "http", "http://gw/send", TEMPLATE)
    assert sent.level is Level.OK
    logged = sender_finding("短信 / SMS", "sms_sender", "log", None, None)
    assert logged.level is Level.WARN
    assert "HALLQ_SMS_HTTP_URL" in logged.todo


def test_the_summary_counts_failures_and_warnings() -> None:
    findings = [
        clock_finding(NOW, False),
        sender_finding("短信 / SMS", "sms_sender", "log", None, None),
    ]
    assert render(findings).endswith("1 项故障，1 项需注意 / 1 failing, 1 to look at")
    assert render([clock_finding(NOW, True)]).endswith("一切正常 / all well")
