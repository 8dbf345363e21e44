"""`dondoc health`: one line per check (server, database, worker), exit 0 only when all pass."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from dondoc.db.migrate import upgrade
from dondoc.db.session import make_engine, session_factory
from dondoc.local.devserver import free_port
from dondoc.worker import build_worker

pytestmark = pytest.mark.devserver


async def health(env: dict[str, str]) -> tuple[int, list[str]]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dondoc",
        "health",
        env={**os.environ, "TEMPORAL_CONFIG_FILE": "", **env},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode().splitlines()


def verdicts(lines: list[str]) -> list[tuple[str, str]]:
    return [(line.split()[0], line.split()[1]) for line in lines]


@pytest.fixture
def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'dondoc.sqlite'}"
    upgrade(make_engine(url))
    return url


async def test_all_pass_with_a_worker_polling(dev_env: WorkflowEnvironment, migrated: str) -> None:
    queue = f"health-{uuid.uuid4().hex[:8]}"
    address = dev_env.client.service_client.config.target_host
    env = {"TEMPORAL_ADDRESS": address, "DONDOC_DATABASE_URL": migrated, "DONDOC_TASK_QUEUE": queue}
    sessions = session_factory(make_engine(migrated))
    async with build_worker(dev_env.client, sessions, queue):
        code, lines = await health(env)
    assert (
        code,
        verdicts(lines),
    ) == (0, [("ok", "server"), ("ok", "database"), ("ok", "worker")]), lines


async def test_no_worker_on_the_queue_fails(dev_env: WorkflowEnvironment, migrated: str) -> None:
    """Nothing polls the task queue: the worker check fails, naming the queue; exit 2."""
    queue = f"health-{uuid.uuid4().hex[:8]}"
    address = dev_env.client.service_client.config.target_host
    env = {"TEMPORAL_ADDRESS": address, "DONDOC_DATABASE_URL": migrated, "DONDOC_TASK_QUEUE": queue}
    code, lines = await health(env)
    assert (
        code,
        verdicts(lines),
    ) == (2, [("ok", "server"), ("ok", "database"), ("FAIL", "worker")])
    assert queue in lines[2]


async def test_unreachable_server_and_unmigrated_database_both_fail(tmp_path: Path) -> None:
    """A down server does not hide the database's state: each check is reported on its own."""
    env = {
        "TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "DONDOC_DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite'}",
    }
    code, lines = await health(env)
    assert (
        code,
        verdicts(lines),
    ) == (2, [("FAIL", "server"), ("FAIL", "database"), ("FAIL", "worker")])
    assert "start the worker once" in lines[1]


async def test_migrate_prepares_what_health_checks(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """`dondoc migrate` on an empty database: afterwards the database check passes."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    address = dev_env.client.service_client.config.target_host
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dondoc",
        "migrate",
        env={**os.environ, "TEMPORAL_ADDRESS": address, "DONDOC_DATABASE_URL": url},
    )
    assert await asyncio.wait_for(proc.wait(), 60) == 0
    _, lines = await health({"TEMPORAL_ADDRESS": address, "DONDOC_DATABASE_URL": url})
    assert verdicts(lines)[1] == ("ok", "database")
