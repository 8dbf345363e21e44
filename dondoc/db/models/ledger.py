"""The ledger: every event that changes an item's standing, appended, never updated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from dondoc.db.models.base import Base, UTCDateTime


class LedgerEntry(Base):
    """One event that changed an item's standing, with its effective time (migration 0004).

    Appended in the transaction of the write it mirrors and never updated: the as-of read model
    (`db/asof.py`) folds an item's entries up to a cut-off to say what its status was then.
    """

    __tablename__ = "ledger"
    __table_args__ = (
        # One item's history up to a cut-off (status --as-of, exports).
        Index("ix_ledger_item_at", "item_id", "at", "id"),
        # Every item's standing at a cut-off (summary): one range per kind, reports skipped.
        Index("ix_ledger_kind_at", "kind", "at", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit_code: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    seq: Mapped[int | None] = mapped_column(Integer)
    due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    progress: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[bool | None] = mapped_column()
    status: Mapped[str | None] = mapped_column(String(32))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# -- web accounts (migration 0006_web) --------------------------------------------------------
