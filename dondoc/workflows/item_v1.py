"""Items started before the `TaskItem` type: every compatibility branch, and nowhere else.

Their workflow type is `TaskItemWorkflow`; each change to the item's history since they began
is taken behind `workflow.patched`, so their recorded histories replay as they ran.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from dondoc.config import directive_workflow_id
    from dondoc.schemas.messages import ItemInput, ItemResult, ItemStatusChange
    from dondoc.workflows.item import TaskItemWorkflow

# Since this patch: the report that completes an item also records the completion (one local
# activity, not two); the pending timer is abandoned rather than cancelled; and the directive is
# told by a local activity, not a signal (one marker instead of two events and a workflow task).
LEAN_COMPLETION = "lean-completion"
# Since this patch: a closing report, and an escalation that turns the item overdue, record
# themselves and tell the directive in one local activity (one workflow-task round trip less).
TELL_WITH_RECORD = "tell-with-record"


@workflow.defn(name="TaskItemWorkflow")
class TaskItemWorkflowV1(TaskItemWorkflow):
    """The same item as `TaskItem`, with each history change since then behind a patch.

    A patch costs every new run a marker and a search-attribute upsert (and ~7 KiB of worker
    memory per cached run), which is why new items run as a type that needs none.
    """

    @workflow.init
    def __init__(self, inp: ItemInput) -> None:
        super().__init__(inp)
        self._lean = False
        self._tell_with_record = False

    @workflow.run
    async def run(self, inp: ItemInput) -> ItemResult:
        self._lean = workflow.patched(LEAN_COMPLETION)
        self._tell_with_record = self._lean and workflow.patched(TELL_WITH_RECORD)
        return await self._follow()

    def _closes_with_report(self) -> bool:
        return self._lean

    def _tells_with_record(self) -> bool:
        return self._tell_with_record

    async def _sleep_until(self, at: datetime) -> None:
        if self._lean:
            await super()._sleep_until(at)
            return
        b, wait = self.b, max(at - self._now(), timedelta(seconds=1))
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: b.closed or self._wake, timeout=wait)

    async def _tell_directive(self) -> None:
        if self._lean:
            await super()._tell_directive()
            return
        if self.b.status == self._told:
            return
        self._told = self.b.status
        parent = workflow.get_external_workflow_handle(
            directive_workflow_id(self.b.spec.directive_code)
        )
        change = ItemStatusChange(number=self.b.spec.number, status=self.b.status, at=self._now())
        try:
            await parent.signal("item_status", change)
        except ApplicationError as err:
            workflow.logger.warning(
                "directive not told of status change: %s", err, extra=self._log_extra(None)
            )
