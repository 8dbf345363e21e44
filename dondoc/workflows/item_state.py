"""The task item's live state (`ItemState`, defined once) with what follows from it, and typed
timer keys. Pure and deterministic: no Temporal calls; `workflow.now()` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.messages import ItemSpec, ItemState, ItemStatus, Role, UnitProgress
from dondoc.schemas.status import derive_status

# The phase is what the workflow itself decides; the displayed status adds what follows from
# the clock and the units (refused, not received, due soon).
OPEN_PHASES = (ItemStatus.IN_PROGRESS, ItemStatus.OVERDUE)
IDLE_CHECK = timedelta(days=30)


class TimerKind(StrEnum):
    """A lifecycle timer beyond the original reminder and the escalation ladder."""

    RECEIPT_REMIND = "receipt-remind"
    RECEIPT_ESCALATE = "receipt-escalate"
    SUPPORT_REMIND = "support-remind"  # n: the deadline sequence it belongs to
    EXPLAIN_OVERDUE = "explain-overdue"  # n: which explanation request
    MILESTONE_REMIND = "milestone-remind"  # n: the milestone's index
    MILESTONE = "milestone"
    PERIOD_CUTOFF = "period-cutoff"  # n: the period's number
    PERIOD_DUE = "period-due"


@dataclass(frozen=True, slots=True)
class TimerKey:
    """A timer's identity. Its text (`milestone:2`) is how `ItemState.fired` records it and the
    business key of what it records, so the text form never changes."""

    kind: TimerKind
    n: int | None = None

    def __str__(self) -> str:
        return self.kind.value if self.n is None else f"{self.kind.value}:{self.n}"


class Book(ItemState):
    """`ItemState` with the readings and small mutations the workflow and its rules need."""

    @classmethod
    def start(cls, spec: ItemSpec) -> Book:
        units = [UnitProgress(code=c, role=Role.LEAD) for c in spec.lead]
        units += [UnitProgress(code=c, role=Role.SUPPORT) for c in spec.support]
        return cls(spec=spec, units=units)

    @classmethod
    def resume(cls, state: ItemState) -> Book:
        """The state carried through continue-as-new, live again (no re-validation)."""
        return cls.model_construct(**dict(state))

    def snapshot(self, now: datetime | None = None) -> ItemState:
        """A copy as `ItemState`: with `now`, the status shown as of then (the query's answer);
        without, the phase itself (what continue-as-new carries)."""
        fields = dict(self)
        if now is not None:
            fields["status"] = self.shown_status(now)
        return ItemState.model_construct(**fields)

    # -- reading -----------------------------------------------------------------------------

    @property
    def where(self) -> str:
        return f"item {self.spec.number} of {self.spec.directive_code}"

    @property
    def closed(self) -> bool:
        return self.status.closed

    def leads(self) -> list[UnitProgress]:
        return [u for u in self.units if u.role == Role.LEAD]

    def supports(self) -> list[UnitProgress]:
        return [u for u in self.units if u.role == Role.SUPPORT]

    def codes(self) -> list[str]:
        return [u.code for u in self.units]

    def shown_status(self, now: datetime) -> ItemStatus:
        return derive_status(
            self.status,
            now,
            self.spec.due,
            due_soon_at=self.spec.due_soon_at,
            lead_refused=any(u.refused_at for u in self.leads()),
            lead_unreceived=self.spec.receipt_remind_at is not None
            and any(not u.received_at for u in self.leads()),
        )

    @property
    def level(self) -> int:
        """The last escalation level reached for the deadline now in force."""
        current = [e.level for e in self.escalations if e.seq == self.deadline_seq]
        return current[-1] if current else 0

    def escalation_at(self, level: int) -> datetime:
        ladder, spec = self.spec.escalation_ladder, self.spec
        if not ladder:
            return spec.due + spec.escalate_every * (level - 1)
        if level <= len(ladder):
            return ladder[level - 1]
        step = ladder[-1] - ladder[-2] if len(ladder) > 1 else spec.escalate_every
        return ladder[-1] + step * (level - len(ladder))

    def escalation_level_due(self, now: datetime) -> int:
        """After downtime, the level the clock has reached (not one per missed step)."""
        level = self.level + 1
        while self.escalation_at(level + 1) <= now:
            level += 1
        return level

    def may_escalate(self) -> bool:
        return self.status in OPEN_PHASES

    def next_instant(self, now: datetime) -> datetime:
        """The next instant anything is due; with nothing due, a check a month on."""
        candidates = [now + IDLE_CHECK]
        if self.may_escalate():
            candidates.append(self.escalation_at(self.level + 1))
        if not self.reminded:
            candidates.append(self.spec.remind_at)
        candidates += [at for key, at in self.timed_keys() if not self.has_fired(key)]
        return min(candidates)

    def timed_keys(self) -> list[tuple[TimerKey, datetime]]:
        """Lifecycle timers beyond the original reminder and escalation ladder."""
        s, out = self.spec, []
        if s.receipt_remind_at is not None:
            out.append((TimerKey(TimerKind.RECEIPT_REMIND), s.receipt_remind_at))
        if s.receipt_escalate_at is not None:
            out.append((TimerKey(TimerKind.RECEIPT_ESCALATE), s.receipt_escalate_at))
        if s.support_remind_at is not None:
            out.append((TimerKey(TimerKind.SUPPORT_REMIND, self.deadline_seq), s.support_remind_at))
        if self.explanation is not None and self.explanation.decision is None:
            requested = sum(a.kind == ActionKind.EXPLANATION_REQUESTED for a in self.actions)
            out.append((TimerKey(TimerKind.EXPLAIN_OVERDUE, requested), self.explanation.due))
        for i, m in enumerate(s.milestones):
            out += [
                (TimerKey(TimerKind.MILESTONE_REMIND, i), m.remind_at),
                (TimerKey(TimerKind.MILESTONE, i), m.due),
            ]
        for p in s.periods:
            out += [
                (TimerKey(TimerKind.PERIOD_CUTOFF, p.n), p.cutoff),
                (TimerKey(TimerKind.PERIOD_DUE, p.n), p.due),
            ]
        return out

    def has_fired(self, key: TimerKey) -> bool:
        return str(key) in self.fired

    def period_window_start(self, n: int) -> datetime | None:
        """Reports after this instant count for period n (after the previous cut-off)."""
        previous = [p.cutoff for p in self.spec.periods if p.n == n - 1]
        return previous[0] if previous else None

    def missing_period_report(self, n: int) -> list[str]:
        since = self.period_window_start(n)
        return [
            u.code
            for u in self.leads()
            if not u.done
            and (u.last_report_at is None or (since is not None and u.last_report_at <= since))
        ]

    def progress_summary(self) -> str:
        return ", ".join(f"{u.code} {u.progress}%" for u in self.leads())

    # -- changing ----------------------------------------------------------------------------

    def get(self, code: str) -> UnitProgress:
        unit = self.unit(code)
        if unit is None:
            raise KeyError(code)
        return unit

    def set_unit(self, code: str, **changes: Any) -> UnitProgress:
        """Replace one unit's progress with these fields changed; returns the new value."""
        for i, u in enumerate(self.units):
            if u.code == code:
                self.units[i] = u.model_copy(update=changes)
                return self.units[i]
        raise KeyError(code)

    def mark_fired(self, key: TimerKey) -> None:
        self.fired.append(str(key))
