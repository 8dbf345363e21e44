"""Statuses and roles: the vocabulary shared by every schema."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class ItemStatus(StrEnum):
    NOT_RECEIVED = "not_received"
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    AWAITING_REVIEW = "awaiting_review"
    REFUSED = "refused"
    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    RECALLED = "recalled"

    @property
    def closed(self) -> bool:
        return self in (
            ItemStatus.COMPLETED_ON_TIME,
            ItemStatus.COMPLETED_LATE,
            ItemStatus.RECALLED,
        )

    @property
    def completed(self) -> bool:
        return self in (ItemStatus.COMPLETED_ON_TIME, ItemStatus.COMPLETED_LATE)


class DirectiveStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Role(StrEnum):
    LEAD = "lead"
    SUPPORT = "support"


def derive_status(
    phase: ItemStatus,
    now: datetime,
    due: datetime,
    *,
    due_soon_at: datetime | None = None,
    lead_refused: bool = False,
    lead_unreceived: bool = False,
) -> ItemStatus:
    """The status people see: the workflow's phase, refined by the clock and the units.

    Completed, recalled and awaiting-review items keep their phase; an open item is refused while a
    lead's refusal awaits the committee, overdue past its deadline, not yet received while a lead
    has not acknowledged it, due soon from `due_soon_at`, and otherwise in progress.
    """
    if phase not in (ItemStatus.IN_PROGRESS, ItemStatus.OVERDUE):
        return phase
    if lead_refused:
        return ItemStatus.REFUSED
    if now > due:
        return ItemStatus.OVERDUE
    if lead_unreceived:
        return ItemStatus.NOT_RECEIVED
    if due_soon_at is not None and now >= due_soon_at:
        return ItemStatus.DUE_SOON
    return ItemStatus.IN_PROGRESS
