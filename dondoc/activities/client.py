"""Activities that act through the Temporal client: start item workflows, tell a directive."""

from __future__ import annotations

import asyncio
import contextlib

from temporalio import activity
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from dondoc.activities.records import RecordActivities
from dondoc.config import directive_workflow_id, item_workflow_id
from dondoc.schemas.messages import ItemInput, ItemSpec
from dondoc.schemas.records import (
    LoadItemsInput,
    RecordAssignmentsInput,
    RecordEscalationInput,
    RecordReportInput,
    StartedItems,
    StartItemsInput,
    TellDirectiveInput,
)
from dondoc.workflows.directive import DIRECTIVE_KEY

CONCURRENT_STARTS = 32


class ClientActivities:
    """Owns a Temporal client. Starting a page of items from one activity keeps child events out
    of the directive's history; telling the directive from an activity keeps signal events (and
    the workflow task that follows them) out of the item's. Both are safe to retry: items start
    under fixed ids, and the directive's `item_status` handler is idempotent."""

    def __init__(self, client: Client, records: RecordActivities) -> None:
        self.client = client
        self.records = records

    @activity.defn(name="start_items")
    async def start_items(self, inp: StartItemsInput) -> StartedItems:
        page = await asyncio.to_thread(
            self.records.load_items,
            LoadItemsInput(directive_code=inp.directive_code, offset=inp.offset, limit=inp.limit),
        )
        gate = asyncio.Semaphore(CONCURRENT_STARTS)

        async def start(spec: ItemSpec) -> None:
            async with gate:
                # Started by an earlier attempt of this activity: it is running; leave it be.
                with contextlib.suppress(WorkflowAlreadyStartedError):
                    await self.client.start_workflow(
                        "TaskItem",
                        ItemInput(spec=spec, assigned=inp.assign_at is not None),
                        id=item_workflow_id(spec.directive_code, spec.number),
                        task_queue=inp.task_queue,
                        search_attributes=TypedSearchAttributes(
                            [SearchAttributePair(DIRECTIVE_KEY, spec.directive_code)]
                        ),
                    )

        await asyncio.gather(*(start(spec) for spec in page.items))
        if inp.assign_at is not None and page.items:
            numbers = [spec.number for spec in page.items]
            await asyncio.to_thread(
                self.records.record_assignments,
                RecordAssignmentsInput(
                    directive_code=inp.directive_code, numbers=numbers, at=inp.assign_at
                ),
            )
        return StartedItems(numbers=[spec.number for spec in page.items])

    @activity.defn(name="record_report_and_tell")
    async def record_report_and_tell(self, inp: RecordReportInput) -> None:
        """A closing report: recorded, then the directive told, in one local activity (one
        marker and one workflow-task round trip instead of two). Both halves are idempotent."""
        await asyncio.to_thread(self.records.record_report, inp)
        if inp.tell is not None:
            await self.tell_directive(inp.tell)

    @activity.defn(name="record_escalation_and_tell")
    async def record_escalation_and_tell(self, inp: RecordEscalationInput) -> None:
        """An escalation that turns the item overdue, recorded and told in one local activity."""
        await asyncio.to_thread(self.records.record_escalation, inp)
        if inp.tell is not None:
            await self.tell_directive(inp.tell)

    @activity.defn(name="tell_directive")
    async def tell_directive(self, inp: TellDirectiveInput) -> None:
        handle = self.client.get_workflow_handle(directive_workflow_id(inp.directive_code))
        try:
            await handle.signal("item_status", inp.change)
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
            # A directive that has finished (or was never started, in tests) needs no news.
            activity.logger.warning("directive not told of status change: %s", err.message)
