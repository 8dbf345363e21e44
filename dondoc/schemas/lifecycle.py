"""The task-item lifecycle actions (QĐ 42/2014, QĐ 23/2018): one Update input each, and results."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, StrictBool

from dondoc.schemas import Frozen
from dondoc.schemas.status import ItemStatus
from dondoc.schemas.text import Code, Reason, Text, Username


class ActionKind(StrEnum):
    RECEIPT = "receipt"
    REFUSAL = "refusal"
    REFUSAL_OVERRULED = "refusal_overruled"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REJECTED = "extension_rejected"
    REASSIGNED = "reassigned"
    RECALLED = "recalled"
    REVIEW_SUBMITTED = "review_submitted"
    REVIEW_ACCEPTED = "review_accepted"
    REVIEW_RETURNED = "review_returned"
    EXPLANATION_REQUESTED = "explanation_requested"
    EXPLANATION_ANSWERED = "explanation_answered"
    EXPLANATION_DECIDED = "explanation_decided"
    EXPLANATION_OVERDUE = "explanation_overdue"
    RECEIPT_REMINDER = "receipt_reminder"
    RECEIPT_ESCALATION = "receipt_escalation"
    MILESTONE_REACHED = "milestone_reached"
    PERIOD_CUTOFF = "period_cutoff"
    PERIOD_MISSED = "period_missed"


class AckInput(Frozen):
    """`acknowledge`: a unit confirms it has received the assignment (tiếp nhận)."""

    unit: Code
    by: Username | None = None  # the signed-in user who acted (web), if any


class RefuseInput(Frozen):
    """`refuse`: a unit declines its assignment, with a reason (từ chối)."""

    unit: Code
    reason: Reason
    by: Username | None = None  # the signed-in user who acted (web), if any


class RefusalDecisionInput(Frozen):
    """`decide_refusal`: the committee overrules a refusal or reassigns to another unit."""

    actor: Code
    unit: Code
    decision: Literal["overrule", "reassign"]
    new_unit: Code | None = None
    reason: Text | None = None
    by: Username | None = None  # the signed-in user who acted (web), if any


class ExtensionRequestInput(Frozen):
    """`request_extension`: a lead unit asks for a later deadline (gia hạn)."""

    unit: Code
    new_due: datetime
    reason: Reason
    by: Username | None = None  # the signed-in user who acted (web), if any


class ExtensionDecisionInput(Frozen):
    """`decide_extension`: the committee approves (possibly another date) or rejects."""

    actor: Code
    approve: StrictBool
    new_due: datetime | None = None
    reason: Text | None = None
    by: Username | None = None  # the signed-in user who acted (web), if any


class ReassignInput(Frozen):
    """`reassign`: the committee changes lead and/or support units."""

    actor: Code
    lead: list[Code] | None = None
    support: list[Code] | None = None
    reason: Reason
    by: Username | None = None  # the signed-in user who acted (web), if any


class RecallInput(Frozen):
    """`recall`: the committee withdraws the item (thu hồi); it stops for good."""

    actor: Code
    reason: Reason
    by: Username | None = None  # the signed-in user who acted (web), if any


class ReviewInput(Frozen):
    """`review`: the committee accepts (đạt) or returns (chưa đạt) a submitted item."""

    actor: Code
    accepted: StrictBool
    reason: Text | None = None
    new_due: datetime | None = None
    by: Username | None = None  # the signed-in user who acted (web), if any


class ExplanationRequestInput(Frozen):
    """`request_explanation`: the committee asks the lead units of an overdue item (giải trình)."""

    actor: Code
    due: datetime
    reason: Text | None = None
    by: Username | None = None  # the signed-in user who acted (web), if any


class ExplanationInput(Frozen):
    """`explain`: a lead unit answers the explanation request."""

    unit: Code
    text: Reason
    by: Username | None = None  # the signed-in user who acted (web), if any


class ExplanationDecisionInput(Frozen):
    """`decide_explanation`: the committee's decision after an explanation."""

    actor: Code
    decision: Literal["extend", "reassign", "recall", "note"]
    new_due: datetime | None = None
    lead: list[Code] | None = None
    reason: Text | None = None
    by: Username | None = None  # the signed-in user who acted (web), if any


ActionInput = (
    AckInput
    | RefuseInput
    | RefusalDecisionInput
    | ExtensionRequestInput
    | ExtensionDecisionInput
    | ReassignInput
    | RecallInput
    | ReviewInput
    | ExplanationRequestInput
    | ExplanationInput
    | ExplanationDecisionInput
)
"""The input of any lifecycle action (one Update on the item workflow each)."""


class ActionResult(Frozen):
    item_status: ItemStatus
    message: str


class DeadlineChange(Frozen):
    seq: int
    due: datetime
    at: datetime
    reason: str


class ExtensionRequest(Frozen):
    unit: str
    new_due: datetime
    reason: str
    at: datetime


class Explanation(Frozen):
    requested_at: datetime
    due: datetime
    reason: str | None = None
    answers: dict[str, str] = Field(default_factory=dict)
    decision: str | None = None
    overdue_notified: bool = False


class ActionLog(Frozen):
    kind: ActionKind
    at: datetime
    actor: str
    unit: str | None = None
    reason: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    by: str | None = None  # the signed-in user, when a person acted through the web
