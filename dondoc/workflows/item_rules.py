"""The task item's state and rules, pure and deterministic: what the item workflow checks.

No Temporal calls here, so every rule is testable on its own; `workflow.now()` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dondoc.schemas.lifecycle import (
    AckInput,
    ActionKind,
    ActionLog,
    DeadlineChange,
    Explanation,
    ExplanationDecisionInput,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequest,
    ExtensionRequestInput,
    ReassignInput,
    RecallInput,
    RefusalDecisionInput,
    RefuseInput,
    ReviewInput,
)
from dondoc.schemas.messages import (
    Escalation,
    ItemSpec,
    ItemState,
    ItemStatus,
    ReportInput,
    ReportResult,
    Role,
    UnitProgress,
)
from dondoc.schemas.status import derive_status

# The phase is what the workflow itself decides; the displayed status adds what follows from
# the clock and the units (refused, not received, due soon).
OPEN_PHASES = (ItemStatus.IN_PROGRESS, ItemStatus.OVERDUE)
IDLE_CHECK = timedelta(days=30)


@dataclass
class Book:
    spec: ItemSpec
    phase: ItemStatus = ItemStatus.IN_PROGRESS
    assigned: bool = False
    reminded: bool = False
    units: dict[str, UnitProgress] = field(default_factory=dict)
    escalations: list[Escalation] = field(default_factory=list)
    completed_at: datetime | None = None
    seen: dict[str, ReportResult] = field(default_factory=dict)
    deadline_seq: int = 0
    deadlines: list[DeadlineChange] = field(default_factory=list)
    extensions_used: int = 0
    pending_extension: ExtensionRequest | None = None
    submitted_at: datetime | None = None
    explanation: Explanation | None = None
    recall_reason: str | None = None
    fired: set[str] = field(default_factory=set)
    actions: list[ActionLog] = field(default_factory=list)

    @classmethod
    def start(cls, spec: ItemSpec) -> Book:
        units = [UnitProgress(code=c, role=Role.LEAD) for c in spec.lead]
        units += [UnitProgress(code=c, role=Role.SUPPORT) for c in spec.support]
        return cls(spec=spec, units={u.code: u for u in units})

    @classmethod
    def resume(cls, s: ItemState) -> Book:
        return cls(
            spec=s.spec,
            phase=s.status,
            assigned=s.assigned,
            reminded=s.reminded,
            units={u.code: u for u in s.units},
            escalations=list(s.escalations),
            completed_at=s.completed_at,
            seen=dict(s.seen_reports),
            deadline_seq=s.deadline_seq,
            deadlines=list(s.deadlines),
            extensions_used=s.extensions_used,
            pending_extension=s.pending_extension,
            submitted_at=s.submitted_at,
            explanation=s.explanation,
            recall_reason=s.recall_reason,
            fired=set(s.fired),
            actions=list(s.actions),
        )

    def snapshot(self, now: datetime | None = None) -> ItemState:
        return ItemState(
            spec=self.spec,
            status=self.status(now) if now else self.phase,
            assigned=self.assigned,
            reminded=self.reminded,
            units=list(self.units.values()),
            escalations=self.escalations,
            completed_at=self.completed_at,
            seen_reports=self.seen,
            deadline_seq=self.deadline_seq,
            deadlines=self.deadlines,
            extensions_used=self.extensions_used,
            pending_extension=self.pending_extension,
            submitted_at=self.submitted_at,
            explanation=self.explanation,
            recall_reason=self.recall_reason,
            fired=sorted(self.fired),
            actions=self.actions,
        )

    # -- reading -----------------------------------------------------------------------------

    @property
    def where(self) -> str:
        return f"item {self.spec.number} of {self.spec.directive_code}"

    @property
    def closed(self) -> bool:
        return self.phase.closed

    def leads(self) -> list[UnitProgress]:
        return [u for u in self.units.values() if u.role == Role.LEAD]

    def status(self, now: datetime) -> ItemStatus:
        return derive_status(
            self.phase,
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
        return self.phase in OPEN_PHASES

    def next_instant(self, now: datetime) -> datetime:
        """The next instant anything is due; with nothing due, a check a month on."""
        candidates = [now + IDLE_CHECK]
        if self.may_escalate():
            candidates.append(self.escalation_at(self.level + 1))
        if not self.reminded:
            candidates.append(self.spec.remind_at)
        for key, at in self.timed_keys():
            if key not in self.fired:
                candidates.append(at)
        return min(candidates)

    def timed_keys(self) -> list[tuple[str, datetime]]:
        """Lifecycle timers beyond the original reminder and escalation ladder."""
        s, out = self.spec, []
        if s.receipt_remind_at is not None:
            out.append(("receipt-remind", s.receipt_remind_at))
        if s.receipt_escalate_at is not None:
            out.append(("receipt-escalate", s.receipt_escalate_at))
        if s.support_remind_at is not None:
            out.append((f"support-remind:{self.deadline_seq}", s.support_remind_at))
        if self.explanation is not None and self.explanation.decision is None:
            requested = sum(a.kind == ActionKind.EXPLANATION_REQUESTED for a in self.actions)
            out.append((f"explain-overdue:{requested}", self.explanation.due))
        for i, m in enumerate(s.milestones):
            out += [(f"milestone-remind:{i}", m.remind_at), (f"milestone:{i}", m.due)]
        for p in s.periods:
            out += [(f"period-cutoff:{p.n}", p.cutoff), (f"period-due:{p.n}", p.due)]
        return out

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

    # -- rules -----------------------------------------------------------------------------------

    def report_problem(self, inp: ReportInput) -> str | None:
        unit = self.units.get(inp.unit)
        if unit is None:
            return f"unit '{inp.unit}' is not assigned to {self.where}"
        if self.phase.closed:
            return f"{self.where} is already completed ({self.phase.value}); no more reports"
        if self.phase == ItemStatus.AWAITING_REVIEW:
            return f"{self.where} awaits the committee's review; no reports until it decides"
        if not 0 <= inp.progress <= 100:
            return f"progress must be between 0 and 100, got {inp.progress}"
        if inp.progress < unit.progress:
            return (
                f"progress {inp.progress}% is lower than {inp.unit}'s last report"
                f" ({unit.progress}%) on {self.where}"
            )
        if unit.done:
            return f"unit '{inp.unit}' has already reported {self.where} done"
        if unit.refused_at:
            return f"unit '{inp.unit}' has refused {self.where}; the committee decides first"
        return None

    def _open_problem(self) -> str | None:
        if self.phase.closed:
            return f"{self.where} is closed ({self.phase.value})"
        return None

    def _unit_problem(self, code: str, lead_only: bool = False) -> str | None:
        unit = self.units.get(code)
        if unit is None:
            return f"unit '{code}' is not assigned to {self.where}"
        if lead_only and unit.role != Role.LEAD:
            return f"only a lead unit (chủ trì) of {self.where} may do this; '{code}' supports"
        return None

    def _committee_problem(self, actor: str, what: str) -> str | None:
        if actor != self.spec.committee:
            return f"only the committee ({self.spec.committee}) may {what}; '{actor}' may not"
        return None

    def _known_problem(self, codes: list[str]) -> str | None:
        unknown = [c for c in codes if self.spec.known_units and c not in self.spec.known_units]
        return f"unknown unit code(s): {', '.join(unknown)}" if unknown else None

    def _due_problem(self, due: datetime | None, now: datetime, what: str) -> str | None:
        if due is None:
            return f"{what}: a new deadline is required"
        if due <= now:
            return f"{what}: the new deadline must be in the future"
        return None

    def ack_problem(self, inp: AckInput) -> str | None:
        return self._unit_problem(inp.unit) or self._open_problem()

    def refuse_problem(self, inp: RefuseInput) -> str | None:
        problem = self._unit_problem(inp.unit) or self._open_problem()
        if problem:
            return problem
        unit = self.units[inp.unit]
        if unit.done:
            return f"unit '{inp.unit}' has already reported {self.where} done"
        if unit.refused_at:
            return f"unit '{inp.unit}' has already refused {self.where}"
        return None

    def refusal_decision_problem(self, inp: RefusalDecisionInput) -> str | None:
        problem = self._committee_problem(inp.actor, "decide on a refusal") or self._open_problem()
        if problem:
            return problem
        unit = self.units.get(inp.unit)
        if unit is None or not unit.refused_at:
            return f"unit '{inp.unit}' has no pending refusal on {self.where}"
        if inp.decision == "reassign":
            if not inp.new_unit:
                return "reassign needs new_unit"
            if inp.new_unit in self.units:
                return f"unit '{inp.new_unit}' is already assigned to {self.where}"
            return self._known_problem([inp.new_unit])
        return None

    def extension_request_problem(self, inp: ExtensionRequestInput, now: datetime) -> str | None:
        problem = self._unit_problem(inp.unit, lead_only=True) or self._open_problem()
        if problem:
            return problem
        if self.phase == ItemStatus.AWAITING_REVIEW:
            return f"{self.where} awaits review; no extension can be requested"
        if self.pending_extension is not None:
            return f"an extension request by {self.pending_extension.unit} is already pending"
        if self.extensions_used >= self.spec.max_extensions:
            return (
                f"{self.where} has had {self.extensions_used} extension(s), the most allowed"
                f" ({self.spec.max_extensions}); no further request is accepted"
            )
        if inp.new_due <= self.spec.due:
            return "the requested deadline must be later than the current one"
        return self._due_problem(inp.new_due, now, "extension")

    def extension_decision_problem(self, inp: ExtensionDecisionInput, now: datetime) -> str | None:
        problem = self._committee_problem(inp.actor, "decide on an extension")
        if problem or (problem := self._open_problem()):
            return problem
        if self.pending_extension is None:
            return f"no extension request is pending on {self.where}"
        if inp.approve:
            return self._due_problem(inp.new_due or self.pending_extension.new_due, now, "approve")
        if not inp.reason:
            return "a rejection needs a reason"
        return None

    def reassign_problem(self, inp: ReassignInput) -> str | None:
        problem = self._committee_problem(inp.actor, "reassign units") or self._open_problem()
        if problem:
            return problem
        lead, support = self.reassigned(inp)
        if not lead:
            return "the item needs at least one lead unit"
        both = sorted(set(lead) & set(support))
        if both:
            return f"unit(s) {', '.join(both)} cannot be both lead and support"
        return self._known_problem(lead + support)

    def reassigned(self, inp: ReassignInput) -> tuple[list[str], list[str]]:
        lead = inp.lead if inp.lead is not None else [u.code for u in self.leads()]
        support = (
            inp.support
            if inp.support is not None
            else [u.code for u in self.units.values() if u.role == Role.SUPPORT]
        )
        return lead, support

    def recall_problem(self, inp: RecallInput) -> str | None:
        return self._committee_problem(inp.actor, "recall an item") or self._open_problem()

    def review_problem(self, inp: ReviewInput, now: datetime) -> str | None:
        problem = self._committee_problem(inp.actor, "review an item")
        if problem:
            return problem
        if self.phase != ItemStatus.AWAITING_REVIEW:
            return f"{self.where} is not awaiting review ({self.phase.value})"
        if not inp.accepted:
            if not inp.reason:
                return "returning an item needs a reason"
            return self._due_problem(inp.new_due, now, "return")
        return None

    def explanation_request_problem(
        self, inp: ExplanationRequestInput, now: datetime
    ) -> str | None:
        problem = self._committee_problem(inp.actor, "request an explanation")
        if problem or (problem := self._open_problem()):
            return problem
        if now <= self.spec.due:
            return f"{self.where} is not overdue; an explanation is asked of overdue items"
        if self.explanation is not None and self.explanation.decision is None:
            return f"an explanation is already pending on {self.where}"
        return self._due_problem(inp.due, now, "explanation")

    def explanation_problem(self, inp: ExplanationInput) -> str | None:
        problem = self._unit_problem(inp.unit, lead_only=True) or self._open_problem()
        if problem:
            return problem
        if self.explanation is None or self.explanation.decision is not None:
            return f"no explanation is requested on {self.where}"
        if inp.unit in self.explanation.answers:
            return f"unit '{inp.unit}' has already explained"
        return None

    def explanation_decision_problem(
        self, inp: ExplanationDecisionInput, now: datetime
    ) -> str | None:
        problem = self._committee_problem(inp.actor, "decide after an explanation")
        if problem or (problem := self._open_problem()):
            return problem
        if self.explanation is None or self.explanation.decision is not None:
            return f"no explanation is pending a decision on {self.where}"
        if inp.decision == "extend":
            return self._due_problem(inp.new_due, now, "extend")
        if inp.decision == "reassign":
            if not inp.lead:
                return "reassign needs the new lead unit(s)"
            reason = inp.reason or "sau giải trình"
            return self.reassign_problem(
                ReassignInput(actor=inp.actor, lead=inp.lead, reason=reason)
            )
        return None
