"""Uploaders of ratings to the bureau's 好差评 platform: the one outside thing
`core.hub.uploads` talks to. Like the SMS senders, each has one method, ``upload(body)``
(the rating as a JSON object), which returns once it is handed over and raises
`DeliveryError` otherwise; the dispatcher owns retries and back-off.

- `LogUploader` (the default): one JSON line per rating in ``var/ratings-upload.log``,
  fsynced — a hall not yet connected to the platform still keeps what would be sent.
- `HttpUploader`: a POST of a JSON body built from a template, ``{rating}`` being the
  rating's JSON object, e.g. ``{"appId": "hall-0101", "evaluation": {rating}}``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from core.adapters.clock import Clock, SystemClock
from core.adapters.delivery import (
    JsonPoster,
    append_line,
    fill_template,
    log_or_http,
    parse_headers,
)


class Uploader(Protocol):
    """Hands one rating to the platform."""

    def upload(self, body: str) -> None:
        """Return once `body` is handed over; raise `DeliveryError` if not."""
        ...


class LogUploader:
    """Appends each rating as a JSON line (at, rating) to a file, fsynced."""

    def __init__(self, path: Path, *, clock: Clock | None = None) -> None:
        self.path = path
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()

    def upload(self, body: str) -> None:
        """Append the rating; a disk error is retryable (the disk may come back)."""
        record = {"at": self.clock.now().isoformat(), "rating": json.loads(body)}
        append_line(self.path, self._lock, record)


class HttpUploader:
    """POSTs each rating to the platform's HTTP API, in the body the template makes."""

    def __init__(
        self, url: str, *, headers: Mapping[str, str], body_template: str, timeout_s: float
    ) -> None:
        self.poster = JsonPoster(url, headers=headers, timeout_s=timeout_s, what="platform")
        self.body_template = body_template
        try:  # fail at start-up, not at the first rating
            json.loads(self.render('{"number": "C001", "text": "{rating}"}'))
        except ValueError as error:
            raise ValueError(f"upload body template is not JSON once filled in: {error}") from error

    def render(self, body: str) -> str:
        """The request body for one rating."""
        return fill_template(self.body_template, {}, {"rating": body})

    def upload(self, body: str) -> None:
        """POST the rating; raise `DeliveryError` unless the platform answers OK."""
        self.poster.post(self.render(body))


def make_uploader(
    kind: str,
    *,
    log_path: Path,
    http_url: str | None = None,
    http_headers: str | None = None,
    http_template: str | None = None,
    http_timeout_s: float = 10.0,
    clock: Clock | None = None,
) -> Uploader:
    """The uploader a hub's settings name: ``log`` (default) or ``http``."""

    def log() -> Uploader:
        return LogUploader(log_path, clock=clock)

    def http(url: str, template: str) -> Uploader:
        headers = parse_headers(http_headers, "platform")
        return HttpUploader(url, headers=headers, body_template=template, timeout_s=http_timeout_s)

    return log_or_http(
        kind, "upload_sender", log=log, http=http, http_url=http_url, http_template=http_template
    )
