"""Figure 5: worker RSS per cached open item workflow, sandboxed (as built) and unsandboxed."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psutil

from bench import bare, plans
from bench.harness import Env, wait_until, worker_process
from bench.scale import assigned
from dondoc.starter import start_plan

WARM_ITEMS = 50  # the first runs import and cache code; they are not the per-item cost
SETTLE_S = 3.0


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
    await asyncio.sleep(SETTLE_S)


async def rss_per_item(env: Env, n: int, *, unsandboxed: bool) -> Memory:
    """RSS of a worker process (cache big enough for all) before and after n more open items."""
    cache = n + WARM_ITEMS + 100
    async with worker_process(env, "dondoc", cache=cache, unsandboxed=unsandboxed) as worker:
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
    parent = f"mem-{uuid.uuid4().hex[:6]}"
    await env.client.start_workflow(
        bare.BareParent.run, n, id=parent, task_queue=env.settings.task_queue
    )
    children = f"WorkflowType = 'BareChild' AND WorkflowId STARTS_WITH '{parent}/'"

    async def all_started() -> bool:
        return (await env.client.count_workflows(children)).count >= n

    await wait_until(all_started, within=3600, every=0.5)
    await asyncio.sleep(SETTLE_S)


async def bare_rss_per_wf(env: Env, n: int) -> Memory:
    """The same measure for the bare lifecycle's children, waiting for their updates."""
    async with worker_process(env, "bare", cache=n + WARM_ITEMS + 100) as worker:
        proc = psutil.Process(worker.pid)
        await _open_bare(env, WARM_ITEMS)
        before = proc.memory_info().rss
        await _open_bare(env, n)
        after = proc.memory_info().rss
    return Memory("bare sandboxed", n, (after - before) / 1024 / n, before / 2**20, after / 2**20)
