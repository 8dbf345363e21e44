"""`dondoc worker --processes 2` on the dev server: two pollers share the queue, work gets done,
and SIGTERM stops both cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings
from dondoc.db.session import make_engine, session_factory
from tests.helpers import eventually, item_yaml, make_plan, start

pytestmark = pytest.mark.devserver


async def pollers(client: Client, queue: str) -> set[str]:
    """The identities polling the queue's workflow tasks (the SDK's default: pid@host)."""
    found = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace="default",
            task_queue=TaskQueue(name=queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return {p.identity for p in found.pollers}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """dondoc's database on SQLite, then on PostgreSQL (a fresh schema)."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_schema_url")
        return url
    return f"sqlite:///{tmp_path / 'dondoc.sqlite'}"


async def test_two_worker_processes_share_the_queue_and_stop_on_sigterm(
    dev_env: WorkflowEnvironment, tmp_path: Path, database: str
) -> None:
    """Both processes poll, a directive started on the queue is run, and SIGTERM ends the pool
    with exit code 0 after each worker logged its stop."""
    queue = f"pool-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_CONFIG_FILE": "",
        "DONDOC_DATABASE_URL": database,
        "DONDOC_TASK_QUEUE": queue,
        "DONDOC_LOG_FORMAT": "json",
        "DONDOC_SHUTDOWN_GRACE_S": "5",
    }
    log = tmp_path / "pool.log"
    with log.open("wb") as err:
        pool = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dondoc", "worker", "--processes", "2", env=env, stderr=err
        )
    try:

        async def both_polling() -> bool:
            return len(await pollers(dev_env.client, queue)) == 2

        await eventually(both_polling, within=60)
        code = f"POOL{uuid.uuid4().hex[:6]}/ĐU"
        due = datetime.now(UTC) + timedelta(days=30)
        plan = make_plan(code, [item_yaml(str(n), due) for n in (1, 2, 3)])
        sessions = session_factory(make_engine(database))
        await start(dev_env.client, sessions, Settings(task_queue=queue), plan)
    finally:
        pool.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(pool.wait(), 40)
        except TimeoutError:
            pool.kill()
            await pool.wait()
    text = log.read_text()
    assert (pool.returncode, text.count('"worker_stopped"')) == (0, 2), text[-3000:]


async def test_a_worker_that_dies_stops_the_pool_with_exit_code_1(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """The supervisor (systemd, compose) is told by the exit code and restarts the pool."""
    queue = f"pool-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_CONFIG_FILE": "",
        "DONDOC_DATABASE_URL": f"sqlite:///{tmp_path / 'dondoc.sqlite'}",
        "DONDOC_TASK_QUEUE": queue,
        "DONDOC_SHUTDOWN_GRACE_S": "2",
    }
    pool = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dondoc", "worker", "--processes", "2", env=env
    )
    try:

        async def both_polling() -> bool:
            return len(await pollers(dev_env.client, queue)) == 2

        await eventually(both_polling, within=60)
        first, *_ = psutil.Process(pool.pid).children()
        first.kill()
        assert await asyncio.wait_for(pool.wait(), 40) == 1
    finally:
        if pool.returncode is None:
            pool.kill()
            await pool.wait()
