"""How workflows call activities: names, timeouts and the named retry policy, in one place."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

# A database write is fast; retry transient failures forever with backoff, never business errors.
RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=["UnknownDirective", "UnknownItem"],
)
RECORD_TIMEOUT = timedelta(seconds=30)


async def record(
    name: str, arg: Any, result_type: type | None = None, limit: timedelta = RECORD_TIMEOUT
) -> Any:
    """Run a recording activity as a local activity: one marker event instead of three."""
    return await workflow.execute_local_activity(
        name,
        arg,
        result_type=result_type,
        start_to_close_timeout=limit,
        retry_policy=RECORD_RETRY,
    )
