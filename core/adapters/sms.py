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

import http.client
import json
import os
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core.adapters.clock import Clock, SystemClock

RETRYABLE_STATUSES = frozenset({408, 425, 429})
"""4xx answers that mean "not now" rather than "never" (besides every 5xx)."""

_PLACEHOLDER = re.compile(r"\{(phone|text)\}")


class SmsSendError(Exception):
    """A message was not handed over; `retryable` says whether a later try can help."""

    def __init__(self, retryable: bool, reason: str) -> None:
        super().__init__(reason)
        self.retryable = retryable
        self.reason = reason


class SmsSender(Protocol):
    """Hands one message to whatever delivers it."""

    def send(self, phone: str, body: str) -> None:
        """Return once `body` is handed over for `phone`; raise `SmsSendError` if not."""
        ...


class LogSender:
    """Appends each message as a JSON line (at, phone, body) to a file, fsynced."""

    def __init__(self, path: Path, *, clock: Clock | None = None) -> None:
        self.path = path
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()

    def send(self, phone: str, body: str) -> None:
        """Append the message; a disk error is retryable (the disk may come back)."""
        line = json.dumps(
            {"at": self.clock.now().isoformat(), "phone": phone, "body": body},
            ensure_ascii=False,
        )
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as log_file:
                    log_file.write(line + "\n")
                    log_file.flush()
                    os.fsync(log_file.fileno())
        except OSError as error:
            raise SmsSendError(True, f"cannot write {self.path}: {error}") from error


class HttpGatewaySender:
    """POSTs a JSON body built from `body_template` to an SMS gateway.

    In the template, ``{phone}`` and ``{text}`` are replaced by the JSON-escaped
    values (without quotes, so they go inside the template's own quotes)::

        {"mobile": "{phone}", "content": "{text}", "sign": "办税服务厅"}

    5xx answers, 408/425/429, timeouts and connection errors are retryable;
    other answers outside `ok_statuses` are not. Environment proxies are not
    used: the gateway URL is configured explicitly and a hub's environment
    should not silently reroute taxpayers' phone numbers.
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
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"SMS gateway URL must be http(s): {url!r}")
        self.url = url
        self.headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        self.body_template = body_template
        self.timeout_s = timeout_s
        self.ok_statuses = frozenset(ok_statuses)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:  # fail at start-up, not at the first outage notice
            json.loads(self.render("13800000000", '测试 "quoted" \\ {phone}\n'))
        except ValueError as error:
            raise ValueError(f"SMS body template is not JSON once filled in: {error}") from error

    def render(self, phone: str, body: str) -> str:
        """The request body for one message (one pass: a text holding ``{phone}`` stays)."""
        values = {"phone": phone, "text": body}
        return _PLACEHOLDER.sub(
            lambda match: json.dumps(values[match.group(1)], ensure_ascii=False)[1:-1],
            self.body_template,
        )

    def send(self, phone: str, body: str) -> None:
        """POST the message; raise `SmsSendError` unless the gateway answers OK."""
        request = urllib.request.Request(
            self.url,
            data=self.render(phone, body).encode("utf-8"),
            headers=self.headers,
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                status = int(response.status)
                response.read()
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            # URLError wraps refused connections and DNS failures; OSError covers timeouts.
            raise SmsSendError(True, f"gateway unreachable: {_describe(error)}") from error
        if status in self.ok_statuses:
            return
        retryable = status >= 500 or status in RETRYABLE_STATUSES
        raise SmsSendError(retryable, f"gateway answered HTTP {status}")


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and not isinstance(error.reason, str):
        error = error.reason
    return f"{type(error).__name__}: {error}"


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
        self._failures: list[SmsSendError] = []
        self._lock = threading.Lock()

    def fail_with(self, error: SmsSendError, times: int = 1) -> None:
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


def parse_headers(text: str | None) -> dict[str, str]:
    """Headers from a JSON object in a setting, e.g. ``{"Authorization": "Bearer …"}``."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ValueError(f"SMS gateway headers must be a JSON object: {error}") from error
    if not isinstance(value, dict) or not all(
        isinstance(name, str) and isinstance(item, str) for name, item in value.items()
    ):
        raise ValueError("SMS gateway headers must be a JSON object of strings")
    return value


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
    if kind == "log":
        return LogSender(log_path, clock=clock)
    if kind == "http":
        if not http_url or not http_template:
            raise ValueError("sms_sender 'http' needs sms_http_url and sms_http_template")
        return HttpGatewaySender(
            http_url,
            headers=parse_headers(http_headers),
            body_template=http_template,
            timeout_s=http_timeout_s,
        )
    raise ValueError(f"sms_sender must be 'log' or 'http', not {kind!r}")
