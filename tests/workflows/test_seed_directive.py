"""The seed directive (Dân vận khéo, phase 2 of 2024) runs whole on the time-skipping server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings
from dondoc.db.queries import directive_view
from dondoc.db.session import SessionFactory
from dondoc.importer.yaml_file import load_directive
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.lifecycle import AckInput, ActionResult
from dondoc.schemas.messages import DirectiveStatus, ItemStatus, ReportInput, ReportResult
from dondoc.worker import build_worker
from tests.helpers import advance, directive_handle, item_handle, item_state, start

SEED = Path(__file__).parents[2] / "examples" / "dan-van-kheo-2024.yaml"
# The directive was issued in April 2024; replay its calendar from the test server's "now".
ISSUED = datetime(2024, 4, 15, tzinfo=UTC)


def shifted(plan: DirectivePlan, code: str, now: datetime) -> DirectivePlan:
    shift = now - ISSUED
    items = [i.shifted(shift) for i in plan.items]
    return plan.model_copy(update={"code": code, "items": items})


async def test_seed_directive_all_items_run(
    own_skipping_env: WorkflowEnvironment,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """Six numbered items (and 6.1–6.6, 3.1, TCTH) are assigned; some finish, the rest escalate."""
    skipping_env, client = own_skipping_env, own_skipping_env.client
    worker = build_worker(client, sqlite_sessions, settings.task_queue, fail_fast=True)
    async with worker:
        await _play_seed(skipping_env, client, sqlite_sessions, settings, code)


async def _play_seed(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    plan = shifted(load_directive(SEED), code, now)
    assert {"1", "2", "3", "4", "5", "6"} <= {i.number for i in plan.items}
    await start(client, sqlite_sessions, settings, plan)

    for number in ("1", "2", "3", "4", "5", "6"):
        state = await item_state(client, code, number)
        assert state.assigned
        assert state.status == ItemStatus.NOT_RECEIVED  # no lead has acknowledged it yet
    ack = await item_handle(client, code, "2").execute_update(
        "acknowledge", AckInput(unit="UBND"), result_type=ActionResult
    )
    assert ack.item_status == ItemStatus.IN_PROGRESS

    async def finish(number: str) -> ItemStatus:
        item = next(i for i in plan.items if i.number == number)
        result = None
        for unit in item.lead:
            result = await item_handle(client, code, number).execute_update(
                "report", ReportInput(unit=unit, done=True), result_type=ReportResult
            )
        assert result is not None
        return result.item_status

    assert await finish("1") == ItemStatus.COMPLETED_ON_TIME
    # 6.1 is due 19/05 (shifted): a week before, its units are reminded (remind_before P7D).
    due_61 = next(i.schedule.due for i in plan.items if i.number == "6.1")
    await advance(skipping_env, due_61 - now + timedelta(hours=1))
    state_61 = await item_state(client, code, "6.1")
    assert state_61.status == ItemStatus.OVERDUE
    assert all(u.reminded_at for u in state_61.units)
    assert [e.level for e in state_61.escalations] == [1]
    assert (await item_state(client, code, "1")).status == ItemStatus.COMPLETED_ON_TIME

    # Past 15/10 every open item has escalated; then everyone finishes, late.
    last_due = max(i.schedule.due for i in plan.items)
    await advance(
        skipping_env, last_due - await skipping_env.get_current_time() + timedelta(days=1)
    )
    view = directive_view(sqlite_sessions, code, await skipping_env.get_current_time())
    statuses = {i.number: i.status for i in view.items}
    assert statuses["1"] == ItemStatus.COMPLETED_ON_TIME
    assert {s for n, s in statuses.items() if n != "1"} == {ItemStatus.OVERDUE}
    assert all(i.escalations for i in view.items if i.number != "1")

    for item in plan.items:
        if item.number != "1":
            assert await finish(item.number) == ItemStatus.COMPLETED_LATE
    result = await directive_handle(client, code).result()
    assert result.status == DirectiveStatus.COMPLETED
    assert len(result.items) == len(plan.items)
