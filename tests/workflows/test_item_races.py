"""Messages that arrive while the item's run loop awaits an activity (time-skipping server).

The escalation's recording activity is held open by the test until the closing report has been
applied, so the interleaving is the same on every run: the update is delivered when the worker
heartbeats the workflow task that waits on the local activity (~8 s of real time).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from dondoc.activities.client import ClientActivities
from dondoc.activities.records import RecordActivities
from dondoc.config import Settings
from dondoc.db.session import SessionFactory
from dondoc.schemas.messages import ItemResult, ItemStatus, ReportInput, ReportResult
from dondoc.worker import build_worker
from tests.faults import HeldEscalation
from tests.helpers import item_handle, item_yaml, make_plan, start


async def test_a_closing_report_during_the_escalation_record_is_not_overwritten(
    skipping_env: WorkflowEnvironment, sqlite_sessions: SessionFactory, task_queue: str
) -> None:
    """Defect 1: the report that completes the item while its first escalation is being
    recorded leaves it `completed_late` and closed; the escalation does not turn it back into
    `overdue` (before the fix it did, and the workflow ran on for good)."""
    # Its own code, not the `code` fixture's: that one queries the directive afterwards, which
    # needs a worker, and this test's worker is gone by then (everything here has finished).
    code = f"R{uuid.uuid4().hex[:6]}-KH/ĐU"
    client = skipping_env.client
    held = HeldEscalation(ClientActivities(client, RecordActivities(sqlite_sessions)))
    worker = build_worker(
        client,
        sqlite_sessions,
        task_queue,
        fail_fast=True,
        replace_activities=[held.record_escalation_and_tell],
    )
    async with worker:
        now = await skipping_env.get_current_time()
        # Due in two seconds of the server's clock, which runs in real time here: skipping
        # time would wait for the held activity, which never ends by itself.
        plan = make_plan(code, [item_yaml("1", now + timedelta(seconds=2), support="[]")])
        await start(client, sqlite_sessions, Settings(task_queue=task_queue), plan)
        handle = item_handle(client, code, "1")
        await asyncio.wait_for(held.started.wait(), timeout=30)

        t0 = time.monotonic()
        closing = ReportInput(unit="KHOI_VAN", done=True, report_id="closing")
        result = await asyncio.wait_for(
            handle.execute_update("report", closing, result_type=ReportResult), timeout=60
        )
        assert result.item_status == ItemStatus.COMPLETED_LATE
        print(f"closing report applied after {time.monotonic() - t0:.1f} s")
        held.release.set()

        outcome = ItemResult.model_validate(await asyncio.wait_for(handle.result(), timeout=30))
        assert outcome.status == ItemStatus.COMPLETED_LATE
