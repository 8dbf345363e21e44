"""Prometheus metrics of a worker process: the SDK's own and dondoc's, on one endpoint."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import structlog
from sqlalchemy import func, select
from temporalio import activity, workflow
from temporalio.common import MetricMeter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from dondoc.config import Settings
from dondoc.db.models import Notification
from dondoc.db.session import SessionFactory
from dondoc.schemas.notify import OutboxState

log = structlog.get_logger("dondoc.metrics")

PREFIX = "dondoc_"
ESCALATION_ACTIVITIES = frozenset({"record_escalation", "record_escalation_and_tell"})
BACKLOG = (OutboxState.PENDING.value, OutboxState.RETRYING.value)
FAILED = (OutboxState.FAILED.value, OutboxState.UNDELIVERABLE.value)
BIND_HOST = "0.0.0.0"  # a scrape target: Prometheus reaches it from another host


def runtime_for(settings: Settings, offset: int = 0) -> Runtime | None:
    """A runtime whose Prometheus endpoint serves the SDK's metrics (workflow and activity task
    latencies, slots, polls, sticky cache…) and dondoc's, on `metrics_port + offset`; none when
    DONDOC_METRICS_PORT is unset. One per process: the SDK's runtime owns the HTTP server."""
    if settings.metrics_port is None:
        return None
    prometheus = PrometheusConfig(
        bind_address=f"{BIND_HOST}:{settings.metrics_port + offset}",
        counters_total_suffix=True,
        durations_as_seconds=True,
    )
    return Runtime(telemetry=TelemetryConfig(metrics=prometheus))


class MetricsInterceptor(Interceptor):
    """Counts what dondoc decides: reports accepted and rejected (by the `report` update of an
    item), escalations recorded. Both meters skip replays, so a replayed history counts once."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _CountEscalations(next)

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        return _CountReports


class _CountEscalations(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        result = await super().execute_activity(input)
        if activity.info().activity_type in ESCALATION_ACTIVITIES:
            meter = activity.metric_meter()
            meter.create_counter(f"{PREFIX}escalations", "escalations recorded").add(1)
        return result


class _CountReports(WorkflowInboundInterceptor):
    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        try:
            super().handle_update_validator(input)
        except Exception:
            if input.update == "report":
                _reports("rejected")
            raise

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        try:
            result = await super().handle_update_handler(input)
        except Exception:
            if input.update == "report":
                _reports("rejected")
            raise
        if input.update == "report":
            _reports("accepted")
        return result


def _reports(outcome: str) -> None:
    counter = workflow.metric_meter().create_counter(f"{PREFIX}reports", "report updates")
    counter.add(1, {"outcome": outcome})


def outbox_counts(sessions: SessionFactory) -> tuple[int, int]:
    """(messages waiting to be delivered, messages given up on) in the outbox."""
    with sessions() as s:
        rows = s.execute(
            select(Notification.state, func.count())
            .where(Notification.state.in_(BACKLOG + FAILED))
            .group_by(Notification.state)
        ).all()
    counts = {state: int(n) for state, n in rows}
    return sum(counts.get(k, 0) for k in BACKLOG), sum(counts.get(k, 0) for k in FAILED)


@contextlib.asynccontextmanager
async def watching_outbox(
    runtime: Runtime | None, sessions: SessionFactory, every_s: float = 15.0
) -> AsyncIterator[None]:
    """Gauges read from the database every `every_s` seconds: the outbox backlog and the
    delivery failures. Every worker of a pool reports the same rows: aggregate with max()."""
    if runtime is None:
        yield
        return
    meter: MetricMeter = runtime.metric_meter
    backlog = meter.create_gauge(f"{PREFIX}outbox_backlog", "messages waiting for delivery")
    failed = meter.create_gauge(f"{PREFIX}delivery_failures", "messages given up on")

    async def loop() -> None:
        while True:
            try:
                waiting, given_up = await asyncio.to_thread(outbox_counts, sessions)
            except Exception as exc:  # a database outage must not stop the worker
                log.warning("metrics_outbox_unreadable", error=type(exc).__name__)
            else:
                backlog.set(waiting)
                failed.set(given_up)
            await asyncio.sleep(every_s)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
