"""The task item's life on the time-skipping server: receipt, refusal, extension, reassignment,
recall, review and explanation, each a validated Update recorded in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel
from sqlalchemy import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, item_workflow_id
from dondoc.db.models import Action, Assignment, Directive, Escalation, Item, Notification, Reminder
from dondoc.db.queries import directive_view
from dondoc.db.session import SessionFactory
from dondoc.deadlines.planner import Planner
from dondoc.schemas.lifecycle import (
    AckInput,
    ActionKind,
    ActionResult,
    ExplanationDecisionInput,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
    ReassignInput,
    RecallInput,
    RefusalDecisionInput,
    RefuseInput,
    ReviewInput,
)
from dondoc.schemas.messages import (
    DirectiveStatus,
    ItemResult,
    ItemState,
    ItemStatus,
    ReportInput,
    ReportResult,
    Role,
)
from dondoc.schemas.timing import WorkingDays
from dondoc.workflows.item import TaskItemWorkflow
from tests.helpers import (
    advance,
    directive_handle,
    directive_state,
    item_handle,
    item_state,
    item_yaml,
    make_plan,
    start,
)

pytestmark = pytest.mark.usefixtures("skipping_worker")

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
COMMITTEE = "DANG_UY"
FAR = datetime(2100, 1, 1, tzinfo=UTC)


# -- helpers ----------------------------------------------------------------------------------


async def begin(
    env: WorkflowEnvironment,
    client: Client,
    sessions: SessionFactory,
    settings: Settings,
    code: str,
    *items: str,
) -> None:
    """Start a directive whose receipt deadlines count from the test server's today.

    The loader counts them from the real today, but the shared time-skipping clock runs ahead of
    it once earlier tests have skipped weeks.
    """
    plan = make_plan(code, list(items))
    now = await env.get_current_time()
    today = now.astimezone(ZoneInfo(plan.timezone)).date()
    planner = Planner(plan.timezone, plan.calendar)
    remind, escalate = planner.receipt(today, WorkingDays(working_days=1))
    shifted = [
        i.model_copy(update={"receipt_remind_at": remind, "receipt_escalate_at": escalate})
        for i in plan.items
    ]
    await start(client, sessions, settings, plan.model_copy(update={"items": shifted}))


async def act(client: Client, code: str, name: str, inp: BaseModel, number: str = "1") -> Any:
    result_type = ReportResult if name == "report" else ActionResult
    return await item_handle(client, code, number).execute_update(
        name, inp, result_type=result_type
    )


async def report(client: Client, code: str, number: str = "1", **kw: Any) -> ReportResult:
    result: ReportResult = await act(client, code, "report", ReportInput.model_validate(kw), number)
    return result


async def rejected(
    client: Client,
    sessions: SessionFactory,
    code: str,
    name: str,
    inp: BaseModel,
    number: str = "1",
) -> str:
    """The update is rejected: its message, after checking that state and database are unchanged."""
    before = (await item_state(client, code, number), db_snapshot(sessions, code, number))
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await act(client, code, name, inp, number)
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    after = (await item_state(client, code, number), db_snapshot(sessions, code, number))
    assert before == after
    return cause.message


def _item(s: Any, code: str, number: str) -> Item:
    item: Item = s.scalars(
        select(Item).join(Directive).where(Directive.code == code, Item.number == number)
    ).one()
    return item


def db_snapshot(sessions: SessionFactory, code: str, number: str = "1") -> tuple[Any, ...]:
    with sessions() as s:
        item = _item(s, code, number)
        actions = s.scalars(select(Action.key).where(Action.item_id == item.id)).all()
        units = [
            (a.unit_code, a.role, a.progress, a.done, a.received_at, a.refused_at, a.active)
            for a in item.assignments
        ]
        notes = s.scalars(select(Notification.key).where(Notification.directive_code == code))
        return (
            item.status,
            item.due,
            item.deadline_seq,
            item.extensions_used,
            sorted(actions),
            units,
            sorted(notes.all()),
        )


def db_item(sessions: SessionFactory, code: str, number: str = "1") -> dict[str, Any]:
    with sessions() as s:
        item = _item(s, code, number)
        return {
            "status": item.status,
            "due": item.due,
            "remind_at": item.remind_at,
            "deadline_seq": item.deadline_seq,
            "extensions_used": item.extensions_used,
            "completed_at": item.completed_at,
        }


def db_assignments(sessions: SessionFactory, code: str, number: str = "1") -> dict[str, Any]:
    with sessions() as s:
        item = _item(s, code, number)
        rows = s.scalars(select(Assignment).where(Assignment.item_id == item.id)).all()
        return {a.unit_code: a for a in rows}  # loaded, so readable once detached


def db_action_kinds(sessions: SessionFactory, code: str, number: str = "1") -> list[str]:
    with sessions() as s:
        item = _item(s, code, number)
        rows = s.scalars(select(Action).where(Action.item_id == item.id).order_by(Action.id))
        return [a.kind for a in rows]


def notified(sessions: SessionFactory, code: str, kind: str) -> list[tuple[str, datetime]]:
    """(unit, created_at) of each notification of `kind` on the directive, in order."""
    with sessions() as s:
        rows = s.scalars(
            select(Notification)
            .where(Notification.directive_code == code, Notification.kind == kind)
            .order_by(Notification.id)
        )
        return [(n.unit_code, n.created_at) for n in rows]


def db_escalations(sessions: SessionFactory, code: str, number: str = "1") -> list[int]:
    with sessions() as s:
        item = _item(s, code, number)
        rows = s.scalars(
            select(Escalation).where(Escalation.item_id == item.id).order_by(Escalation.id)
        )
        return [e.level for e in rows]


def db_reminders(sessions: SessionFactory, code: str, number: str = "1") -> list[tuple[str, str]]:
    with sessions() as s:
        item = _item(s, code, number)
        rows = s.scalars(select(Reminder).where(Reminder.item_id == item.id).order_by(Reminder.id))
        return [(r.unit_code, r.kind) for r in rows]


def kinds(state: ItemState, prefix: str = "") -> list[ActionKind]:
    return [a.kind for a in state.actions if a.kind.startswith(prefix)]


def close(a: datetime | None, b: datetime) -> bool:
    return a is not None and abs(a - b) < timedelta(seconds=5)


async def until(env: WorkflowEnvironment, instant: datetime) -> None:
    """Move the clock to `instant` (in steps, as `advance` does)."""
    await advance(env, instant - await env.get_current_time())


async def item_result(client: Client, code: str, number: str = "1") -> ItemResult:
    handle = client.get_workflow_handle_for(TaskItemWorkflow.run, item_workflow_id(code, number))
    return await handle.result()


# -- receipt ----------------------------------------------------------------------------------


async def test_acknowledge_turns_not_received_into_in_progress_and_records_received_at(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    assert (await item_state(client, code, "1")).status == ItemStatus.NOT_RECEIVED

    result = await act(client, code, "acknowledge", AckInput(unit="KHOI_VAN"))

    assert result.item_status == ItemStatus.IN_PROGRESS
    state = await item_state(client, code, "1")
    lead, support = state.unit("KHOI_VAN"), state.unit("MTTQ")
    assert lead is not None
    assert support is not None
    assert close(lead.received_at, now)
    assert support.received_at is None
    assert kinds(state) == [ActionKind.RECEIPT]
    assignments = db_assignments(sqlite_sessions, code)
    assert assignments["KHOI_VAN"].received_at == lead.received_at
    assert assignments["MTTQ"].received_at is None
    assert db_action_kinds(sqlite_sessions, code) == ["receipt"]


async def test_second_acknowledge_is_answered_but_recorded_once(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    await act(client, code, "acknowledge", AckInput(unit="MTTQ"))
    again = await act(client, code, "acknowledge", AckInput(unit="MTTQ"))
    assert again.message == "MTTQ đã tiếp nhận trước đó"
    assert db_action_kinds(sqlite_sessions, code) == ["receipt"]


async def test_report_counts_as_receipt(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    await report(client, code, unit="KHOI_VAN", progress=10)
    state = await item_state(client, code, "1")
    lead = state.unit("KHOI_VAN")
    assert lead is not None
    assert state.status == ItemStatus.IN_PROGRESS
    assert lead.received_at == lead.last_report_at
    assert db_assignments(sqlite_sessions, code)["KHOI_VAN"].received_at == lead.received_at


async def test_unacknowledged_units_are_reminded_then_the_committee_is_told(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """At receipt_remind_at the units that have not acknowledged are reminded; at
    receipt_escalate_at the committee is told of those still silent; each once."""
    now = await skipping_env.get_current_time()
    item = item_yaml("1", now + 30 * DAY, lead="[KHOI_VAN, UBND]")
    await begin(skipping_env, client, sqlite_sessions, settings, code, item)
    await act(client, code, "acknowledge", AckInput(unit="KHOI_VAN"))
    spec = (await item_state(client, code, "1")).spec
    assert spec.receipt_remind_at is not None
    assert spec.receipt_escalate_at is not None

    await until(skipping_env, spec.receipt_remind_at - HOUR)
    assert notified(sqlite_sessions, code, "receipt_reminder") == []
    await skipping_env.sleep(2 * HOUR)
    reminded = notified(sqlite_sessions, code, "receipt_reminder")
    assert sorted(u for u, _ in reminded) == ["MTTQ", "UBND"]
    assert all(close(at, spec.receipt_remind_at) for _, at in reminded)

    await act(client, code, "acknowledge", AckInput(unit="UBND"))
    await until(skipping_env, spec.receipt_escalate_at - HOUR)
    assert notified(sqlite_sessions, code, "receipt_escalation") == []
    await skipping_env.sleep(2 * HOUR)
    escalated = notified(sqlite_sessions, code, "receipt_escalation")
    assert [u for u, _ in escalated] == [COMMITTEE]
    assert close(escalated[0][1], spec.receipt_escalate_at)

    await advance(skipping_env, 7 * DAY)
    state = await item_state(client, code, "1")
    receipt = [a for a in state.actions if a.kind.startswith("receipt_")]
    assert [(a.kind, a.data["units"]) for a in receipt] == [
        (ActionKind.RECEIPT_REMINDER, "UBND, MTTQ"),
        (ActionKind.RECEIPT_ESCALATION, "MTTQ"),
    ]
    assert db_action_kinds(sqlite_sessions, code).count("receipt_reminder") == 1
    assert len(notified(sqlite_sessions, code, "receipt_escalation")) == 1


async def test_no_receipt_reminder_when_every_unit_has_acknowledged(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    await act(client, code, "acknowledge", AckInput(unit="KHOI_VAN"))
    await report(client, code, unit="MTTQ", progress=5)
    await advance(skipping_env, 7 * DAY)
    assert notified(sqlite_sessions, code, "receipt_reminder") == []
    assert notified(sqlite_sessions, code, "receipt_escalation") == []


# -- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "inp", "what"),
    [
        (
            "decide_refusal",
            RefusalDecisionInput(actor="KHOI_VAN", unit="KHOI_VAN", decision="overrule"),
            "decide on a refusal",
        ),
        (
            "decide_extension",
            ExtensionDecisionInput(actor="KHOI_VAN", approve=True),
            "decide on an extension",
        ),
        ("reassign", ReassignInput(actor="KHOI_VAN", lead=["UBND"], reason="x"), "reassign units"),
        ("recall", RecallInput(actor="KHOI_VAN", reason="không cần nữa"), "recall an item"),
        ("review", ReviewInput(actor="KHOI_VAN", accepted=True), "review an item"),
        (
            "request_explanation",
            ExplanationRequestInput(actor="KHOI_VAN", due=FAR),
            "request an explanation",
        ),
        (
            "decide_explanation",
            ExplanationDecisionInput(actor="KHOI_VAN", decision="note"),
            "decide after an explanation",
        ),
    ],
)
async def test_committee_action_by_another_actor_is_rejected(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
    name: str,
    inp: BaseModel,
    what: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    message = await rejected(client, sqlite_sessions, code, name, inp)
    assert message == f"only the committee (DANG_UY) may {what}; 'KHOI_VAN' may not"


@pytest.mark.parametrize(
    ("name", "inp"),
    [
        ("acknowledge", AckInput(unit="HOI_PN")),
        ("refuse", RefuseInput(unit="HOI_PN", reason="không liên quan")),
        ("request_extension", ExtensionRequestInput(unit="HOI_PN", new_due=FAR, reason="r")),
        ("explain", ExplanationInput(unit="HOI_PN", text="vì sao")),
    ],
)
async def test_unit_action_by_an_unassigned_unit_is_rejected(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
    name: str,
    inp: BaseModel,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    message = await rejected(client, sqlite_sessions, code, name, inp)
    assert message == f"unit 'HOI_PN' is not assigned to item 1 of {code}"


async def test_support_unit_cannot_request_an_extension(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    inp = ExtensionRequestInput(unit="MTTQ", new_due=now + 30 * DAY, reason="chờ số liệu")
    message = await rejected(client, sqlite_sessions, code, "request_extension", inp)
    assert message == f"only a lead unit (chủ trì) of item 1 of {code} may do this; 'MTTQ' supports"


# -- refusal ----------------------------------------------------------------------------------


async def test_refusal_needs_a_reason(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """Sent as plain JSON without a reason, the refusal is rejected and nothing changes."""
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    before = (await item_state(client, code, "1"), db_snapshot(sqlite_sessions, code))
    handle = item_handle(client, code, "1")
    for payload in ({"unit": "KHOI_VAN"}, {"unit": "KHOI_VAN", "reason": "  "}):
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update("refuse", payload, result_type=ActionResult)
        assert "reason" in str(err.value.cause)
    assert before == (await item_state(client, code, "1"), db_snapshot(sqlite_sessions, code))


async def test_refusal_then_overrule_keeps_the_assignment(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    result = await act(
        client, code, "refuse", RefuseInput(unit="KHOI_VAN", reason="không đúng chức năng")
    )
    assert result.item_status == ItemStatus.REFUSED
    assert [u for u, _ in notified(sqlite_sessions, code, "refusal")] == [COMMITTEE]
    refused = db_assignments(sqlite_sessions, code)["KHOI_VAN"]
    assert (refused.refused_at is not None, refused.refusal_reason) == (
        True,
        "không đúng chức năng",
    )
    message = await rejected(
        client, sqlite_sessions, code, "report", ReportInput(unit="KHOI_VAN", progress=10)
    )
    assert "has refused" in message

    decision = RefusalDecisionInput(actor=COMMITTEE, unit="KHOI_VAN", decision="overrule")
    await act(client, code, "decide_refusal", decision)

    state = await item_state(client, code, "1")
    lead = state.unit("KHOI_VAN")
    assert lead is not None
    assert (lead.role, lead.refused_at, lead.refusal_reason) == (Role.LEAD, None, None)
    assert state.status == ItemStatus.NOT_RECEIVED  # it must still acknowledge
    assert [u for u, _ in notified(sqlite_sessions, code, "refusal_overruled")] == ["KHOI_VAN"]
    kept = db_assignments(sqlite_sessions, code)["KHOI_VAN"]
    assert (kept.refused_at, kept.refusal_reason, kept.active) == (None, None, True)
    progress = await report(client, code, unit="KHOI_VAN", progress=30)
    assert progress.item_status == ItemStatus.IN_PROGRESS


async def test_refusal_then_reassign_gives_the_role_to_the_new_unit(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    await act(client, code, "refuse", RefuseInput(unit="KHOI_VAN", reason="quá tải"))
    decision = RefusalDecisionInput(
        actor=COMMITTEE, unit="KHOI_VAN", decision="reassign", new_unit="UBND"
    )
    assert (await act(client, code, "decide_refusal", decision)).message == "giao lại cho UBND"

    state = await item_state(client, code, "1")
    assert [(u.code, u.role) for u in state.units] == [
        ("UBND", Role.LEAD),
        ("MTTQ", Role.SUPPORT),
    ]
    assert sorted(u for u, _ in notified(sqlite_sessions, code, "reassigned")) == [
        "KHOI_VAN",
        "UBND",
    ]
    rows = db_assignments(sqlite_sessions, code)
    assert (rows["KHOI_VAN"].active, rows["UBND"].active, rows["UBND"].role) == (
        False,
        True,
        "lead",
    )
    message = await rejected(
        client, sqlite_sessions, code, "report", ReportInput(unit="KHOI_VAN", progress=10)
    )
    assert message == f"unit 'KHOI_VAN' is not assigned to item 1 of {code}"
    done = await report(client, code, unit="UBND", done=True)
    assert done.item_status == ItemStatus.COMPLETED_ON_TIME


async def test_refusal_decision_needs_a_pending_refusal_and_a_free_new_unit(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 20 * DAY)
    )
    overrule = RefusalDecisionInput(actor=COMMITTEE, unit="KHOI_VAN", decision="overrule")
    message = await rejected(client, sqlite_sessions, code, "decide_refusal", overrule)
    assert message == f"unit 'KHOI_VAN' has no pending refusal on item 1 of {code}"
    await act(client, code, "refuse", RefuseInput(unit="KHOI_VAN", reason="quá tải"))
    to_support = overrule.model_copy(update={"decision": "reassign", "new_unit": "MTTQ"})
    message = await rejected(client, sqlite_sessions, code, "decide_refusal", to_support)
    assert message == f"unit 'MTTQ' is already assigned to item 1 of {code}"


# -- extension --------------------------------------------------------------------------------


async def test_extension_after_first_escalation_restarts_the_ladder_from_the_new_due(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """Approved after level 1: reminder, due and ladder re-armed from the new deadline; the next
    escalation is level 1 again (deadline 1) at the new due, then every escalate_every."""
    now = await skipping_env.get_current_time()
    due = now + 2 * DAY
    await begin(skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", due))
    await act(client, code, "acknowledge", AckInput(unit="KHOI_VAN"))
    await until(skipping_env, due + HOUR)
    state = await item_state(client, code, "1")
    assert [(e.level, e.seq) for e in state.escalations] == [(1, 0)]

    new_due = due + 20 * DAY
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=new_due, reason="chờ kinh phí")
    await act(client, code, "request_extension", request)
    assert [u for u, _ in notified(sqlite_sessions, code, "extension_requested")] == [COMMITTEE]
    approved = await act(
        client, code, "decide_extension", ExtensionDecisionInput(actor=COMMITTEE, approve=True)
    )

    assert approved.item_status == ItemStatus.IN_PROGRESS
    state = await item_state(client, code, "1")
    assert (state.spec.due, state.spec.remind_at) == (new_due, new_due - 3 * DAY)
    assert (state.deadline_seq, state.extensions_used, state.pending_extension) == (1, 1, None)
    assert [(d.seq, d.due) for d in state.deadlines] == [(1, new_due)]
    expected_db = {"due": new_due, "deadline_seq": 1, "extensions_used": 1, "status": "in_progress"}
    actual_db = db_item(sqlite_sessions, code)
    assert {k: actual_db[k] for k in expected_db} == expected_db

    await until(skipping_env, new_due - HOUR)
    state = await item_state(client, code, "1")
    assert [(e.level, e.seq) for e in state.escalations] == [(1, 0)]
    assert ("KHOI_VAN", "due-1") in db_reminders(sqlite_sessions, code)
    await skipping_env.sleep(2 * HOUR)
    await advance(skipping_env, 7 * DAY)
    state = await item_state(client, code, "1")
    assert [(e.level, e.seq) for e in state.escalations] == [(1, 0), (1, 1), (2, 1)]
    assert close(state.escalations[1].at, new_due)
    assert close(state.escalations[2].at, new_due + 7 * DAY)
    assert db_escalations(sqlite_sessions, code) == [1, 1, 2]


async def test_extension_approved_with_another_date_uses_the_committee_date(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    due = now + 10 * DAY
    await begin(skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", due))
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 20 * DAY, reason="chờ")
    await act(client, code, "request_extension", request)
    decision = ExtensionDecisionInput(actor=COMMITTEE, approve=True, new_due=due + 5 * DAY)
    await act(client, code, "decide_extension", decision)
    state = await item_state(client, code, "1")
    assert (state.spec.due, [d.due for d in state.deadlines]) == (due + 5 * DAY, [due + 5 * DAY])
    assert db_item(sqlite_sessions, code)["due"] == due + 5 * DAY


async def test_extension_re_arms_the_support_deadline_from_the_new_due(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """A support deadline counted from the lead's moves with it; only the new one reminds."""
    now = await skipping_env.get_current_time()
    due = now + 10 * DAY
    rule = "{working_days_before_lead: 2}"
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", due, support_due=rule)
    )
    before = (await item_state(client, code, "1")).spec
    await act(client, code, "acknowledge", AckInput(unit="KHOI_VAN"))
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 10 * DAY, reason="chờ")
    await act(client, code, "request_extension", request)
    await act(
        client, code, "decide_extension", ExtensionDecisionInput(actor=COMMITTEE, approve=True)
    )

    spec = (await item_state(client, code, "1")).spec
    assert spec.support_due is not None
    assert spec.support_remind_at is not None
    assert before.support_due is not None
    assert before.support_due < spec.support_due < due + 10 * DAY
    await until(skipping_env, spec.support_remind_at + HOUR)
    assert [r for r in db_reminders(sqlite_sessions, code) if r[0] == "MTTQ"] == [
        ("MTTQ", "support-1")
    ]


