"""How the item workflow carries out its steps: records, reminders, deadline moves, news for
its directive. A base of `TaskItemWorkflow`; sandbox-clean like every workflow module."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from dondoc.schemas.actions import AssignmentChange, PlanScheduleInput, RecordActionInput
    from dondoc.schemas.lifecycle import ActionKind, ActionLog, ActionResult, RecallInput
    from dondoc.schemas.messages import ItemStatus, ItemStatusChange
    from dondoc.schemas.records import ItemRef, SendRemindersInput, TellDirectiveInput
    from dondoc.workflows import calls
    from dondoc.workflows import item_steps as steps
    from dondoc.workflows.alarm import Alarm
    from dondoc.workflows.item_state import Book

# Since this patch: an extension request, a refusal or an explanation from a unit that had not
# acknowledged counts as its receipt, as a report already did.
ACTION_IS_RECEIPT = "action-is-receipt"


def reject(problem: str | None) -> None:
    """Refuse an update with the rule's reason (validators and handlers alike)."""
    if problem:
        raise ApplicationError(problem, type="ActionRejected", non_retryable=True)


class ItemEffects:
    """The state every item run keeps, and the steps it carries out."""

    b: Book
    _told: ItemStatus
    _wake: bool
    _boundary: bool
    _close_recorded: bool
    _alarm: Alarm | None

    @property
    def _ref(self) -> ItemRef:
        """The item, as every record names it: made for each call, not kept with the run."""
        spec = self.b.spec
        return ItemRef(directive_code=spec.directive_code, number=spec.number)

    # What changed in this workflow's history since the first items ran (TaskItemWorkflowV1
    # answers each behind `workflow.patched`): a closing report records the completion and
    # tells the directive in one local activity, and so does an escalation turning it overdue.
    def _closes_with_report(self) -> bool:
        return True

    def _tells_with_record(self) -> bool:
        return True

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
                by=step.by,
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
                by=step.by,
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
        by: str | None = None,
    ) -> None:
        """Move the deadline and re-arm every timer that follows from it, in one step."""
        schedule = await calls.plan_schedule(PlanScheduleInput(item=self._ref, due=due))
        act = steps.move_deadline(self.b, due, schedule, kind, actor, reason, self._now(), by)
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

    async def _recall(self, inp: RecallInput) -> None:
        b = self.b
        b.status, b.completed_at, b.recall_reason = ItemStatus.RECALLED, self._now(), inp.reason
        changes = {"status": ItemStatus.RECALLED, "completed_at": b.completed_at}
        act = steps.Act(
            ActionKind.RECALLED,
            inp.actor,
            reason=inp.reason,
            notify=b.codes(),
            changes=changes,
            by=inp.by,
        )
        await self._do(act)
