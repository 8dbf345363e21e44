"""What the clock decides for an item, pure: the reminder, the escalation the clock has reached,
and what each lifecycle timer does when it fires (milestones, reporting periods, receipt)."""

from __future__ import annotations

from datetime import datetime

from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.messages import Escalation, Role
from dondoc.workflows.item_state import Book, TimerKey, TimerKind
from dondoc.workflows.item_steps import SYSTEM, Act, Remind, Step


def reminder_due(b: Book, now: datetime) -> Remind | None:
    """At `remind_at`, once: the units not done (support units with their own deadline aside)."""
    if b.reminded or now < b.spec.remind_at:
        return None
    b.reminded = True
    own_support_deadline = b.spec.support_remind_at is not None
    pending = [
        u.code
        for u in b.units
        if not u.done and not (own_support_deadline and u.role == Role.SUPPORT)
    ]
    if not pending or now >= b.spec.due:
        return None
    return Remind(pending, "due" if b.deadline_seq == 0 else f"due-{b.deadline_seq}")


def escalation_due(b: Book, now: datetime) -> Escalation | None:
    """The escalation the clock has reached (after downtime: the level reached, once)."""
    if not b.may_escalate() or now < b.escalation_at(b.level + 1):
        return None
    return Escalation(level=b.escalation_level_due(now), at=now, seq=b.deadline_seq)


def timers_due(b: Book, now: datetime) -> list[TimerKey]:
    return [key for key, at in b.timed_keys() if not b.has_fired(key) and now >= at]


def late_support_reminder(b: Book, key: TimerKey, now: datetime) -> bool:
    """The support reminder's timer seen only at or after the support deadline (a worker away
    from before the reminder until after the deadline): no reminder is due any more."""
    due = b.spec.support_due
    return key.kind == TimerKind.SUPPORT_REMIND and due is not None and now >= due


def support_reminder(b: Book) -> list[Step]:
    """The support units not done, reminded of their own deadline."""
    pending = [u.code for u in b.supports() if not u.done]
    return [Remind(pending, f"support-{b.deadline_seq}")] if pending else []


def timer_steps(b: Book, key: TimerKey, now: datetime) -> list[Step]:
    """What a lifecycle timer does when it fires (nothing, if nobody is left to tell, or if it
    reminds of a deadline already past, as the due reminder and a milestone's do)."""
    kind, text = key.kind, str(key)
    if kind == TimerKind.SUPPORT_REMIND:
        return [] if late_support_reminder(b, key, now) else support_reminder(b)
    if kind in (TimerKind.RECEIPT_REMIND, TimerKind.RECEIPT_ESCALATE):
        pending = [u.code for u in b.units if u.received_at is None and not u.refused_at]
        if not pending:
            return []
        escalate = kind == TimerKind.RECEIPT_ESCALATE
        return [
            Act(
                ActionKind.RECEIPT_ESCALATION if escalate else ActionKind.RECEIPT_REMINDER,
                SYSTEM,
                notify=[b.spec.committee] if escalate else pending,
                data={"units": ", ".join(pending)},
                key=text,
            )
        ]
    if kind in (TimerKind.MILESTONE_REMIND, TimerKind.MILESTONE):
        return _milestone(b, key, now)
    if kind in (TimerKind.PERIOD_CUTOFF, TimerKind.PERIOD_DUE):
        return _period(b, key)
    assert kind == TimerKind.EXPLAIN_OVERDUE
    assert b.explanation is not None
    missing = [u.code for u in b.leads() if u.code not in b.explanation.answers]
    if not missing:
        return []
    b.explanation = b.explanation.model_copy(update={"overdue_notified": True})
    data = {"due": b.explanation.due.isoformat(), "units": ", ".join(missing)}
    return [
        Act(ActionKind.EXPLANATION_OVERDUE, SYSTEM, notify=[b.spec.committee], data=data, key=text)
    ]


def _milestone(b: Book, key: TimerKey, now: datetime) -> list[Step]:
    assert key.n is not None
    m = b.spec.milestones[key.n]
    if key.kind == TimerKind.MILESTONE_REMIND:
        pending = [u.code for u in b.units if not u.done]
        return [Remind(pending, f"milestone-{key.n}")] if pending and now < m.due else []
    data = {"title": m.title, "due": m.due.isoformat(), "progress": b.progress_summary()}
    return [
        Act(
            ActionKind.MILESTONE_REACHED, SYSTEM, notify=[b.spec.committee], data=data, key=str(key)
        )
    ]


def _period(b: Book, key: TimerKey) -> list[Step]:
    """At the cut-off, remind leads with no report this period; at the due, escalate."""
    n = key.n
    assert n is not None
    period = next(p for p in b.spec.periods if p.n == n)
    missing = b.missing_period_report(n)
    if key.kind == TimerKind.PERIOD_CUTOFF:
        steps: list[Step] = [Remind(missing, f"period-{n}")] if missing else []
        data = {"period": n, "progress": b.progress_summary()}
        return [*steps, Act(ActionKind.PERIOD_CUTOFF, SYSTEM, data=data, key=str(key))]
    if not missing:
        return []
    data = {"period": n, "due": period.due.isoformat(), "units": ", ".join(missing)}
    return [
        Act(ActionKind.PERIOD_MISSED, SYSTEM, notify=[b.spec.committee], data=data, key=str(key))
    ]
