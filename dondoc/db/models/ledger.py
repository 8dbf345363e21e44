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
    Text,
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


class StandingSegment(Base):
    """What the ledger says of one item over [since, until): its reporting category at or before
    the deadline in force then and past it, the days that count, and its active units with their
    roles (migration 0007). Rebuilt from the item's ledger in the transaction that appends to it
    (`db/standing.py`), so a cut-off reads one row per item from one range.

    Clustered on SQLite (no rowid) by `until`: the rows in force at T are one range.
    """

    __tablename__ = "standing"
    __table_args__ = (
        Index("ix_standing_directive", "directive_id", "until"),
        Index("ix_standing_item", "item_id"),  # one item's rebuild
        {"sqlite_with_rowid": False},
    )

    until: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)  # FOREVER if open
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    directive_id: Mapped[int] = mapped_column(Integer)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    due_day: Mapped[int] = mapped_column(Integer)  # date.toordinal() in the directive's timezone
    before: Mapped[str] = mapped_column(String(24))  # the category at or before `due`
    after: Mapped[str] = mapped_column(String(24))  # the category past `due`
    done_day: Mapped[int | None] = mapped_column(Integer)  # a late completion's counted day
    closed_day: Mapped[int | None] = mapped_column(Integer)  # completed or recalled on
    # The active units, JSON [[code, role], …] sorted: items sharing their units are counted
    # together, the summary per unit expands the few groups.
    units: Mapped[str] = mapped_column(Text)
    # Its status (`ItemStatus`) before `soon`, from `soon` to `due`, past `due`: a paged
    # `status --as-of` counts and orders every item from these, and folds only its page.
    soon: Mapped[datetime | None] = mapped_column(UTCDateTime())
    early: Mapped[str] = mapped_column(String(24))
    near: Mapped[str] = mapped_column(String(24))
    late: Mapped[str] = mapped_column(String(24))
