"""The time model on the time-skipping server: working-day instants, milestones, reporting periods
and continue-as-new over a simulated year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, item_workflow_id
from dondoc.db.models import Action, Escalation, Item, Reminder
from dondoc.db.session import SessionFactory
from dondoc.importer.yaml_file import parse_directive
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.messages import ItemStatus, ReportInput, ReportResult
from dondoc.worker import build_worker
from tests.helpers import UNITS, advance, item_handle, item_state, start

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def plan_from(code: str, items: str, issued: date, extra: str = "") -> DirectivePlan:
    text = (
        f'code: "{code}"\ntitle: "Thử mô hình thời gian"\ncommittee: DANG_UY\n'
        f"issued_on: {issued.isoformat()}\n{UNITS}\n{extra}\nitems:\n{items}"
    )
    return parse_directive(text, "<test>", today=issued)


def shift(plan: DirectivePlan, delta: timedelta) -> DirectivePlan:
    """Replay a plan written for past dates from the test server's clock (it cannot go back)."""
    return plan.model_copy(update={"items": [i.shifted(delta) for i in plan.items]})


def local(dt: datetime, delta: timedelta) -> datetime:
    return (dt - delta).astimezone(VN)


async def _actions(sessions: SessionFactory, code: str, number: str) -> list[Action]:
    with sessions() as s:
        item_id = s.scalars(
            select(Item.id).where(Item.workflow_id == item_workflow_id(code, number))
        ).one()
        return list(s.scalars(select(Action).where(Action.item_id == item_id).order_by(Action.at)))


@pytest.fixture
async def env(
    own_skipping_env: WorkflowEnvironment, sqlite_sessions: SessionFactory, settings: Settings
):
    async with build_worker(
        own_skipping_env.client, sqlite_sessions, settings.task_queue, fail_fast=True
    ):
        yield own_skipping_env


async def test_working_day_reminder_and_escalations_skip_tet(
    env: WorkflowEnvironment, sqlite_sessions: SessionFactory, settings: Settings, code: str
) -> None:
    """Due 10 working days after 20/01/2025 = 10/02/2025 (Tết 27/01–01/02 skipped: Thông báo
    6150/TB-BLĐTBXH); remind 3 working days before = 05/02 08:00; escalate every 5 working days:
    10/02 23:59:59, then 17/02 08:00 and 24/02 08:00 (Asia/Ho_Chi_Minh)."""
    items = (
        '  - {number: "1", title: "Báo cáo", lead: [KHOI_VAN], due: {working_days: 10},'
        " remind_before: {working_days: 3}, escalate_every: {working_days: 5}}\n"
    )
    plan = plan_from(code, items, date(2025, 1, 20))
    delta = await env.get_current_time() - datetime(2025, 1, 20, tzinfo=UTC)
    await start(env.client, sqlite_sessions, settings, shift(plan, delta))
    await advance(env, timedelta(days=40))
    state = await item_state(env.client, code, "1")
    assert local(state.spec.due, delta) == datetime(2025, 2, 10, 23, 59, 59, tzinfo=VN)
    reminded = [local(u.reminded_at, delta) for u in state.units if u.reminded_at]
    assert [r.replace(second=0, microsecond=0) for r in reminded] == [
        datetime(2025, 2, 5, 8, 0, tzinfo=VN)
    ]
    at = [local(e.at, delta).replace(microsecond=0) for e in state.escalations[:3]]
    assert at == [
        datetime(2025, 2, 10, 23, 59, 59, tzinfo=VN),
        datetime(2025, 2, 17, 8, 0, tzinfo=VN),
        datetime(2025, 2, 24, 8, 0, tzinfo=VN),
    ]


