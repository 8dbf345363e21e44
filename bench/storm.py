"""Figure 3: many open items whose deadlines fall at one instant, against a bare timer ceiling."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bench import bare, plans
from bench.harness import CpuMeter, Env, bounded, percentile, wait_until, worker_process
from bench.scale import assigned
from dondoc.db.models import Directive, Escalation, Item, Notification
from dondoc.starter import start_plan

DIRECTIVE_ITEMS = 1000  # a storm comes from several directives sharing a deadline
SETUP_SLACK_S = 5.0
CLIENTS = 50


STALL_S = 120.0  # no new escalation for this long: the run is reported as stalled


@dataclass(frozen=True)
class Storm:
    items: int
    recorded: int  # fewer than items when the run stalled
    all_done_s: float  # deadline → the last one recorded
    lateness_p99_s: float
    setup_per_s: float  # how fast the open items were started: plans the next run's deadline
    cores: dict[str, float]

    @property
    def stalled(self) -> bool:
        return self.recorded < self.items


def _summary(n: int, lateness: list[float], setup_s: float, cores: dict[str, float]) -> Storm:
    if not lateness:  # stalled before the first one: nothing to time
        return Storm(n, 0, STALL_S, STALL_S, n / setup_s, cores)
    return Storm(n, len(lateness), max(lateness), percentile(lateness, 99), n / setup_s, cores)


async def _until_all_or_stalled(count: Callable[[], Awaitable[int]], n: int) -> None:
    last, since = -1, time.monotonic()
    while (done := await count()) < n:
        if done != last:
            last, since = done, time.monotonic()
        elif time.monotonic() - since > STALL_S:
            return
        await asyncio.sleep(0.5)


async def _until(at: datetime) -> None:
    await asyncio.sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()))


async def dondoc_storm(env: Env, n: int, starts_per_s: float, cache: int | None = None) -> Storm:
    """Open items (remind_at = due, so only escalations fire); all due at `deadline`.

    `cache` overrides max_cached_workflows (the diagnosis of what bounds the storm).
    """
    async with worker_process(env, "dondoc", cache=cache) as worker:
        # Planned once the workers poll: starting several processes takes a while.
        deadline = datetime.now(UTC) + timedelta(seconds=n / starts_per_s + SETUP_SLACK_S)
        sizes = [min(DIRECTIVE_ITEMS, n - k) for k in range(0, n, DIRECTIVE_ITEMS)]
        directive_plans = [
            plans.plan(size, deadline, remind_at=deadline, escalate_every=timedelta(days=1))
            for size in sizes
        ]
        codes = [p.code for p in directive_plans]
        t0 = time.monotonic()
        for p in directive_plans:
            await start_plan(env.client, env.sessions, env.settings, p)

        async def all_assigned() -> bool:
            return sum(assigned(env, c) for c in codes) >= n

        await wait_until(all_assigned, within=3600, every=0.5)
        setup_s = time.monotonic() - t0
        if datetime.now(UTC) > deadline - timedelta(seconds=1):
            raise RuntimeError("setup overran the deadline: lower the assumed start rate")
        await _until(deadline)
        meter = CpuMeter(server=env.server_pid, worker=worker.pids)

        async def escalated() -> int:
            return len(_escalations_sent(env, codes))

        await _until_all_or_stalled(escalated, n)
        cores = meter.cores()
    lateness = [(sent - deadline).total_seconds() for sent in _escalations_sent(env, codes)]
    return _summary(n, lateness, setup_s, cores)


def _escalations_sent(env: Env, codes: list[str]) -> list[datetime]:
    """When each escalation was recorded: its notification's first `next_try_at`, the wall clock
    stamped by the transaction that records the escalation (`Notifier.queue`; `created_at` is the
    workflow's time). Only a failed delivery moves it, and the bench worker delivers nothing."""
    with env.sessions() as s:
        sent = s.scalars(
            select(Notification.next_try_at)
            .join(Escalation, Escalation.key == Notification.key)
            .join(Item, Item.id == Escalation.item_id)
            .join(Directive, Directive.id == Item.directive_id)
            .where(Directive.code.in_(codes), Notification.next_try_at.is_not(None))
        ).all()
    return [t for t in sent if t is not None]


async def bare_storm(env: Env, n: int, starts_per_s: float, cache: int | None = None) -> Storm:
    """n BareTimer workflows firing at one instant; lateness is each one's close time."""
    deadline = datetime.now(UTC)  # planned once the workers poll, below
    tag = uuid.uuid4().hex[:6]
    query = f"WorkflowType = 'BareTimer' AND WorkflowId STARTS_WITH 'storm-{tag}-'"

    def start(i: int) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            await env.client.start_workflow(
                bare.BareTimer.run,
                deadline,
                id=f"storm-{tag}-{i}",
                task_queue=env.settings.task_queue,
            )

        return go

    async with worker_process(env, "bare", cache=cache) as worker:
        deadline = datetime.now(UTC) + timedelta(seconds=n / starts_per_s + SETUP_SLACK_S)
        t0 = time.monotonic()
        await bounded(CLIENTS, [start(i) for i in range(n)])
        setup_s = time.monotonic() - t0
        if datetime.now(UTC) > deadline - timedelta(seconds=1):
            raise RuntimeError("setup overran the deadline: lower the assumed start rate")
        await _until(deadline)
        meter = CpuMeter(server=env.server_pid, worker=worker.pids)

        async def closed() -> int:
            return (
                await env.client.count_workflows(f"{query} AND ExecutionStatus != 'Running'")
            ).count

        await _until_all_or_stalled(closed, n)
        cores = meter.cores()
        close_times = [w.close_time async for w in env.client.list_workflows(query)]
    lateness = [(t - deadline).total_seconds() for t in close_times if t is not None]
    return _summary(n, lateness, setup_s, cores)
