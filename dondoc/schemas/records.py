"""Inputs and results of the activities that record what the workflows decide."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from dondoc.schemas import Frozen
from dondoc.schemas.messages import DirectiveStatus, ItemSpec, ItemStatus, ItemStatusChange


class ItemRef(Frozen):
    directive_code: str
    number: str


class LoadItemsInput(Frozen):
    directive_code: str
    offset: int
    limit: int


class ItemPage(Frozen):
    items: list[ItemSpec]


class StartItemsInput(Frozen):
    directive_code: str
    offset: int
    limit: int
    task_queue: str
    # Set: the activity records the page's assignment itself, at this instant, once the items'
    # workflows run (they start with `assigned`). Unset: each item records its own.
    assign_at: datetime | None = None


class StartedItems(Frozen):
    numbers: list[str]


class TellDirectiveInput(Frozen):
    directive_code: str
    change: ItemStatusChange


class RecordAssignmentInput(Frozen):
    item: ItemRef
    at: datetime


class RecordAssignmentsInput(Frozen):
    directive_code: str
    numbers: list[str]
    at: datetime


class RecordReportInput(Frozen):
    item: ItemRef
    report_id: str
    unit: str
    progress: int
    done: bool
    note: str | None = None
    channel: str = "update"
    at: datetime
    received: bool = False  # a report also acknowledges receipt
    closes: ItemStatus | None = None  # this report completes the item: record that too
    tell: TellDirectiveInput | None = None  # and tell the directive (`…_and_tell` activities)
    by: str | None = None  # the signed-in user who reported (web), if any


class SendRemindersInput(Frozen):
    item: ItemRef
    units: list[str] = Field(min_length=1)
    kind: str = "due"
    at: datetime


class RecordEscalationInput(Frozen):
    item: ItemRef
    level: int
    deadline_seq: int = 0
    at: datetime
    tell: TellDirectiveInput | None = None  # the item turned overdue: tell the directive too
    # After downtime the item escalates once, at the level the clock has reached; these are
    # the levels passed over meanwhile, so the committee's message can say so.
    missed_levels: list[int] = Field(default_factory=list)


class RecordItemStatusInput(Frozen):
    item: ItemRef
    status: ItemStatus
    at: datetime


class RecordDirectiveStatusInput(Frozen):
    directive_code: str
    status: DirectiveStatus
    at: datetime
