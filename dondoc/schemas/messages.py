"""Inputs, results, signals, updates and queries of the directive and task-item workflows."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from dondoc.schemas import Frozen


class ItemStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"

    @property
    def closed(self) -> bool:
        return self in (ItemStatus.COMPLETED_ON_TIME, ItemStatus.COMPLETED_LATE)


class DirectiveStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Role(StrEnum):
    LEAD = "lead"
    SUPPORT = "support"


class ItemSpec(Frozen):
    """What a task-item workflow is started with: small, and every instant already in UTC."""

    directive_code: str
    number: str
    title: str
    committee: str
    lead: list[str]
    support: list[str] = Field(default_factory=list)
    due: datetime
    remind_at: datetime
    escalate_every: timedelta


class UnitProgress(Frozen):
    code: str
    role: Role
    progress: int = 0
    done: bool = False
    last_report_at: datetime | None = None
    reminded_at: datetime | None = None


class Escalation(Frozen):
    level: int
    at: datetime


class ItemState(Frozen):
    """The task item's live state: the `state` query's answer and what continue-as-new carries."""

    directive_code: str
    number: str
    status: ItemStatus = ItemStatus.IN_PROGRESS
    due: datetime
    remind_at: datetime
    escalate_every: timedelta
    assigned: bool = False
    reminded: bool = False
    units: list[UnitProgress]
    escalations: list[Escalation] = Field(default_factory=list)
    completed_at: datetime | None = None
    seen_reports: dict[str, ReportResult] = Field(default_factory=dict)

    def unit(self, code: str) -> UnitProgress | None:
        return next((u for u in self.units if u.code == code), None)


class ItemInput(Frozen):
    spec: ItemSpec
    carried: ItemState | None = None


class ItemResult(Frozen):
    number: str
    status: ItemStatus
    completed_at: datetime


Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class ReportInput(Frozen):
    """The `report` update: `{unit, progress, note?, done?, report_id?}` as plain JSON."""

    unit: str
    progress: int = 0
    note: Note | None = None
    done: bool = False
    report_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _done_means_complete(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("done") is True:
            return {**data, "progress": 100}
        return data

    @property
    def is_done(self) -> bool:
        return self.done or self.progress == 100


class ReportResult(Frozen):
    report_id: str
    unit: str
    progress: int
    done: bool
    item_status: ItemStatus
    duplicate: bool = False


class CompleteInput(Frozen):
    """The `complete` signal: a unit is done, for channels that cannot wait for an answer."""

    unit: str
    note: Note | None = None


class ItemStatusChange(Frozen):
    """Sent by an item to its directive on each status transition."""

    number: str
    status: ItemStatus
    at: datetime


class DirectiveInput(Frozen):
    """Small on purpose: items are read from the database a page at a time."""

    code: str
    item_count: int
    next_offset: int = 0
    statuses: dict[str, ItemStatus] = Field(default_factory=dict)


class DirectiveState(Frozen):
    code: str
    status: DirectiveStatus
    item_count: int
    started: int
    items: dict[str, ItemStatus]
    counts: dict[ItemStatus, int]


class DirectiveResult(Frozen):
    code: str
    status: DirectiveStatus
    items: dict[str, ItemStatus]


ItemState.model_rebuild()
