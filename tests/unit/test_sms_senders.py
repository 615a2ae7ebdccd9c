"""The SMS senders without a network: the log file, the gateway body template, the fake."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.adapters.clock import FixedClock
from core.adapters.sms import (
    HttpGatewaySender,
    LogSender,
    RecordingSender,
    SentSms,
    SmsSendError,
    make_sender,
    parse_headers,
)

TEMPLATE = '{"mobile": "{phone}", "content": "{text}", "sign": "办税服务厅"}'
AT = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def gateway(template: str = TEMPLATE) -> HttpGatewaySender:
    return HttpGatewaySender(
        "http://127.0.0.1:9/sms", headers={}, body_template=template, timeout_s=1.0
    )


def test_the_log_sender_appends_one_json_line_per_message(tmp_path: Path) -> None:
    # GIVEN a log sender writing under a folder that does not exist yet
    path = tmp_path / "var" / "sms.log"
    sender = LogSender(path, clock=FixedClock(AT))
    # WHEN two messages are sent
    sender.send("13800138000", "系统已恢复，欢迎办理业务")
    sender.send("13900139000", "第二条")
    # THEN the file holds one JSON line each, with time, phone and body, Chinese kept readable
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"at": AT.isoformat(), "phone": "13800138000", "body": "系统已恢复，欢迎办理业务"},
        {"at": AT.isoformat(), "phone": "13900139000", "body": "第二条"},
    ]
    assert "系统已恢复" in lines[0]


def test_the_log_sender_reports_a_disk_error_as_retryable(tmp_path: Path) -> None:
    # GIVEN a log path that is a folder
    (tmp_path / "sms.log").mkdir()
    # WHEN a message is sent THEN the error says a later try may work
    with pytest.raises(SmsSendError) as caught:
        LogSender(tmp_path / "sms.log").send("13800138000", "x")
    assert caught.value.retryable


def test_the_template_escapes_values_as_json() -> None:
    # GIVEN a body with quotes, a backslash, a newline and the text "{phone}"
    body = '请到"应急专窗"办理\\\n注意 {phone}'
    # WHEN the gateway body is rendered
    rendered = gateway().render("13800138000", body)
    # THEN it is JSON with the values intact, and the body's "{phone}" is not replaced
    assert json.loads(rendered) == {"mobile": "13800138000", "content": body, "sign": "办税服务厅"}


def test_a_template_that_is_not_json_is_refused_at_start() -> None:
    # GIVEN a template with the text outside quotes, WHEN the sender is built, THEN refused
    with pytest.raises(ValueError, match="not JSON"):
        gateway('{"mobile": "{phone}", "content": {text}}')


def test_headers_come_from_a_json_object() -> None:
    # GIVEN / WHEN / THEN a JSON object of strings is read; anything else is refused
    assert parse_headers('{"Authorization": "Bearer s3cret"}') == {"Authorization": "Bearer s3cret"}
    assert parse_headers(None) == {}
    with pytest.raises(ValueError, match="JSON object"):
        parse_headers('{"X-Retries": 3}')


def test_make_sender_builds_what_the_settings_name(tmp_path: Path) -> None:
    # GIVEN the default settings WHEN a sender is made THEN it is the log sender
    assert isinstance(make_sender("log", log_path=tmp_path / "sms.log"), LogSender)
    # GIVEN http without a URL WHEN a sender is made THEN the error names what is missing
    with pytest.raises(ValueError, match="sms_http_url"):
        make_sender("http", log_path=tmp_path / "sms.log")
    sender = make_sender(
        "http",
        log_path=tmp_path / "sms.log",
        http_url="https://sms.example.invalid/send",
        http_headers='{"X-Key": "k"}',
        http_template=TEMPLATE,
    )
    assert isinstance(sender, HttpGatewaySender)
    assert sender.headers["X-Key"] == "k"


def test_the_recording_sender_fails_when_told() -> None:
    # GIVEN a fake told to fail once
    sender = RecordingSender()
    sender.fail_with(SmsSendError(False, "rejected"))
    # WHEN it is used twice THEN the first send fails and the second is recorded
    with pytest.raises(SmsSendError, match="rejected"):
        sender.send("13800138000", "一")
    sender.send("13800138000", "二")
    assert sender.sent == [SentSms("13800138000", "二")]
    assert sender.attempts == 2
