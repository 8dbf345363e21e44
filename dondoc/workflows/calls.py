"""How workflows call activities: one typed helper per activity, with its timeout and retry policy.

Activity names appear here and nowhere else in workflow code; `tests/workflows/test_calls.py`
checks each against the worker's registered activities. Every call but the outbox sender's is a
local activity (one marker event instead of three). Sandbox-clean: stdlib, temporalio and
passed-through schemas.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from dondoc.schemas import Frozen
    from dondoc.schemas.actions import PlanScheduleInput, RecordActionInput
    from dondoc.schemas.messages import Schedule
    from dondoc.schemas.notify import (
        DeliverOutboxInput,
        DeliverOutboxResult,
        DigestResult,
        NextDigest,
        NextDigestInput,
        SendDigestsInput,
    )
    from dondoc.schemas.records import (
        ItemPage,
        LoadItemsInput,
        RecordAssignmentInput,
        RecordDirectiveStatusInput,
        RecordEscalationInput,
        RecordItemStatusInput,
        RecordReportInput,
        SendRemindersInput,
        StartedItems,
        StartItemsInput,
        TellDirectiveInput,
    )

# A database write is fast; retry transient failures with backoff, never business errors nor
# bad configuration (those are raised non-retryable, or named here).
RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=["UnknownDirective", "UnknownItem", "InvalidSetting"],
)
RECORD_TIMEOUT = timedelta(seconds=30)
START_PAGE_TIMEOUT = timedelta(minutes=2)  # a page of workflow starts on a busy server
# The outbox sender: a regular activity (it heartbeats), retried for ever; its rows carry their
# own retry schedule, so this policy only restarts the sender after a crash.
DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
)

# Activity names, as registered by the activities' `@activity.defn(name=...)`.
NAMES = (
    "load_items",
    "start_items",
    "record_assignment",
    "record_report",
    "record_report_and_tell",
    "send_reminders",
    "record_escalation",
    "record_escalation_and_tell",
    "record_item_status",
    "record_directive_status",
    "record_action",
    "plan_schedule",
    "tell_directive",
    "deliver_outbox",
    "next_digest",
    "send_digests",
)


async def _local(
    name: str, arg: Frozen, result_type: type | None = None, limit: timedelta = RECORD_TIMEOUT
) -> Any:
    return await workflow.execute_local_activity(
        name,
        arg,
        result_type=result_type,
        start_to_close_timeout=limit,
        retry_policy=RECORD_RETRY,
    )


async def load_items(inp: LoadItemsInput) -> ItemPage:
    page: ItemPage = await _local("load_items", inp, ItemPage)
    return page


async def start_items(inp: StartItemsInput) -> StartedItems:
    started: StartedItems = await _local("start_items", inp, StartedItems, START_PAGE_TIMEOUT)
    return started


async def record_assignment(inp: RecordAssignmentInput) -> None:
    await _local("record_assignment", inp)


async def record_report(inp: RecordReportInput) -> None:
    """The report, and with `inp.tell` the directive told of the item's close, in one call."""
    await _local("record_report_and_tell" if inp.tell else "record_report", inp)


async def send_reminders(inp: SendRemindersInput) -> None:
    await _local("send_reminders", inp)


async def record_escalation(inp: RecordEscalationInput) -> None:
    """The escalation, and with `inp.tell` the directive told the item is overdue, in one call."""
    name = "record_escalation_and_tell" if inp.tell else "record_escalation"
    await _local(name, inp)


async def record_item_status(inp: RecordItemStatusInput) -> None:
    await _local("record_item_status", inp)


async def record_directive_status(inp: RecordDirectiveStatusInput) -> None:
    await _local("record_directive_status", inp)


async def record_action(inp: RecordActionInput) -> None:
    await _local("record_action", inp)


async def plan_schedule(inp: PlanScheduleInput) -> Schedule:
    schedule: Schedule = await _local("plan_schedule", inp, Schedule)
    return schedule


async def tell_directive(inp: TellDirectiveInput) -> None:
    await _local("tell_directive", inp)


async def deliver_outbox(inp: DeliverOutboxInput, heartbeat: timedelta) -> DeliverOutboxResult:
    """Not local: it runs for `inp.run_s` and heartbeats, so a killed worker's run moves on."""
    result: DeliverOutboxResult = await workflow.execute_activity(
        "deliver_outbox",
        inp,
        result_type=DeliverOutboxResult,
        start_to_close_timeout=timedelta(seconds=inp.run_s) + timedelta(minutes=5),
        heartbeat_timeout=heartbeat,
        retry_policy=DELIVERY_RETRY,
    )
    return result


async def next_digest(inp: NextDigestInput) -> NextDigest:
    found: NextDigest = await _local("next_digest", inp, NextDigest)
    return found


async def send_digests(inp: SendDigestsInput) -> DigestResult:
    result: DigestResult = await _local("send_digests", inp, DigestResult, START_PAGE_TIMEOUT)
    return result
