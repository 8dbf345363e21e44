"""A worker's shutdown drains running activities for DONDOC_SHUTDOWN_GRACE_S before cancelling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings
from dondoc.db.session import SessionFactory
from dondoc.worker import build_worker

pytestmark = pytest.mark.devserver


def test_grace_defaults_to_thirty_seconds_and_reads_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().shutdown_grace_s == 30.0
    monkeypatch.setenv("DONDOC_SHUTDOWN_GRACE_S", "5")
    assert Settings().shutdown_grace_s == 5.0


async def test_built_worker_gives_activities_the_grace(
    dev_env: WorkflowEnvironment, sqlite_sessions: SessionFactory
) -> None:
    """The SDK's graceful_shutdown_timeout is the grace: without it shutdown cancels at once."""
    worker = build_worker(
        dev_env.client, sqlite_sessions, "grace", shutdown_grace=timedelta(seconds=7)
    )
    assert timedelta(seconds=7) == worker.config().get("graceful_shutdown_timeout")
