"""The notification outbox and the units' contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from dondoc.db.models.base import Base, UTCDateTime


class Notification(Base):
    """The outbox: one row per message to a unit; channels deliver rows and stamp `sent_at`."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_unsent", "sent_at"),
        Index("ix_notifications_due", "state", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    directive_code: Mapped[str] = mapped_column(String(200))
    item_number: Mapped[str | None] = mapped_column(String(32))
    unit_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    channel: Mapped[str] = mapped_column(String(32), default="log")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Delivery (migration 0005): the row is the record; delivery is at-least-once with the id
    # as idempotency key. `state`: pending, sent, retrying, failed, undeliverable.
    state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # then `failed`
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a sender holds it
    last_error: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)  # the channels' answers, once sent
    done_channels: Mapped[list[str] | None] = mapped_column(JSON)  # a retry skips these


class Contact(Base):
    """Where a unit's messages go, site-wide (unit codes are the same across directives)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(64), unique=True)
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
