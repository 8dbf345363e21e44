"""The processes a chaos scenario starts, kills and restarts: a dev server and `dondoc worker`.

Everything listens on loopback and lives under the test's own directory; `Engine.close()`
stops whatever is still running (each process by its own pid, never by name).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from temporalio.client import Client

from dondoc.client import data_converter
from dondoc.config import Settings
from dondoc.db.session import SessionFactory
from dondoc.local import devserver
from dondoc.schemas.directive import DirectivePlan
from dondoc.starter import start_plan
from tests.helpers import directive_state, eventually


class Engine:
    """A Temporal dev server on a SQLite file and one `dondoc worker` subprocess."""

    def __init__(self, tmp: Path, database_url: str, task_queue: str) -> None:
        self.tmp = tmp
        self.port, self.ui_port = devserver.free_port(), devserver.free_port()
        self.db_file = tmp / "temporal.sqlite"
        self.env = {
            **os.environ,
            "TEMPORAL_ADDRESS": self.address,
            "DONDOC_DATABASE_URL": database_url,
            "DONDOC_TASK_QUEUE": task_queue,
            "DONDOC_LOG_FORMAT": "json",
            "DONDOC_MALLOC_TRIM_S": "0",
        }
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_starts = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def client(self) -> Client:
        return await Client.connect(self.address, data_converter=data_converter)

    # -- the server ------------------------------------------------------------------------------

    def start_server(self) -> None:
        self.server = devserver.spawn(self.port, self.ui_port, self.db_file, headless=True)

    def stop_server(self, sig: signal.Signals) -> float:
        """Stop the server with `sig` (SIGTERM: it may tidy up; SIGKILL: it may not); the
        seconds it took to exit."""
        assert self.server is not None
        started = time.monotonic()
        _signal(self.server, sig)
        self.server = None
        return time.monotonic() - started

    # -- the worker ------------------------------------------------------------------------------

    def start_worker(self) -> None:
        assert self.worker is None or self.worker.poll() is not None
        self.worker_starts += 1
        with open(self.tmp / "worker.log", "ab") as log:
            self.worker = subprocess.Popen(
                [sys.executable, "-m", "dondoc", "worker"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )

    def kill_worker(self) -> None:
        """kill -9: no shutdown, no flush; whatever the worker held in memory is gone."""
        assert self.worker is not None
        _signal(self.worker, signal.SIGKILL)

    async def worker_ready(self, within: float = 30) -> None:
        """Until the worker last started logs that it polls its task queue."""
        deadline = time.monotonic() + within
        while self.worker_log().count('"worker_started"') < self.worker_starts:
            assert self.worker_alive(), f"the worker exited: {self.worker_log()[-2000:]}"
            assert time.monotonic() < deadline, "the worker did not start in time"
            await asyncio.sleep(0.1)

    def worker_alive(self) -> bool:
        return self.worker is not None and self.worker.poll() is None

    def worker_log(self) -> str:
        path = self.tmp / "worker.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- teardown --------------------------------------------------------------------------------

    def close(self) -> None:
        for proc in (self.worker, self.server):
            if proc is not None and proc.poll() is None:
                _signal(proc, signal.SIGTERM, timeout=15)
        self.worker = self.server = None


def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals, timeout: float = 30) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def start_directive(
    client: Client, sessions: SessionFactory, task_queue: str, plan: DirectivePlan
) -> None:
    """Store and start the directive, and wait until every item's workflow runs."""
    await start_plan(client, sessions, Settings(task_queue=task_queue), plan)

    async def all_started() -> bool:
        return (await directive_state(client, plan.code)).started == len(plan.items)

    await eventually(all_started, within=60)
