"""Malformed update payloads (wrong types, missing or unknown fields): rejected with a clear,
non-retryable reason, on a worker configured as in production (not fail-fast)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings
from dondoc.db.session import SessionFactory
from dondoc.worker import build_worker
from tests.conftest import terminate_directive
from tests.helpers import item_handle, item_yaml, make_plan, start


@pytest.fixture
async def item(
    skipping_env: WorkflowEnvironment, sqlite_sessions: SessionFactory, task_queue: str
) -> AsyncIterator[Any]:
    """Item 1 of a fresh directive, run by a production-configured worker. (Not the `code`
    fixture: its teardown queries the directive after this worker has stopped, for 30 s.)"""
    code = f"M{uuid4().hex[:6]}-KH/ĐU"
    worker = build_worker(skipping_env.client, sqlite_sessions, task_queue)
    async with worker:
        now = await skipping_env.get_current_time()
        plan = make_plan(code, [item_yaml("1", now + timedelta(days=30))])
        await start(skipping_env.client, sqlite_sessions, Settings(task_queue=task_queue), plan)
        yield item_handle(skipping_env.client, code, "1")
        await terminate_directive(skipping_env.client, code)


@pytest.mark.parametrize(
    "payload",
    [
        {"unit": "KHOI_VAN", "progress": "5"},
        {"unit": "KHOI_VAN", "progress": 7, "done": "yes"},
        {"progress": 5},
        {"unit": "KHOI_VAN", "progress": 5, "colour": "red"},
        {"unit": "KHOI_VAN", "note": "a\x00b"},
    ],
    ids=str,
)
async def test_a_malformed_report_is_rejected_for_good_with_its_reason(
    item: Any, payload: dict[str, Any]
) -> None:
    """Not "RuntimeError: Failed decoding arguments, retryable": the reason, non-retryable; and
    the item takes the next valid report."""
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await item.execute_update("report", payload)
    cause = caught.value.cause
    assert isinstance(cause, ApplicationError)
    assert (cause.type, cause.non_retryable) == ("InvalidPayload", True)
    answer = await item.execute_update("report", {"unit": "KHOI_VAN", "progress": 10})
    assert (answer["progress"], answer["item_status"]) == (10, "in_progress")
