"""Figure 6: one directive of many items, each with 3 units: started, assigned, state reported."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bench import plans
from bench.harness import CpuMeter, Env, wait_until, worker_process
from dondoc.db.models import Directive, Item
from dondoc.schemas.messages import DirectiveState
from dondoc.starter import start_plan, status_view


@dataclass(frozen=True)
class Scale:
    items: int
    all_assigned_s: float
    assigned_per_s: float
    status_view_s: float
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
        meter = CpuMeter(server=env.server_pid, worker=worker.pid)
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
    if state.started != n or len(view.items) != n:
        raise RuntimeError(f"directive reports {state.started} started, {len(view.items)} in view")
    return Scale(n, took, n / took, view_s, cores)
