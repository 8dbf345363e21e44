"""The task-item workflow: the run loop, its timers and thin handlers; decisions in item_steps."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from dondoc.schemas.actions import AssignmentChange, PlanScheduleInput, RecordActionInput
    from dondoc.schemas.lifecycle import (
        AckInput,
        ActionKind,
        ActionLog,
        ActionResult,
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
    from dondoc.schemas.messages import (
        CompleteInput,
        ItemInput,
        ItemResult,
        ItemState,
        ItemStatus,
        ItemStatusChange,
        ReportInput,
        ReportResult,
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
    from dondoc.workflows import calls
    from dondoc.workflows import item_rules as rules
    from dondoc.workflows import item_steps as steps
    from dondoc.workflows.item_state import OPEN_PHASES, Book, TimerKind

# Since this patch: an extension request, a refusal or an explanation from a unit that had not
# acknowledged counts as its receipt, as a report already did.
ACTION_IS_RECEIPT = "action-is-receipt"
# Since this patch: a closing report applied while an escalation was being recorded is not
# overwritten by the escalation's `overdue` (the run loop re-reads the phase after the await).
ESCALATION_AFTER_CLOSE = "escalation-after-close"


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

    Every handler checks again what its validator checked: the validators of all updates that
    arrive in one activation run before any handler body.
    """

    @workflow.init
    def __init__(self, inp: ItemInput) -> None:
        self.b = Book.resume(inp.carried) if inp.carried else Book.start(inp.spec)
        # Started by its directive, which records the assignment for a page of items at once.
        self.b.assigned = self.b.assigned or inp.assigned
        self._ref = ItemRef(directive_code=inp.spec.directive_code, number=inp.spec.number)
        self._told = self.b.status
        self._wake = False
        self._boundary = False
        self._close_recorded = False
        self._timer: asyncio.Future[None] | None = None
        self._timer_at: datetime | None = None

    @workflow.run
    async def run(self, inp: ItemInput) -> ItemResult:
        return await self._follow()

    # What changed in this workflow's history since the first items ran (TaskItemWorkflowV1
    # answers each behind `workflow.patched`): a closing report records the completion and
    # tells the directive in one local activity, and so does an escalation turning it overdue.
    def _closes_with_report(self) -> bool:
        return True

    def _tells_with_record(self) -> bool:
        return True

    async def _follow(self) -> ItemResult:
        b = self.b
        if not b.assigned:
            await calls.record_assignment(RecordAssignmentInput(item=self._ref, at=self._now()))
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
        if b.status.completed and not self._close_recorded:
            await calls.record_item_status(
                RecordItemStatusInput(item=self._ref, status=b.status, at=b.completed_at)
            )
        await self._tell_directive()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ItemResult(number=b.spec.number, status=b.status, completed_at=b.completed_at)

    async def _sleep_until(self, at: datetime) -> None:
        """Wait for the next due instant, a closing report or a re-armed deadline.

        The timer is left running when the item closes: the run ends and takes it along,
        without a TimerCanceled event; a moved deadline replaces it.
        """
        b, wait = self.b, max(at - self._now(), timedelta(seconds=1))
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
        if inp.report_id is not None and inp.report_id in self.b.seen_reports:
            return self.b.seen_reports[inp.report_id].model_copy(update={"duplicate": True})
        _reject(rules.report_problem(self.b, inp))
        return await self._apply_report(inp, channel="update")

    @report.validator
    def _validate_report(self, inp: ReportInput) -> None:
        if inp.report_id is None or inp.report_id not in self.b.seen_reports:
            _reject(rules.report_problem(self.b, inp))

    @workflow.signal(name="complete")
    async def complete(self, inp: CompleteInput) -> None:
        report = ReportInput(unit=inp.unit, progress=100, done=True, note=inp.note)
        problem = rules.report_problem(self.b, report)
        if problem:
            workflow.logger.warning(
                "complete signal ignored: %s", problem, extra=self._log_extra(inp.unit)
            )
            return
        await self._apply_report(report, channel="signal")

    async def _apply_report(self, inp: ReportInput, channel: str) -> ReportResult:
        b, now = self.b, self._now()
        step = steps.apply_report(b, inp, now, inp.report_id or str(workflow.uuid4()))
        closes = b.status if b.status.completed and self._closes_with_report() else None
        self._close_recorded = closes is not None
        tell = self._news() if closes is not None and self._tells_with_record() else None
        await calls.record_report(
            RecordReportInput(
                item=self._ref,
                report_id=step.result.report_id,
                unit=inp.unit,
                progress=inp.progress,
                done=inp.is_done,
                note=inp.note,
                channel=channel,
                at=now,
                received=step.first_receipt,
                closes=closes,
                tell=tell,
            )
        )
        # Re-read after the await: the phase may have moved meanwhile.
        if step.submitted_for_review and b.status == ItemStatus.AWAITING_REVIEW:
            await self._do(
                steps.Act(
                    ActionKind.REVIEW_SUBMITTED,
                    inp.unit,
                    notify=[b.spec.committee],
                    changes={"status": ItemStatus.AWAITING_REVIEW},
                )
            )
            await self._tell_directive()
        return step.result

    # -- receipt and refusal ---------------------------------------------------------------------

    @workflow.update(name="acknowledge")
    async def acknowledge(self, inp: AckInput) -> ActionResult:
        _reject(rules.ack_problem(self.b, inp))
        received = steps.receive(self.b, inp.unit, self._now())
        if not received:
            return self._result(f"{inp.unit} đã tiếp nhận trước đó")
        await self._do(
            steps.Act(
                ActionKind.RECEIPT, inp.unit, unit=inp.unit, changes={"assignments": received}
            )
        )
        return self._result(f"{inp.unit} đã tiếp nhận")

    @acknowledge.validator
    def _validate_ack(self, inp: AckInput) -> None:
        _reject(rules.ack_problem(self.b, inp))

    @workflow.update(name="refuse")
    async def refuse(self, inp: RefuseInput) -> ActionResult:
        _reject(rules.refuse_problem(self.b, inp))
        received = self._receipt_by_action(inp.unit)
        await self._do(steps.refuse(self.b, inp, self._now()), received)
        return self._result("đã gửi cấp ủy quyết định")

    @refuse.validator
    def _validate_refuse(self, inp: RefuseInput) -> None:
        _reject(rules.refuse_problem(self.b, inp))

    @workflow.update(name="decide_refusal")
    async def decide_refusal(self, inp: RefusalDecisionInput) -> ActionResult:
        _reject(rules.refusal_decision_problem(self.b, inp))
        if inp.decision == "overrule":
            await self._do(steps.overrule_refusal(self.b, inp))
            return self._result(f"giữ nguyên phân công cho {inp.unit}")
        await self._do(steps.reassign(self.b, steps.refusal_reassignment(self.b, inp)))
        return self._result(f"giao lại cho {inp.new_unit}")

    @decide_refusal.validator
    def _validate_decide_refusal(self, inp: RefusalDecisionInput) -> None:
        _reject(rules.refusal_decision_problem(self.b, inp))

    # -- extension -------------------------------------------------------------------------------

    @workflow.update(name="request_extension")
    async def request_extension(self, inp: ExtensionRequestInput) -> ActionResult:
        _reject(rules.extension_request_problem(self.b, inp, self._now()))
        received = self._receipt_by_action(inp.unit)
        await self._do(steps.request_extension(self.b, inp, self._now()), received)
        return self._result("đã gửi đề nghị gia hạn")

    @request_extension.validator
    def _validate_request_extension(self, inp: ExtensionRequestInput) -> None:
        _reject(rules.extension_request_problem(self.b, inp, self._now()))

    @workflow.update(name="decide_extension")
    async def decide_extension(self, inp: ExtensionDecisionInput) -> ActionResult:
        _reject(rules.extension_decision_problem(self.b, inp, self._now()))
        request = self.b.pending_extension
        assert request is not None
        self.b.pending_extension = None
        if not inp.approve:
            await self._do(
                steps.Act(
                    ActionKind.EXTENSION_REJECTED,
                    inp.actor,
                    reason=inp.reason,
                    notify=[request.unit],
                )
            )
            return self._result("không đồng ý gia hạn")
        self.b.extensions_used += 1
        due = inp.new_due or request.new_due
        await self._new_deadline(ActionKind.EXTENSION_APPROVED, inp.actor, due, inp.reason)
        return self._result(f"gia hạn đến {due.isoformat()}")

    @decide_extension.validator
    def _validate_decide_extension(self, inp: ExtensionDecisionInput) -> None:
        _reject(rules.extension_decision_problem(self.b, inp, self._now()))

    # -- reassignment, recall, review ------------------------------------------------------------

    @workflow.update(name="reassign")
    async def reassign(self, inp: ReassignInput) -> ActionResult:
        _reject(rules.reassign_problem(self.b, inp))
        await self._do(steps.reassign(self.b, inp))
        return self._result("đã điều chỉnh phân công")

    @reassign.validator
    def _validate_reassign(self, inp: ReassignInput) -> None:
        _reject(rules.reassign_problem(self.b, inp))

    @workflow.update(name="recall")
    async def recall(self, inp: RecallInput) -> ActionResult:
        _reject(rules.recall_problem(self.b, inp))
        await self._recall(inp)
        return self._result("đã thu hồi nhiệm vụ")

    async def _recall(self, inp: RecallInput) -> None:
        b = self.b
        b.status, b.completed_at, b.recall_reason = ItemStatus.RECALLED, self._now(), inp.reason
        changes = {"status": ItemStatus.RECALLED, "completed_at": b.completed_at}
        act = steps.Act(
            ActionKind.RECALLED, inp.actor, reason=inp.reason, notify=b.codes(), changes=changes
        )
        await self._do(act)

    @recall.validator
    def _validate_recall(self, inp: RecallInput) -> None:
        _reject(rules.recall_problem(self.b, inp))

    @workflow.update(name="review")
    async def review(self, inp: ReviewInput) -> ActionResult:
        _reject(rules.review_problem(self.b, inp, self._now()))
        b = self.b
        leads = [u.code for u in b.leads()]
        assert b.submitted_at is not None
        if inp.accepted:
            on_time = b.submitted_at <= b.spec.due
            b.completed_at = b.submitted_at
            b.status = ItemStatus.COMPLETED_ON_TIME if on_time else ItemStatus.COMPLETED_LATE
            act = steps.Act(ActionKind.REVIEW_ACCEPTED, inp.actor, reason=inp.reason, notify=leads)
            await self._do(act)
            return self._result("đánh giá đạt")
        assert inp.new_due is not None
        for code in leads:
            b.set_unit(code, done=False)
        b.status, b.submitted_at = ItemStatus.IN_PROGRESS, None
        reopen = [AssignmentChange(unit=c, reopen=True) for c in leads]
        await self._new_deadline(
            ActionKind.REVIEW_RETURNED, inp.actor, inp.new_due, inp.reason, assignments=reopen
        )
        return self._result("đánh giá chưa đạt; làm lại")

    @review.validator
    def _validate_review(self, inp: ReviewInput) -> None:
        _reject(rules.review_problem(self.b, inp, self._now()))

    # -- explanation -----------------------------------------------------------------------------

    @workflow.update(name="request_explanation")
    async def request_explanation(self, inp: ExplanationRequestInput) -> ActionResult:
        _reject(rules.explanation_request_problem(self.b, inp, self._now()))
        act = steps.request_explanation(self.b, inp, self._now())
        self._wake = True
        await self._do(act)
        return self._result("đã yêu cầu giải trình")

    @request_explanation.validator
    def _validate_request_explanation(self, inp: ExplanationRequestInput) -> None:
        _reject(rules.explanation_request_problem(self.b, inp, self._now()))

    @workflow.update(name="explain")
    async def explain(self, inp: ExplanationInput) -> ActionResult:
        _reject(rules.explanation_problem(self.b, inp))
        received = self._receipt_by_action(inp.unit)
        await self._do(steps.explain(self.b, inp), received)
        return self._result("đã gửi giải trình")

    @explain.validator
    def _validate_explain(self, inp: ExplanationInput) -> None:
        _reject(rules.explanation_problem(self.b, inp))

    @workflow.update(name="decide_explanation")
    async def decide_explanation(self, inp: ExplanationDecisionInput) -> ActionResult:
        _reject(rules.explanation_decision_problem(self.b, inp, self._now()))
        b = self.b
        assert b.explanation is not None
        b.explanation = b.explanation.model_copy(update={"decision": inp.decision})
        await self._do(
            steps.Act(
                ActionKind.EXPLANATION_DECIDED,
                inp.actor,
                reason=inp.reason,
                data={"decision": inp.decision},
                notify=[u.code for u in b.leads()],
            )
        )
        if inp.decision == "extend":
            assert inp.new_due is not None
            b.extensions_used += 1
            await self._new_deadline(
                ActionKind.EXTENSION_APPROVED, inp.actor, inp.new_due, inp.reason
            )
        elif inp.decision == "reassign":
            reason = inp.reason or "sau giải trình"
            change = ReassignInput(actor=inp.actor, lead=inp.lead, reason=reason)
            await self._do(steps.reassign(b, change))
        elif inp.decision == "recall":
            await self._recall(RecallInput(actor=inp.actor, reason=inp.reason or "sau giải trình"))
        return self._result(f"kết luận: {inp.decision}")

    @decide_explanation.validator
    def _validate_decide_explanation(self, inp: ExplanationDecisionInput) -> None:
        _reject(rules.explanation_decision_problem(self.b, inp, self._now()))

    # -- timers ----------------------------------------------------------------------------------

    async def _fire_due_events(self) -> None:
        b, now = self.b, self._now()
        remind = steps.reminder_due(b, now)
        if remind is not None:
            await self._do(remind)
        escalation = steps.escalation_due(b, now)
        if escalation is not None:
            turns_overdue = b.status == ItemStatus.IN_PROGRESS
            tell = None
            if turns_overdue and self._tells_with_record():
                b.status = ItemStatus.OVERDUE
                tell = self._news()
            await calls.record_escalation(
                RecordEscalationInput(
                    item=self._ref,
                    level=escalation.level,
                    deadline_seq=escalation.seq,
                    at=now,
                    tell=tell,
                )
            )
            b.escalations.append(escalation)
            # A closing report (or a recall) may have been applied during the await.
            closed_meanwhile = b.status not in OPEN_PHASES
            if turns_overdue and not (
                closed_meanwhile and workflow.patched(ESCALATION_AFTER_CLOSE)
            ):
                b.status = ItemStatus.OVERDUE
                await self._tell_directive()
        for key in steps.timers_due(b, now):
            if b.closed or b.has_fired(key):
                continue
            b.mark_fired(key)
            for step in steps.timer_steps(b, key, self._now()):
                await self._do(step)
            if key.kind == TimerKind.PERIOD_DUE:
                self._boundary = True  # a period boundary: the natural place for a new history

    # -- carrying steps out ----------------------------------------------------------------------

    async def _do(
        self, step: steps.Step, assignments: list[AssignmentChange] | None = None
    ) -> None:
        """Record one step: a reminder, or an action (with its notifications) in the item's
        queryable log; `assignments` adds receipt changes to the action's own."""
        now, b = self._now(), self.b
        if isinstance(step, steps.Remind):
            await calls.send_reminders(
                SendRemindersInput(item=self._ref, units=step.units, kind=step.kind, at=now)
            )
            for code in step.units:
                b.set_unit(code, reminded_at=now)
            return
        b.actions.append(
            ActionLog(
                kind=step.kind,
                at=now,
                actor=step.actor,
                unit=step.unit,
                reason=step.reason,
                data=step.data,
            )
        )
        changes = dict(step.changes)
        if assignments:
            changes["assignments"] = [*changes.get("assignments", []), *assignments]
        key = step.key or f"{step.kind.value}:{len(b.actions)}"
        await calls.record_action(
            RecordActionInput(
                item=self._ref,
                key=f"{workflow.info().workflow_id}:{key}",
                kind=step.kind,
                actor=step.actor,
                unit=step.unit,
                reason=step.reason,
                data=step.data,
                at=now,
                notify=step.notify,
                **changes,
            )
        )

    def _receipt_by_action(self, unit: str) -> list[AssignmentChange]:
        """Any action of an assigned unit is proof of receipt, as a report is."""
        u = self.b.unit(unit)
        if u is None or u.received_at is not None or not workflow.patched(ACTION_IS_RECEIPT):
            return []
        return steps.receive(self.b, unit, self._now())

    async def _new_deadline(
        self,
        kind: ActionKind,
        actor: str,
        due: datetime,
        reason: str | None,
        assignments: list[AssignmentChange] | None = None,
    ) -> None:
        """Move the deadline and re-arm every timer that follows from it, in one step."""
        schedule = await calls.plan_schedule(PlanScheduleInput(item=self._ref, due=due))
        act = steps.move_deadline(self.b, due, schedule, kind, actor, reason, self._now())
        self._wake = True
        await self._do(act, assignments)
        await self._tell_directive()

    def _news(self) -> TellDirectiveInput:
        """The directive's news of this item's phase, counted as told from now on."""
        self._told = self.b.status
        change = ItemStatusChange(number=self.b.spec.number, status=self.b.status, at=self._now())
        return TellDirectiveInput(directive_code=self.b.spec.directive_code, change=change)

    async def _tell_directive(self) -> None:
        if self.b.status != self._told:
            await calls.tell_directive(self._news())

    def _result(self, message: str) -> ActionResult:
        return ActionResult(item_status=self.b.shown_status(self._now()), message=message)

    def _now(self) -> datetime:
        return workflow.now()

    def _log_extra(self, unit: str | None) -> dict[str, object]:
        spec = self.b.spec
        return {"directive": spec.directive_code, "item": spec.number, "unit": unit}
