"""The outbox sender on Temporal: the Outbox workflow delivers what activities record."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, digest_workflow_id, outbox_workflow_id
from dondoc.db.models import Notification
from dondoc.db.session import SessionFactory
from dondoc.notify.channels.webhook import WebhookChannel
from dondoc.notify.contacts import ContactSpec, set_contacts
from dondoc.notify.outbox import Notifier
from dondoc.schemas.notify import OutboxState, OutboxWorkflowInput
from dondoc.worker import build_worker, start_delivery
from tests.conftest import terminate_directive
from tests.helpers import eventually, item_yaml, make_plan, start
from tests.notify.conftest import Captured, Receiver, record, rows


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


@pytest.mark.devserver
async def test_a_slow_receiver_does_not_delay_the_escalation(
    dev_env: WorkflowEnvironment, db: SessionFactory, task_queue: str, receiver: Receiver
) -> None:
    """Every receiver takes 4 s to answer: the item still escalates on time (recording is its
    own step), and the escalation reaches the receiver afterwards."""
    receiver.delay_s = 4.0
    units = ("DANG_UY", "KHOI_VAN", "MTTQ")
    set_contacts(
        db, [ContactSpec(unit=u, webhook=receiver.url, webhook_secret="x" * 16) for u in units]
    )
    client = dev_env.client
    settings = Settings(task_queue=task_queue)
    code = f"SLOW{uuid.uuid4().hex[:6]}-KH/ĐU"
    due = datetime.now(UTC) + timedelta(seconds=4)
    plan = make_plan(code, [item_yaml("1", due)], "{remind_before: P3D, escalate_every: P7D}")
    channels = {"webhook": WebhookChannel(timeout_s=10)}
    async with build_worker(client, db, task_queue, channels=channels):
        await start_delivery(client, settings, OutboxWorkflowInput(run_s=5, poll_s=0.2))
        try:
            await start(client, db, settings, plan)

            def escalation() -> list[Notification]:
                return [r for r in rows(db) if r.kind == "escalation"]

            async def recorded() -> bool:
                return bool(escalation())

            await eventually(recorded, within=15)
            late_s = (datetime.now(UTC) - due).total_seconds()
            [row] = escalation()
            assert (late_s < 2.5, row.state == OutboxState.SENT) == (True, False)

            async def sent() -> bool:
                return all(r.state == OutboxState.SENT for r in escalation())

            await eventually(sent, within=30)
            assert str(row.id) in receiver.deliveries()
        finally:
            await terminate_directive(client, code)
            for wf_id in (outbox_workflow_id(task_queue), digest_workflow_id(task_queue)):
                with contextlib.suppress(RPCError):
                    await client.get_workflow_handle(wf_id).terminate("test finished")
