"""The web app served on a real port, with its own worker, in a thread of its own (its own event
loop): for the clients that are not async (schemathesis, Playwright)."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn

from dondoc.client import connect
from dondoc.config import Settings, WebSettings
from dondoc.db.accounts import add_user, create_token
from dondoc.db.session import open_database
from dondoc.local.devserver import free_port, port_open
from dondoc.web.app import create_app
from dondoc.worker import build_worker
from tests.helpers import item_yaml, make_plan, start
from tests.web.conftest import PASSWORD, PEOPLE, web_code


@dataclass
class Served:
    """A directive of three items, one user of each role; `url` once `up()` returns."""

    temporal: str
    tmp: Path
    code: str = field(default_factory=web_code)
    port: int = field(default_factory=free_port)
    users: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    error: BaseException | None = None

    def __post_init__(self) -> None:
        self.settings = Settings(
            temporal_address=self.temporal,
            database_url=f"sqlite:///{self.tmp / 'dondoc.sqlite'}",
            task_queue=f"tq-{uuid.uuid4().hex[:10]}",
            web=WebSettings(evidence_dir=self.tmp / "evidence", port=self.port),
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def up(self) -> Served:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not (self._server and self._server.started):
            if self.error is not None:
                raise self.error
            assert time.monotonic() < deadline, "the web server did not start"
            time.sleep(0.05)
        assert port_open(self.port)
        return self

    def down(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to the test by up()
            self.error = exc

    async def _main(self) -> None:
        client = await connect(self.settings)
        sessions = open_database(self.settings.database_url)
        now = datetime.now(UTC)
        plan = make_plan(
            self.code,
            [
                item_yaml("1", now + timedelta(days=20)),
                item_yaml("2", now + timedelta(days=30)),
                item_yaml("3", now + timedelta(days=25), lead="[UBND]", support="[]"),
            ],
        )
        for who, (unit, role) in PEOPLE.items():
            name = f"{who}-{uuid.uuid4().hex[:6]}"
            add_user(sessions, name, unit, role, PASSWORD, now, name=f"Cán bộ {who}")
            self.users[who] = name
            self.tokens[who] = create_token(sessions, name, now, "test")[0]
        async with build_worker(client, sessions, self.settings.task_queue, fail_fast=True):
            await start(client, sessions, self.settings, plan)
            app = create_app(self.settings, sessions=sessions, client=client)
            config = uvicorn.Config(
                app, host="127.0.0.1", port=self.port, log_config=None, access_log=False
            )
            self._server = uvicorn.Server(config)
            await self._server.serve()


def serving(target_host: str, tmp: Path) -> Iterator[Served]:
    """A module's site: up for its tests, down after (the body of each `served` fixture)."""
    found = Served(target_host, tmp).up()
    yield found
    found.down()
