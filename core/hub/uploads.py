"""Uploading ratings to the bureau's platform (好差评), on the outbox mechanism every
outbox shares (`core.hub.outbox`): each rating is queued in the same transaction that
records it, so a network outage delays an upload and never loses one."""

from __future__ import annotations

from core.adapters import orm
from core.adapters.clock import Clock
from core.adapters.db import Database
from core.adapters.upload import Uploader
from core.hub.outbox import Claim, OutboxDispatcher


class UploadDispatcher(OutboxDispatcher):
    """Uploads due ratings through `uploader`, with retries and back-off."""

    table = orm.RatingUpload
    what = "rating upload"

    def __init__(self, db: Database, clock: Clock, uploader: Uploader, **options: object) -> None:
        super().__init__(db, clock, **options)  # type: ignore[arg-type]
        self.uploader = uploader

    def payload(self, row: orm.RatingUpload) -> str:
        return row.body

    def deliver(self, claim: Claim) -> None:
        self.uploader.upload(claim.payload)
