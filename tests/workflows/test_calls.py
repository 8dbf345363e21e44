"""Activity names live in `dondoc.workflows.calls` only, and match what the worker registers."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from temporalio.client import Client

from dondoc import worker
from dondoc.client import data_converter
from dondoc.db.session import SessionFactory
from dondoc.workflows import calls

WORKFLOWS_DIR = Path(calls.__file__).parent
CALLS_SOURCE = Path(calls.__file__).read_text(encoding="utf-8")

# Every way `temporalio.workflow` offers to run an activity.
ACTIVITY_CALLS = {
    f"{verb}_{local}activity{how}"
    for verb in ("execute", "start")
    for local in ("", "local_")
    for how in ("", "_method", "_class")
}


class _Captured:
    """Stands in for `temporalio.worker.Worker`: keeps what `build_worker` passed it."""

    def __init__(self, client: Client, **kwargs: Any) -> None:
        self.kwargs = kwargs


@contextmanager
def built_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """What `build_worker` passes the SDK's Worker (no server: the Worker is captured)."""
    monkeypatch.setattr(worker, "Worker", _Captured)
    with ThreadPoolExecutor(max_workers=1) as executor:
        built = worker.build_worker(
            cast(Client, SimpleNamespace(data_converter=data_converter)),
            cast(SessionFactory, object()),
            "q",
            executor=executor,
        )
        yield cast(Any, built).kwargs


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The activity names `build_worker` registers."""
    with built_worker(monkeypatch) as kwargs:
        activities: list[Callable[..., Any]] = kwargs["activities"]
        yield {worker.activity_defn_name(a) for a in activities}


def helper_strings() -> dict[str, set[str]]:
    """Each public helper of calls.py, with the string constants it uses (docstring aside)."""
    helpers: dict[str, set[str]] = {}
    for node in ast.parse(CALLS_SOURCE).body:
        if isinstance(node, ast.AsyncFunctionDef) and not node.name.startswith("_"):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            helpers[node.name] = {
                n.value
                for stmt in body
                for n in ast.walk(stmt)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            }
    return helpers


def activity_uses(source: str, names: set[str]) -> list[str]:
    """Where `source` runs an activity itself or names one, as `line: what`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            called = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if called in ACTIVITY_CALLS:
                found.append(f"{node.lineno}: calls {called}")
        elif isinstance(node, ast.ImportFrom):
            found += [
                f"{node.lineno}: imports {a.name}" for a in node.names if a.name in ACTIVITY_CALLS
            ]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
            found.append(f"{node.lineno}: names activity {node.value!r}")
    return found


def test_every_activity_name_in_calls_is_registered_by_the_worker(registered: set[str]) -> None:
    assert sorted(set(calls.NAMES) - registered) == []


def test_every_registered_activity_has_a_helper_in_calls(registered: set[str]) -> None:
    used = set().union(*helper_strings().values())
    assert sorted(registered - used) == []


def test_the_helpers_call_only_activities_listed_in_names() -> None:
    stray = {name: s - set(calls.NAMES) for name, s in helper_strings().items()}
    assert {name: s for name, s in stray.items() if s} == {}


def test_names_lists_each_activity_once() -> None:
    assert len(calls.NAMES) == len(set(calls.NAMES))


def test_no_workflow_module_but_calls_runs_or_names_an_activity(registered: set[str]) -> None:
    names = registered | set(calls.NAMES)
    found = {
        path.name: uses
        for path in sorted(WORKFLOWS_DIR.glob("*.py"))
        if path.name != "calls.py"
        and (uses := activity_uses(path.read_text(encoding="utf-8"), names))
    }
    assert found == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("await calls.record_action(inp)", []),
        (
            "await workflow.execute_local_activity('record_action', inp)",
            ["1: calls execute_local_activity", "1: names activity 'record_action'"],
        ),
        (
            "await workflow.execute_activity_method(Acts.record, inp)",
            ["1: calls execute_activity_method"],
        ),
        ("from temporalio.workflow import start_activity", ["1: imports start_activity"]),
        ("NAME = 'plan_schedule'", ["1: names activity 'plan_schedule'"]),
    ],
)
def test_the_scan_finds_activity_calls_and_names(source: str, expected: list[str]) -> None:
    assert activity_uses(source, {"record_action", "plan_schedule"}) == expected
