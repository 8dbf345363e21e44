"""`dondoc worker --processes N`: N worker processes on one task queue, prepared once, stopped
together."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType

import structlog

from dondoc.client import connect
from dondoc.config import Settings, get_settings
from dondoc.db.migrate import upgrade
from dondoc.db.session import make_engine
from dondoc.errors import DondocError
from dondoc.logs import configure_logging
from dondoc.worker import ensure_search_attributes, run_worker

log = structlog.get_logger("dondoc.worker")

POLL_S = 0.2
# After the grace the workers give their activities, this long to close clients and engines.
EXIT_SLACK_S = 15.0
INDEX_VAR = "DONDOC_WORKER_INDEX"


async def prepare(settings: Settings) -> None:
    """What one process does for all: the migrations, then the search attributes."""
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    await ensure_search_attributes(await connect(settings), settings.temporal_namespace)


def run_pool(settings: Settings, processes: int) -> int:
    """Start `processes` workers (`python -m dondoc.worker_pool`, the environment inherited:
    each its own client, DB engine and GIL) and supervise them. SIGTERM or SIGINT is passed on
    to every worker, which stops polling and drains its activities (`shutdown_grace_s`). A worker
    that exits on its own stops the others: the exit code says so and the process supervisor
    (systemd, Kubernetes) restarts the pool. Returns the exit code."""
    asyncio.run(prepare(settings))
    children: list[subprocess.Popen[bytes]] = []
    stopping: list[int] = []

    def stop(signum: int, _: FrameType | None = None) -> None:
        if not stopping:
            stopping.append(signum)
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

    # Before the first child: a signal in between must not orphan the ones already started.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    for i in range(processes):
        if stopping:
            break
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "dondoc.worker_pool"],
                env={**os.environ, INDEX_VAR: str(i)},
            )
        )
    log.info("worker_pool_started", processes=processes, pids=[c.pid for c in children])
    try:
        return _supervise(children, stopping, stop, settings.shutdown_grace_s + EXIT_SLACK_S)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _supervise(
    children: list[subprocess.Popen[bytes]],
    stopping: list[int],
    stop: Callable[[int], None],
    allowed_s: float,
) -> int:
    failed = False
    deadline: float | None = None
    while any(c.poll() is None for c in children):
        if not stopping:
            gone = [c for c in children if c.returncode is not None]
            if gone:
                log.error("worker_process_exited", pid=gone[0].pid, code=gone[0].returncode)
                failed = True
                stop(signal.SIGTERM)
        if stopping and deadline is None:
            deadline = time.monotonic() + allowed_s
        if deadline is not None and time.monotonic() > deadline:
            for child in children:
                if child.poll() is None:
                    log.warning("worker_process_killed", pid=child.pid)
                    child.kill()
        time.sleep(POLL_S)
    failed = failed or any(c.returncode not in (0, -signal.SIGTERM) for c in children)
    log.info("worker_pool_stopped", codes=[c.returncode for c in children])
    return 1 if failed else 0


def child() -> None:
    """One worker of the pool: the pool has prepared the database and the server already."""
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    index = int(os.environ.get(INDEX_VAR, "0"))
    structlog.contextvars.bind_contextvars(worker_process=index)
    code = 0
    try:
        asyncio.run(run_worker(settings, prepare=False, metrics_offset=index))
    except DondocError as exc:
        print(f"dondoc: {exc}", file=sys.stderr)
        code = 2
    # As `dondoc.cli.main`: leave at once, a core thread winding down can abort a normal exit.
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    child()
