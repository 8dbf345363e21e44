"""Figure 5: worker RSS per cached open item workflow, sandboxed (as built) and unsandboxed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psutil
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from bench import bare, plans
from bench.harness import Env, bounded, wait_until, worker_process
from bench.scale import assigned
from dondoc.starter import start_plan

WARM_ITEMS = 300  # import code, start every thread (and its malloc arena): not per-item costs
SETTLE_S = 3.0
CLIENTS = 50


@dataclass(frozen=True)
class Memory:
    runner: str
    items: int
    kib_per_item: float
    rss_before_mib: float
    rss_after_mib: float


async def _open_items(env: Env, n: int) -> None:
    plan = plans.plan(n, datetime.now(UTC) + timedelta(days=30), support=("MTTQ",))
    await start_plan(env.client, env.sessions, env.settings, plan)

    async def all_assigned() -> bool:
        return assigned(env, plan.code) >= n

    await wait_until(all_assigned, within=3600, every=0.5)
    # Assignment is written as soon as a page of items is started, before each has run.
    await _cached(env)


async def _cached(env: Env) -> None:
    """Until every first workflow task has left the queue (each run is in the worker's cache)."""

    async def drained() -> bool:
        request = DescribeTaskQueueRequest(
            namespace=env.settings.temporal_namespace,
            task_queue=TaskQueue(name=env.settings.task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            report_stats=True,
        )
        found = await env.client.workflow_service.describe_task_queue(request)
        return found.stats.approximate_backlog_count == 0

    await wait_until(drained, within=3600, every=0.5)
    await asyncio.sleep(SETTLE_S)


async def rss_per_item(env: Env, n: int, *, unsandboxed: bool) -> Memory:
    """RSS of a worker process (cache big enough for all) before and after n more open items."""
    cache = n + WARM_ITEMS + 100
    async with worker_process(
        env, "dondoc", cache=cache, unsandboxed=unsandboxed, processes=1
    ) as worker:
        proc = psutil.Process(worker.pid)
        await _open_items(env, WARM_ITEMS)
        before = proc.memory_info().rss
        await _open_items(env, n)
        after = proc.memory_info().rss
    return Memory(
        "unsandboxed" if unsandboxed else "sandboxed",
        n,
        (after - before) / 1024 / n,
        before / 2**20,
        after / 2**20,
    )


async def _open_bare(env: Env, n: int) -> None:
    """n bare open workflows (a timer 30 days out, as an open item has), started by clients."""
    tag, at = uuid.uuid4().hex[:6], datetime.now(UTC) + timedelta(days=30)

    def start(i: int) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            await env.client.start_workflow(
                bare.BareTimer.run, at, id=f"mem-{tag}-{i}", task_queue=env.settings.task_queue
            )

        return go

    await bounded(CLIENTS, [start(i) for i in range(n)])

    await _cached(env)


async def bare_rss_per_wf(env: Env, n: int) -> Memory:
    """The same measure for bare workflows waiting on a timer: the SDK's own cost per cached run."""
    async with worker_process(env, "bare", cache=n + WARM_ITEMS + 100, processes=1) as worker:
        proc = psutil.Process(worker.pid)
        await _open_bare(env, WARM_ITEMS)
        before = proc.memory_info().rss
        await _open_bare(env, n)
        after = proc.memory_info().rss
    return Memory("bare sandboxed", n, (after - before) / 1024 / n, before / 2**20, after / 2**20)
