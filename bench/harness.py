"""A fresh dev server, dondoc database and worker process per run, and the helpers they share."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE

import psutil
from temporalio.client import Client

from dondoc.client import connect
from dondoc.config import Settings
from dondoc.db.migrate import upgrade
from dondoc.db.session import SessionFactory, make_engine, session_factory
from dondoc.local import devserver
from dondoc.worker import ensure_search_attributes

WORKER_START_S = 60


@dataclass
class Env:
    """One run's world: a server, a dondoc SQLite database, a client, and a scratch folder."""

    settings: Settings
    client: Client
    sessions: SessionFactory
    folder: Path
    server_pid: int
    worker_processes: int = 1  # dondoc and bare worker processes on the queue (not memory's)


@asynccontextmanager
async def environment(worker_processes: int = 1) -> AsyncIterator[Env]:
    """A throw-away dev server (SQLite file, WAL) and dondoc database (SQLite file)."""
    folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-"))
    port = devserver.free_port()
    proc = devserver.spawn(port, devserver.free_port(), folder / "temporal.sqlite", headless=True)
    # spawn() writes the server's log beside its database (temporal.sqlite.log in this folder).
    engine = None
    try:
        settings = Settings(
            temporal_address=f"127.0.0.1:{port}",
            database_url=f"sqlite:///{folder / 'dondoc.sqlite'}",
            task_queue="bench",
        )
        engine = make_engine(settings.database_url)
        upgrade(engine)
        client = await connect(settings)
        await ensure_search_attributes(client, settings.temporal_namespace)
        yield Env(settings, client, session_factory(engine), folder, proc.pid, worker_processes)
    finally:
        if engine is not None:
            engine.dispose()
        devserver.stop(proc)
        if os.environ.get("BENCH_KEEP"):
            print(f"  kept {folder}", flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Workers:
    """The worker processes of a run: `pid` the first (the memory figure runs one only)."""

    pids: list[int]

    @property
    def pid(self) -> int:
        return self.pids[0]


@asynccontextmanager
async def worker_process(
    env: Env,
    kind: str,
    *,
    cache: int | None = None,
    unsandboxed: bool = False,
    processes: int | None = None,
) -> AsyncIterator[Workers]:
    """`python -m bench.worker_proc` against this environment, `processes` of them (default:
    the environment's) on the one task queue; yields once every one polls."""
    args = [
        f"--kind={kind}",
        f"--address={env.settings.temporal_address}",
        f"--task-queue={env.settings.task_queue}",
        f"--database-url={env.settings.database_url}",
    ]
    if cache is not None:
        args.append(f"--cache={cache}")
    if unsandboxed:
        args.append("--unsandboxed")
    async with contextlib.AsyncExitStack() as stack:
        pids = []
        for i in range(processes or env.worker_processes):
            log_path = env.folder / f"worker-{kind}-{i}.log"
            proc = await stack.enter_async_context(_one_worker(args, log_path))
            pids.append(proc.pid)
        yield Workers(pids)


@asynccontextmanager
async def _one_worker(args: list[str], log_path: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.worker_proc", *args, stdout=PIPE, stderr=log
        )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), WORKER_START_S)
        if line.strip() != b"ready":
            raise RuntimeError(f"worker did not start: {tail(log_path)}")
        yield proc
    except BaseException:
        print(f"worker log tail:\n{tail(log_path)}", file=sys.stderr)
        raise
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                # A stalled worker may never finish its graceful shutdown.
                proc.kill()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(proc.wait(), 5)


def tail(path: Path, chars: int = 2000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


async def wait_until(check: Callable[[], Awaitable[bool]], within: float, every: float) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not done within {within:.0f} s")
        await asyncio.sleep(every)


async def bounded(limit: int, jobs: list[Callable[[], Awaitable[None]]]) -> None:
    """Run the jobs with at most `limit` in flight: the load a fixed pool of clients offers."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(one(j) for j in jobs))


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


class CpuMeter:
    """CPU time of the server, the worker and this process over a span: who was busy."""

    def __init__(self, **pids: int | list[int]) -> None:
        """A list of pids (several worker processes) is summed under its one name."""
        self.procs = {
            name: [psutil.Process(p) for p in (pid if isinstance(pid, list) else [pid])]
            for name, pid in pids.items()
        }
        self.procs["bench"] = [psutil.Process()]
        self.start = self._sample()
        self.t0 = time.monotonic()

    def _sample(self) -> dict[str, float]:
        return {
            name: sum(sum(p.cpu_times()[:2]) for p in procs) for name, procs in self.procs.items()
        }

    def cores(self) -> dict[str, float]:
        """Average cores each process used since the start (1.0 = one core all the time)."""
        wall = time.monotonic() - self.t0
        end = self._sample()
        return {name: round((end[name] - self.start[name]) / wall, 2) for name in end}
