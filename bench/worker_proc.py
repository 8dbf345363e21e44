"""A worker in its own process (`python -m bench.worker_proc`), so load and RSS are its own.

Prints `ready` on stdout once polling; stops on SIGTERM. `--kind dondoc` is
`dondoc.worker.build_worker` as is; `--kind bare` is the strict ceiling: the bare workflows on a
worker tuned like dondoc's (the same slots, cache and sandbox, the workflow module passed through).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from bench import bare
from dondoc.client import connect
from dondoc.config import Settings
from dondoc.db.session import make_engine, session_factory
from dondoc.logs import configure_logging
from dondoc.sandbox import ContextFreeRunner, passthrough
from dondoc.worker import build_worker, trimming_memory


def make_worker(args: argparse.Namespace, settings: Settings, client: Client) -> Worker:
    changed = args.cache is not None or args.unsandboxed
    # A changed worker is built as is on a template queue (the client refuses two workers on
    # one queue), then copied with Worker.config(), the SDK's way to derive a worker.
    queue = f"{args.task_queue}-template" if changed else args.task_queue
    if args.kind == "bare":
        worker = bare_worker(client, queue, settings)
    else:
        sessions = session_factory(make_engine(settings.database_url))
        worker = build_worker(client, sessions, queue)
    if not changed:
        return worker
    config = worker.config()
    config["task_queue"] = args.task_queue
    if args.cache is not None:
        config["max_cached_workflows"] = args.cache
    if args.unsandboxed:
        config["workflow_runner"] = UnsandboxedWorkflowRunner()
    return Worker(**config)


def bare_worker(client: Client, task_queue: str, settings: Settings) -> Worker:
    """The bare workflows on a worker tuned as `build_worker` tunes dondoc's (see its comments):
    the SDK's 100 workflow-task slots collapse under a burst, so the ceiling would be too low."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=bare.WORKFLOWS,
        activities=[bare.noop],  # async: no thread pool
        max_concurrent_activities=settings.activity_threads,
        max_concurrent_local_activities=settings.activity_threads,
        max_concurrent_workflow_tasks=settings.workflow_tasks,
        max_cached_workflows=settings.max_cached_workflows,
        # The same runner as dondoc's: sandboxed, no sandbox entry per payload (dondoc/sandbox.py).
        workflow_runner=ContextFreeRunner.for_converter(
            client.data_converter, passthrough("bench")
        ),
    )


async def main(args: argparse.Namespace) -> None:
    settings = Settings(temporal_address=args.address, database_url=args.database_url)
    configure_logging("json", "INFO")
    client = await connect(settings)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    # The memory figure reads RSS a few seconds after a burst: trim as often as that.
    async with make_worker(args, settings, client), trimming_memory(args.malloc_trim_s):
        print("ready", flush=True)
        await stop.wait()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.worker_proc")
    parser.add_argument("--kind", choices=["dondoc", "bare"], required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--database-url", default="sqlite://")
    parser.add_argument("--cache", type=int, default=None, help="max_cached_workflows")
    parser.add_argument("--unsandboxed", action="store_true")
    parser.add_argument("--malloc-trim-s", type=float, default=1.0)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse(sys.argv[1:])))
