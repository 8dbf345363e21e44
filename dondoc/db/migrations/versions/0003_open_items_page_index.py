"""open items page index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("completed_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_items_open_due_id",
        "items",
        ["due", "id"],
        unique=False,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_items_open_due_id", table_name="items")
