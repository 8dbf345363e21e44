"""With the Temporal server gone, a report is a 503 problem (not a 404): the item is known to
the database, and the server does not answer a health probe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from dondoc.client import data_converter
from dondoc.config import Settings, WebSettings
from dondoc.db.accounts import add_user, create_token
from dondoc.db.session import SessionFactory
from dondoc.local.devserver import binary
from dondoc.schemas.accounts import UserRole
from dondoc.web.app import create_app
from dondoc.worker import build_worker
from dondoc.workflows.directive import DIRECTIVE_KEY
from tests.helpers import item_yaml, make_plan, start
from tests.web.conftest import PASSWORD, web_code

pytestmark = pytest.mark.devserver


async def test_report_while_temporal_is_down_is_503(
    sqlite_sessions: SessionFactory, task_queue: str, tmp_path: Path
) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=[DIRECTIVE_KEY],
        data_converter=data_converter,
    )
    settings = Settings(task_queue=task_queue, web=WebSettings(evidence_dir=tmp_path))
    code, now = web_code(), datetime.now(UTC)
    name = f"kv-{task_queue}"
    add_user(sqlite_sessions, name, "KHOI_VAN", UserRole.UNIT, PASSWORD, now)
    token = create_token(sqlite_sessions, name, now)[0]
    async with build_worker(env.client, sqlite_sessions, task_queue, fail_fast=True):
        await start(
            env.client,
            sqlite_sessions,
            settings,
            make_plan(code, [item_yaml("1", now + timedelta(days=9))]),
        )
    app = create_app(settings, sessions=sqlite_sessions, client=env.client)
    async with app.router.lifespan_context(app):
        await env.shutdown()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=90) as http:
            got = await http.post(
                f"/api/v1/directives/{quote(code, safe='')}/items/1/reports",
                json={"progress": 10},
                headers={"Authorization": f"Bearer {token}"},
            )
    assert (got.status_code, got.json()["kind"]) == (503, "server_unreachable")
