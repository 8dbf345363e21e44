"""The bare Temporal ceilings: the same shapes as dondoc's, with no database, validation or logs.

The strict forms (issue 13): every bare workflow is started by a client, as dondoc's items are
started (from an activity, through the client); the worker that runs them is tuned like
dondoc's (`bench.worker_proc --kind bare`: 24 workflow-task slots, sandboxed with this module
passed through, the no-op activity async).
"""

from __future__ import annotations

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


@workflow.defn(name="BareItem")
class BareItem:
    """The item lifecycle, bare and client-started: one no-op activity, two updates, done.

    Update `report` (int progress): the second one completes the workflow.
    """

    def __init__(self) -> None:
        self.reports = 0

    @workflow.run
    async def run(self) -> None:
        await workflow.execute_activity(noop, start_to_close_timeout=NOOP_TIMEOUT)
        await workflow.wait_condition(lambda: self.reports >= 2)
        await workflow.wait_condition(workflow.all_handlers_finished)

    @workflow.update(name="report")
    def report(self, progress: int) -> int:
        self.reports += 1
        return progress


@workflow.defn(name="BareTimer")
class BareTimer:
    """Sleeps until one instant, then runs one no-op activity: the escalation storm, bare."""

    @workflow.run
    async def run(self, at: datetime) -> None:
        await workflow.sleep(max(at - workflow.now(), timedelta(0)))
        await workflow.execute_activity(noop, start_to_close_timeout=NOOP_TIMEOUT)


WORKFLOWS = [BareWorkflow, BareItem, BareTimer]
