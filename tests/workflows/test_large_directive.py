"""A directive larger than one run's window: items start a page at a time across continue-as-new."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, directive_workflow_id, item_workflow_id
from dondoc.db.queries import directive_view
from dondoc.db.session import SessionFactory
from dondoc.db.store import store_directive
from dondoc.schemas.messages import (
    DirectiveInput,
    DirectiveResult,
    ItemStatus,
    ReportInput,
    ReportResult,
)
from dondoc.workflows.directive import DIRECTIVE_KEY, DirectiveWorkflow
from tests.helpers import directive_state, eventually, item_yaml, make_plan

pytestmark = pytest.mark.usefixtures("skipping_worker")
ITEMS, WINDOW, PAGE = 45, 12, 5


async def test_directive_crosses_its_window_and_continues_as_new(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """45 items (3 units each) with a window of 12: four runs start them all; every unit is
    assigned; the state counts them all; the directive completes when the last one does."""
    now = await skipping_env.get_current_time()
    plan = make_plan(
        code,
        [
            item_yaml(str(n), now + timedelta(days=30), support="[MTTQ, DOAN_TN]")
            for n in range(ITEMS)
        ],
    )
    store_directive(sqlite_sessions, plan, datetime.now(UTC))
    await client.start_workflow(
        DirectiveWorkflow.run,
        DirectiveInput(code=code, item_count=ITEMS, window=WINDOW, page_size=PAGE),
        id=directive_workflow_id(code),
        task_queue=settings.task_queue,
        search_attributes=TypedSearchAttributes([SearchAttributePair(DIRECTIVE_KEY, code)]),
    )

    async def all_assigned() -> bool:
        view = directive_view(sqlite_sessions, code, await skipping_env.get_current_time())
        return len(view.items) == ITEMS and all(
            i.workflow_id and _assigned(sqlite_sessions, code, i.number) for i in view.items
        )

    await eventually(all_assigned, within=60)
    state = await directive_state(client, code)
    assert (state.started, len(state.items)) == (ITEMS, ITEMS)

    runs = await _run_count(client, directive_workflow_id(code))
    assert runs >= ITEMS // WINDOW  # it continued as new while starting items

    for n in range(ITEMS):
        await client.get_workflow_handle(item_workflow_id(code, str(n))).execute_update(
            "report", ReportInput(unit="KHOI_VAN", done=True), result_type=ReportResult
        )
    result = await client.get_workflow_handle(
        directive_workflow_id(code), result_type=DirectiveResult
    ).result()
    assert set(result.items.values()) == {ItemStatus.COMPLETED_ON_TIME}
    assert len(result.items) == ITEMS


def _assigned(sessions: SessionFactory, code: str, number: str) -> bool:
    from sqlalchemy import select

    from dondoc.db.models import Item

    with sessions() as s:
        at = s.scalars(
            select(Item.assigned_at).where(Item.workflow_id == item_workflow_id(code, number))
        ).one()
    return at is not None


async def _run_count(client: Client, wf_id: str) -> int:
    desc = await client.get_workflow_handle(wf_id).describe()
    run_id = desc.raw_description.workflow_execution_info.first_run_id
    count = 0
    while run_id:
        count += 1
        history = await client.get_workflow_handle(wf_id, run_id=run_id).fetch_history()
        last = history.events[-1]
        if not last.HasField("workflow_execution_continued_as_new_event_attributes"):
            break
        run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
    return count
