"""The decisions the item workflow's handlers and timers make, pure: what changes in the item's
state, what is recorded and whom it tells. The workflow carries the results out (activities);
nothing here awaits, so every decision is testable without Temporal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dondoc.schemas.actions import AssignmentChange
from dondoc.schemas.lifecycle import (
    ActionKind,
    DeadlineChange,
    Explanation,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionRequest,
    ExtensionRequestInput,
    ReassignInput,
    RefusalDecisionInput,
    RefuseInput,
)
from dondoc.schemas.messages import (
    ItemStatus,
    ReportInput,
    ReportResult,
    Role,
    Schedule,
    UnitProgress,
)
from dondoc.workflows.item_rules import reassigned
from dondoc.workflows.item_state import Book

SYSTEM = "dondoc"  # the actor of what the clock does


@dataclass(frozen=True)
class Remind:
    """Remind these units; `kind` names the deadline (`due`, `due-1`, `milestone-0`, …)."""

    units: list[str]
    kind: str


@dataclass(frozen=True)
class Act:
    """Record one action in the item's log and the database, and notify `notify`."""

    kind: ActionKind
    actor: str
    unit: str | None = None
    reason: str | None = None
    notify: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    key: str | None = None  # a timer's key; else the action's position in the log
    changes: dict[str, Any] = field(default_factory=dict)  # RecordActionInput's other fields
    by: str | None = None  # the signed-in user (web) on whose behalf the unit acted


Step = Remind | Act


# -- reports and receipt -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportStep:
    result: ReportResult
    first_receipt: bool  # the report is also the unit's receipt
    submitted_for_review: bool


def apply_report(b: Book, inp: ReportInput, now: datetime, report_id: str) -> ReportStep:
    """A unit's report (already checked): its progress, and the item's close or submission."""
    before = b.get(inp.unit)
    b.set_unit(
        inp.unit,
        progress=inp.progress,
        done=inp.is_done,
        last_report_at=now,
        received_at=before.received_at or now,
    )
    submitted = all(u.done for u in b.leads())
    if submitted and b.spec.review:
        b.status, b.submitted_at = ItemStatus.AWAITING_REVIEW, now
    elif submitted:
        b.completed_at = now
        on_time = now <= b.spec.due
        b.status = ItemStatus.COMPLETED_ON_TIME if on_time else ItemStatus.COMPLETED_LATE
    result = ReportResult(
        report_id=report_id,
        unit=inp.unit,
        progress=inp.progress,
        done=inp.is_done,
        item_status=b.status,
    )
    b.seen_reports[report_id] = result
    return ReportStep(
        result=result,
        first_receipt=before.received_at is None,
        submitted_for_review=b.status == ItemStatus.AWAITING_REVIEW,
    )


def receive(b: Book, unit: str, now: datetime) -> list[AssignmentChange]:
    """The unit's receipt (tiếp nhận), if it had not yet acknowledged: the change to record."""
    if b.get(unit).received_at is not None:
        return []
    b.set_unit(unit, received_at=now)
    return [AssignmentChange(unit=unit, received_at=now)]


def refuse(b: Book, inp: RefuseInput, now: datetime) -> Act:
    b.set_unit(inp.unit, refused_at=now, refusal_reason=inp.reason)
    change = AssignmentChange(unit=inp.unit, refused=True, refusal_reason=inp.reason)
    return Act(
        ActionKind.REFUSAL,
        inp.unit,
        unit=inp.unit,
        reason=inp.reason,
        notify=[b.spec.committee],
        changes={"assignments": [change]},
        by=inp.by,
    )


def overrule_refusal(b: Book, inp: RefusalDecisionInput) -> Act:
    b.set_unit(inp.unit, refused_at=None, refusal_reason=None)
    return Act(
        ActionKind.REFUSAL_OVERRULED,
        inp.actor,
        unit=inp.unit,
        reason=inp.reason,
        notify=[inp.unit],
        changes={"assignments": [AssignmentChange(unit=inp.unit, refused=False)]},
        by=inp.by,
    )


