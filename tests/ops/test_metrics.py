"""The worker's metrics endpoint (DONDOC_METRICS_PORT): the SDK's metrics and dondoc's own."""

from __future__ import annotations

import asyncio
import re
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings
from dondoc.db.migrate import upgrade
from dondoc.db.session import make_engine, session_factory
from dondoc.errors import DondocError
from dondoc.local.devserver import free_port
from dondoc.metrics import outbox_counts
from dondoc.schemas.messages import ReportInput
from dondoc.starter import send_report
from dondoc.worker import run_worker
from tests.helpers import eventually, item_yaml, make_plan, start

pytestmark = pytest.mark.devserver


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        return str(answer.read().decode())


def value(text: str, name: str, labels: str = "") -> float:
    """The sample `name{…labels…}` (summed over other labels); 0 when absent."""
    pattern = re.compile(rf"^{name}\{{([^}}]*)\}} (\S+)$|^{name} (\S+)$", re.MULTILINE)
    total = 0.0
    for found in pattern.finditer(text):
        if labels in (found.group(1) or ""):
            total += float(found.group(2) or found.group(3))
    return total


async def test_metrics_count_reports_escalations_and_the_outbox(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """A report accepted, one rejected and a past-due item's escalation are counted; the outbox
    backlog is a gauge; the SDK's own worker metrics are served beside them."""
    port = free_port()
    database = f"sqlite:///{tmp_path / 'dondoc.sqlite'}"
    settings = Settings(
        temporal_address=dev_env.client.service_client.config.target_host,
        database_url=database,
        task_queue=f"metrics-{uuid.uuid4().hex[:8]}",
        metrics_port=port,
    )
    upgrade(make_engine(database))
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop))
    try:
        now = datetime.now(UTC)
        code = f"MET{uuid.uuid4().hex[:6]}/ĐU"
        plan = make_plan(
            code,
            [item_yaml("1", now + timedelta(days=30)), item_yaml("2", now - timedelta(days=1))],
        )
        sessions = session_factory(make_engine(database))
        await start(dev_env.client, sessions, settings, plan)
        await send_report(dev_env.client, code, "1", ReportInput(unit="KHOI_VAN", progress=40))
        with pytest.raises(DondocError):
            await send_report(dev_env.client, code, "1", ReportInput(unit="UBND", progress=10))

        async def counted() -> bool:
            text = scrape(port)
            return value(text, "dondoc_escalations_total") >= 1

        await eventually(counted, within=30)
        text = scrape(port)
        assert (
            value(text, "dondoc_reports_total", 'outcome="accepted"'),
            value(text, "dondoc_reports_total", 'outcome="rejected"'),
        ) == (1, 1)
        assert "temporal_workflow_task_execution_latency" in text
        assert re.search(r"^dondoc_outbox_backlog(\{[^}]*\})? \d+$", text, re.MULTILINE)
        assert outbox_counts(sessions)[1] == value(text, "dondoc_delivery_failures")
    finally:
        stop.set()
        await asyncio.wait_for(worker, 60)


def test_outbox_counts_are_zero_on_an_empty_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    upgrade(engine)
    assert outbox_counts(session_factory(engine)) == (0, 0)
