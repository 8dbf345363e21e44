"""What supervisors read: `dondoc status` and `dondoc list`, as tables or JSON."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from dondoc.schemas import Frozen
from dondoc.schemas.lifecycle import ActionLog
from dondoc.schemas.messages import DirectiveStatus, ItemStatus, Role


class UnitView(Frozen):
    code: str
    name: str
    role: Role
    progress: int
    done: bool
    last_report_at: datetime | None = None
    received_at: datetime | None = None
    refused_at: datetime | None = None
    refusal_reason: str | None = None
    due: datetime | None = None  # a support unit's own deadline, when the item sets one
    late: bool = False  # past its own deadline (support) without finishing; never blocks the item


class ReminderView(Frozen):
    unit: str
    at: datetime


class EscalationView(Frozen):
    level: int
    at: datetime
    to: str


class ItemView(Frozen):
    number: str
    title: str
    workflow_id: str
    status: ItemStatus
    due: datetime
    completed_at: datetime | None = None
    units: list[UnitView]
    reminders: list[ReminderView] = Field(default_factory=list)
    escalations: list[EscalationView] = Field(default_factory=list)
    support_due: datetime | None = None
    deadline_seq: int = 0
    extensions_used: int = 0
    actions: list[ActionLog] = Field(default_factory=list)


class DirectiveHeader(Frozen):
    code: str
    title: str
    workflow_id: str
    status: DirectiveStatus
    committee: str
    timezone: str


class DirectiveView(Frozen):
    directive: DirectiveHeader
    items: list[ItemView]  # every item, or one page of them (`limit`), most urgent first
    # Over every item of the directive, whatever the page (added for paging, issue 13).
    total_items: int = 0
    status_counts: dict[ItemStatus, int] = Field(default_factory=dict)
    page: int = 1
    limit: int | None = None  # None: `items` holds every item


class ItemRow(Frozen):
    directive_code: str
    number: str
    title: str
    status: ItemStatus
    due: datetime
    lead: list[str]
    workflow_id: str


class ItemList(Frozen):
    items: list[ItemRow]
    total: int  # rows matching the filter, across all pages
    page: int = 1
    limit: int | None = None
