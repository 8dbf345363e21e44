"""Record the Outbox and Digest workflows' histories (`python -m tests.notify.histories.record`):
one full run each, ended by continue-as-new, on the time-skipping server."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from dondoc.client import data_converter
from dondoc.db.session import open_database
from dondoc.local.devserver import binary
from dondoc.schemas.notify import DigestWorkflowInput, OutboxWorkflowInput
from dondoc.worker import build_worker
from dondoc.workflows.delivery import OutboxWorkflow
from dondoc.workflows.digest import DigestWorkflow

HERE = Path(__file__).parent


async def first_run(client: Client, handle: WorkflowHandle[Any, Any], within: float = 60.0) -> str:
    """The history of the handle's first run, once it has continued as new."""
    for _ in range(int(within / 0.1)):
        described = await handle.describe()
        if described.run_id != handle.first_execution_run_id:
            break
        await asyncio.sleep(0.1)
    first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
    assert (await first.describe()).status == WorkflowExecutionStatus.CONTINUED_AS_NEW
    return (await first.fetch_history()).to_json()


async def main() -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"), data_converter=data_converter
    )
    queue = f"rec-{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/d.sqlite")
        async with build_worker(env.client, db, queue):
            digest = await env.client.start_workflow(
                DigestWorkflow.run,
                DigestWorkflowInput(days_per_history=3),
                id="digest",
                task_queue=queue,
            )
            await env.sleep(timedelta(days=8))
            (HERE / "digest.json").write_text(await first_run(env.client, digest), encoding="utf-8")
            await digest.terminate("recorded")
            outbox = await env.client.start_workflow(
                OutboxWorkflow.run,
                OutboxWorkflowInput(run_s=0.2, poll_s=0.05, runs_per_history=3),
                id="outbox",
                task_queue=queue,
            )
            (HERE / "outbox.json").write_text(await first_run(env.client, outbox), encoding="utf-8")
            await outbox.terminate("recorded")
    await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