async def test_deadline_across_a_year_boundary(
    env: WorkflowEnvironment, sqlite_sessions: SessionFactory, settings: Settings, code: str
) -> None:
    """5 working days from 29/12/2025: 30, 31/12, then 01/01/2026 is off (Tết Dương lịch) and
    02/01/2026 swapped off (Công văn 12729/VPCP-KGVX), so 05, 06, 07/01 → due 07/01/2026."""
    items = '  - {number: "1", title: "Báo cáo", lead: [KHOI_VAN], due: {working_days: 5}}\n'
    plan = plan_from(code, items, date(2025, 12, 29))
    assert plan.items[0].schedule.due.astimezone(VN).date() == date(2026, 1, 7)
    assert any("Tết Dương lịch" in line for line in plan.items[0].due_explanation)


async def test_milestones_remind_then_tell_the_committee(
    env: WorkflowEnvironment, sqlite_sessions: SessionFactory, settings: Settings, code: str
) -> None:
    """Item 6's checkpoints (19/5, 11/6) remind the units before, and tell the committee at each
    one while the item is open; a checkpoint after completion does nothing."""
    items = (
        '  - number: "6"\n    title: "Thi đua"\n    lead: [UBND]\n    support: [MTTQ]\n'
        "    due: 15/10/2024\n    milestones:\n"
        '      - {date: 19/05/2024, title: "134 năm ngày sinh Chủ tịch Hồ Chí Minh"}\n'
        '      - {date: 11/06/2024, title: "76 năm lời kêu gọi thi đua ái quốc"}\n'
        '      - {date: 02/09/2024, title: "Quốc khánh"}\n'
    )
    plan = plan_from(code, items, date(2024, 4, 15))
    delta = await env.get_current_time() - datetime(2024, 4, 15, tzinfo=UTC)
    await start(env.client, sqlite_sessions, settings, shift(plan, delta))
    await advance(env, timedelta(days=60))  # past 11/06
    kinds = [(a.kind, a.data.get("title")) for a in await _actions(sqlite_sessions, code, "6")]
    reached = [t for k, t in kinds if k == "milestone_reached"]
    assert reached == [
        "134 năm ngày sinh Chủ tịch Hồ Chí Minh",
        "76 năm lời kêu gọi thi đua ái quốc",
    ]
    with sqlite_sessions() as s:
        kinds_reminded = sorted(
            {
                r.kind
                for r in s.scalars(select(Reminder))
                if r.key.startswith(item_workflow_id(code, "6"))
            }
        )
    assert kinds_reminded == ["milestone-0", "milestone-1"]
    await item_handle(env.client, code, "6").execute_update(
        "report", ReportInput(unit="UBND", done=True), result_type=ReportResult
    )
    await advance(env, timedelta(days=90))
    reached = [
        a for a in await _actions(sqlite_sessions, code, "6") if a.kind == "milestone_reached"
    ]
    assert len(reached) == 2


