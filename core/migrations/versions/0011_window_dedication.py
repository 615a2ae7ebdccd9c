"""windows: a duty leader's dedication (专窗, 潮汐窗口): the services it calls instead of
its own, and the last day of it (none: until undone)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("windows") as batch_op:
        batch_op.add_column(sa.Column("dedicated", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("dedicated_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("windows") as batch_op:
        batch_op.drop_column("dedicated_until")
        batch_op.drop_column("dedicated")
