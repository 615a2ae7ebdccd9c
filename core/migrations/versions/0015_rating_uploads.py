"""rating_uploads: the outbox of ratings for the bureau's platform (好差评 upload)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.adapters.orm.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    moment = core.adapters.orm.base.UTCDateTime
    op.create_table(
        "rating_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", moment(), nullable=False),
        sa.Column("created_at", moment(), nullable=False),
        sa.Column("sent_at", moment(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"]),
        sa.ForeignKeyConstraint(["rating_id"], ["ratings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rating_uploads_due", "rating_uploads", ["state", "next_attempt_at"])
    op.create_index("ix_rating_uploads_rating_id", "rating_uploads", ["rating_id"])


def downgrade() -> None:
    op.drop_table("rating_uploads")
