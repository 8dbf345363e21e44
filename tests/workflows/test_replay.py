"""Histories recorded by earlier versions of the workflows still replay on the current code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from dondoc.worker import WORKFLOWS

HISTORIES = sorted((Path(__file__).parents[1] / "histories").glob("*.json"))


def test_there_is_a_history_for_each_workflow() -> None:
    types = {
        json.loads(p.read_text(encoding="utf-8"))["events"][0][
            "workflowExecutionStartedEventAttributes"
        ]["workflowType"]["name"]
        for p in HISTORIES
    }
    assert types == {"DirectiveWorkflow", "TaskItemWorkflow"}


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path) -> None:
    """A change to workflow code that would alter these histories must go behind patched()."""
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
