"""Scenario 5 (payloads): report and action updates fuzzed with hypothesis through the Python
client, as raw JSON: wrong types, missing and unknown fields, negative and huge numbers, 100 KB
notes, control characters.

Each is accepted or rejected with a reason (never the SDK's bare "Failed decoding arguments"),
no workflow fails, no workflow task fails (it would be retried for ever), and the `state`
query agrees with the database afterwards.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, item_workflow_id
from dondoc.db.session import SessionFactory
from dondoc.schemas.messages import ReportInput
from dondoc.starter import ACTION_UPDATES
from dondoc.worker import build_worker
from tests.chaos.audit import audit
from tests.chaos.load import Tally
from tests.conftest import terminate_directive
from tests.helpers import item_yaml, make_plan, start

ITEMS = 40
CODES = ["KHOI_VAN", "UBND", "MTTQ", "DANG_UY", "NOPE"]
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(categories=["Cc"]), min_size=1, max_size=4),
    st.builds(
        lambda a, c, b: a + c + b,
        st.text(max_size=8),
        st.sampled_from("\x00\x1b\x7f\r"),
        st.text(max_size=8),
    ),
    st.just("n" * 100_000),
    st.just("dòng 1\n\tdòng 2"),
)
FUTURE = "2031-07-30T10:00:00Z"
INSTANT = st.one_of(
    st.sampled_from(["2031-07-30T10:00:00", "1999-01-01T00:00:00Z", "2031-02-30T10:00:00Z"]),
    st.sampled_from(["9999-12-31T23:59:59Z", "P3D", ""]),
    JUNK,
)


def mostly(valid: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid value seven times in eight: the rules and handlers behind the decoding get
    their share of the payloads."""
    return st.integers(0, 7).flatmap(lambda roll: bad if roll == 0 else valid)


CODE = mostly(st.sampled_from(CODES), st.one_of(TEXT, JUNK))
CODES_LIST = mostly(st.lists(st.sampled_from(CODES), max_size=3), st.one_of(st.lists(CODE), JUNK))
WORDS = mostly(st.sampled_from(["lý do", "chờ số liệu", "dòng 1\n\tdòng 2"]), st.one_of(TEXT, JUNK))
BY_NAME: dict[str, st.SearchStrategy[Any]] = {
    "unit": CODE,
    "actor": mostly(st.sampled_from(["DANG_UY", "KHOI_VAN"]), CODE),
    "new_unit": CODE,
    "by": mostly(st.sampled_from([None, "nguyen.van.a"]), st.one_of(TEXT, JUNK)),
    "progress": mostly(st.integers(0, 100), st.one_of(st.integers(-(2**70), 2**70), JUNK)),
    "done": mostly(st.booleans(), JUNK),
    "approve": mostly(st.booleans(), JUNK),
    "accepted": mostly(st.booleans(), JUNK),
    "report_id": mostly(st.uuids().map(str), st.one_of(TEXT, JUNK)),
    "lead": CODES_LIST,
    "support": CODES_LIST,
    "decision": mostly(st.sampled_from(["overrule", "reassign", "extend", "recall", "note"]), JUNK),
    "new_due": mostly(st.just(FUTURE), INSTANT),
    "due": mostly(st.just(FUTURE), INSTANT),
    "note": WORDS,
    "reason": WORDS,
    "text": WORDS,
}
UPDATES: dict[str, Any] = {"report": ReportInput} | {
    str(m._defn.name): t for t, m in ACTION_UPDATES.items()
}


def payload(name: str) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """All the required fields (or, one time in eight, any subset) and any optional ones, with
    sometimes an unknown field besides."""
    fields = UPDATES[name].model_fields
    values = {n: BY_NAME.get(n, JUNK) for n in fields}
    required = {n: v for n, v in values.items() if fields[n].is_required()}
    optional = {n: v for n, v in values.items() if n not in required}
    complete = st.fixed_dictionaries(required, optional=optional)
    known = mostly(complete, st.fixed_dictionaries({}, optional=values))  # fields missing
    extra = mostly(st.just({}), st.dictionaries(st.text(max_size=6), JUNK, min_size=1, max_size=2))
    return st.tuples(st.just(name), st.builds(lambda k, e: {**e, **k}, known, extra))


