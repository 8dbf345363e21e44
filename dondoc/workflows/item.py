"""The task-item workflow: the run loop, its timers and thin handlers; decisions in item_steps."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from dondoc.schemas.lifecycle import ActionKind
    from dondoc.schemas.messages import (
        CompleteInput,
        ItemInput,
        ItemResult,
        ItemState,
        ItemStatus,
        ReportInput,
        ReportResult,
    )
    from dondoc.schemas.records import (
        RecordAssignmentInput,
        RecordEscalationInput,
        RecordItemStatusInput,
        RecordReportInput,
    )
    from dondoc.workflows import calls
    from dondoc.workflows import item_clock as clock
    from dondoc.workflows import item_rules as rules
    from dondoc.workflows import item_steps as steps
    from dondoc.workflows.alarm import Alarm
    from dondoc.workflows.item_effects import reject as _reject
    from dondoc.workflows.item_lifecycle import LifecycleUpdates
    from dondoc.workflows.item_state import OPEN_PHASES, Book, TimerKey, TimerKind

# Since this patch: a closing report applied while an escalation was being recorded is not
# overwritten by the escalation's `overdue` (the run loop re-reads the phase after the await).
ESCALATION_AFTER_CLOSE = "escalation-after-close"
# Since this patch: a support reminder whose timer is only seen after the support deadline (the
# worker was away) is not sent; runs recorded before it sent it, and replay as they ran.
SUPPORT_REMIND_BY_DEADLINE = "support-remind-by-deadline"


@workflow.defn(name="TaskItem")
class TaskItemWorkflow(LifecycleUpdates):
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
        self._told = self.b.status
        self._wake = False
        self._boundary = False
        self._close_recorded = False
        self._alarm: Alarm | None = None

    @workflow.run
    async def run(self, inp: ItemInput) -> ItemResult:
        return await self._follow()

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

    def _sleep_until(self, at: datetime) -> Awaitable[None]:
        """Wait for the next due instant, a closing report or a re-armed deadline.

        The timer is left running when the item closes: the run ends and takes it along,
        without a TimerCanceled event; a moved deadline replaces it. Returns the wait itself,
        not a coroutine around it: one frame less kept by every cached run.
        """
        wait = max(at - self._now(), timedelta(seconds=1))
        alarm = self._alarm
        if alarm is None or alarm.fired or alarm.at != at:
            if alarm is not None and not alarm.fired:
                alarm.cancel()
            self._alarm = Alarm(at, wait)
        return workflow.wait_condition(self._woken)

    def _woken(self) -> bool:
        alarm = self._alarm
        return self.b.closed or self._wake or (alarm is not None and alarm.fired)

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
                by=inp.by,
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
                    by=inp.by,
                )
            )
            await self._tell_directive()
        return step.result

    # -- timers ----------------------------------------------------------------------------------

    async def _fire_due_events(self) -> None:
        b, now = self.b, self._now()
        remind = clock.reminder_due(b, now)
        if remind is not None:
            await self._do(remind)
        escalation = clock.escalation_due(b, now)
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
                    missed_levels=list(range(b.level + 1, escalation.level)),
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
        for key in clock.timers_due(b, now):
            if b.closed or b.has_fired(key):
                continue
            b.mark_fired(key)
            for step in self._timer_steps(key):
                await self._do(step)
            if key.kind == TimerKind.PERIOD_DUE:
                self._boundary = True  # a period boundary: the natural place for a new history

    def _timer_steps(self, key: TimerKey) -> list[steps.Step]:
        b, now = self.b, self._now()
        if clock.late_support_reminder(b, key, now) and not workflow.patched(
            SUPPORT_REMIND_BY_DEADLINE
        ):
            return clock.support_reminder(b)  # as the run recorded before the patch did
        return clock.timer_steps(b, key, now)
