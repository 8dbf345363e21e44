"""The task item's rules, pure and deterministic: the checks its updates make.

Each `*_problem` returns the reason an action is refused, in words, or None. The item workflow
runs them in the update's validator and again in its handler (the validators of every update
arriving in one activation run before any handler body). `now` is `workflow.now()`, passed in.
"""

from __future__ import annotations

from datetime import datetime

from dondoc.schemas.lifecycle import (
    AckInput,
    ExplanationDecisionInput,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
    ReassignInput,
    RecallInput,
    RefusalDecisionInput,
    RefuseInput,
    ReviewInput,
)
from dondoc.schemas.messages import ItemStatus, ReportInput, Role
from dondoc.workflows.item_state import Book


def report_problem(b: Book, inp: ReportInput) -> str | None:
    unit = b.unit(inp.unit)
    if unit is None:
        return f"unit '{inp.unit}' is not assigned to {b.where}"
    if b.status.closed:
        return f"{b.where} is already completed ({b.status.value}); no more reports"
    if b.status == ItemStatus.AWAITING_REVIEW:
        return f"{b.where} awaits the committee's review; no reports until it decides"
    if not 0 <= inp.progress <= 100:
        return f"progress must be between 0 and 100, got {inp.progress}"
    if inp.progress < unit.progress:
        return (
            f"progress {inp.progress}% is lower than {inp.unit}'s last report"
            f" ({unit.progress}%) on {b.where}"
        )
    if unit.done:
        return f"unit '{inp.unit}' has already reported {b.where} done"
    if unit.refused_at:
        return f"unit '{inp.unit}' has refused {b.where}; the committee decides first"
    return None


def _open_problem(b: Book) -> str | None:
    if b.status.closed:
        return f"{b.where} is closed ({b.status.value})"
    return None


def _unit_problem(b: Book, code: str, lead_only: bool = False) -> str | None:
    unit = b.unit(code)
    if unit is None:
        return f"unit '{code}' is not assigned to {b.where}"
    if lead_only and unit.role != Role.LEAD:
        return f"only a lead unit (chủ trì) of {b.where} may do this; '{code}' supports"
    return None


def _committee_problem(b: Book, actor: str, what: str) -> str | None:
    if actor != b.spec.committee:
        return f"only the committee ({b.spec.committee}) may {what}; '{actor}' may not"
    return None


def _known_problem(b: Book, codes: list[str]) -> str | None:
    unknown = [c for c in codes if b.spec.known_units and c not in b.spec.known_units]
    return f"unknown unit code(s): {', '.join(unknown)}" if unknown else None


def _due_problem(b: Book, due: datetime | None, now: datetime, what: str) -> str | None:
    if due is None:
        return f"{what}: a new deadline is required"
    if due <= now:
        return f"{what}: the new deadline must be in the future"
    return None


def ack_problem(b: Book, inp: AckInput) -> str | None:
    return _unit_problem(b, inp.unit) or _open_problem(b)


def refuse_problem(b: Book, inp: RefuseInput) -> str | None:
    problem = _unit_problem(b, inp.unit) or _open_problem(b)
    if problem:
        return problem
    unit = b.get(inp.unit)
    if unit.done:
        return f"unit '{inp.unit}' has already reported {b.where} done"
    if unit.refused_at:
        return f"unit '{inp.unit}' has already refused {b.where}"
    return None


def refusal_decision_problem(b: Book, inp: RefusalDecisionInput) -> str | None:
    problem = _committee_problem(b, inp.actor, "decide on a refusal") or _open_problem(b)
    if problem:
        return problem
    unit = b.unit(inp.unit)
    if unit is None or not unit.refused_at:
        return f"unit '{inp.unit}' has no pending refusal on {b.where}"
    if inp.decision == "reassign":
        if not inp.new_unit:
            return "reassign needs new_unit"
        if b.unit(inp.new_unit) is not None:
            return f"unit '{inp.new_unit}' is already assigned to {b.where}"
        return _known_problem(b, [inp.new_unit])
    return None


