"""A worker away from before the support reminder until after the support deadline sends no
reminder of a deadline already past (as the due reminder and a milestone's already did); a worker
back before the deadline still sends it. On the real dev server (the time-skipping one stops its
clock while a task waits for a worker): the reminder's timer fires unseen, and its task waits
for the next worker."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, item_workflow_id
from dondoc.db.models import Item, Reminder
from dondoc.db.session import SessionFactory
from dondoc.schemas.messages import ReportInput, ReportResult
from dondoc.worker import build_worker
from dondoc.workflows.item import SUPPORT_REMIND_BY_DEADLINE
from tests.helpers import item_yaml, make_plan, start
from tests.workflows.test_replay import recorded_patch_ids

pytestmark = pytest.mark.devserver

SUPPORT_DUE_S = 10  # after the start; the support reminder comes 6 s before it
REMIND_BEFORE = "PT6S"
REMIND_S = timedelta(seconds=4)


async def _no_task_pending(handle: WorkflowHandle[Any, Any], within_s: float = 30) -> None:
    async with asyncio.timeout(within_s):
        while (await handle.describe()).raw_description.HasField("pending_workflow_task"):  # noqa: ASYNC110
            await asyncio.sleep(0.1)


async def away_then_back(
    env: WorkflowEnvironment, sessions: SessionFactory, task_queue: str, back_s: float
) -> tuple[list[tuple[str, str]], WorkflowHistory]:
    """Support due 10 s after the start, reminded at 4 s; the worker leaves once the item's
    timers are set and is back `back_s` after the start; both units then report done. The
    item's reminders (unit, kind) and its history."""
    client = env.client
    code = f"S{uuid.uuid4().hex[:6]}-KH/ĐU"
    t0 = datetime.now(UTC)
    support_due = (t0 + timedelta(seconds=SUPPORT_DUE_S)).isoformat()
    plan = make_plan(
        code,
        [item_yaml("1", t0 + timedelta(hours=1), support="[MTTQ]", support_due=support_due)],
        defaults=f"{{remind_before: {REMIND_BEFORE}, escalate_every: P7D}}",
    )
    handle = client.get_workflow_handle(item_workflow_id(code, "1"))
    async with build_worker(client, sessions, task_queue, fail_fast=True):
        await start(client, sessions, Settings(task_queue=task_queue), plan)
        await handle.query("state")  # answered once its first task has run: its timers set
    left = datetime.now(UTC)
    assert left < t0 + REMIND_S, f"setup: the worker left {left - t0} after the start"
    away = (t0 + timedelta(seconds=back_s) - left).total_seconds()
    await asyncio.sleep(away)
    async with build_worker(client, sessions, task_queue, fail_fast=True):
        await _no_task_pending(handle)  # the fired timer's task, before any report
        for unit in ("MTTQ", "KHOI_VAN"):
            await handle.execute_update(
                "report", ReportInput(unit=unit, done=True), result_type=ReportResult
            )
        await handle.result()
    with sessions() as s:
        reminders = s.execute(
            select(Reminder.unit_code, Reminder.kind)
            .join(Item, Item.id == Reminder.item_id)
            .where(Item.workflow_id == handle.id)
        ).all()
    history = await handle.fetch_history()
    return [(u, k) for u, k in reminders], history


def reminder_task_started(history: WorkflowHistory) -> datetime:
    """When the task that handled the fired reminder timer started: the instant its code saw."""
    events = list(history.events)
    fired = next(
        i for i, e in enumerate(events) if e.event_type == EventType.EVENT_TYPE_TIMER_FIRED
    )
    task = next(
        e for e in events[fired:] if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
    )
    return task.event_time.ToDatetime(tzinfo=UTC)


def patches(history: WorkflowHistory) -> set[str]:
    return recorded_patch_ids(json.loads(history.to_json()))


async def test_a_worker_back_after_the_support_deadline_reminds_nobody_of_it(
    dev_env: WorkflowEnvironment, sqlite_sessions: SessionFactory, task_queue: str
) -> None:
    t0 = datetime.now(UTC)
    reminders, history = await away_then_back(
        dev_env, sqlite_sessions, task_queue, SUPPORT_DUE_S + 1
    )
    seen = reminder_task_started(history) - t0
    assert seen >= timedelta(seconds=SUPPORT_DUE_S), f"setup: the timer was handled at {seen}"
    assert reminders == []
    assert SUPPORT_REMIND_BY_DEADLINE in patches(history)


async def test_a_worker_back_before_the_support_deadline_still_reminds_the_support_unit(
    dev_env: WorkflowEnvironment, sqlite_sessions: SessionFactory, task_queue: str
) -> None:
    t0 = datetime.now(UTC)
    reminders, history = await away_then_back(dev_env, sqlite_sessions, task_queue, 5)
    seen = reminder_task_started(history) - t0
    assert REMIND_S <= seen < timedelta(seconds=SUPPORT_DUE_S), f"setup: handled at {seen}"
    assert reminders == [("MTTQ", "support-0")]
    assert SUPPORT_REMIND_BY_DEADLINE not in patches(history)  # no marker where nothing changed