async def test_extension_keeps_a_support_deadline_given_as_a_date(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """A support deadline written as a date stays put when the lead's deadline moves (it was
    once dropped, with its reminder)."""
    now = await skipping_env.get_current_time()
    due = now + 20 * DAY
    item = item_yaml("1", due, support_due=(now + 10 * DAY).isoformat())
    await begin(skipping_env, client, sqlite_sessions, settings, code, item)
    before = (await item_state(client, code, "1")).spec
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 20 * DAY, reason="chờ")
    await act(client, code, "request_extension", request)
    await act(
        client, code, "decide_extension", ExtensionDecisionInput(actor=COMMITTEE, approve=True)
    )
    spec = (await item_state(client, code, "1")).spec
    assert (spec.due, spec.support_due, spec.support_remind_at) == (
        due + 20 * DAY,
        before.support_due,
        before.support_remind_at,
    )


async def test_two_approved_extensions_then_a_third_request_is_rejected(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    due = now + 10 * DAY
    await begin(
        skipping_env,
        client,
        sqlite_sessions,
        settings,
        code,
        item_yaml("1", due, max_extensions="2"),
    )
    approve = ExtensionDecisionInput(actor=COMMITTEE, approve=True)
    for n in (1, 2):
        request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + n * 5 * DAY, reason="chờ")
        await act(client, code, "request_extension", request)
        await act(client, code, "decide_extension", approve)

    third = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 30 * DAY, reason="lần ba")
    message = await rejected(client, sqlite_sessions, code, "request_extension", third)

    assert message == (
        f"item 1 of {code} has had 2 extension(s), the most allowed (2);"
        " no further request is accepted"
    )
    state = await item_state(client, code, "1")
    assert [(d.seq, d.due) for d in state.deadlines] == [(1, due + 5 * DAY), (2, due + 10 * DAY)]
    expected = {"deadline_seq": 2, "extensions_used": 2, "due": due + 10 * DAY}
    actual = db_item(sqlite_sessions, code)
    assert {k: actual[k] for k in expected} == expected


