"""The worker: wires settings, database, activities and workflows onto the task queue."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import signal
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import structlog
from temporalio.activity import _Definition as _ActivityDefinition
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Interceptor, Worker

from dondoc.activities.client import ClientActivities
from dondoc.activities.lifecycle import LifecycleActivities
from dondoc.activities.notify import DeliveryActivities
from dondoc.activities.records import RecordActivities
from dondoc.client import connect
from dondoc.config import Settings, digest_workflow_id, outbox_workflow_id
from dondoc.db.migrate import upgrade
from dondoc.db.session import SessionFactory, make_engine, session_factory
from dondoc.importer.calendar_file import read_site_overrides
from dondoc.metrics import MetricsInterceptor, runtime_for, watching_outbox
from dondoc.notify.channels import Channel
from dondoc.notify.dispatch import Dispatcher, Policy, channels_from_settings
from dondoc.notify.outbox import Notifier
from dondoc.sandbox import workflow_runner
from dondoc.schemas.notify import DigestWorkflowInput, OutboxWorkflowInput
from dondoc.schemas.overrides import CalendarOverrides
from dondoc.workflows.delivery import OutboxWorkflow
from dondoc.workflows.digest import DigestWorkflow
from dondoc.workflows.directive import DIRECTIVE_KEY, DirectiveWorkflow
from dondoc.workflows.item import TaskItemWorkflow
from dondoc.workflows.item_v1 import TaskItemWorkflowV1

log = structlog.get_logger("dondoc.worker")

WORKFLOWS = [
    DirectiveWorkflow,
    TaskItemWorkflow,
    TaskItemWorkflowV1,
    OutboxWorkflow,
    DigestWorkflow,
]
SEARCH_ATTRIBUTES = {DIRECTIVE_KEY.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD}


def build_worker(
    client: Client,
    sessions: SessionFactory,
    task_queue: str,
    *,
    notifier: Notifier | None = None,
    executor: ThreadPoolExecutor | None = None,
    fail_fast: bool = False,
    max_cached_workflows: int = 1000,
    activity_threads: int = 16,
    workflow_tasks: int = 24,
    replace_activities: Sequence[Callable[..., Any]] = (),
    site_calendar: CalendarOverrides | None = None,
    shutdown_grace: timedelta = timedelta(0),
    channels: Mapping[str, Channel] | None = None,
    policy: Policy | None = None,
    interceptors: Sequence[Interceptor] = (),
) -> Worker:
    """The worker: every workflow and activity on `task_queue`. `replace_activities` swaps in
    other implementations by activity name (fault injection in tests). `site_calendar`: the
    site's calendar file, read once at start (`run_worker`). `channels` and `policy`: how the
    outbox is delivered (the log channel alone by default)."""
    acts = RecordActivities(sessions, notifier)
    delivery = DeliveryActivities(
        sessions, Dispatcher(sessions, acts.notifier, channels, policy), site_calendar
    )
    life = LifecycleActivities(sessions, acts.notifier, site_calendar)
    through_client = ClientActivities(client, acts)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=_replaced(
            [
                acts.load_items,
                acts.record_assignment,
                acts.record_report,
                acts.send_reminders,
                acts.record_escalation,
                acts.record_item_status,
                acts.record_directive_status,
                life.record_action,
                life.plan_schedule,
                through_client.start_items,
                through_client.tell_directive,
                through_client.record_report_and_tell,
                through_client.record_escalation_and_tell,
                delivery.deliver_outbox,
                delivery.next_digest,
                delivery.send_digests,
            ],
            replace_activities,
        ),
        activity_executor=executor or ThreadPoolExecutor(max_workers=activity_threads),
        interceptors=interceptors,
        # A burst of timers (an escalation storm) must not hold every workflow-task slot while
        # its local activities queue for threads: admit no more than the threads can run.
        max_concurrent_local_activities=activity_threads,
        max_concurrent_activities=activity_threads,
        # Not the SDK's 100: in a storm, 100 tasks waiting on 16 threads outlive the server's
        # 10-s workflow-task timeout, and timed-out tasks are redone from scratch.
        max_concurrent_workflow_tasks=workflow_tasks,
        max_cached_workflows=max_cached_workflows,
        # Shutdown (SIGTERM/SIGINT) stops polling, then lets running activities finish.
        graceful_shutdown_timeout=shutdown_grace,
        # Tests: a sandbox or code error fails the workflow at once instead of retrying the task.
        workflow_failure_exception_types=[Exception] if fail_fast else [],
        # Sandboxed, our modules passed through, and no sandbox entry per payload (sandbox.py).
        workflow_runner=workflow_runner(client.data_converter),
    )


def _replaced(
    activities: list[Callable[..., Any]], replacements: Sequence[Callable[..., Any]]
) -> list[Callable[..., Any]]:
    by_name = {activity_defn_name(a): a for a in replacements}
    unknown = set(by_name) - {activity_defn_name(a) for a in activities}
    if unknown:
        raise ValueError(f"no such activities to replace: {sorted(unknown)}")
    return [by_name.get(activity_defn_name(a), a) for a in activities]


def activity_defn_name(fn: Callable[..., Any]) -> str:
    defn = _ActivityDefinition.must_from_callable(fn)
    return defn.name or ""


async def start_delivery(
    client: Client, settings: Settings, outbox: OutboxWorkflowInput | None = None
) -> None:
    """Start the outbox sender and the daily digest of this task queue, unless running already
    (their ids are fixed: one of each per task queue, whichever worker starts first)."""
    digest = DigestWorkflowInput(at=settings.digest_at, timezone=settings.digest_timezone)
    queue = settings.task_queue
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            OutboxWorkflow.run,
            outbox or OutboxWorkflowInput(heartbeat_s=settings.notify_heartbeat_s),
            id=outbox_workflow_id(queue),
            task_queue=queue,
        )
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            DigestWorkflow.run, digest, id=digest_workflow_id(queue), task_queue=queue
        )


async def ensure_search_attributes(client: Client, namespace: str) -> None:
    """Register our search attributes; a server that has them already answers ALREADY_EXISTS."""
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=SEARCH_ATTRIBUTES)
        )
    except RPCError as err:
        if err.status in (RPCStatusCode.PERMISSION_DENIED, RPCStatusCode.UNIMPLEMENTED):
            # Temporal Cloud: attributes are created in its UI or with tcld, not by a client.
            log.warning(
                "search_attributes_not_registered",
                reason=err.status.name,
                needed={k: IndexedValueType.Name(v) for k, v in SEARCH_ATTRIBUTES.items()},
            )
        elif "already" not in str(err).lower():
            raise


async def run_worker(
    settings: Settings,
    stop: asyncio.Event | None = None,
    *,
    prepare: bool = True,
    metrics_offset: int = 0,
) -> None:
    """One worker process until SIGTERM/SIGINT (or `stop`). `prepare`: run the migrations and
    register the search attributes first (`dondoc.worker_pool` does it once for N processes).
    With DONDOC_METRICS_PORT, metrics on that port + `metrics_offset` (`dondoc.metrics`)."""
    # Bad configuration stops the worker here, before any activity could retry on it forever.
    site_calendar = read_site_overrides(settings.calendar_file)
    engine = make_engine(settings.database_url)
    if prepare:
        upgrade(engine)
    runtime = runtime_for(settings, metrics_offset)
    client = await connect(settings, runtime)
    if prepare:
        await ensure_search_attributes(client, settings.temporal_namespace)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    sessions = session_factory(engine)
    worker = build_worker(
        client,
        sessions,
        settings.task_queue,
        max_cached_workflows=settings.max_cached_workflows,
        activity_threads=settings.activity_threads,
        workflow_tasks=settings.workflow_tasks,
        site_calendar=site_calendar,
        notifier=Notifier(deadline=timedelta(hours=settings.notify_deadline_h)),
        channels=channels_from_settings(settings),
        policy=Policy.from_settings(settings),
        shutdown_grace=timedelta(seconds=settings.shutdown_grace_s),
        # Off by default: each run would carry the interceptor for nothing.
        interceptors=[MetricsInterceptor()] if runtime else (),
    )
    log.info(
        "worker_started",
        task_queue=settings.task_queue,
        temporal=settings.temporal_address,
        database=engine.url.render_as_string(hide_password=True),
    )
    async with (
        worker,
        trimming_memory(settings.malloc_trim_s),
        watching_outbox(runtime, sessions),
    ):
        await start_delivery(client, settings)
        await stop.wait()
    log.info("worker_stopped")
    engine.dispose()


@contextlib.asynccontextmanager
async def trimming_memory(every_s: float) -> AsyncIterator[None]:
    """Return freed heap pages to the system every `every_s` seconds (glibc's malloc_trim).

    A burst (thousands of activations at once) grows the heap; glibc keeps the freed pages, so
    the worker's RSS would stay at its peak. Nothing happens off glibc or with `every_s` 0.
    """
    libc_name = ctypes.util.find_library("c") if every_s > 0 else None
    trim = getattr(ctypes.CDLL(libc_name), "malloc_trim", None) if libc_name else None
    if trim is None:
        yield
        return

    async def loop() -> None:
        while True:
            await asyncio.sleep(every_s)
            trim(0)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
