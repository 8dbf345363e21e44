"""Figure 6: one directive of many items (3 units each) started and assigned; bare starts beside."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bench import bare, plans
from bench.harness import CpuMeter, Env, bounded, wait_until, worker_process
from dondoc.db.models import Directive, Item
from dondoc.schemas.messages import DirectiveState
from dondoc.starter import start_plan, status_view


@dataclass(frozen=True)
class Scale:
    items: int
    all_assigned_s: float
    assigned_per_s: float
    status_view_s: float
    status_page_s: float  # what `dondoc status` reads now: counts + the first page of 50
    cores: dict[str, float]


def assigned(env: Env, code: str) -> int:
    with env.sessions() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(Item)
                .join(Directive)
                .where(Directive.code == code, Item.assigned_at.is_not(None))
            )
            or 0
        )


async def largest_directive(env: Env, n: int) -> Scale:
    """Time from `start_plan` (store included) until every item's assignment is in the database."""
    plan = plans.plan(n, datetime.now(UTC) + timedelta(days=30), support=("UBND", "MTTQ"))
    async with worker_process(env, "dondoc") as worker:
        meter = CpuMeter(server=env.server_pid, worker=worker.pids)
        t0 = time.monotonic()
        started = await start_plan(env.client, env.sessions, env.settings, plan)

        async def all_assigned() -> bool:
            return assigned(env, plan.code) >= n

        await wait_until(all_assigned, within=3600, every=0.5)
        took = time.monotonic() - t0
        cores = meter.cores()
        state = await env.client.get_workflow_handle(started.workflow_id).query(
            "state", result_type=DirectiveState
        )
        t1 = time.monotonic()
        view = status_view(env.sessions, plan.code)
        view_s = time.monotonic() - t1
        t2 = time.monotonic()
        first = status_view(env.sessions, plan.code, limit=50)
        page_s = time.monotonic() - t2
    if state.started != n or len(view.items) != n or first.total_items != n:
        raise RuntimeError(f"directive reports {state.started} started, {len(view.items)} in view")
    return Scale(n, took, n / took, view_s, page_s, cores)


CLIENTS = 50


@dataclass(frozen=True)
class BareStarts:
    items: int
    all_started_s: float
    cores: dict[str, float]


async def bare_starts(env: Env, n: int) -> BareStarts:
    """The bare ceiling beside it: CLIENTS start n `BareTimer`s (open for a day, as items stay
    open) on the same server, until every start has been acknowledged."""
    tag = uuid.uuid4().hex[:6]
    at = datetime.now(UTC) + timedelta(days=1)

    def start(i: int) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            await env.client.start_workflow(
                bare.BareTimer.run,
                at,
                id=f"bare-start-{tag}-{i}",
                task_queue=env.settings.task_queue,
            )

        return go

    async with worker_process(env, "bare") as worker:
        meter = CpuMeter(server=env.server_pid, worker=worker.pids)
        t0 = time.monotonic()
        await bounded(CLIENTS, [start(i) for i in range(n)])
        took = time.monotonic() - t0
        cores = meter.cores()
    return BareStarts(n, took, cores)
