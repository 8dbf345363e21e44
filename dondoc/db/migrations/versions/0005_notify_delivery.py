"""notify delivery: outbox states and contacts

Revision ID: 0005_notify
Revises: 0003
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dondoc.db.models

revision: str = "0005_notify"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = dondoc.db.models.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="pending")
        )
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_try_at", WHEN(timezone=True), nullable=True))
        batch.add_column(sa.Column("expires_at", WHEN(timezone=True), nullable=True))
        batch.add_column(sa.Column("lease_until", WHEN(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch.add_column(sa.Column("done_channels", sa.JSON(), nullable=True))
    # Rows written before delivery existed were logged when recorded: they are sent.
    op.execute("UPDATE notifications SET state = 'sent' WHERE sent_at IS NOT NULL")
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("emails", sa.JSON(), nullable=True))
    op.create_index("ix_notifications_due", "notifications", ["state", "next_try_at"])
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("webhook_secret", sa.String(length=200), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("updated_at", WHEN(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("unit_code", name=op.f("uq_contacts_unit_code")),
    )


def downgrade() -> None:
    op.drop_table("contacts")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("emails")
    op.drop_index("ix_notifications_due", table_name="notifications")
    with op.batch_alter_table("notifications") as batch:
        for name in (
            "done_channels",
            "answer",
            "last_error",
            "lease_until",
            "expires_at",
            "next_try_at",
            "attempts",
            "state",
        ):
            batch.drop_column(name)
