"""SMS senders: the one outside thing `core.hub.sms` talks to.

Every sender has the same single method, ``send(phone, body)``, which returns
when the message was handed over and raises `SmsSendError` otherwise; the
error says whether trying again later can help. The dispatcher owns retries,
quiet hours and the daily cap, so senders stay dumb.

- `LogSender` (the default): one JSON line per message in ``var/sms.log``,
  fsynced — a hall without a gateway still sees what would have been sent.
- `HttpGatewaySender`: a POST of a JSON body built from a template, for the
  HTTP APIs of SMS gateways (the operator's or the bureau's own).
- `RecordingSender`: the fake for tests, in memory, can be told to fail.

An SMPP sender (a direct bind to an operator's SMSC) would be one more class
with the same ``send``: bind as a transmitter with ``smpplib`` (PyPI), split
long bodies into UCS-2 parts, map ``ESME_RTHROTTLED``/``ESME_RMSGQFUL`` and
lost connections to ``SmsSendError(retryable=True)`` and the other command
statuses to ``retryable=False``. It is not built: no hall has asked for it.

Senders block (network or disk) and must never be called inside a database
transaction; under eventlet the sockets used here are green.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core.adapters.clock import Clock, SystemClock
from core.adapters.delivery import (
    DeliveryError,
    JsonPoster,
    append_line,
    fill_template,
    log_or_http,
    parse_headers,
)

__all__ = ["HttpGatewaySender", "LogSender", "RecordingSender", "SmsSendError", "parse_headers"]


SmsSendError = DeliveryError
"""A message was not handed over; `retryable` says whether a later try can help."""


class SmsSender(Protocol):
    """Hands one message to whatever delivers it."""

    def send(self, phone: str, body: str) -> None:
        """Return once `body` is handed over for `phone`; raise `DeliveryError` if not."""
        ...


class LogSender:
    """Appends each message as a JSON line (at, phone, body) to a file, fsynced."""

    def __init__(self, path: Path, *, clock: Clock | None = None) -> None:
        self.path = path
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()

    def send(self, phone: str, body: str) -> None:
        """Append the message; a disk error is retryable (the disk may come back)."""
        record = {"at": self.clock.now().isoformat(), "phone": phone, "body": body}
        append_line(self.path, self._lock, record)


class HttpGatewaySender:
    """POSTs a JSON body built from `body_template` to an SMS gateway.

    In the template, ``{phone}`` and ``{text}`` are replaced by the JSON-escaped
    values (without quotes, so they go inside the template's own quotes)::

        {"mobile": "{phone}", "content": "{text}", "sign": "办税服务厅"}

    What is retried and what is not: `core.adapters.delivery.JsonPoster`.
    """

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str],
        body_template: str,
        timeout_s: float,
        ok_statuses: Collection[int] = (200, 201, 202),
    ) -> None:
        self.poster = JsonPoster(
            url, headers=headers, timeout_s=timeout_s, ok_statuses=ok_statuses, what="gateway"
        )
        self.url = url
        self.headers = self.poster.headers
        self.body_template = body_template
        try:  # fail at start-up, not at the first outage notice
            json.loads(self.render("13800000000", '测试 "quoted" \\ {phone}\n'))
        except ValueError as error:
            raise ValueError(f"SMS body template is not JSON once filled in: {error}") from error

    def render(self, phone: str, body: str) -> str:
        """The request body for one message (one pass: a text holding ``{phone}`` stays)."""
        return fill_template(self.body_template, {"phone": phone, "text": body})

    def send(self, phone: str, body: str) -> None:
        """POST the message; raise `DeliveryError` unless the gateway answers OK."""
        self.poster.post(self.render(phone, body))


@dataclass(frozen=True)
class SentSms:
    """One message a `RecordingSender` accepted."""

    phone: str
    body: str


class RecordingSender:
    """The fake sender: keeps what it accepted; `fail_with` makes the next sends fail."""

    def __init__(self) -> None:
        self.sent: list[SentSms] = []
        self.attempts = 0
        self._failures: list[DeliveryError] = []
        self._lock = threading.Lock()

    def fail_with(self, error: DeliveryError, times: int = 1) -> None:
        """Raise `error` on the next `times` sends (queued after earlier failures)."""
        with self._lock:
            self._failures.extend([error] * times)

    def send(self, phone: str, body: str) -> None:
        """Record the message, or raise the next queued failure."""
        with self._lock:
            self.attempts += 1
            if self._failures:
                raise self._failures.pop(0)
            self.sent.append(SentSms(phone, body))


def make_sender(
    kind: str,
    *,
    log_path: Path,
    http_url: str | None = None,
    http_headers: str | None = None,
    http_template: str | None = None,
    http_timeout_s: float = 10.0,
    clock: Clock | None = None,
) -> SmsSender:
    """The sender a hub's settings name: ``log`` (default) or ``http``."""

    def log() -> SmsSender:
        return LogSender(log_path, clock=clock)

    def http(url: str, template: str) -> SmsSender:
        headers = parse_headers(http_headers)
        return HttpGatewaySender(
            url, headers=headers, body_template=template, timeout_s=http_timeout_s
        )

    return log_or_http(
        kind, "sms_sender", log=log, http=http, http_url=http_url, http_template=http_template
    )
