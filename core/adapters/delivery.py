"""What the outboxes' senders share (`core.hub.outbox`): the error that says whether a
later try can help, and a JSON POST to an outside HTTP API (an SMS gateway, the bureau's
rating platform).

Senders block (network or disk) and must never be called inside a database transaction;
under eventlet the sockets used here are green.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar

RETRYABLE_STATUSES = frozenset({408, 425, 429})
"""4xx answers that mean "not now" rather than "never" (besides every 5xx)."""

T = TypeVar("T")


class DeliveryError(Exception):
    """Something was not handed over; `retryable` says whether a later try can help."""

    def __init__(self, retryable: bool, reason: str) -> None:
        super().__init__(reason)
        self.retryable = retryable
        self.reason = reason


class JsonPoster:
    """POSTs JSON bodies to one URL. 5xx answers, 408/425/429, timeouts and connection
    errors are retryable; other answers outside `ok_statuses` are not. Environment proxies
    are not used: the URL is configured explicitly, and a hub's environment should not
    silently reroute taxpayers' data."""

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str],
        timeout_s: float,
        ok_statuses: Collection[int] = (200, 201, 202),
        what: str = "server",
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"the {what} URL must be http(s): {url!r}")
        self.url = url
        self.headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        self.timeout_s = timeout_s
        self.ok_statuses = frozenset(ok_statuses)
        self.what = what
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def post(self, body: str) -> None:
        """POST `body`; raise `DeliveryError` unless the server answers OK."""
        request = urllib.request.Request(
            self.url, data=body.encode("utf-8"), headers=self.headers, method="POST"
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
            raise DeliveryError(True, f"{self.what} unreachable: {_describe(error)}") from error
        if status in self.ok_statuses:
            return
        retryable = status >= 500 or status in RETRYABLE_STATUSES
        raise DeliveryError(retryable, f"{self.what} answered HTTP {status}")


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and not isinstance(error.reason, str):
        error = error.reason
    return f"{type(error).__name__}: {error}"


def fill_template(
    template: str, values: Mapping[str, str], raw: Mapping[str, str] | None = None
) -> str:
    """A JSON body from a template, in one pass: ``{name}`` of `values` becomes the
    JSON-escaped value without quotes (it goes inside the template's own quotes); ``{name}``
    of `raw` is put in as it is (a JSON value of its own); a value holding ``{…}`` stays."""
    raw = raw or {}
    names = "|".join(re.escape(name) for name in [*values, *raw])

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return raw[name] if name in raw else json.dumps(values[name], ensure_ascii=False)[1:-1]

    return re.sub(rf"\{{({names})\}}", value, template)


def parse_headers(text: str | None, what: str = "gateway") -> dict[str, str]:
    """Headers from a JSON object in a setting, e.g. ``{"Authorization": "Bearer …"}``."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ValueError(f"the {what} headers must be a JSON object: {error}") from error
    if not isinstance(value, dict) or not all(
        isinstance(name, str) and isinstance(item, str) for name, item in value.items()
    ):
        raise ValueError(f"the {what} headers must be a JSON object of strings")
    return value


def append_line(path: Path, lock: threading.Lock, record: dict[str, Any]) -> None:
    """Append `record` as one JSON line to `path`, fsynced; a disk error is retryable (the
    disk may come back)."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        with lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log_file:
                log_file.write(line + "\n")
                log_file.flush()
                os.fsync(log_file.fileno())
    except OSError as error:
        raise DeliveryError(True, f"cannot write {path}: {error}") from error


def log_or_http(
    kind: str,
    setting: str,
    *,
    log: Callable[[], T],
    http: Callable[[str, str], T],
    http_url: str | None,
    http_template: str | None,
) -> T:
    """What an outbox's hub setting (`setting`, e.g. ``sms_sender``) names: ``log``, the
    default, or ``http``, which needs its URL and body template (`http` is handed them)."""
    prefix = setting.removesuffix("_sender")
    if kind == "log":
        return log()
    if kind == "http":
        if not http_url or not http_template:
            raise ValueError(f"{setting} 'http' needs {prefix}_http_url and {prefix}_http_template")
        return http(http_url, http_template)
    raise ValueError(f"{setting} must be 'log' or 'http', not {kind!r}")
