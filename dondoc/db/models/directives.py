"""Directives, their units and items, and everything done about an item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dondoc.db.models.base import Base, UTCDateTime


class Directive(Base):
    __tablename__ = "directives"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    committee: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    calendar: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    workflow_id: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(32), default="in_progress")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    units: Mapped[list[Unit]] = relationship(
        back_populates="directive", cascade="all, delete-orphan"
    )
    items: Mapped[list[Item]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="Item.position"
    )


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("directive_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    # The directive's own addresses for this unit (`units: - {…, email: […]}`, migration 0005).
    emails: Mapped[list[str] | None] = mapped_column(JSON)

    directive: Mapped[Directive] = relationship(back_populates="units")


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("directive_id", "number"),
        # Supervisor lists: open items by deadline.
        Index("ix_items_open_due", "completed_at", "due"),
        # The overdue list's page: open items in (due, id) order, so `LIMIT 50` reads 50 entries
        # of this index on either backend instead of sorting the whole backlog.
        Index(
            "ix_items_open_due_id",
            "due",
            "id",
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    workflow_id: Mapped[str] = mapped_column(String(500))
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime())
    escalate_every_s: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), default="in_progress")
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Lifecycle and time model (migration 0002).
    due_soon_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    support_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    extras: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    deadline_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extensions_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    directive: Mapped[Directive] = relationship(back_populates="items")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Assignment.id"
    )


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("item_id", "unit_code"),
        Index("ix_assignments_unit_code", "unit_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    unit_code: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(default=False)
    last_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True, server_default="1")

    item: Mapped[Item] = relationship(back_populates="assignments")


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("item_id", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(String(64))
    progress: Mapped[int] = mapped_column(Integer)
    done: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16), default="update")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[str | None] = mapped_column(String(64))  # signed-in user (0006_web)


class Reminder(Base):
    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    unit_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Escalation(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    to_unit: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Action(Base):
    """A lifecycle action on an item: receipt, refusal, extension, review, explanation, recall…"""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[str | None] = mapped_column(String(64))  # signed-in user (0006_web)
