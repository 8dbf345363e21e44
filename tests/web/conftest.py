"""The real web app over httpx, on the real Temporal dev server with a worker, on SQLite and
PostgreSQL: a directive of three items and one user of each role (and of another unit)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, WebSettings
from dondoc.db.accounts import add_user, create_token
from dondoc.db.session import SessionFactory
from dondoc.schemas.accounts import UserRole
from dondoc.web.app import create_app
from tests.helpers import item_yaml, make_plan, start

pytestmark = pytest.mark.devserver
PASSWORD = "mật-khẩu-thử-123"
# name → (unit, role): KHOI_VAN leads items 1 and 2, UBND leads item 3, DANG_UY is the committee.
PEOPLE = {
    "unit": ("KHOI_VAN", UserRole.UNIT),
    "other": ("UBND", UserRole.UNIT),
    "committee": ("DANG_UY", UserRole.COMMITTEE),
    "clerk": ("VAN_THU", UserRole.CLERK),
    "viewer": ("THANH_TRA", UserRole.VIEWER),
}


@dataclass
class Web:
    http: httpx.AsyncClient
    client: Client
    code: str
    settings: Settings
    sessions: SessionFactory
    users: dict[str, str] = field(default_factory=dict)  # role name → username
    tokens: dict[str, str] = field(default_factory=dict)  # role name → bearer token

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def item(self, number: str, code: str | None = None) -> str:
        return f"/api/v1/directives/{quote(code or self.code, safe='')}/items/{number}"

    def directive(self, code: str | None = None) -> str:
        return f"/api/v1/directives/{quote(code or self.code, safe='')}"


def web_code() -> str:
    """A directive code with '/' and Vietnamese letters, as real ones have."""
    return f"W{uuid.uuid4().hex[:6]}-KH/ĐU-DVK-Đợt2"


@pytest.fixture
async def web(
    dev_env: WorkflowEnvironment, sessions: SessionFactory, task_queue: str, tmp_path: Path
) -> AsyncIterator[Web]:
    from dondoc.worker import build_worker

    settings = Settings(
        task_queue=task_queue,
        web=WebSettings(evidence_dir=tmp_path / "evidence", evidence_max_mb=1.0),
    )
    code = web_code()
    now = datetime.now(UTC)
    plan = make_plan(
        code,
        [
            item_yaml("1", now + timedelta(days=20)),
            item_yaml("2", now + timedelta(days=30)),
            item_yaml("3", now + timedelta(days=25), lead="[UBND]", support="[]"),
        ],
    )
    app = create_app(settings, sessions=sessions, client=dev_env.client)
    async with build_worker(dev_env.client, sessions, task_queue, fail_fast=True):
        await start(dev_env.client, sessions, settings, plan)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                env = Web(c, dev_env.client, code, settings, sessions)
                tag = uuid.uuid4().hex[:6]
                for who, (unit, role) in PEOPLE.items():
                    name = f"{who}-{tag}"
                    add_user(sessions, name, unit, role, PASSWORD, now, name=f"Cán bộ {who}")
                    env.users[who] = name
                    env.tokens[who] = create_token(sessions, name, now, "test")[0]
                yield env
