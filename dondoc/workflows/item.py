"""The task-item workflow: assignment, reports, reminders and the escalation ladder of one item."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from dondoc.config import directive_workflow_id
    from dondoc.schemas.messages import (
        CompleteInput,
        Escalation,
        ItemInput,
        ItemResult,
        ItemSpec,
        ItemState,
        ItemStatus,
        ItemStatusChange,
        ReportInput,
        ReportResult,
        Role,
        UnitProgress,
    )
    from dondoc.schemas.records import (
        ItemRef,
        RecordAssignmentInput,
        RecordEscalationInput,
        RecordItemStatusInput,
        RecordReportInput,
        SendRemindersInput,
    )
    from dondoc.workflows.calls import record


@workflow.defn(name="TaskItemWorkflow")
class TaskItemWorkflow:
    """Follows one task item until every lead unit has reported done.

    Records the assignment and notifies the units; reminds unfinished units once at `remind_at`;
    at `due` escalates to the committee (level 1), then every `escalate_every` (level 2, 3, …);
    tells its directive on each status change.

    Update `report` (ReportInput → ReportResult); signal `complete` (CompleteInput);
    query `state` (ItemState).
    """

    @workflow.init
    def __init__(self, inp: ItemInput) -> None:
        self._spec: ItemSpec = inp.spec
        self._ref = ItemRef(directive_code=inp.spec.directive_code, number=inp.spec.number)
        carried = inp.carried or _initial_state(inp.spec)
        self._status = carried.status
        self._assigned = carried.assigned
        self._units = {u.code: u for u in carried.units}
        self._escalations = list(carried.escalations)
        self._completed_at = carried.completed_at
        self._seen = dict(carried.seen_reports)
        self._reminded = carried.reminded

    @workflow.run
    async def run(self, inp: ItemInput) -> ItemResult:
        if not self._assigned:
            await record(
                "record_assignment", RecordAssignmentInput(item=self._ref, at=workflow.now())
            )
            self._assigned = True
        while not self._status.closed:
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(ItemInput(spec=self._spec, carried=self.state()))
            await self._fire_due_events()
            if self._status.closed:
                break
            wait = max(self._next_instant() - workflow.now(), timedelta(seconds=1))
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._status.closed, timeout=wait)
        assert self._completed_at is not None
        await record(
            "record_item_status",
            RecordItemStatusInput(item=self._ref, status=self._status, at=self._completed_at),
        )
        await self._tell_directive(self._completed_at)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ItemResult(
            number=self._spec.number, status=self._status, completed_at=self._completed_at
        )

    @workflow.update(name="report")
    async def report(self, inp: ReportInput) -> ReportResult:
        if inp.report_id is not None and inp.report_id in self._seen:
            return self._seen[inp.report_id].model_copy(update={"duplicate": True})
        problem = self._report_problem(inp)
        if problem:
            raise ApplicationError(problem, type="ReportRejected", non_retryable=True)
        return await self._apply(inp, channel="update")

    @report.validator
    def _validate_report(self, inp: ReportInput) -> None:
        if inp.report_id is not None and inp.report_id in self._seen:
            return
        problem = self._report_problem(inp)
        if problem:
            raise ApplicationError(problem, type="ReportRejected", non_retryable=True)

    @workflow.signal(name="complete")
    async def complete(self, inp: CompleteInput) -> None:
        report = ReportInput(unit=inp.unit, progress=100, done=True, note=inp.note)
        problem = self._report_problem(report)
        if problem:
            workflow.logger.warning(
                "complete signal ignored: %s", problem, extra=self._log_extra(inp.unit)
            )
            return
        await self._apply(report, channel="signal")

    @workflow.query(name="state")
    def state(self) -> ItemState:
        return ItemState(
            directive_code=self._spec.directive_code,
            number=self._spec.number,
            status=self._status,
            due=self._spec.due,
            remind_at=self._spec.remind_at,
            escalate_every=self._spec.escalate_every,
            assigned=self._assigned,
            reminded=self._reminded,
            units=list(self._units.values()),
            escalations=self._escalations,
            completed_at=self._completed_at,
            seen_reports=self._seen,
        )

    def _report_problem(self, inp: ReportInput) -> str | None:
        unit = self._units.get(inp.unit)
        where = f"item {self._spec.number} of {self._spec.directive_code}"
        if unit is None:
            return f"unit '{inp.unit}' is not assigned to {where}"
        if self._status.closed:
            return f"{where} is already completed ({self._status.value}); no more reports"
        if not 0 <= inp.progress <= 100:
            return f"progress must be between 0 and 100, got {inp.progress}"
        if inp.progress < unit.progress:
            return (
                f"progress {inp.progress}% is lower than {inp.unit}'s last report"
                f" ({unit.progress}%) on {where}"
            )
        if unit.done:
            return f"unit '{inp.unit}' has already reported {where} done"
        return None

    async def _apply(self, inp: ReportInput, channel: str) -> ReportResult:
        now = workflow.now()
        report_id = inp.report_id or str(workflow.uuid4())
        done = inp.is_done
        self._units[inp.unit] = self._units[inp.unit].model_copy(
            update={"progress": inp.progress, "done": done, "last_report_at": now}
        )
        if all(u.done for u in self._units.values() if u.role == Role.LEAD):
            self._completed_at = now
            on_time = now <= self._spec.due
            self._status = ItemStatus.COMPLETED_ON_TIME if on_time else ItemStatus.COMPLETED_LATE
        result = ReportResult(
            report_id=report_id,
            unit=inp.unit,
            progress=inp.progress,
            done=done,
            item_status=self._status,
        )
        self._seen[report_id] = result
        await record(
            "record_report",
            RecordReportInput(
                item=self._ref,
                report_id=report_id,
                unit=inp.unit,
                progress=inp.progress,
                done=done,
                note=inp.note,
                channel=channel,
                at=now,
            ),
        )
        return result

    @property
    def _level(self) -> int:
        return self._escalations[-1].level if self._escalations else 0

    def _next_escalation_at(self) -> datetime:
        return self._spec.due + self._spec.escalate_every * self._level

    def _next_instant(self) -> datetime:
        if not self._reminded:
            return min(self._spec.remind_at, self._next_escalation_at())
        return self._next_escalation_at()

    async def _fire_due_events(self) -> None:
        now = workflow.now()
        if not self._reminded and now >= self._spec.remind_at:
            self._reminded = True
            pending = [u.code for u in self._units.values() if not u.done]
            if pending and now < self._spec.due:
                await record(
                    "send_reminders", SendRemindersInput(item=self._ref, units=pending, at=now)
                )
                for code in pending:
                    self._units[code] = self._units[code].model_copy(update={"reminded_at": now})
        if not self._status.closed and now >= self._next_escalation_at():
            # After downtime, escalate once at the level the clock has reached, not once per
            # missed step.
            behind = (now - self._spec.due) // self._spec.escalate_every + 1
            level = max(self._level + 1, behind)
            await record(
                "record_escalation", RecordEscalationInput(item=self._ref, level=level, at=now)
            )
            self._escalations.append(Escalation(level=level, at=now))
            if self._status == ItemStatus.IN_PROGRESS:
                self._status = ItemStatus.OVERDUE
                await self._tell_directive(now)

    async def _tell_directive(self, at: datetime) -> None:
        parent = workflow.get_external_workflow_handle(
            directive_workflow_id(self._spec.directive_code)
        )
        change = ItemStatusChange(number=self._spec.number, status=self._status, at=at)
        try:
            await parent.signal("item_status", change)
        except ApplicationError as err:
            workflow.logger.warning(
                "directive not told of status change: %s", err, extra=self._log_extra(None)
            )

    def _log_extra(self, unit: str | None) -> dict[str, object]:
        return {"directive": self._spec.directive_code, "item": self._spec.number, "unit": unit}


def _initial_state(spec: ItemSpec) -> ItemState:
    units = [UnitProgress(code=c, role=Role.LEAD) for c in spec.lead]
    units += [UnitProgress(code=c, role=Role.SUPPORT) for c in spec.support]
    return ItemState(
        directive_code=spec.directive_code,
        number=spec.number,
        due=spec.due,
        remind_at=spec.remind_at,
        escalate_every=spec.escalate_every,
        units=units,
    )
