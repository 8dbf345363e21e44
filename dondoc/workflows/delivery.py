"""OutboxWorkflow: the outbox's one sender per task queue, run after run of `deliver_outbox`."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from dondoc.schemas.notify import DeliverOutboxInput, OutboxWorkflowInput
    from dondoc.workflows import calls


@workflow.defn(name="Outbox")
class OutboxWorkflow:
    """Orchestrates delivery: each run of the `deliver_outbox` activity sends what is due for a
    minute, heartbeating; a worker killed mid-send has its run retried on another worker once the
    heartbeat stops, and the rows it held come back when their lease ends. The rows hold the
    retry schedule (attempts, next try, deadline), so the history stays small: about 6 events a
    minute, continued as new every `runs_per_history` runs. No signals, queries or updates."""

    @workflow.run
    async def run(self, inp: OutboxWorkflowInput) -> None:
        for _ in range(inp.runs_per_history):
            await calls.deliver_outbox(
                DeliverOutboxInput(run_s=inp.run_s, poll_s=inp.poll_s),
                heartbeat=timedelta(seconds=inp.heartbeat_s),
            )
            if workflow.info().is_continue_as_new_suggested():
                break
        workflow.continue_as_new(inp)
