"""The task-item workflow: assignment, reports, reminders, escalations and the item lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from dondoc.config import directive_workflow_id
    from dondoc.schemas.actions import AssignmentChange, PlanScheduleInput, RecordActionInput
    from dondoc.schemas.lifecycle import (
        AckInput,
        ActionKind,
        ActionLog,
        ActionResult,
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
        CompleteInput,
        Escalation,
        ItemInput,
        ItemResult,
        ItemState,
        ItemStatus,
        ItemStatusChange,
        ReportInput,
        ReportResult,
        Role,
        Schedule,
        UnitProgress,
    )
    from dondoc.schemas.records import (
        ItemRef,
        RecordAssignmentInput,
        RecordEscalationInput,
        RecordItemStatusInput,
        RecordReportInput,
        SendRemindersInput,
        TellDirectiveInput,
    )
    from dondoc.workflows.calls import record
    from dondoc.workflows.item_rules import Book


# Since this patch: the report that completes an item also records the completion (one local
# activity, not two); the pending timer is abandoned rather than cancelled; and the directive is
# told by a local activity, not a signal (one marker instead of two events and a workflow task).
LEAN_COMPLETION = "lean-completion"
# Since this patch: a closing report, and an escalation that turns the item overdue, record
# themselves and tell the directive in one local activity (one workflow-task round trip less).
TELL_WITH_RECORD = "tell-with-record"


def _reject(problem: str | None) -> None:
    if problem:
        raise ApplicationError(problem, type="ActionRejected", non_retryable=True)


@workflow.defn(name="TaskItem")
class TaskItemWorkflow:
    """Follows one task item until every lead unit has reported done (or it is recalled).

    Records the assignment and notifies the units; reminds unfinished units at `remind_at`; at
    `due` escalates to the committee (level 1), then along the ladder (level 2, 3, …); tells its
    directive of each phase change. Lifecycle actions move deadlines and re-arm every timer.

    Updates: `report`, `acknowledge`, `refuse`, `decide_refusal`, `request_extension`,
    `decide_extension`, `reassign`, `recall`, `review`, `request_explanation`, `explain`,
    `decide_explanation`. Signal `complete`. Query `state` (ItemState).
    """

    @workflow.init
    def __init__(self, inp: ItemInput) -> None:
        self.b = Book.resume(inp.carried) if inp.carried else Book.start(inp.spec)
        # Started by its directive, which records the assignment for a page of items at once.
        self.b.assigned = self.b.assigned or inp.assigned
        self._ref = ItemRef(directive_code=inp.spec.directive_code, number=inp.spec.number)
        self._told = self.b.phase
        self._wake = False
        self._boundary = False
        self._lean = False
        self._tell_with_record = False
        self._close_recorded = False
        self._timer: asyncio.Future[None] | None = None
        self._timer_at: datetime | None = None

    @workflow.run
    async def run(self, inp: ItemInput) -> ItemResult:
        # Every change made to the item's history so far, with no patch markers: new items run
        # as this type (`TaskItem`); items started earlier run as `TaskItemWorkflowV1`.
        self._lean = self._tell_with_record = True
        return await self._follow()

    async def _follow(self) -> ItemResult:
        b = self.b
        if not b.assigned:
            await record("record_assignment", RecordAssignmentInput(item=self._ref, at=self._now()))
            b.assigned = True
        while not b.closed:
            if self._boundary or workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(ItemInput(spec=b.spec, carried=b.snapshot()))
            await self._fire_due_events()
            if b.closed:
                break
            await self._sleep_until(b.next_instant(self._now()))
            self._wake = False
        assert b.completed_at is not None
        if b.phase.completed and not self._close_recorded:
            await record(
                "record_item_status",
                RecordItemStatusInput(item=self._ref, status=b.phase, at=b.completed_at),
            )
        await self._tell_directive()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ItemResult(number=b.spec.number, status=b.phase, completed_at=b.completed_at)

    async def _sleep_until(self, at: datetime) -> None:
        """Wait for the next due instant, a closing report or a re-armed deadline."""
        b, wait = self.b, max(at - self._now(), timedelta(seconds=1))
        if not self._lean:
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: b.closed or self._wake, timeout=wait)
            return
        # The timer is left running when the item closes: the run ends and takes it along,
        # without a TimerCanceled event; a moved deadline replaces it.
        if self._timer is None or self._timer.done() or self._timer_at != at:
            if self._timer is not None and not self._timer.done():
                self._timer.cancel()
            self._timer, self._timer_at = asyncio.ensure_future(workflow.sleep(wait)), at
        timer = self._timer
        await workflow.wait_condition(lambda: b.closed or self._wake or timer.done())

    @workflow.query(name="state")
    def state(self) -> ItemState:
        return self.b.snapshot(self._now())

    # -- reports ---------------------------------------------------------------------------------

    @workflow.update(name="report")
    async def report(self, inp: ReportInput) -> ReportResult:
        if inp.report_id is not None and inp.report_id in self.b.seen:
            return self.b.seen[inp.report_id].model_copy(update={"duplicate": True})
        _reject(self.b.report_problem(inp))
        return await self._apply_report(inp, channel="update")

    @report.validator
    def _validate_report(self, inp: ReportInput) -> None:
        if inp.report_id is None or inp.report_id not in self.b.seen:
            _reject(self.b.report_problem(inp))

    @workflow.signal(name="complete")
    async def complete(self, inp: CompleteInput) -> None:
        report = ReportInput(unit=inp.unit, progress=100, done=True, note=inp.note)
        problem = self.b.report_problem(report)
        if problem:
            workflow.logger.warning(
                "complete signal ignored: %s", problem, extra=self._log_extra(inp.unit)
            )
            return
        await self._apply_report(report, channel="signal")

    async def _apply_report(self, inp: ReportInput, channel: str) -> ReportResult:
        b, now = self.b, self._now()
        report_id = inp.report_id or str(workflow.uuid4())
        done = inp.is_done
        unit = b.units[inp.unit]
        b.units[inp.unit] = unit.model_copy(
            update={
                "progress": inp.progress,
                "done": done,
                "last_report_at": now,
                "received_at": unit.received_at or now,
            }
        )
        submitted = all(u.done for u in b.leads())
        if submitted and b.spec.review:
            b.phase, b.submitted_at = ItemStatus.AWAITING_REVIEW, now
        elif submitted:
            b.completed_at = now
            on_time = now <= b.spec.due
            b.phase = ItemStatus.COMPLETED_ON_TIME if on_time else ItemStatus.COMPLETED_LATE
        result = ReportResult(
            report_id=report_id,
            unit=inp.unit,
            progress=inp.progress,
            done=done,
            item_status=b.phase,
        )
        b.seen[report_id] = result
        closes = b.phase if b.phase.completed and self._lean else None
        self._close_recorded = closes is not None
        tell = self._news() if closes is not None and self._tell_with_record else None
        await record(
            "record_report_and_tell" if tell else "record_report",
            RecordReportInput(
                item=self._ref,
                report_id=report_id,
                unit=inp.unit,
                progress=inp.progress,
                done=done,
                note=inp.note,
                channel=channel,
                at=now,
                received=unit.received_at is None,
                closes=closes,
                tell=tell,
            ),
        )
        if b.phase == ItemStatus.AWAITING_REVIEW:
            await self._act(
                ActionKind.REVIEW_SUBMITTED,
                inp.unit,
                notify=[b.spec.committee],
                status=ItemStatus.AWAITING_REVIEW,
            )
            await self._tell_directive()
        return result

    # -- receipt and refusal ---------------------------------------------------------------------

    @workflow.update(name="acknowledge")
    async def acknowledge(self, inp: AckInput) -> ActionResult:
        _reject(self.b.ack_problem(inp))
        unit = self.b.units[inp.unit]
        if unit.received_at is not None:
            return self._result(f"{inp.unit} đã tiếp nhận trước đó")
        now = self._now()
        self.b.units[inp.unit] = unit.model_copy(update={"received_at": now})
        change = AssignmentChange(unit=inp.unit, received_at=now)
        await self._act(ActionKind.RECEIPT, inp.unit, unit=inp.unit, assignments=[change])
        return self._result(f"{inp.unit} đã tiếp nhận")

    @acknowledge.validator
    def _validate_ack(self, inp: AckInput) -> None:
        _reject(self.b.ack_problem(inp))

    @workflow.update(name="refuse")
    async def refuse(self, inp: RefuseInput) -> ActionResult:
        _reject(self.b.refuse_problem(inp))
        unit = self.b.units[inp.unit]
        self.b.units[inp.unit] = unit.model_copy(
            update={"refused_at": self._now(), "refusal_reason": inp.reason}
        )
        change = AssignmentChange(unit=inp.unit, refused=True, refusal_reason=inp.reason)
        await self._act(
            ActionKind.REFUSAL,
            inp.unit,
            unit=inp.unit,
            reason=inp.reason,
            notify=[self.b.spec.committee],
            assignments=[change],
        )
        return self._result("đã gửi cấp ủy quyết định")

    @refuse.validator
    def _validate_refuse(self, inp: RefuseInput) -> None:
        _reject(self.b.refuse_problem(inp))

    @workflow.update(name="decide_refusal")
    async def decide_refusal(self, inp: RefusalDecisionInput) -> ActionResult:
        _reject(self.b.refusal_decision_problem(inp))
        unit = self.b.units[inp.unit]
        if inp.decision == "overrule":
            self.b.units[inp.unit] = unit.model_copy(
                update={"refused_at": None, "refusal_reason": None}
            )
            await self._act(
                ActionKind.REFUSAL_OVERRULED,
                inp.actor,
                unit=inp.unit,
                reason=inp.reason,
                notify=[inp.unit],
                assignments=[AssignmentChange(unit=inp.unit, refused=False)],
            )
            return self._result(f"giữ nguyên phân công cho {inp.unit}")
        assert inp.new_unit is not None
        lead = [u.code for u in self.b.leads()]
        support = [u.code for u in self.b.units.values() if u.role == Role.SUPPORT]
        swap = {inp.unit: inp.new_unit}
        change = ReassignInput(
            actor=inp.actor,
            lead=[swap.get(c, c) for c in lead],
            support=[swap.get(c, c) for c in support],
            reason=inp.reason or f"{inp.unit} từ chối",
        )
        await self._reassign(change)
        return self._result(f"giao lại cho {inp.new_unit}")

    @decide_refusal.validator
    def _validate_decide_refusal(self, inp: RefusalDecisionInput) -> None:
        _reject(self.b.refusal_decision_problem(inp))

    # -- extension -------------------------------------------------------------------------------

    @workflow.update(name="request_extension")
    async def request_extension(self, inp: ExtensionRequestInput) -> ActionResult:
        _reject(self.b.extension_request_problem(inp, self._now()))
        self.b.pending_extension = ExtensionRequest(
            unit=inp.unit, new_due=inp.new_due, reason=inp.reason, at=self._now()
        )
        await self._act(
            ActionKind.EXTENSION_REQUESTED,
            inp.unit,
            unit=inp.unit,
            reason=inp.reason,
            notify=[self.b.spec.committee],
            data={"new_due": inp.new_due.isoformat()},
        )
        return self._result("đã gửi đề nghị gia hạn")

    @request_extension.validator
    def _validate_request_extension(self, inp: ExtensionRequestInput) -> None:
        _reject(self.b.extension_request_problem(inp, self._now()))

    @workflow.update(name="decide_extension")
    async def decide_extension(self, inp: ExtensionDecisionInput) -> ActionResult:
        _reject(self.b.extension_decision_problem(inp, self._now()))
        request = self.b.pending_extension
        assert request is not None
        self.b.pending_extension = None
        if not inp.approve:
            await self._act(
                ActionKind.EXTENSION_REJECTED, inp.actor, reason=inp.reason, notify=[request.unit]
            )
            return self._result("không đồng ý gia hạn")
        self.b.extensions_used += 1
        due = inp.new_due or request.new_due
        await self._new_deadline(ActionKind.EXTENSION_APPROVED, inp.actor, due, inp.reason)
        return self._result(f"gia hạn đến {due.isoformat()}")

    @decide_extension.validator
    def _validate_decide_extension(self, inp: ExtensionDecisionInput) -> None:
        _reject(self.b.extension_decision_problem(inp, self._now()))

    # -- reassignment and recall -----------------------------------------------------------------

    @workflow.update(name="reassign")
    async def reassign(self, inp: ReassignInput) -> ActionResult:
        _reject(self.b.reassign_problem(inp))
        await self._reassign(inp)
        return self._result("đã điều chỉnh phân công")

    @reassign.validator
    def _validate_reassign(self, inp: ReassignInput) -> None:
        _reject(self.b.reassign_problem(inp))

    @workflow.update(name="recall")
    async def recall(self, inp: RecallInput) -> ActionResult:
        _reject(self.b.recall_problem(inp))
        await self._recall(inp)
        return self._result("đã thu hồi nhiệm vụ")

    async def _recall(self, inp: RecallInput) -> None:
        b = self.b
        b.phase, b.completed_at, b.recall_reason = ItemStatus.RECALLED, self._now(), inp.reason
        await self._act(
            ActionKind.RECALLED,
            inp.actor,
            reason=inp.reason,
            notify=list(b.units),
            status=ItemStatus.RECALLED,
            completed_at=b.completed_at,
        )

    @recall.validator
    def _validate_recall(self, inp: RecallInput) -> None:
        _reject(self.b.recall_problem(inp))

    # -- review ----------------------------------------------------------------------------------

    @workflow.update(name="review")
    async def review(self, inp: ReviewInput) -> ActionResult:
        _reject(self.b.review_problem(inp, self._now()))
        b = self.b
        leads = [u.code for u in b.leads()]
        assert b.submitted_at is not None
        if inp.accepted:
            on_time = b.submitted_at <= b.spec.due
            b.completed_at = b.submitted_at
            b.phase = ItemStatus.COMPLETED_ON_TIME if on_time else ItemStatus.COMPLETED_LATE
            await self._act(ActionKind.REVIEW_ACCEPTED, inp.actor, reason=inp.reason, notify=leads)
            return self._result("đánh giá đạt")
        assert inp.new_due is not None
        for code in leads:
            b.units[code] = b.units[code].model_copy(update={"done": False})
        b.phase, b.submitted_at = ItemStatus.IN_PROGRESS, None
        reopen = [AssignmentChange(unit=c, reopen=True) for c in leads]
        await self._new_deadline(
            ActionKind.REVIEW_RETURNED, inp.actor, inp.new_due, inp.reason, assignments=reopen
        )
        return self._result("đánh giá chưa đạt; làm lại")

    @review.validator
    def _validate_review(self, inp: ReviewInput) -> None:
        _reject(self.b.review_problem(inp, self._now()))

    # -- explanation -----------------------------------------------------------------------------

    @workflow.update(name="request_explanation")
    async def request_explanation(self, inp: ExplanationRequestInput) -> ActionResult:
        _reject(self.b.explanation_request_problem(inp, self._now()))
        self.b.explanation = Explanation(requested_at=self._now(), due=inp.due, reason=inp.reason)
        self._wake = True
        await self._act(
            ActionKind.EXPLANATION_REQUESTED,
            inp.actor,
            reason=inp.reason,
            notify=[u.code for u in self.b.leads()],
            data={"due": inp.due.isoformat()},
        )
        return self._result("đã yêu cầu giải trình")

    @request_explanation.validator
    def _validate_request_explanation(self, inp: ExplanationRequestInput) -> None:
        _reject(self.b.explanation_request_problem(inp, self._now()))

    @workflow.update(name="explain")
    async def explain(self, inp: ExplanationInput) -> ActionResult:
        _reject(self.b.explanation_problem(inp))
        assert self.b.explanation is not None
        answers = {**self.b.explanation.answers, inp.unit: inp.text}
        self.b.explanation = self.b.explanation.model_copy(update={"answers": answers})
        await self._act(
            ActionKind.EXPLANATION_ANSWERED,
            inp.unit,
            unit=inp.unit,
            reason=inp.text,
            notify=[self.b.spec.committee],
        )
        return self._result("đã gửi giải trình")

    @explain.validator
    def _validate_explain(self, inp: ExplanationInput) -> None:
        _reject(self.b.explanation_problem(inp))

    @workflow.update(name="decide_explanation")
    async def decide_explanation(self, inp: ExplanationDecisionInput) -> ActionResult:
        _reject(self.b.explanation_decision_problem(inp, self._now()))
        b = self.b
        assert b.explanation is not None
        b.explanation = b.explanation.model_copy(update={"decision": inp.decision})
        await self._act(
            ActionKind.EXPLANATION_DECIDED,
            inp.actor,
            reason=inp.reason,
            data={"decision": inp.decision},
            notify=[u.code for u in b.leads()],
        )
        if inp.decision == "extend":
            assert inp.new_due is not None
            b.extensions_used += 1
            await self._new_deadline(
                ActionKind.EXTENSION_APPROVED, inp.actor, inp.new_due, inp.reason
            )
        elif inp.decision == "reassign":
            reason = inp.reason or "sau giải trình"
            await self._reassign(ReassignInput(actor=inp.actor, lead=inp.lead, reason=reason))
        elif inp.decision == "recall":
            await self._recall(RecallInput(actor=inp.actor, reason=inp.reason or "sau giải trình"))
        return self._result(f"kết luận: {inp.decision}")

    @decide_explanation.validator
    def _validate_decide_explanation(self, inp: ExplanationDecisionInput) -> None:
        _reject(self.b.explanation_decision_problem(inp, self._now()))

    # -- timers ----------------------------------------------------------------------------------

    async def _fire_due_events(self) -> None:
        b, now = self.b, self._now()
        if not b.reminded and now >= b.spec.remind_at:
            b.reminded = True
            own_support_deadline = b.spec.support_remind_at is not None
            pending = [
                u.code
                for u in b.units.values()
                if not u.done and not (own_support_deadline and u.role == Role.SUPPORT)
            ]
            if pending and now < b.spec.due:
                await self._remind(
                    pending, "due" if b.deadline_seq == 0 else f"due-{b.deadline_seq}"
                )
        if b.may_escalate() and now >= b.escalation_at(b.level + 1):
            level = b.escalation_level_due(now)
            turns_overdue = b.phase == ItemStatus.IN_PROGRESS
            tell = None
            if turns_overdue and self._tell_with_record:
                b.phase = ItemStatus.OVERDUE
                tell = self._news()
            await record(
                "record_escalation_and_tell" if tell else "record_escalation",
                RecordEscalationInput(
                    item=self._ref, level=level, deadline_seq=b.deadline_seq, at=now, tell=tell
                ),
            )
            b.escalations.append(Escalation(level=level, at=now, seq=b.deadline_seq))
            if turns_overdue:
                b.phase = ItemStatus.OVERDUE
                await self._tell_directive()
        for key, at in b.timed_keys():
            if key not in b.fired and now >= at and not b.closed:
                b.fired.add(key)
                await self._fire(key)

    async def _fire(self, key: str) -> None:
        b = self.b
        kind = key.split(":")[0]
        if kind == "support-remind":
            pending = [u.code for u in b.units.values() if u.role == Role.SUPPORT and not u.done]
            if pending:
                await self._remind(pending, f"support-{b.deadline_seq}")
        elif kind in ("receipt-remind", "receipt-escalate"):
            pending = [
                u.code for u in b.units.values() if u.received_at is None and not u.refused_at
            ]
            if not pending:
                return
            escalate = kind == "receipt-escalate"
            await self._act(
                ActionKind.RECEIPT_ESCALATION if escalate else ActionKind.RECEIPT_REMINDER,
                "dondoc",
                notify=[b.spec.committee] if escalate else pending,
                data={"units": ", ".join(pending)},
                key=key,
            )
        elif kind in ("milestone-remind", "milestone"):
            await self._milestone(kind, int(key.split(":")[1]), key)
        elif kind in ("period-cutoff", "period-due"):
            await self._period(kind, int(key.split(":")[1]), key)
        elif kind == "explain-overdue":
            assert b.explanation is not None
            missing = [u.code for u in b.leads() if u.code not in b.explanation.answers]
            if missing:
                b.explanation = b.explanation.model_copy(update={"overdue_notified": True})
                await self._act(
                    ActionKind.EXPLANATION_OVERDUE,
                    "dondoc",
                    notify=[b.spec.committee],
                    data={"due": b.explanation.due.isoformat(), "units": ", ".join(missing)},
                    key=key,
                )

    async def _milestone(self, kind: str, i: int, key: str) -> None:
        b, m = self.b, self.b.spec.milestones[i]
        pending = [u.code for u in b.units.values() if not u.done]
        if kind == "milestone-remind":
            if pending and self._now() < m.due:
                await self._remind(pending, f"milestone-{i}")
            return
        await self._act(
            ActionKind.MILESTONE_REACHED,
            "dondoc",
            notify=[b.spec.committee],
            data={"title": m.title, "due": m.due.isoformat(), "progress": b.progress_summary()},
            key=key,
        )

    async def _period(self, kind: str, n: int, key: str) -> None:
        """At the cut-off, remind leads with no report this period; at the due, escalate."""
        b = self.b
        period = next(p for p in b.spec.periods if p.n == n)
        missing = b.missing_period_report(n)
        if kind == "period-cutoff":
            if missing:
                await self._remind(missing, f"period-{n}")
            await self._act(
                ActionKind.PERIOD_CUTOFF,
                "dondoc",
                data={"period": n, "progress": b.progress_summary()},
                key=key,
            )
            return
        if missing:
            await self._act(
                ActionKind.PERIOD_MISSED,
                "dondoc",
                notify=[b.spec.committee],
                data={"period": n, "due": period.due.isoformat(), "units": ", ".join(missing)},
                key=key,
            )
        # A period boundary is the natural place to start a fresh history.
        self._boundary = True

    async def _remind(self, units: list[str], kind: str) -> None:
        now = self._now()
        await record(
            "send_reminders", SendRemindersInput(item=self._ref, units=units, kind=kind, at=now)
        )
        for code in units:
            self.b.units[code] = self.b.units[code].model_copy(update={"reminded_at": now})

    # -- shared steps ----------------------------------------------------------------------------

    async def _new_deadline(
        self,
        kind: ActionKind,
        actor: str,
        due: datetime,
        reason: str | None,
        assignments: list[AssignmentChange] | None = None,
    ) -> None:
        """Move the deadline and re-arm every timer that follows from it, in one step."""
        b = self.b
        schedule: Schedule = await record(
            "plan_schedule", PlanScheduleInput(item=self._ref, due=due), result_type=Schedule
        )
        b.deadline_seq += 1
        b.spec = b.spec.with_schedule(schedule)
        b.deadlines.append(
            DeadlineChange(seq=b.deadline_seq, due=due, at=self._now(), reason=reason or "")
        )
        b.reminded = False
        if b.phase == ItemStatus.OVERDUE:
            b.phase = ItemStatus.IN_PROGRESS
        self._wake = True
        await self._act(
            kind,
            actor,
            reason=reason,
            notify=list(b.units),
            schedule=schedule,
            deadline_seq=b.deadline_seq,
            extensions_used=b.extensions_used,
            status=b.phase,
            data={"new_due": due.isoformat()},
            assignments=assignments or [],
        )
        await self._tell_directive()

    async def _reassign(self, inp: ReassignInput) -> None:
        b = self.b
        lead, support = b.reassigned(inp)
        roles = dict.fromkeys(lead, Role.LEAD) | dict.fromkeys(support, Role.SUPPORT)
        removed = [c for c in b.units if c not in roles]
        added = [c for c in roles if c not in b.units]
        changes = [AssignmentChange(unit=c, remove=True) for c in removed]
        changes += [
            AssignmentChange(unit=c, add_as=r) for c, r in roles.items() if c not in removed
        ]
        units: dict[str, UnitProgress] = {}
        for code, role in roles.items():
            kept = b.units.get(code)
            units[code] = (
                kept.model_copy(update={"role": role, "refused_at": None, "refusal_reason": None})
                if kept
                else UnitProgress(code=code, role=role)
            )
        b.units = units
        await self._act(
            ActionKind.REASSIGNED,
            inp.actor,
            reason=inp.reason,
            notify=removed + added,
            data={
                "changes": "; ".join(
                    [f"thôi giao {c}" for c in removed] + [f"giao {c}" for c in added]
                )
                or "đổi vai trò",
                "lead": lead,
                "support": support,
            },
            assignments=changes,
        )

    async def _act(
        self,
        kind: ActionKind,
        actor: str,
        *,
        unit: str | None = None,
        reason: str | None = None,
        notify: list[str] | None = None,
        data: dict[str, Any] | None = None,
        key: str | None = None,
        **changes: Any,
    ) -> None:
        """Record one action (with its notifications) and keep it in the queryable log."""
        now = self._now()
        b = self.b
        b.actions.append(
            ActionLog(kind=kind, at=now, actor=actor, unit=unit, reason=reason, data=data or {})
        )
        await record(
            "record_action",
            RecordActionInput(
                item=self._ref,
                key=f"{workflow.info().workflow_id}:{key or f'{kind.value}:{len(b.actions)}'}",
                kind=kind,
                actor=actor,
                unit=unit,
                reason=reason,
                data=data or {},
                at=now,
                notify=notify or [],
                **changes,
            ),
        )

    def _news(self) -> TellDirectiveInput:
        """The directive's news of this item's phase, counted as told from now on."""
        self._told = self.b.phase
        change = ItemStatusChange(number=self.b.spec.number, status=self.b.phase, at=self._now())
        return TellDirectiveInput(directive_code=self.b.spec.directive_code, change=change)

    async def _tell_directive(self) -> None:
        if self.b.phase == self._told:
            return
        if self._lean:
            await record("tell_directive", self._news())
            return
        self._told = self.b.phase
        parent = workflow.get_external_workflow_handle(
            directive_workflow_id(self.b.spec.directive_code)
        )
        change = ItemStatusChange(number=self.b.spec.number, status=self.b.phase, at=self._now())
        try:
            await parent.signal("item_status", change)
        except ApplicationError as err:
            workflow.logger.warning(
                "directive not told of status change: %s", err, extra=self._log_extra(None)
            )

    def _result(self, message: str) -> ActionResult:
        return ActionResult(item_status=self.b.status(self._now()), message=message)

    def _now(self) -> datetime:
        return workflow.now()

    def _log_extra(self, unit: str | None) -> dict[str, object]:
        spec = self.b.spec
        return {"directive": spec.directive_code, "item": spec.number, "unit": unit}


@workflow.defn(name="TaskItemWorkflow")
class TaskItemWorkflowV1(TaskItemWorkflow):
    """Items started before the `TaskItem` type (their workflow type is `TaskItemWorkflow`):
    the same item, each change to its history since then taken behind `workflow.patched`.

    A patch costs every new run a marker and a search-attribute upsert (and ~7 KiB of worker
    memory per cached run), which is why new items run as a type that needs none.
    """

    @workflow.run
    async def run(self, inp: ItemInput) -> ItemResult:
        self._lean = workflow.patched(LEAN_COMPLETION)
        self._tell_with_record = self._lean and workflow.patched(TELL_WITH_RECORD)
        return await self._follow()