async def test_extension_rejection_needs_a_reason_and_leaves_the_deadline(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    due = now + 10 * DAY
    await begin(skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", due))
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 5 * DAY, reason="chờ")
    await act(client, code, "request_extension", request)
    no_reason = ExtensionDecisionInput(actor=COMMITTEE, approve=False)
    message = await rejected(client, sqlite_sessions, code, "decide_extension", no_reason)
    assert message == "a rejection needs a reason"

    with_reason = no_reason.model_copy(update={"reason": "không có căn cứ"})
    result = await act(client, code, "decide_extension", with_reason)

    assert result.message == "không đồng ý gia hạn"
    state = await item_state(client, code, "1")
    assert (state.spec.due, state.deadline_seq, state.extensions_used) == (due, 0, 0)
    assert (state.pending_extension, state.deadlines) == (None, [])
    assert [u for u, _ in notified(sqlite_sessions, code, "extension_rejected")] == ["KHOI_VAN"]
    assert db_item(sqlite_sessions, code)["due"] == due
    await act(client, code, "request_extension", request)  # a rejection uses up nothing


# -- reassignment and recall ------------------------------------------------------------------


async def test_reassignment_removes_a_unit_keeps_the_others_progress_and_stops_its_reminders(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    due = now + 10 * DAY
    await begin(
        skipping_env,
        client,
        sqlite_sessions,
        settings,
        code,
        item_yaml("1", due, lead="[KHOI_VAN, UBND]"),
    )
    await report(client, code, unit="UBND", progress=40)
    change = ReassignInput(actor=COMMITTEE, lead=["UBND", "DOAN_TN"], reason="điều chỉnh")
    assert (await act(client, code, "reassign", change)).message == "đã điều chỉnh phân công"

    state = await item_state(client, code, "1")
    assert [(u.code, u.role, u.progress) for u in state.units] == [
        ("UBND", Role.LEAD, 40),
        ("DOAN_TN", Role.LEAD, 0),
        ("MTTQ", Role.SUPPORT, 0),
    ]
    rows = db_assignments(sqlite_sessions, code)
    assert {c: (a.role, a.active, a.progress) for c, a in rows.items()} == {
        "KHOI_VAN": ("lead", False, 0),
        "UBND": ("lead", True, 40),
        "DOAN_TN": ("lead", True, 0),
        "MTTQ": ("support", True, 0),
    }
    for name, inp in [
        ("report", ReportInput(unit="KHOI_VAN", progress=50)),
        ("acknowledge", AckInput(unit="KHOI_VAN")),
    ]:
        message = await rejected(client, sqlite_sessions, code, name, inp)
        assert message == f"unit 'KHOI_VAN' is not assigned to item 1 of {code}"

    await until(skipping_env, due - 3 * DAY + HOUR)
    assert sorted(u for u, _ in db_reminders(sqlite_sessions, code)) == ["DOAN_TN", "MTTQ", "UBND"]
    with sqlite_sessions() as s:
        to_removed = s.scalars(
            select(Notification.kind)
            .where(Notification.directive_code == code, Notification.unit_code == "KHOI_VAN")
            .order_by(Notification.id)
        ).all()
    assert to_removed == ["assignment", "reassigned"]


async def test_reassignment_to_an_unknown_unit_is_rejected(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 10 * DAY)
    )
    change = ReassignInput(actor=COMMITTEE, lead=["KHONG_CO"], reason="điều chỉnh")
    message = await rejected(client, sqlite_sessions, code, "reassign", change)
    assert message == "unknown unit code(s): KHONG_CO"


async def test_recall_stops_every_timer_and_the_directive_counts_it_closed(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    due = now + 5 * DAY
    items = [item_yaml("1", due), item_yaml("2", now + 60 * DAY)]
    await begin(skipping_env, client, sqlite_sessions, settings, code, *items)
    await until(skipping_env, due + HOUR)
    assert db_escalations(sqlite_sessions, code) == [1]
    reminders = db_reminders(sqlite_sessions, code)

    result = await act(client, code, "recall", RecallInput(actor=COMMITTEE, reason="hết hiệu lực"))

    assert result.item_status == ItemStatus.RECALLED
    assert (await item_result(client, code)).status == ItemStatus.RECALLED
    await advance(skipping_env, 14 * DAY)
    state = await item_state(client, code, "1")
    assert (state.status, state.recall_reason) == (ItemStatus.RECALLED, "hết hiệu lực")
    assert [e.level for e in state.escalations] == [1]
    assert db_escalations(sqlite_sessions, code) == [1]
    assert db_reminders(sqlite_sessions, code) == reminders
    assert sorted(u for u, _ in notified(sqlite_sessions, code, "recalled")) == ["KHOI_VAN", "MTTQ"]
    row = db_item(sqlite_sessions, code)
    assert (row["status"], close(row["completed_at"], due + HOUR)) == ("recalled", True)
    directive = await directive_state(client, code)
    assert (directive.status, directive.items["1"]) == (
        DirectiveStatus.IN_PROGRESS,
        ItemStatus.RECALLED,
    )

    await report(client, code, "2", unit="KHOI_VAN", done=True)
    final = await directive_handle(client, code).result()
    assert (final.status, final.items) == (
        DirectiveStatus.COMPLETED,
        {"1": ItemStatus.RECALLED, "2": ItemStatus.COMPLETED_ON_TIME},
    )


# -- review -----------------------------------------------------------------------------------


async def test_review_returned_then_accepted_late_by_the_submission_time(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    due = now + 5 * DAY
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", due, review="true")
    )
    submitted = await report(client, code, unit="KHOI_VAN", done=True)
    assert submitted.item_status == ItemStatus.AWAITING_REVIEW
    assert [u for u, _ in notified(sqlite_sessions, code, "review_submitted")] == [COMMITTEE]

    new_due = now + 8 * DAY
    returned = ReviewInput(actor=COMMITTEE, accepted=False, new_due=new_due)
    message = await rejected(client, sqlite_sessions, code, "review", returned)
    assert message == "returning an item needs a reason"
    returned = returned.model_copy(update={"reason": "thiếu số liệu"})
    await act(client, code, "review", returned)

    state = await item_state(client, code, "1")
    lead = state.unit("KHOI_VAN")
    assert lead is not None
    assert (lead.done, state.submitted_at, state.spec.due) == (False, None, new_due)
    assert [(d.seq, d.due, d.reason) for d in state.deadlines] == [(1, new_due, "thiếu số liệu")]
    assert db_assignments(sqlite_sessions, code)["KHOI_VAN"].done is False
    assert db_item(sqlite_sessions, code)["due"] == new_due

    await until(skipping_env, new_due + DAY)
    assert (await item_state(client, code, "1")).status == ItemStatus.OVERDUE
    late = await report(client, code, unit="KHOI_VAN", done=True)
    assert late.item_status == ItemStatus.AWAITING_REVIEW
    submitted_at = (await item_state(client, code, "1")).submitted_at
    assert close(submitted_at, new_due + DAY)
    await act(client, code, "review", ReviewInput(actor=COMMITTEE, accepted=True))

    result = await item_result(client, code)
    assert (result.status, result.completed_at) == (ItemStatus.COMPLETED_LATE, submitted_at)
    row = db_item(sqlite_sessions, code)
    assert (row["status"], row["completed_at"]) == ("completed_late", submitted_at)


async def test_review_accepted_after_due_is_on_time_when_submitted_before_due(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    due = now + 2 * DAY
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", due, review="true")
    )
    await until(skipping_env, due - HOUR)
    await report(client, code, unit="KHOI_VAN", done=True)
    submitted_at = (await item_state(client, code, "1")).submitted_at
    await skipping_env.sleep(3 * DAY)
    state = await item_state(client, code, "1")
    assert (state.status, state.escalations) == (ItemStatus.AWAITING_REVIEW, [])

    await act(client, code, "review", ReviewInput(actor=COMMITTEE, accepted=True))

    result = await item_result(client, code)
    assert (result.status, result.completed_at) == (ItemStatus.COMPLETED_ON_TIME, submitted_at)
    assert db_item(sqlite_sessions, code)["status"] == "completed_on_time"


async def test_review_of_an_item_not_submitted_is_rejected(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env,
        client,
        sqlite_sessions,
        settings,
        code,
        item_yaml("1", now + 5 * DAY, review="true"),
    )
    review = ReviewInput(actor=COMMITTEE, accepted=True)
    message = await rejected(client, sqlite_sessions, code, "review", review)
    assert message == f"item 1 of {code} is not awaiting review (in_progress)"


async def test_awaiting_review_past_due_does_not_wake_every_second(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """An item awaiting review does not escalate, so its passed due is no reason to wake up (it
    once was: a one-second timer loop)."""
    now = await skipping_env.get_current_time()
    due = now + DAY
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", due, review="true")
    )
    await report(client, code, unit="KHOI_VAN", done=True)
    await until(skipping_env, due + timedelta(minutes=5))
    history = await item_handle(client, code, "1").fetch_history()
    timers = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED]
    assert len(timers) < 10


async def test_awaiting_review_is_visible_in_the_database_and_the_directive(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """Submission for review is recorded and told to the directive (it once stayed in_progress)."""
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env,
        client,
        sqlite_sessions,
        settings,
        code,
        item_yaml("1", now + 5 * DAY, review="true"),
    )
    await report(client, code, unit="KHOI_VAN", done=True)
    view = directive_view(sqlite_sessions, code, await skipping_env.get_current_time())
    directive = await directive_state(client, code)
    assert (view.items[0].status, directive.items["1"]) == (
        ItemStatus.AWAITING_REVIEW,
        ItemStatus.AWAITING_REVIEW,
    )


# -- explanation ------------------------------------------------------------------------------


async def overdue_item(
    env: WorkflowEnvironment,
    client: Client,
    sessions: SessionFactory,
    settings: Settings,
    code: str,
    lead: str = "[KHOI_VAN]",
) -> datetime:
    """Start item 1, let it go one hour overdue, and return the time then."""
    now = await env.get_current_time()
    await begin(env, client, sessions, settings, code, item_yaml("1", now + DAY, lead=lead))
    await until(env, now + DAY + HOUR)
    return await env.get_current_time()


async def test_explanation_is_requested_only_of_an_overdue_item(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await skipping_env.get_current_time()
    await begin(
        skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", now + 5 * DAY)
    )
    ask = ExplanationRequestInput(actor=COMMITTEE, due=now + 10 * DAY)
    message = await rejected(client, sqlite_sessions, code, "request_explanation", ask)
    assert message == (f"item 1 of {code} is not overdue; an explanation is asked of overdue items")


async def test_explanation_answered_by_the_leads_then_noted(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await overdue_item(
        skipping_env, client, sqlite_sessions, settings, code, lead="[KHOI_VAN, UBND]"
    )
    ask = ExplanationRequestInput(actor=COMMITTEE, due=now + 3 * DAY, reason="chậm tiến độ")
    await act(client, code, "request_explanation", ask)
    asked = notified(sqlite_sessions, code, "explanation_requested")
    assert sorted(u for u, _ in asked) == ["KHOI_VAN", "UBND"]
    by_support = ExplanationInput(unit="MTTQ", text="không phải chủ trì")
    message = await rejected(client, sqlite_sessions, code, "explain", by_support)
    assert "only a lead unit (chủ trì)" in message

    await act(client, code, "explain", ExplanationInput(unit="KHOI_VAN", text="vướng mặt bằng"))
    await act(client, code, "explain", ExplanationInput(unit="UBND", text="chờ kinh phí"))
    again = ExplanationInput(unit="UBND", text="lần hai")
    assert await rejected(client, sqlite_sessions, code, "explain", again) == (
        "unit 'UBND' has already explained"
    )
    decision = ExplanationDecisionInput(actor=COMMITTEE, decision="note", reason="ghi nhận")
    assert (await act(client, code, "decide_explanation", decision)).message == "kết luận: note"

    state = await item_state(client, code, "1")
    assert state.explanation is not None
    assert (state.explanation.answers, state.explanation.decision) == (
        {"KHOI_VAN": "vướng mặt bằng", "UBND": "chờ kinh phí"},
        "note",
    )
    assert (state.status, state.deadline_seq) == (ItemStatus.OVERDUE, 0)
    assert kinds(state, "explanation") == [
        ActionKind.EXPLANATION_REQUESTED,
        ActionKind.EXPLANATION_ANSWERED,
        ActionKind.EXPLANATION_ANSWERED,
        ActionKind.EXPLANATION_DECIDED,
    ]
    assert [u for u, _ in notified(sqlite_sessions, code, "explanation_answered")] == [
        COMMITTEE,
        COMMITTEE,
    ]
    await advance(skipping_env, 4 * DAY)
    assert notified(sqlite_sessions, code, "explanation_overdue") == []


async def test_unanswered_explanation_past_its_due_notifies_the_committee_once(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await overdue_item(
        skipping_env, client, sqlite_sessions, settings, code, lead="[KHOI_VAN, UBND]"
    )
    explain_due = now + 2 * DAY
    await act(
        client,
        code,
        "request_explanation",
        ExplanationRequestInput(actor=COMMITTEE, due=explain_due),
    )
    await act(client, code, "explain", ExplanationInput(unit="KHOI_VAN", text="vướng mặt bằng"))
    await until(skipping_env, explain_due - HOUR)
    assert notified(sqlite_sessions, code, "explanation_overdue") == []

    await skipping_env.sleep(2 * HOUR)
    await advance(skipping_env, 7 * DAY)

    overdue = notified(sqlite_sessions, code, "explanation_overdue")
    assert [u for u, _ in overdue] == [COMMITTEE]
    assert close(overdue[0][1], explain_due)
    state = await item_state(client, code, "1")
    [action] = [a for a in state.actions if a.kind == ActionKind.EXPLANATION_OVERDUE]
    assert action.data["units"] == "UBND"
    assert db_action_kinds(sqlite_sessions, code).count("explanation_overdue") == 1


async def test_explanation_state_shows_the_committee_was_told_it_is_overdue(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """The state records that the committee was told (the flag was once never set)."""
    now = await overdue_item(skipping_env, client, sqlite_sessions, settings, code)
    ask = ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    await act(client, code, "request_explanation", ask)
    await until(skipping_env, now + DAY + HOUR)
    assert len(notified(sqlite_sessions, code, "explanation_overdue")) == 1
    state = await item_state(client, code, "1")
    assert state.explanation is not None
    assert state.explanation.overdue_notified is True


async def test_explanation_decision_extend_moves_the_deadline(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await overdue_item(skipping_env, client, sqlite_sessions, settings, code)
    await act(client, code, "acknowledge", AckInput(unit="KHOI_VAN"))
    ask = ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    await act(client, code, "request_explanation", ask)
    await act(client, code, "explain", ExplanationInput(unit="KHOI_VAN", text="chờ kinh phí"))
    new_due = now + 20 * DAY
    extend = ExplanationDecisionInput(actor=COMMITTEE, decision="extend", new_due=new_due)

    result = await act(client, code, "decide_explanation", extend)

    assert result.item_status == ItemStatus.IN_PROGRESS
    state = await item_state(client, code, "1")
    assert state.explanation is not None
    assert state.explanation.decision == "extend"
    assert (state.spec.due, state.deadline_seq, state.extensions_used) == (new_due, 1, 1)
    actual = db_item(sqlite_sessions, code)
    assert (actual["due"], actual["status"]) == (new_due, "in_progress")
    await until(skipping_env, new_due + HOUR)
    state = await item_state(client, code, "1")
    assert [(e.level, e.seq) for e in state.escalations] == [(1, 0), (1, 1)]


async def test_explanation_decision_recall_closes_the_item(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await overdue_item(skipping_env, client, sqlite_sessions, settings, code)
    ask = ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    await act(client, code, "request_explanation", ask)
    recall = ExplanationDecisionInput(actor=COMMITTEE, decision="recall")

    result = await act(client, code, "decide_explanation", recall)

    assert result.item_status == ItemStatus.RECALLED
    assert (await item_result(client, code)).status == ItemStatus.RECALLED
    state = await item_state(client, code, "1")
    assert (state.recall_reason, kinds(state, "recalled")) == (
        "sau giải trình",
        [ActionKind.RECALLED],
    )
    assert db_item(sqlite_sessions, code)["status"] == "recalled"


async def test_explanation_decision_reassign_replaces_the_lead(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    now = await overdue_item(skipping_env, client, sqlite_sessions, settings, code)
    ask = ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    await act(client, code, "request_explanation", ask)
    to_ubnd = ExplanationDecisionInput(actor=COMMITTEE, decision="reassign", lead=["UBND"])

    await act(client, code, "decide_explanation", to_ubnd)

    state = await item_state(client, code, "1")
    assert [(u.code, u.role) for u in state.units] == [("UBND", Role.LEAD), ("MTTQ", Role.SUPPORT)]
    assert kinds(state, "reassigned") == [ActionKind.REASSIGNED]
    assert db_assignments(sqlite_sessions, code)["KHOI_VAN"].active is False


async def test_explanation_reassign_to_a_support_unit_never_leaves_the_item_without_a_lead(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """Naming the support unit as the new lead is refused, as `reassign` refuses it (it once left
    the unit support, the item without a lead, and the next report completed it)."""
    now = await overdue_item(skipping_env, client, sqlite_sessions, settings, code)
    ask = ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    await act(client, code, "request_explanation", ask)
    to_support = ExplanationDecisionInput(actor=COMMITTEE, decision="reassign", lead=["MTTQ"])
    message = await rejected(client, sqlite_sessions, code, "decide_explanation", to_support)
    assert message == "unit(s) MTTQ cannot be both lead and support"


async def test_second_unanswered_explanation_is_notified_too(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """A second request under the same deadline has its own overdue notice (once a reused key)."""
    now = await overdue_item(skipping_env, client, sqlite_sessions, settings, code)
    first = ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    await act(client, code, "request_explanation", first)
    await until(skipping_env, now + DAY + HOUR)
    note = ExplanationDecisionInput(actor=COMMITTEE, decision="note")
    await act(client, code, "decide_explanation", note)
    second = ExplanationRequestInput(actor=COMMITTEE, due=now + 3 * DAY)
    await act(client, code, "request_explanation", second)
    await until(skipping_env, now + 3 * DAY + HOUR)
    assert len(notified(sqlite_sessions, code, "explanation_overdue")) == 2


async def test_escalation_after_reassignment_names_only_current_leads(
    skipping_env: WorkflowEnvironment,
    client: Client,
    sqlite_sessions: SessionFactory,
    settings: Settings,
    code: str,
) -> None:
    """A lead removed by a reassignment is not listed as pending in escalations (once it was)."""
    now = await skipping_env.get_current_time()
    due = now + 2 * DAY
    await begin(skipping_env, client, sqlite_sessions, settings, code, item_yaml("1", due))
    await act(client, code, "reassign", ReassignInput(actor=COMMITTEE, lead=["UBND"], reason="x"))
    await until(skipping_env, due + HOUR)
    with sqlite_sessions() as s:
        body = s.scalars(
            select(Notification.body).where(
                Notification.directive_code == code, Notification.kind == "escalation"
            )
        ).one()
    assert "Ủy ban nhân dân phường" in body
    assert "Khối vận" not in body
