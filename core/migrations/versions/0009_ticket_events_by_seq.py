"""ticket_events: an index on (hall_id, seq), to catch up with another hub process

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ticket_events_hall_seq", "ticket_events", ["hall_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_ticket_events_hall_seq", table_name="ticket_events")
