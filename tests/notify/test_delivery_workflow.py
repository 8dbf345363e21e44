"""The outbox sender on Temporal: the Outbox workflow delivers what activities record."""

from __future__ import annotations

import asyncio
import contextlib

from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, digest_workflow_id, outbox_workflow_id
from dondoc.db.session import SessionFactory
from dondoc.notify.outbox import Notifier
from dondoc.schemas.notify import OutboxState, OutboxWorkflowInput
from dondoc.worker import build_worker, start_delivery
from tests.notify.conftest import Captured, record, rows


async def test_the_outbox_workflow_delivers_recorded_messages(
    skipping_env: WorkflowEnvironment, db: SessionFactory, task_queue: str
) -> None:
    """Messages recorded while the sender runs are delivered, each once, without a poll wait."""
    channel = Captured()
    notifier = Notifier(channel)
    settings = Settings(task_queue=task_queue)
    client = skipping_env.client
    async with build_worker(client, db, task_queue, notifier=notifier, fail_fast=True):
        await start_delivery(client, settings, OutboxWorkflowInput(run_s=2, poll_s=5))
        ids = record(db, notifier, n=20)
        for _ in range(200):
            if all(r.state == OutboxState.SENT for r in rows(db)):
                break
            await asyncio.sleep(0.05)
        for wf_id in (outbox_workflow_id(task_queue), digest_workflow_id(task_queue)):
            with contextlib.suppress(RPCError):
                await client.get_workflow_handle(wf_id).terminate("test finished")
    assert [r.state for r in rows(db)] == [OutboxState.SENT] * 20
    assert sorted(ids) == sorted(m.id for m in channel.sent)
