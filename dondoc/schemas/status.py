"""Statuses and roles: the vocabulary shared by every schema."""

from __future__ import annotations

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
