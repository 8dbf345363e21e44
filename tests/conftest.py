"""Shared fixtures: Temporal environments, databases (SQLite, PostgreSQL), workers, plans."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from dondoc.client import data_converter
from dondoc.config import Settings, directive_workflow_id, item_workflow_id
from dondoc.db.migrate import upgrade
from dondoc.db.session import SessionFactory, make_engine, session_factory
from dondoc.local.devserver import binary
from dondoc.worker import SEARCH_ATTRIBUTES, build_worker, ensure_search_attributes
from dondoc.workflows.directive import DIRECTIVE_KEY

if TYPE_CHECKING:
    from tests.workflows.scenario import Scenario

PG_URL = os.environ.get("DONDOC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_available() -> bool:
    try:
        with create_engine(PG_URL).connect() as conn:
            conn.execute(text("select 1"))
        return True
    except Exception:
        return False


async def _start_skipping() -> WorkflowEnvironment:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=data_converter,
    )
    await ensure_search_attributes(env.client, "default")
    return env


@pytest.fixture(scope="module")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server: weeks pass in milliseconds (one per test module: its
    clock is global, and a module's leftovers must not slow the next one's skips)."""
    env = await _start_skipping()
    yield env
    await env.shutdown()


@pytest.fixture
async def own_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of the test's own, for long timelines (its clock is not shared)."""
    env = await _start_skipping()
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server (SQLite-backed), for end-to-end behaviour."""
    db = tmp_path_factory.mktemp("temporal") / "temporal.sqlite"
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        dev_server_database_filename=str(db),
        dev_server_extra_args=["--sqlite-pragma", "journal_mode=wal"],
        search_attributes=[DIRECTIVE_KEY],
        data_converter=data_converter,
    )
    yield env
    await env.shutdown()


def _sqlite_url(tmp: Path) -> str:
    return f"sqlite:///{tmp / 'dondoc.sqlite'}"


@pytest.fixture(scope="session")
def sqlite_sessions(tmp_path_factory: pytest.TempPathFactory) -> SessionFactory:
    engine = make_engine(_sqlite_url(tmp_path_factory.mktemp("db")))
    upgrade(engine)
    return session_factory(engine)


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for this test session, dropped at the end."""
    if not pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL}; CI must test it")
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    with scratch_pg_schema("dondoc_test") as url:
        yield url


@contextlib.contextmanager
def scratch_pg_schema(prefix: str) -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema named `prefix_<random>`, dropped afterwards (skips
    the test when PostgreSQL is not reachable)."""
    if not pg_available():
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_sessions(pg_schema_url: str) -> SessionFactory:
    engine = make_engine(pg_schema_url)
    upgrade(engine)
    return session_factory(engine)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sessions(request: pytest.FixtureRequest) -> SessionFactory:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    name = "sqlite_sessions" if request.param == "sqlite" else "pg_sessions"
    result: SessionFactory = request.getfixturevalue(name)
    return result


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def code(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A fresh directive code per test (Vietnamese letters and a slash, like real ones).

    Afterwards its workflows are terminated: the time-skipping server's clock is shared, and a
    workflow whose worker has gone would hold it still.
    """
    value = f"T{uuid.uuid4().hex[:6]}-KH/ĐU"
    yield value
    if "skipping_env" in request.fixturenames:
        env: WorkflowEnvironment = request.getfixturevalue("skipping_env")
        await terminate_directive(env.client, value)


async def terminate_directive(client: Client, code: str) -> None:
    ids = [directive_workflow_id(code)]
    with contextlib.suppress(Exception):
        from tests.helpers import directive_state

        state = await directive_state(client, code)
        ids += [item_workflow_id(code, n) for n in state.items]
    for wf_id in ids:
        with contextlib.suppress(RPCError):
            await client.get_workflow_handle(wf_id).terminate("test finished")


@pytest.fixture
def settings(task_queue: str) -> Settings:
    return Settings(task_queue=task_queue)


@pytest.fixture
async def skipping_worker(
    skipping_env: WorkflowEnvironment, sqlite_sessions: SessionFactory, task_queue: str
) -> AsyncIterator[Worker]:
    worker = build_worker(skipping_env.client, sqlite_sessions, task_queue, fail_fast=True)
    async with worker:
        yield worker


@pytest.fixture
def client(skipping_env: WorkflowEnvironment) -> Client:
    return skipping_env.client


@pytest.fixture
async def scenario(
    skipping_worker: Worker,
    skipping_env: WorkflowEnvironment,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> Scenario:
    """A fresh directive code and a running worker: start items, act on them, read them back.
    (Imported here: a broken helper then fails only the tests that use it.)"""
    from tests.workflows.scenario import Scenario

    now = await skipping_env.get_current_time()
    return Scenario(skipping_env, skipping_env.client, sqlite_sessions, settings, code, now)


__all__ = ["SEARCH_ATTRIBUTES"]
