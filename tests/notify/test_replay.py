"""The Outbox and Digest workflows' recorded histories replay on the current code; each run ends
in continue-as-new, so their histories stay small."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from dondoc.client import data_converter
from dondoc.worker import WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_there_is_a_history_for_the_outbox_and_the_digest() -> None:
    types = {
        json.loads(p.read_text(encoding="utf-8"))["events"][0][
            "workflowExecutionStartedEventAttributes"
        ]["workflowType"]["name"]
        for p in HISTORIES
    }
    assert {"Digest", "Outbox"} == types


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path) -> None:
    replayer = Replayer(workflows=WORKFLOWS, data_converter=data_converter)
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
def test_a_run_is_small_and_continues_as_new(path: Path) -> None:
    events = json.loads(path.read_text(encoding="utf-8"))["events"]
    last = events[-1]["eventType"]
    assert (last, len(events) < 40) == ("EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW", True)