async def test_a_year_of_monthly_reports_continues_as_new_and_keeps_its_state(
    env: WorkflowEnvironment, sqlite_sessions: SessionFactory, settings: Settings, code: str
) -> None:
    """Monthly reports (cut-off the 20th, due 1 working day later) for a year: a missing report
    is reminded at the cut-off and escalated at the due; each period starts a fresh run, every run
    stays far below the history limits, and report ids seen before are still recognised."""
    items = (
        '  - number: "1"\n    title: "Báo cáo định kỳ"\n    lead: [KHOI_VAN]\n    due: 31/12/2024\n'
        "    reporting: {every: month, cutoff_day: 20, submit_within: {working_days: 1}}\n"
    )
    plan = plan_from(code, items, date(2024, 1, 1))
    assert len(plan.items[0].periods) == 12
    origin = datetime(2024, 1, 1, tzinfo=UTC)
    delta = await env.get_current_time() - origin
    client: Client = env.client
    await start(client, sqlite_sessions, settings, shift(plan, delta))
    handle = item_handle(client, code, "1")
    for month in range(1, 13):
        target = datetime(2024, month, 10, tzinfo=UTC) + delta
        await advance(env, target - await env.get_current_time())
        if month != 6:  # June's report is missing
            await handle.execute_update(
                "report",
                ReportInput(unit="KHOI_VAN", progress=month * 8, report_id=f"kv-{month}"),
                result_type=ReportResult,
            )
    again = await handle.execute_update(
        "report",
        ReportInput(unit="KHOI_VAN", progress=8, report_id="kv-1"),
        result_type=ReportResult,
    )
    assert again.duplicate is True  # seen eleven runs ago
    await advance(env, datetime(2024, 12, 25, tzinfo=UTC) + delta - await env.get_current_time())

    actions = await _actions(sqlite_sessions, code, "1")
    missed = [a.data["period"] for a in actions if a.kind == "period_missed"]
    cutoffs = [a.data["period"] for a in actions if a.kind == "period_cutoff"]
    assert missed == [6]
    assert cutoffs == list(range(1, 13))
    runs, longest = 0, 0
    async for wf in _runs(client, item_workflow_id(code, "1")):
        runs += 1
        longest = max(longest, wf)
    assert runs >= 12
    assert (
        longest < 200
    )  # the server's limits are 51,200 events; continue-as-new suggested at 4,096
    state = await item_state(client, code, "1")
    assert state.units[0].progress == 96  # December's report, carried through every run
    assert state.status == ItemStatus.IN_PROGRESS


async def _runs(client: Client, wf_id: str):  # type: ignore[no-untyped-def]
    """Event counts of every run of a workflow, following continue-as-new from the first."""
    handle = client.get_workflow_handle(wf_id)
    desc = await handle.describe()
    run_id = desc.raw_description.workflow_execution_info.first_run_id or desc.run_id
    while run_id:
        h = client.get_workflow_handle(wf_id, run_id=run_id)
        history = await h.fetch_history()
        yield len(history.events)
        last = history.events[-1]
        attrs = last.workflow_execution_continued_as_new_event_attributes
        run_id = (
            attrs.new_execution_run_id
            if last.HasField("workflow_execution_continued_as_new_event_attributes")
            else ""
        )


__all__ = ["Escalation"]


async def test_support_units_have_their_own_deadline_and_lateness_never_blocks(
    env: WorkflowEnvironment, sqlite_sessions: SessionFactory, settings: Settings, code: str
) -> None:
    """Support due 2 working days before the lead's (Fri 14/03/2025 → Wed 12/03); support units
    are reminded against their own deadline, shown late after it, and the item completes anyway."""
    from dondoc.db.queries import directive_view

    items = (
        '  - {number: "1", title: "Tổng hợp", lead: [KHOI_VAN], support: [MTTQ], due: 14/03/2025,'
        " support_due: {working_days_before_lead: 2}, remind_before: {working_days: 1}}\n"
    )
    plan = plan_from(code, items, date(2025, 3, 1))
    assert plan.items[0].schedule.support_due is not None
    assert local(plan.items[0].schedule.support_due, timedelta(0)).date() == date(2025, 3, 12)
    delta = await env.get_current_time() - datetime(2025, 3, 1, tzinfo=UTC)
    await start(env.client, sqlite_sessions, settings, shift(plan, delta))
    await advance(env, datetime(2025, 3, 13, tzinfo=UTC) + delta - await env.get_current_time())
    state = await item_state(env.client, code, "1")
    reminded = {u.code: local(u.reminded_at, delta).date() for u in state.units if u.reminded_at}
    assert reminded == {"MTTQ": date(2025, 3, 11)}  # one working day before its own deadline
    view = directive_view(sqlite_sessions, code, await env.get_current_time())
    units = {u.code: u for u in view.items[0].units}
    assert (units["MTTQ"].late, units["KHOI_VAN"].late) == (True, False)
    done = await item_handle(env.client, code, "1").execute_update(
        "report", ReportInput(unit="KHOI_VAN", done=True), result_type=ReportResult
    )
    assert done.item_status == ItemStatus.COMPLETED_ON_TIME
