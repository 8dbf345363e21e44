"""The bare Temporal ceilings: the same shapes as dondoc's, with no database, validation or logs."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import activity, workflow

NOOP_TIMEOUT = timedelta(seconds=30)


@activity.defn(name="noop")
async def noop() -> None:
    """The activity every bare workflow runs once."""


@workflow.defn(name="BareWorkflow")
class BareWorkflow:
    """One no-op activity, then done: the context for every other figure."""

    @workflow.run
    async def run(self) -> None:
        await workflow.execute_activity(noop, start_to_close_timeout=NOOP_TIMEOUT)


@workflow.defn(name="BareChild")
class BareChild:
    """The item lifecycle, bare: one no-op activity, two updates, then tell the parent.

    Update `report` (int progress).
    """

    def __init__(self) -> None:
        self.reports = 0

    @workflow.run
    async def run(self, parent_id: str) -> None:
        await workflow.execute_activity(noop, start_to_close_timeout=NOOP_TIMEOUT)
        await workflow.wait_condition(lambda: self.reports >= 2)
        await workflow.get_external_workflow_handle(parent_id).signal("done")

    @workflow.update(name="report")
    def report(self, progress: int) -> int:
        self.reports += 1
        return progress


@workflow.defn(name="BareParent")
class BareParent:
    """Starts one BareChild per item and completes when each has signalled `done`."""

    def __init__(self) -> None:
        self.done = 0

    @workflow.run
    async def run(self, items: int) -> None:
        me = workflow.info().workflow_id
        await asyncio.gather(
            *(
                workflow.start_child_workflow(BareChild.run, me, id=f"{me}/{n}")
                for n in range(items)
            )
        )
        await workflow.wait_condition(lambda: self.done >= items)

    @workflow.signal(name="done")
    def child_done(self) -> None:
        self.done += 1


@workflow.defn(name="BareTimer")
class BareTimer:
    """Sleeps until one instant, then runs one no-op activity: the escalation storm, bare."""

    @workflow.run
    async def run(self, at: datetime) -> None:
        await workflow.sleep(max(at - workflow.now(), timedelta(0)))
        await workflow.execute_activity(noop, start_to_close_timeout=NOOP_TIMEOUT)


WORKFLOWS = [BareWorkflow, BareChild, BareParent, BareTimer]
