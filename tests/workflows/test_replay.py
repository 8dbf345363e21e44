"""Histories recorded by earlier versions of the workflows still replay on the current code."""

from __future__ import annotations

import ast
import base64
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

import dondoc.workflows
from dondoc.client import data_converter
from dondoc.sandbox import workflow_runner
from dondoc.worker import WORKFLOWS
from dondoc.workflows.directive import ITEMS_BY_ACTIVITY
from dondoc.workflows.item import SUPPORT_REMIND_BY_DEADLINE
from dondoc.workflows.item_v1 import LEAN_COMPLETION, TELL_WITH_RECORD

HISTORIES = sorted((Path(__file__).parents[1] / "histories").glob("*.json"))
WORKFLOW_CODE = Path(dondoc.workflows.__file__).parent


def _load(path: Path) -> dict[str, Any]:
    history: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return history


def recorded_patch_ids(history: dict[str, Any]) -> set[str]:
    """The ids of the patch markers in one history (JSON as `fetch_history().to_json()` wrote)."""
    markers = [
        e["markerRecordedEventAttributes"]
        for e in history["events"]
        if "markerRecordedEventAttributes" in e
    ]
    return {
        json.loads(base64.b64decode(m["details"]["patch-data"]["payloads"][0]["data"]))["id"]
        for m in markers
        if m["markerName"] == "core_patch"
    }


def patch_ids_in_code(root: Path = WORKFLOW_CODE) -> set[str]:
    """Every id passed to `workflow.patched(...)` in the modules under `root`: a string literal,
    or a module-level string constant of one of those modules."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.py"))}
    constants: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(
                node.value, ast.Constant
            ):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Name) and isinstance(node.value.value, str):
                        constants.setdefault(t.id, set()).add(node.value.value)
    ids: set[str] = set()
    for path, tree in trees.items():
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name != "patched":
                continue
            [arg] = call.args
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                ids.add(arg.value)
                continue
            ref = arg.attr if isinstance(arg, ast.Attribute) else getattr(arg, "id", None)
            values = constants.get(ref or "", set())
            assert len(values) == 1, f"{path}:{call.lineno}: cannot tell which patch id this is"
            ids |= values
    return ids


def test_there_is_a_history_for_each_workflow() -> None:
    types = {
        json.loads(p.read_text(encoding="utf-8"))["events"][0][
            "workflowExecutionStartedEventAttributes"
        ]["workflowType"]["name"]
        for p in HISTORIES
    }
    assert types == {"DirectiveWorkflow", "TaskItem", "TaskItemWorkflow"}


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path) -> None:
    """A change to workflow code that would alter these histories must go behind patched()."""
    replayer = Replayer(
        workflows=WORKFLOWS,
        data_converter=data_converter,
        workflow_runner=workflow_runner(data_converter),  # the worker's own
    )
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    # Returned, not raised: with raise_on_replay_failure=True the assertion below could never fail.
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None


@pytest.mark.parametrize(
    ("patch", "fixture"),
    [
        (ITEMS_BY_ACTIVITY, "v2_directive"),
        (LEAN_COMPLETION, "v2_item_on_time"),
        (TELL_WITH_RECORD, "v3_item_on_time"),
        (TELL_WITH_RECORD, "v3_item_escalated"),
        (SUPPORT_REMIND_BY_DEADLINE, "v6_item_support_late"),
    ],
)
def test_each_patch_is_covered_by_a_recorded_history(patch: str, fixture: str) -> None:
    """The patched branch itself is in a fixture, so replay checks both sides of the patch."""
    assert patch in recorded_patch_ids(_load(HISTORIES[0].parent / f"{fixture}.json"))


def test_every_patch_in_the_workflow_code_is_in_a_recorded_history() -> None:
    """A `workflow.patched` id the code uses but no fixture recorded means replay checks only the
    old side of that patch: record a history on the new code (the ids are read from the code)."""
    in_code = patch_ids_in_code()
    recorded = set().union(*(recorded_patch_ids(_load(p)) for p in HISTORIES))
    assert in_code, f"no workflow.patched(...) call found under {WORKFLOW_CODE}"
    assert set() == in_code - recorded


@pytest.mark.parametrize(
    ("activity", "fixture"),
    [
        ("record_report_and_tell", "v3_item_on_time"),
        ("record_escalation_and_tell", "v3_item_escalated"),
        ("record_report_and_tell", "v4_item_on_time"),
        ("record_escalation_and_tell", "v4_item_escalated"),
    ],
)
def test_patched_branches_ran_when_recorded(activity: str, fixture: str) -> None:
    """The v3 fixtures took the TELL_WITH_RECORD branch: its local activities are in them."""
    history = json.loads((HISTORIES[0].parent / f"{fixture}.json").read_text(encoding="utf-8"))
    types = {
        json.loads(base64.b64decode(m["details"]["data"]["payloads"][0]["data"]))["activity_type"]
        for e in history["events"]
        if (m := e.get("markerRecordedEventAttributes", {})).get("markerName")
        == "core_local_activity"
    }
    assert activity in types


@pytest.mark.parametrize("fixture", ["v4_item_on_time", "v4_item_escalated"])
def test_new_items_run_as_a_type_without_patch_markers(fixture: str) -> None:
    """`TaskItem` has every change built in: no marker or search-attribute upsert per run."""
    history = json.loads((HISTORIES[0].parent / f"{fixture}.json").read_text(encoding="utf-8"))
    started = history["events"][0]["workflowExecutionStartedEventAttributes"]
    assert started["workflowType"]["name"] == "TaskItem"
    kinds = {e["eventType"] for e in history["events"]}
    assert "EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES" not in kinds
    markers = {
        e["markerRecordedEventAttributes"]["markerName"]
        for e in history["events"]
        if "markerRecordedEventAttributes" in e
    }
    assert markers == {"core_local_activity"}
