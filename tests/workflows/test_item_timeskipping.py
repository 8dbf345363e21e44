"""Task-item behaviour on the time-skipping server: completion, reminders, escalations, reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from dondoc.config import Settings
from dondoc.db.queries import directive_view
from dondoc.db.session import SessionFactory
from dondoc.errors import DondocError, ItemClosed, UnknownDirective, UnknownItem
from dondoc.schemas.messages import (
    DirectiveStatus,
    ItemStatus,
    ReportInput,
    ReportResult,
)
from dondoc.starter import send_report
from tests.helpers import directive_handle, item_handle, item_state, item_yaml, make_plan, start

pytestmark = pytest.mark.usefixtures("skipping_worker")


async def report(client: Client, code: str, number: str, **kw: object) -> ReportResult:
    result: ReportResult = await item_handle(client, code, number).execute_update(
        "report", ReportInput.model_validate(kw), result_type=ReportResult
    )
    return result


async def test_lead_done_before_due_completes_on_time(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
    skipping_worker: Worker,
) -> None:
    """Both leads report done before the deadline: the item and the directive complete on time."""
    now = await skipping_env.get_current_time()
    plan = make_plan(code, [item_yaml("1", now + timedelta(days=10), lead="[KHOI_VAN, UBND]")])
    await start(client, sqlite_sessions, settings, plan)

    first = await report(client, code, "1", unit="KHOI_VAN", progress=50, note="đang làm")
    assert (first.progress, first.item_status) == (50, ItemStatus.IN_PROGRESS)
    await report(client, code, "1", unit="KHOI_VAN", progress=100)
    await report(client, code, "1", unit="MTTQ", progress=30)
    await skipping_env.sleep(timedelta(days=2))
    last = await report(client, code, "1", unit="UBND", progress=0, done=True)
    assert last.item_status == ItemStatus.COMPLETED_ON_TIME

    result = await directive_handle(client, code).result()
    assert result.status == DirectiveStatus.COMPLETED
    assert result.items == {"1": ItemStatus.COMPLETED_ON_TIME}
    view = directive_view(sqlite_sessions, code, await skipping_env.get_current_time())
    assert view.directive.status == DirectiveStatus.COMPLETED
    item = view.items[0]
    assert item.status == ItemStatus.COMPLETED_ON_TIME
    assert {(u.code, u.progress, u.done) for u in item.units} == {
        ("KHOI_VAN", 100, True),
        ("UBND", 100, True),
        ("MTTQ", 30, False),
    }
    assert item.escalations == []
    assert item.reminders == []


async def test_reminder_at_due_minus_remind_before_to_unfinished_units_only(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """At due − remind_before every unit not done is reminded once; a unit that finished is not."""
    now = await skipping_env.get_current_time()
    due = now + timedelta(days=10)
    plan = make_plan(code, [item_yaml("1", due, lead="[KHOI_VAN, UBND]", support="[DOAN_THE]")])
    await start(client, sqlite_sessions, settings, plan)
    await report(client, code, "1", unit="UBND", done=True)

    await skipping_env.sleep(timedelta(days=6, hours=23))
    assert (await item_state(client, code, "1")).reminded is False
    await skipping_env.sleep(timedelta(hours=2))
    state = await item_state(client, code, "1")
    reminded = {u.code: u.reminded_at for u in state.units if u.reminded_at}
    assert sorted(reminded) == ["DOAN_TN", "HOI_PN", "KHOI_VAN"]
    expected_at = due - timedelta(days=3)
    assert all(abs(at - expected_at) < timedelta(seconds=2) for at in reminded.values())

    view = directive_view(sqlite_sessions, code, await skipping_env.get_current_time())
    assert sorted(r.unit for r in view.items[0].reminders) == ["DOAN_TN", "HOI_PN", "KHOI_VAN"]


async def test_missed_deadline_escalates_at_due_then_every_period(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """No lead done: level 1 at due, levels 2 and 3 each escalate_every later; then done late."""
    now = await skipping_env.get_current_time()
    due = now + timedelta(days=5)
    plan = make_plan(code, [item_yaml("1", due)])
    await start(client, sqlite_sessions, settings, plan)

    await skipping_env.sleep(timedelta(days=5, hours=1))
    state = await item_state(client, code, "1")
    assert state.status == ItemStatus.OVERDUE
    assert [e.level for e in state.escalations] == [1]
    await skipping_env.sleep(timedelta(days=14))
    state = await item_state(client, code, "1")
    assert [e.level for e in state.escalations] == [1, 2, 3]
    for e in state.escalations:
        expected = due + timedelta(days=7) * (e.level - 1)
        assert abs(e.at - expected) < timedelta(seconds=2), (e.level, e.at, expected)

    done = await report(client, code, "1", unit="KHOI_VAN", done=True)
    assert done.item_status == ItemStatus.COMPLETED_LATE
    result = await directive_handle(client, code).result()
    assert result.items == {"1": ItemStatus.COMPLETED_LATE}
    view = directive_view(sqlite_sessions, code, await skipping_env.get_current_time())
    assert [(e.level, e.to) for e in view.items[0].escalations] == [
        (1, "DANG_UY"),
        (2, "DANG_UY"),
        (3, "DANG_UY"),
    ]
    assert view.items[0].status == ItemStatus.COMPLETED_LATE


@pytest.mark.parametrize(
    ("report_kw", "message"),
    [
        ({"unit": "HOI_PN", "progress": 10}, "not assigned"),
        ({"unit": "KHOI_VAN", "progress": 101}, "between 0 and 100"),
        ({"unit": "KHOI_VAN", "progress": -1}, "between 0 and 100"),
        ({"unit": "KHOI_VAN", "progress": 20}, "lower than"),
    ],
)
async def test_invalid_report_is_rejected_and_nothing_recorded(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
    report_kw: dict[str, object],
    message: str,
) -> None:
    """The validator rejects the report with a clear message; state and database are unchanged."""
    now = await skipping_env.get_current_time()
    await start(
        client,
        sqlite_sessions,
        settings,
        make_plan(code, [item_yaml("1", now + timedelta(days=3))]),
    )
    await report(client, code, "1", unit="KHOI_VAN", progress=40)
    before = await item_state(client, code, "1")

    with pytest.raises(WorkflowUpdateFailedError) as err:
        await report(client, code, "1", **report_kw)
    assert message in str(err.value.cause)
    assert await item_state(client, code, "1") == before
    view = directive_view(sqlite_sessions, code, now)
    assert {(u.code, u.progress) for u in view.items[0].units} == {("KHOI_VAN", 40), ("MTTQ", 0)}


async def test_report_on_completed_item_is_rejected(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    plan = make_plan(
        code, [item_yaml("1", now + timedelta(days=3)), item_yaml("2", now + timedelta(days=3))]
    )
    await start(client, sqlite_sessions, settings, plan)
    await report(client, code, "1", unit="KHOI_VAN", done=True)
    await item_handle(client, code, "1").result()
    late = ReportInput(unit="MTTQ", progress=50)
    with pytest.raises(ItemClosed, match=r"item 1 of .* is already closed"):
        await send_report(client, code, "1", late)
    with pytest.raises(UnknownItem, match="has no item '9'"):
        await send_report(client, code, "9", late)
    with pytest.raises(UnknownDirective, match="no directive with code 'NO-SUCH'"):
        await send_report(client, "NO-SUCH", "1", late)


async def test_repeated_report_id_is_recorded_once_and_acknowledged_again(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await start(
        client,
        sqlite_sessions,
        settings,
        make_plan(code, [item_yaml("1", now + timedelta(days=3))]),
    )
    first = await report(client, code, "1", unit="MTTQ", progress=60, report_id="bc-001")
    again = await report(client, code, "1", unit="MTTQ", progress=60, report_id="bc-001")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.model_copy(update={"duplicate": False}) == first
    from sqlalchemy import func, select

    from dondoc.db.models import Report

    with sqlite_sessions() as s:
        count = s.scalar(
            select(func.count()).select_from(Report).where(Report.report_id == "bc-001")
        )
    assert count == 1


async def test_complete_signal_marks_unit_done_and_invalid_signal_is_ignored(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await start(
        client,
        sqlite_sessions,
        settings,
        make_plan(code, [item_yaml("1", now + timedelta(days=3))]),
    )
    handle = item_handle(client, code, "1")
    await handle.signal("complete", {"unit": "NOBODY"})
    await handle.signal("complete", {"bogus": True})
    state = await item_state(client, code, "1")
    assert state.status == ItemStatus.NOT_RECEIVED
    assert state.units[0].done is False
    await handle.signal("complete", {"unit": "KHOI_VAN", "note": "xong"})
    await handle.result()
    state = await item_state(client, code, "1")
    assert state.status == ItemStatus.COMPLETED_ON_TIME


async def test_duplicate_start_is_refused(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    plan = make_plan(code, [item_yaml("1", now + timedelta(days=3))])
    await start(client, sqlite_sessions, settings, plan)
    with pytest.raises(DondocError, match="already started"):
        await start(client, sqlite_sessions, settings, plan)
