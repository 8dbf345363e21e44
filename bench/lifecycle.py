"""Figures 1–2: lifecycle throughput, report round trips, history per item, against strict bare."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.client import Client

from bench import bare, plans
from bench.harness import CpuMeter, Env, bounded, percentile, wait_until, worker_process
from bench.scale import assigned
from dondoc.config import directive_workflow_id, item_workflow_id
from dondoc.schemas.messages import ReportInput, ReportResult
from dondoc.starter import start_plan

CLIENTS = 50  # reports in flight at once, for dondoc and bare alike
RUN_TIMEOUT_S = 900
# Reports start once every item exists (no retry storms on not-yet-started workflows);
# the clock runs from the start of the directive (or parent) to its completion all the same.
# Every 20 ms: a coarser poll adds up to its period to dondoc's setup (bare's has no poll).
POLL_S = 0.02


@dataclass(frozen=True)
class Lifecycle:
    items_per_s: float
    events_per_item: float
    parent_events_per_item: float
    cores: dict[str, float]
    phases_s: dict[str, float]  # started/assigned, reports answered, parent completed
    # Each report's round trip (client sends the update → its result is back), in ms:
    # p50/p95 over every report, and over the closing (second) one alone.
    report_ms: dict[str, float]


@dataclass(frozen=True)
class Throughput:
    per_s: float
    cores: dict[str, float]


async def bare_workflows(env: Env, n: int) -> Throughput:
    """Workflows per second: each runs one no-op activity; CLIENTS start-and-wait at once."""
    tag = uuid.uuid4().hex[:6]

    def job(i: int) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            handle = await env.client.start_workflow(
                bare.BareWorkflow.run, id=f"bare-{tag}-{i}", task_queue=env.settings.task_queue
            )
            await handle.result()

        return go

    async with worker_process(env, "bare") as worker:
        meter = CpuMeter(server=env.server_pid, worker=worker.pids)
        t0 = time.monotonic()
        await bounded(CLIENTS, [job(i) for i in range(n)])
        return Throughput(n / (time.monotonic() - t0), meter.cores())


async def bare_items(env: Env, n: int, clients: int = CLIENTS) -> Lifecycle:
    """The item lifecycle as bare Temporal code, client-started: CLIENTS start the n `BareItem`s
    (one no-op activity each), then send each two `report` updates; the clock runs from the
    first start to the last completion, as dondoc's runs from `start_plan` to the directive's."""
    tag = uuid.uuid4().hex[:6]
    ids = [f"bare-item-{tag}-{i}" for i in range(n)]

    def start(wf_id: str) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            await env.client.start_workflow(
                bare.BareItem.run, id=wf_id, task_queue=env.settings.task_queue
            )

        return go

    async with worker_process(env, "bare") as worker:
        meter = CpuMeter(server=env.server_pid, worker=worker.pids)
        t0 = time.monotonic()
        await bounded(clients, [start(i) for i in ids])
        phases = Phases(t0)
        trips = RoundTrips()
        await bounded(clients, [_reports(env.client, i, [50, 100], trips) for i in ids])
        phases.mark("reports")
        await bounded(clients, [_result(env.client, i) for i in ids])
        phases.mark("completed")
        rate = n / (time.monotonic() - t0)
        cores = meter.cores()
    return Lifecycle(
        rate,
        await history_events(env.client, ids[n // 2]),
        0.0,  # no parent: each bare item is started by a client
        cores,
        phases.spans,
        trips.summary(),
    )


def _result(client: Client, workflow_id: str) -> Callable[[], Awaitable[None]]:
    async def go() -> None:
        await asyncio.wait_for(client.get_workflow_handle(workflow_id).result(), RUN_TIMEOUT_S)

    return go


async def dondoc_items(env: Env, n: int, clients: int = CLIENTS) -> Lifecycle:
    """Items of one directive: assignment, two `report` updates (50%, done), on-time completion.

    Reports go through the client's `execute_update("report", …)`, as `dondoc report` does.
    """
    due = datetime.now(UTC) + timedelta(days=30)
    plan = plans.plan(n, due, support=("MTTQ",))
    reports = [
        ReportInput(unit=plans.LEAD, progress=50, note="Đang triển khai"),
        ReportInput(unit=plans.LEAD, done=True, note="Hoàn thành"),
    ]
    async with worker_process(env, "dondoc") as worker:
        meter = CpuMeter(server=env.server_pid, worker=worker.pids)
        t0 = time.monotonic()
        started = await start_plan(env.client, env.sessions, env.settings, plan)

        async def all_assigned() -> bool:
            return assigned(env, plan.code) >= n

        await wait_until(all_assigned, within=RUN_TIMEOUT_S, every=POLL_S)
        phases = Phases(t0)
        trips = RoundTrips()
        jobs = [
            _reports(env.client, item_workflow_id(plan.code, i.number), reports, trips)
            for i in plan.items
        ]
        await bounded(clients, jobs)
        phases.mark("reports")
        await asyncio.wait_for(
            env.client.get_workflow_handle(started.workflow_id).result(), RUN_TIMEOUT_S
        )
        phases.mark("completed")
        rate = n / (time.monotonic() - t0)
        cores = meter.cores()
    middle = plan.items[n // 2].number
    return Lifecycle(
        rate,
        await history_events(env.client, item_workflow_id(plan.code, middle)),
        await chain_events(env.client, directive_workflow_id(plan.code)) / n,
        cores,
        phases.spans,
        trips.summary(),
    )


class Phases:
    """Seconds spent in each phase of a run, from its start: how the time divides."""

    def __init__(self, t0: float) -> None:
        self.last = time.monotonic()
        self.spans = {"setup": round(self.last - t0, 2)}

    def mark(self, name: str) -> None:
        now = time.monotonic()
        self.spans[name] = round(now - self.last, 2)
        self.last = now


class RoundTrips:
    """Every report's round trip, by its place in the item's sequence (the last one closes)."""

    def __init__(self) -> None:
        self.all_ms: list[float] = []
        self.closing_ms: list[float] = []

    def add(self, ms: float, closing: bool) -> None:
        self.all_ms.append(ms)
        if closing:
            self.closing_ms.append(ms)

    def summary(self) -> dict[str, float]:
        return {
            "p50": round(percentile(self.all_ms, 50), 1),
            "p95": round(percentile(self.all_ms, 95), 1),
            "closing_p50": round(percentile(self.closing_ms, 50), 1),
            "closing_p95": round(percentile(self.closing_ms, 95), 1),
        }


def _reports(
    client: Client, workflow_id: str, inputs: list[Any], trips: RoundTrips
) -> Callable[[], Awaitable[None]]:
    """One client's job: send each report as an update and wait for its result."""

    async def go() -> None:
        handle = client.get_workflow_handle(workflow_id)
        for n, inp in enumerate(inputs):
            kind = ReportResult if isinstance(inp, ReportInput) else int
            t0 = time.perf_counter()
            await handle.execute_update("report", inp, result_type=kind)
            trips.add((time.perf_counter() - t0) * 1000, closing=n == len(inputs) - 1)

    return go


async def history_events(client: Client, workflow_id: str) -> int:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return len(history.events)


async def chain_events(client: Client, workflow_id: str) -> int:
    """Events across every run of a workflow that continued as new (first run to last)."""
    run_id = (await client.get_workflow_handle(workflow_id).describe()).raw_description
    first = run_id.workflow_execution_info.first_run_id
    total, run = 0, first
    while run:
        history = await client.get_workflow_handle(workflow_id, run_id=run).fetch_history()
        total += len(history.events)
        last = history.events[-1]
        can = last.workflow_execution_continued_as_new_event_attributes
        run = (
            can.new_execution_run_id
            if last.HasField("workflow_execution_continued_as_new_event_attributes")
            else ""
        )
    return total