PAYLOADS = st.sampled_from(sorted(UPDATES)).flatmap(payload)


@dataclass
class Target:
    client: Client
    sessions: SessionFactory
    code: str
    current: int = 1
    outcomes: Counter[str] = field(default_factory=Counter)
    closed: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
async def target(
    skipping_env: WorkflowEnvironment, sqlite_sessions: SessionFactory
) -> AsyncIterator[Target]:
    """A directive of ITEMS items on a production-configured worker (not fail-fast: a task
    failure then shows as a WorkflowTaskFailed event, as it would in production)."""
    queue, code = f"fuzz-{uuid.uuid4().hex[:8]}", f"F{uuid.uuid4().hex[:6]}-KH/ĐU"
    async with build_worker(skipping_env.client, sqlite_sessions, queue):
        now = await skipping_env.get_current_time()
        lead = "[KHOI_VAN, UBND]"
        items = [
            item_yaml(str(n), now + timedelta(days=30), lead=lead) for n in range(1, ITEMS + 1)
        ]
        await start(
            skipping_env.client, sqlite_sessions, Settings(task_queue=queue), make_plan(code, items)
        )
        found = Target(skipping_env.client, sqlite_sessions, code)
        yield found
        await terminate_directive(skipping_env.client, code)


async def throw(t: Target, name: str, body: dict[str, Any]) -> None:
    handle = t.client.get_workflow_handle(item_workflow_id(t.code, str(t.current)))
    try:
        await handle.execute_update(name, body)
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        assert isinstance(cause, ApplicationError), repr(cause)
        assert cause.type not in ("RuntimeError", None), (name, body, cause.message)
        assert cause.message, (name, body)
        t.outcomes[f"{name}: {cause.type}"] += 1
        return
    except RPCError:
        # Only an item that finished (recalled, or every lead done) may turn an update away.
        desc = await handle.describe()
        assert desc.status == WorkflowExecutionStatus.COMPLETED, (name, body, desc.status)
        t.closed.append(str(t.current))
        t.current += 1
        assert t.current <= ITEMS, "every item closed: give the directive more items"
        return
    t.outcomes[f"{name}: accepted"] += 1


async def check(t: Target) -> None:
    """No workflow failed or had a task fail; `state` and the database agree."""
    for n in range(1, t.current + 1):
        handle = t.client.get_workflow_handle(item_workflow_id(t.code, str(n)))
        desc = await handle.describe()
        assert desc.status in (WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.COMPLETED)
        failed = [
            e.event_id
            async for e in handle.fetch_history_events()
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ]
        assert failed == [], f"item {n}: workflow task failures at events {failed}"
    found = await audit(t.sessions, t.client, t.code, Tally())
    assert (found.duplicates, found.disagreements) == (0, [])
    total = sum(t.outcomes.values())
    print(f"\nchaos fuzz: {total} payloads, items closed {len(t.closed)}; {dict(t.outcomes)}")


FUZZ = settings(
    deadline=None,
    database=None,  # nothing written into the tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(FUZZ, max_examples=80, derandomize=True)
@given(thrown=PAYLOADS)
async def test_fuzzed_updates_are_answered_and_break_nothing(
    target: Target, thrown: tuple[str, dict[str, Any]]
) -> None:
    """The reduced form (`make test`): 80 payloads, the same every run."""
    await throw(target, *thrown)


async def test_after_the_fuzzed_updates_no_workflow_failed(target: Target) -> None:
    await check(target)


@pytest.mark.chaos
@settings(FUZZ, max_examples=1000)
@given(thrown=PAYLOADS)
async def test_a_thousand_fuzzed_updates_break_nothing(
    target: Target, thrown: tuple[str, dict[str, Any]]
) -> None:
    await throw(target, *thrown)


@pytest.mark.chaos
async def test_after_a_thousand_fuzzed_updates_no_workflow_failed(target: Target) -> None:
    await check(target)
