"""standing: each item's standing over time, from its ledger (the summary at any cut-off)

Revision ID: 0007_standing
Revises: 0004_ledger
Create Date: 2026-12-01 12:40:00

Derived data: the table is filled from the ledger by the same rule that keeps it afterwards
(`dondoc.db.standing.rebuild`), so a database of the previous version gets every item's
segments in the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

import dondoc.db.models
from dondoc.db.standing import rebuild

revision: str = "0007_standing"
down_revision: str | None = "0004_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DT = dondoc.db.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "standing",
        sa.Column("until", UTC_DT, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("since", UTC_DT, nullable=False),
        sa.Column("directive_id", sa.Integer(), nullable=False),
        sa.Column("due", UTC_DT, nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("before", sa.String(length=24), nullable=False),
        sa.Column("after", sa.String(length=24), nullable=False),
        sa.Column("done_day", sa.Integer(), nullable=True),
        sa.Column("closed_day", sa.Integer(), nullable=True),
        sa.Column("units", sa.Text(), nullable=False),
        sa.Column("soon", UTC_DT, nullable=True),
        sa.Column("early", sa.String(length=24), nullable=False),
        sa.Column("near", sa.String(length=24), nullable=False),
        sa.Column("late", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_standing_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("until", "item_id", name=op.f("pk_standing")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_standing_directive", "standing", ["directive_id", "until"])
    op.create_index("ix_standing_item", "standing", ["item_id"])
    with Session(bind=op.get_bind()) as s:
        rebuild(s)
        s.flush()


def downgrade() -> None:
    op.drop_index("ix_standing_item", table_name="standing")
    op.drop_index("ix_standing_directive", table_name="standing")
    op.drop_table("standing")
