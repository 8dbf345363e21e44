"""Inputs, results, signals, updates and queries of the directive and task-item workflows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from dondoc.schemas import Frozen, Kept
from dondoc.schemas.lifecycle import ActionLog, DeadlineChange, Explanation, ExtensionRequest
from dondoc.schemas.status import DirectiveStatus, ItemStatus, Role
from dondoc.schemas.text import Code, Storable, Text, Username

__all__ = ["DirectiveStatus", "ItemStatus", "Role"]


class Milestone(Kept):
    """A dated checkpoint in an item: units reminded before it, the committee told at it."""

    title: str
    due: datetime
    remind_at: datetime


class Period(Kept):
    """One reporting period: data cut-off, then the report due (Decree 09/2019/NĐ-CP)."""

    n: int
    cutoff: datetime
    due: datetime


class Schedule(Kept):
    """Every instant that follows from a deadline; recomputed when the deadline moves."""

    due: datetime
    remind_at: datetime
    due_soon_at: datetime | None = None
    support_due: datetime | None = None
    support_remind_at: datetime | None = None
    escalation_ladder: list[datetime] = Field(default_factory=list)


class ItemSpec(Schedule):
    """What a task-item workflow is started with: small, and every instant already in UTC.

    Its schedule (the deadline and every instant that follows from it) is `Schedule`'s fields,
    inherited, so the payload stays flat as recorded histories have it.
    """

    directive_code: str
    number: str
    title: str
    committee: str
    lead: list[str]
    support: list[str] = Field(default_factory=list)
    escalate_every: timedelta
    # Lifecycle (later fields default so that histories recorded before them still decode).
    receipt_remind_at: datetime | None = None
    receipt_escalate_at: datetime | None = None
    review: bool = False
    max_extensions: int = 2
    known_units: list[str] = Field(default_factory=list)  # the directive's unit registry
    milestones: list[Milestone] = Field(default_factory=list)
    periods: list[Period] = Field(default_factory=list)

    def with_schedule(self, s: Schedule) -> ItemSpec:
        return self.model_copy(update=dict(s))


class UnitProgress(Kept):
    code: str
    role: Role
    progress: int = 0
    done: bool = False
    last_report_at: datetime | None = None
    reminded_at: datetime | None = None
    received_at: datetime | None = None
    refused_at: datetime | None = None
    refusal_reason: str | None = None


class Escalation(Kept):
    level: int
    at: datetime
    seq: int = 0  # which deadline (0 = the original, 1 = after the first extension, …)


class ItemState(BaseModel):
    """The task item's state, defined once: the workflow's live state (mutated in place by
    its run loop and handlers), the payload continue-as-new carries (`ItemInput.carried`), and,
    with `status` shown as of now, the `state` query's answer.

    `status` is the phase the workflow decided (in_progress, overdue, awaiting_review, closed);
    the query shows the status that follows from it and the clock. `spec` is the item as
    currently in force: extensions and reassignments are applied to it. New fields get defaults,
    so payloads recorded before them still decode.
    """

    model_config = ConfigDict(extra="forbid")

    spec: ItemSpec
    status: ItemStatus = ItemStatus.IN_PROGRESS
    assigned: bool = False
    reminded: bool = False
    units: list[UnitProgress]
    escalations: list[Escalation] = Field(default_factory=list)
    completed_at: datetime | None = None
    seen_reports: dict[str, ReportResult] = Field(default_factory=dict)
    deadline_seq: int = 0
    deadlines: list[DeadlineChange] = Field(default_factory=list)
    extensions_used: int = 0
    pending_extension: ExtensionRequest | None = None
    submitted_at: datetime | None = None
    explanation: Explanation | None = None
    recall_reason: str | None = None
    fired: list[str] = Field(default_factory=list)
    actions: list[ActionLog] = Field(default_factory=list)

    def unit(self, code: str) -> UnitProgress | None:
        return next((u for u in self.units if u.code == code), None)


class ItemInput(Kept):
    spec: ItemSpec
    carried: ItemState | None = None
    # The directive records the assignment for a page of items at once; the item need not.
    assigned: bool = False


class ItemResult(Frozen):
    number: str
    status: ItemStatus
    completed_at: datetime


Note = Text

# Strict: "5" and 6.0 are not a progress, "yes" is not done (as JSON from the stock `temporal`
# CLI, {"unit": "KHOI_VAN", "progress": 80} is all these types and stays valid).
ReportId = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=200), Storable]


class ReportInput(Frozen):
    """The `report` update: `{unit, progress, note?, done?, report_id?}` as plain JSON."""

    unit: Code
    progress: StrictInt = 0
    note: Note | None = None
    done: StrictBool = False
    report_id: ReportId | None = None
    by: Username | None = None  # the signed-in user who reported (web), if any

    @model_validator(mode="before")
    @classmethod
    def _done_means_complete(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("done") is True:
            return {**data, "progress": 100}
        return data

    @property
    def is_done(self) -> bool:
        return self.done or self.progress == 100


class ReportResult(Kept):
    report_id: str
    unit: str
    progress: int
    done: bool
    item_status: ItemStatus
    duplicate: bool = False


class CompleteInput(Frozen):
    """The `complete` signal: a unit is done, for channels that cannot wait for an answer."""

    unit: Code
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
    window: int = Field(default=500, ge=1)  # item workflows started per run before continue-as-new
    page_size: int = Field(default=100, ge=1)


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