def extension_request_problem(b: Book, inp: ExtensionRequestInput, now: datetime) -> str | None:
    problem = _unit_problem(b, inp.unit, lead_only=True) or _open_problem(b)
    if problem:
        return problem
    if b.status == ItemStatus.AWAITING_REVIEW:
        return f"{b.where} awaits review; no extension can be requested"
    if b.pending_extension is not None:
        return f"an extension request by {b.pending_extension.unit} is already pending"
    if b.extensions_used >= b.spec.max_extensions:
        return (
            f"{b.where} has had {b.extensions_used} extension(s), the most allowed"
            f" ({b.spec.max_extensions}); no further request is accepted"
        )
    if inp.new_due <= b.spec.due:
        return "the requested deadline must be later than the current one"
    return _due_problem(b, inp.new_due, now, "extension")


def extension_decision_problem(b: Book, inp: ExtensionDecisionInput, now: datetime) -> str | None:
    problem = _committee_problem(b, inp.actor, "decide on an extension")
    if problem or (problem := _open_problem(b)):
        return problem
    if b.pending_extension is None:
        return f"no extension request is pending on {b.where}"
    if inp.approve:
        return _due_problem(b, inp.new_due or b.pending_extension.new_due, now, "approve")
    if not inp.reason:
        return "a rejection needs a reason"
    return None


def reassign_problem(b: Book, inp: ReassignInput) -> str | None:
    problem = _committee_problem(b, inp.actor, "reassign units") or _open_problem(b)
    if problem:
        return problem
    lead, support = reassigned(b, inp)
    if not lead:
        return "the item needs at least one lead unit"
    both = sorted(set(lead) & set(support))
    if both:
        return f"unit(s) {', '.join(both)} cannot be both lead and support"
    done = [c for c in lead if (u := b.unit(c)) is not None and u.done]
    if len(done) == len(lead):
        # Done units report no more, so such an item would stay open for good.
        return (
            f"every lead unit left ({', '.join(done)}) has already reported {b.where} done:"
            " keep or add a lead that still has work to do, or recall the item"
        )
    return _known_problem(b, lead + support)


def reassigned(b: Book, inp: ReassignInput) -> tuple[list[str], list[str]]:
    lead = inp.lead if inp.lead is not None else [u.code for u in b.leads()]
    support = inp.support if inp.support is not None else [u.code for u in b.supports()]
    return lead, support


def recall_problem(b: Book, inp: RecallInput) -> str | None:
    return _committee_problem(b, inp.actor, "recall an item") or _open_problem(b)


def review_problem(b: Book, inp: ReviewInput, now: datetime) -> str | None:
    problem = _committee_problem(b, inp.actor, "review an item")
    if problem:
        return problem
    if b.status != ItemStatus.AWAITING_REVIEW:
        return f"{b.where} is not awaiting review ({b.status.value})"
    if not inp.accepted:
        if not inp.reason:
            return "returning an item needs a reason"
        return _due_problem(b, inp.new_due, now, "return")
    return None


def explanation_request_problem(b: Book, inp: ExplanationRequestInput, now: datetime) -> str | None:
    problem = _committee_problem(b, inp.actor, "request an explanation")
    if problem or (problem := _open_problem(b)):
        return problem
    if now <= b.spec.due:
        return f"{b.where} is not overdue; an explanation is asked of overdue items"
    if b.explanation is not None and b.explanation.decision is None:
        return f"an explanation is already pending on {b.where}"
    return _due_problem(b, inp.due, now, "explanation")


def explanation_problem(b: Book, inp: ExplanationInput) -> str | None:
    problem = _unit_problem(b, inp.unit, lead_only=True) or _open_problem(b)
    if problem:
        return problem
    if b.explanation is None or b.explanation.decision is not None:
        return f"no explanation is requested on {b.where}"
    if inp.unit in b.explanation.answers:
        return f"unit '{inp.unit}' has already explained"
    return None


def explanation_decision_problem(
    b: Book, inp: ExplanationDecisionInput, now: datetime
) -> str | None:
    problem = _committee_problem(b, inp.actor, "decide after an explanation")
    if problem or (problem := _open_problem(b)):
        return problem
    if b.explanation is None or b.explanation.decision is not None:
        return f"no explanation is pending a decision on {b.where}"
    if inp.decision == "extend":
        return _due_problem(b, inp.new_due, now, "extend")
    if inp.decision == "reassign":
        if not inp.lead:
            return "reassign needs the new lead unit(s)"
        reason = inp.reason or "sau giải trình"
        return reassign_problem(b, ReassignInput(actor=inp.actor, lead=inp.lead, reason=reason))
    return None
