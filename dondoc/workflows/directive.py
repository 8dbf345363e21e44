"""The directive workflow: starts one task-item workflow per item and follows their statuses."""

from __future__ import annotations

import asyncio
import contextlib

from temporalio import workflow
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from dondoc.config import item_workflow_id
    from dondoc.schemas.messages import (
        DirectiveInput,
        DirectiveResult,
        DirectiveState,
        DirectiveStatus,
        ItemInput,
        ItemSpec,
        ItemStatus,
        ItemStatusChange,
    )
    from dondoc.schemas.records import (
        LoadItemsInput,
        RecordDirectiveStatusInput,
        StartItemsInput,
    )
    from dondoc.workflows import calls
    from dondoc.workflows.item_v1 import TaskItemWorkflowV1

DIRECTIVE_KEY = SearchAttributeKey.for_keyword("DondocDirective")
# Items are started as independent workflows from an activity, a page at a time, rather than as
# child workflows: each child cost the directive ~3 history events and counted against the
# 2,000-pending-children limit; now an item costs the directive only the signals it sends.
ITEMS_BY_ACTIVITY = "items-started-by-activity"


@workflow.defn(name="DirectiveWorkflow")
class DirectiveWorkflow:
    """Orchestrates a directive: starts a TaskItemWorkflow per item and tracks their statuses.

    Items tell it of every status change (signal `item_status`); it completes when all items
    have completed. Children are abandoned on close so they outlive continue-as-new.

    Signal `item_status` (ItemStatusChange); query `state` (DirectiveState).
    """

    @workflow.init
    def __init__(self, inp: DirectiveInput) -> None:
        # Items are read from the database a page at a time and their workflows started a page
        # at a time; a run starts at most `window` of them, then continues as new, so neither the
        # 2,000-pending-children limit nor the history limit bounds a directive's size.
        self._inp = inp
        self._code = inp.code
        self._total = inp.item_count
        self._next = inp.next_offset
        self._statuses: dict[str, ItemStatus] = dict(inp.statuses)
        # Kept as a count: the completion condition is checked after every signal.
        self._closed = sum(1 for s in self._statuses.values() if s.closed)

    @workflow.run
    async def run(self, inp: DirectiveInput) -> DirectiveResult:
        started_here = 0
        while self._next < self._total:
            if workflow.patched(ITEMS_BY_ACTIVITY):
                started = await self._start_page()
            else:
                started = await self._start_page_as_children()
            if not started:
                break
            self._next += started
            started_here += started
            if self._next < self._total and (
                started_here >= self._inp.window or workflow.info().is_continue_as_new_suggested()
            ):
                await self._continue_as_new()

        await workflow.wait_condition(
            lambda: self._all_closed() or workflow.info().is_continue_as_new_suggested()
        )
        if not self._all_closed():
            await self._continue_as_new()
        await calls.record_directive_status(
            RecordDirectiveStatusInput(
                directive_code=self._code, status=DirectiveStatus.COMPLETED, at=workflow.now()
            ),
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return DirectiveResult(
            code=self._code, status=DirectiveStatus.COMPLETED, items=dict(self._statuses)
        )

    @workflow.signal(name="item_status")
    def item_status(self, change: ItemStatusChange) -> None:
        if not self._statuses.get(change.number, ItemStatus.IN_PROGRESS).closed:
            self._statuses[change.number] = change.status
            self._closed += change.status.closed

    @workflow.query(name="state")
    def state(self) -> DirectiveState:
        counts = dict.fromkeys(ItemStatus, 0)
        for status in self._statuses.values():
            counts[status] += 1
        return DirectiveState(
            code=self._code,
            status=DirectiveStatus.COMPLETED if self._all_closed() else DirectiveStatus.IN_PROGRESS,
            item_count=self._total,
            started=self._next,
            items=dict(self._statuses),
            counts=counts,
        )

    def _all_closed(self) -> bool:
        return self._closed >= self._total

    async def _start_page(self) -> int:
        """Start a page of item workflows from one local activity (one marker in this history)."""
        page = await calls.start_items(
            StartItemsInput(
                directive_code=self._code,
                offset=self._next,
                limit=self._inp.page_size,
                task_queue=workflow.info().task_queue,
                assign_at=workflow.now(),
            )
        )
        for number in page.numbers:
            self._statuses.setdefault(number, ItemStatus.IN_PROGRESS)
        return len(page.numbers)

    async def _start_page_as_children(self) -> int:
        """How directives started before ITEMS_BY_ACTIVITY did it: child workflows (kept for
        their histories' replay)."""
        page = await calls.load_items(
            LoadItemsInput(directive_code=self._code, offset=self._next, limit=self._inp.page_size)
        )
        await asyncio.gather(*(self._start_item(spec) for spec in page.items))
        return len(page.items)

    async def _start_item(self, spec: ItemSpec) -> None:
        self._statuses.setdefault(spec.number, ItemStatus.IN_PROGRESS)
        # Started by an earlier run of this directive (e.g. after a reset): it is running.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(
                TaskItemWorkflowV1.run,
                ItemInput(spec=spec),
                id=item_workflow_id(spec.directive_code, spec.number),
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                search_attributes=TypedSearchAttributes(
                    [SearchAttributePair(DIRECTIVE_KEY, spec.directive_code)]
                ),
            )

    async def _continue_as_new(self) -> None:
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            self._inp.model_copy(update={"next_offset": self._next, "statuses": self._statuses})
        )
