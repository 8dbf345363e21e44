"""What an open item keeps while it waits (issue 13): its timer has no task of its own, and the
recorded histories that move a deadline (cancelling the timer) replay on the current code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.workflows.scenario import DAY, Scenario

HISTORIES = Path(__file__).parents[1] / "histories"


async def test_an_open_item_waits_with_its_run_task_alone(scenario: Scenario) -> None:
    """The SDK's stack-trace query lists every task of the run: the run loop and the query's own,
    no timer task (a task per timer cost each cached item ~2 KiB)."""
    await scenario.start_item(scenario.now + 10 * DAY)
    await scenario.state()  # the first workflow task has run: the timer is armed

    stacks = await scenario.handle().query("__stack_trace")

    assert stacks.count("Stack for ") == 2
    assert "workflow_sleep" not in stacks


@pytest.mark.parametrize("fixture", ["v5_item_extended", "v5_item_explanation_extended"])
def test_the_histories_of_moved_deadlines_cancel_a_timer(fixture: str) -> None:
    """Recorded by the task-based timer; replayed (tests/workflows/test_replay.py) on the alarm:
    a deadline moved while the timer runs cancels it, then starts the next one."""
    history = json.loads((HISTORIES / f"{fixture}.json").read_text(encoding="utf-8"))
    kinds = [e["eventType"] for e in history["events"]]
    cancelled = kinds.index("EVENT_TYPE_TIMER_CANCELED")
    assert "EVENT_TYPE_TIMER_STARTED" in kinds[cancelled:]
    assert (
        (history["events"][0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"])
        == "TaskItem"
    )
