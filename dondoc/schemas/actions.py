"""The record of one lifecycle action, as the item workflow hands it to the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from dondoc.schemas import Frozen
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.messages import ItemStatus, Role, Schedule
from dondoc.schemas.records import ItemRef


class AssignmentChange(Frozen):
    unit: str
    add_as: Role | None = None  # a unit newly assigned (reassignment)
    remove: bool = False
    received_at: datetime | None = None
    refused: bool | None = None  # True: refused; False: refusal cleared
    refusal_reason: str | None = None
    reopen: bool = False  # returned after review: no longer done


class RecordActionInput(Frozen):
    item: ItemRef
    key: str  # the business key: one action, one row, one set of notifications
    kind: ActionKind
    actor: str
    unit: str | None = None
    reason: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    at: datetime
    notify: list[str] = Field(default_factory=list)
    status: ItemStatus | None = None
    schedule: Schedule | None = None
    deadline_seq: int | None = None
    extensions_used: int | None = None
    completed_at: datetime | None = None
    assignments: list[AssignmentChange] = Field(default_factory=list)
    by: str | None = None  # the signed-in user who acted (web), if any


class PlanScheduleInput(Frozen):
    item: ItemRef
    due: datetime