def refusal_reassignment(b: Book, inp: RefusalDecisionInput) -> ReassignInput:
    """The refusing unit's role given to `new_unit`, every other unit kept as it is."""
    assert inp.new_unit is not None
    swap = {inp.unit: inp.new_unit}
    return ReassignInput(
        actor=inp.actor,
        lead=[swap.get(u.code, u.code) for u in b.leads()],
        support=[swap.get(u.code, u.code) for u in b.supports()],
        reason=inp.reason or f"{inp.unit} từ chối",
        by=inp.by,
    )


def reassign(b: Book, inp: ReassignInput) -> Act:
    """The new set of units: kept ones keep their progress; removed and added ones are told."""
    lead, support = reassigned(b, inp)
    roles = dict.fromkeys(lead, Role.LEAD) | dict.fromkeys(support, Role.SUPPORT)
    removed = [c for c in b.codes() if c not in roles]
    added = [c for c in roles if b.unit(c) is None]
    changes = [AssignmentChange(unit=c, remove=True) for c in removed]
    refused = {u.code for u in b.units if u.refused_at is not None}
    changes += [
        AssignmentChange(unit=c, add_as=r, refused=False if c in refused else None)
        for c, r in roles.items()
        if c not in removed
    ]
    units: list[UnitProgress] = []
    for code, role in roles.items():
        kept = b.unit(code)
        units.append(
            kept.model_copy(update={"role": role, "refused_at": None, "refusal_reason": None})
            if kept
            else UnitProgress(code=code, role=role)
        )
    b.units = units
    told = [f"thôi giao {c}" for c in removed] + [f"giao {c}" for c in added]
    return Act(
        ActionKind.REASSIGNED,
        inp.actor,
        reason=inp.reason,
        notify=removed + added,
        data={"changes": "; ".join(told) or "đổi vai trò", "lead": lead, "support": support},
        changes={"assignments": changes},
        by=inp.by,
    )


# -- deadlines -----------------------------------------------------------------------------------


def request_extension(b: Book, inp: ExtensionRequestInput, now: datetime) -> Act:
    b.pending_extension = ExtensionRequest(
        unit=inp.unit, new_due=inp.new_due, reason=inp.reason, at=now
    )
    return Act(
        ActionKind.EXTENSION_REQUESTED,
        inp.unit,
        unit=inp.unit,
        reason=inp.reason,
        notify=[b.spec.committee],
        data={"new_due": inp.new_due.isoformat()},
        by=inp.by,
    )


def move_deadline(
    b: Book,
    due: datetime,
    schedule: Schedule,
    kind: ActionKind,
    actor: str,
    reason: str | None,
    now: datetime,
    by: str | None = None,
) -> Act:
    """The deadline moved (extension, returned review, decision): every timer re-armed from it."""
    b.deadline_seq += 1
    b.spec = b.spec.with_schedule(schedule)
    b.deadlines.append(DeadlineChange(seq=b.deadline_seq, due=due, at=now, reason=reason or ""))
    b.reminded = False
    if b.status == ItemStatus.OVERDUE:
        b.status = ItemStatus.IN_PROGRESS
    return Act(
        kind,
        actor,
        reason=reason,
        notify=b.codes(),
        data={"new_due": due.isoformat()},
        changes={
            "schedule": schedule,
            "deadline_seq": b.deadline_seq,
            "extensions_used": b.extensions_used,
            "status": b.status,
        },
        by=by,
    )


def request_explanation(b: Book, inp: ExplanationRequestInput, now: datetime) -> Act:
    b.explanation = Explanation(requested_at=now, due=inp.due, reason=inp.reason)
    return Act(
        ActionKind.EXPLANATION_REQUESTED,
        inp.actor,
        reason=inp.reason,
        notify=[u.code for u in b.leads()],
        data={"due": inp.due.isoformat()},
        by=inp.by,
    )


def explain(b: Book, inp: ExplanationInput) -> Act:
    assert b.explanation is not None
    answers = {**b.explanation.answers, inp.unit: inp.text}
    b.explanation = b.explanation.model_copy(update={"answers": answers})
    return Act(
        ActionKind.EXPLANATION_ANSWERED,
        inp.unit,
        unit=inp.unit,
        reason=inp.text,
        notify=[b.spec.committee],
        by=inp.by,
    )
