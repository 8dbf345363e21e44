"""After downtime an item escalates once, at the level the clock has reached, and says which
levels it passed over while no worker ran (the real dev server: the time-skipping one will not
move its clock while a workflow task waits for a worker)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from dondoc.activities.client import ClientActivities
from dondoc.activities.records import RecordActivities
from dondoc.config import Settings, item_workflow_id
from dondoc.db.session import SessionFactory
from dondoc.worker import build_worker
from tests.faults import SeenEscalations
from tests.helpers import item_yaml, make_plan, start


@pytest.mark.devserver
async def test_a_worker_back_after_several_escalation_steps_escalates_once_naming_the_missed(
    dev_env: WorkflowEnvironment, sqlite_sessions: SessionFactory, task_queue: str
) -> None:
    code = f"D{uuid.uuid4().hex[:6]}-KH/ĐU"
    client = dev_env.client
    seen = SeenEscalations(ClientActivities(client, RecordActivities(sqlite_sessions)))

    def worker() -> Worker:
        return build_worker(
            client,
            sqlite_sessions,
            task_queue,
            fail_fast=True,
            replace_activities=[seen.record_escalation_and_tell, seen.record_escalation],
        )

    now = datetime.now(UTC)
    item = item_yaml("1", now + timedelta(seconds=2), support="[]")
    plan = make_plan(code, [item], defaults="{remind_before: PT1S, escalate_every: PT1S}")
    async with worker():
        await start(client, sqlite_sessions, Settings(task_queue=task_queue), plan)
        # Polled: the activities append from the worker's threads.
        while not seen.seen:  # noqa: ASYNC110 (level 1 at the due)
            await asyncio.sleep(0.1)
    await asyncio.sleep(5)  # no worker: levels 2, 3, … fall due unseen
    async with worker():
        while len(seen.seen) < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        await client.get_workflow_handle(item_workflow_id(code, "1")).terminate("test done")
    first, back = seen.seen[:2]
    assert (first.level, first.missed_levels) == (1, [])
    assert back.level >= 4  # at least three steps passed with no worker
    assert list(range(2, back.level)) == back.missed_levels
