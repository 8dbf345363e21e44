"""The task item's life on the time-skipping server: receipt, who may act, refusal,
reassignment, recall and review, each a validated Update recorded in the database (deadline
moves are in test_lifecycle_deadlines.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from dondoc.db.queries import directive_view
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
from dondoc.schemas.messages import DirectiveStatus, ItemStatus, ReportInput, Role
from tests.helpers import directive_handle, item_yaml
from tests.workflows.scenario import COMMITTEE, DAY, HOUR, Scenario, close, kinds

FAR = datetime(2100, 1, 1, tzinfo=UTC)


# -- receipt ----------------------------------------------------------------------------------


async def test_acknowledge_turns_not_received_into_in_progress_and_records_received_at(
    scenario: Scenario,
) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    assert (await scenario.state()).status == ItemStatus.NOT_RECEIVED

    result = await scenario.act("acknowledge", AckInput(unit="KHOI_VAN"))

    assert result.item_status == ItemStatus.IN_PROGRESS
    state = await scenario.state()
    lead, support = state.unit("KHOI_VAN"), state.unit("MTTQ")
    assert lead is not None
    assert support is not None
    assert close(lead.received_at, scenario.now)
    assert support.received_at is None
    assert kinds(state) == [ActionKind.RECEIPT]
    assignments = scenario.assignments()
    assert assignments["KHOI_VAN"].received_at == lead.received_at
    assert assignments["MTTQ"].received_at is None
    assert scenario.action_kinds() == ["receipt"]


async def test_second_acknowledge_is_answered_but_recorded_once(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    await scenario.act("acknowledge", AckInput(unit="MTTQ"))
    again = await scenario.act("acknowledge", AckInput(unit="MTTQ"))
    assert again.message == "MTTQ đã tiếp nhận trước đó"
    assert scenario.action_kinds() == ["receipt"]


async def test_report_counts_as_receipt(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    await scenario.report(unit="KHOI_VAN", progress=10)
    state = await scenario.state()
    lead = state.unit("KHOI_VAN")
    assert lead is not None
    assert state.status == ItemStatus.IN_PROGRESS
    assert lead.received_at == lead.last_report_at
    assert scenario.assignments()["KHOI_VAN"].received_at == lead.received_at


async def test_unacknowledged_units_are_reminded_then_the_committee_is_told(
    scenario: Scenario,
) -> None:
    """At receipt_remind_at the units that have not acknowledged are reminded; at
    receipt_escalate_at the committee is told of those still silent; each once."""
    await scenario.start_item(scenario.now + 30 * DAY, lead="[KHOI_VAN, UBND]")
    await scenario.act("acknowledge", AckInput(unit="KHOI_VAN"))
    spec = (await scenario.state()).spec
    assert spec.receipt_remind_at is not None
    assert spec.receipt_escalate_at is not None

    await scenario.until(spec.receipt_remind_at - HOUR)
    assert scenario.notified("receipt_reminder") == []
    await scenario.sleep(2 * HOUR)
    reminded = scenario.notified("receipt_reminder")
    assert sorted(u for u, _ in reminded) == ["MTTQ", "UBND"]
    assert all(close(at, spec.receipt_remind_at) for _, at in reminded)

    await scenario.act("acknowledge", AckInput(unit="UBND"))
    await scenario.until(spec.receipt_escalate_at - HOUR)
    assert scenario.notified("receipt_escalation") == []
    await scenario.sleep(2 * HOUR)
    escalated = scenario.notified("receipt_escalation")
    assert [u for u, _ in escalated] == [COMMITTEE]
    assert close(escalated[0][1], spec.receipt_escalate_at)

    await scenario.advance(7 * DAY)
    state = await scenario.state()
    receipt = [a for a in state.actions if a.kind.startswith("receipt_")]
    assert [(a.kind, a.data["units"]) for a in receipt] == [
        (ActionKind.RECEIPT_REMINDER, "UBND, MTTQ"),
        (ActionKind.RECEIPT_ESCALATION, "MTTQ"),
    ]
    assert scenario.action_kinds().count("receipt_reminder") == 1
    assert len(scenario.notified("receipt_escalation")) == 1


async def test_no_receipt_reminder_when_every_unit_has_acknowledged(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    await scenario.act("acknowledge", AckInput(unit="KHOI_VAN"))
    await scenario.report(unit="MTTQ", progress=5)
    await scenario.advance(7 * DAY)
    assert scenario.notified("receipt_reminder") == []
    assert scenario.notified("receipt_escalation") == []


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
    scenario: Scenario, name: str, inp: BaseModel, what: str
) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    message = await scenario.rejected(name, inp)
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
    scenario: Scenario, name: str, inp: BaseModel
) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    message = await scenario.rejected(name, inp)
    assert message == f"unit 'HOI_PN' is not assigned to item 1 of {scenario.code}"


async def test_support_unit_cannot_request_an_extension(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    inp = ExtensionRequestInput(unit="MTTQ", new_due=scenario.now + 30 * DAY, reason="chờ số liệu")
    message = await scenario.rejected("request_extension", inp)
    assert message == (
        f"only a lead unit (chủ trì) of item 1 of {scenario.code} may do this; 'MTTQ' supports"
    )


# -- refusal ----------------------------------------------------------------------------------


async def test_refusal_needs_a_reason(scenario: Scenario) -> None:
    """Sent as plain JSON without a reason, the refusal is rejected and nothing changes."""
    await scenario.start_item(scenario.now + 20 * DAY)
    before = (await scenario.state(), scenario.snapshot())
    for payload in ({"unit": "KHOI_VAN"}, {"unit": "KHOI_VAN", "reason": "  "}):
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await scenario.handle().execute_update("refuse", payload, result_type=ActionResult)
        assert "reason" in str(err.value.cause)
    assert before == (await scenario.state(), scenario.snapshot())


async def test_refusal_then_overrule_keeps_the_assignment(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    refusal = RefuseInput(unit="KHOI_VAN", reason="không đúng chức năng")
    result = await scenario.act("refuse", refusal)
    assert result.item_status == ItemStatus.REFUSED
    assert [u for u, _ in scenario.notified("refusal")] == [COMMITTEE]
    refused = scenario.assignments()["KHOI_VAN"]
    assert (refused.refused_at is not None, refused.refusal_reason) == (
        True,
        "không đúng chức năng",
    )
    message = await scenario.rejected("report", ReportInput(unit="KHOI_VAN", progress=10))
    assert "has refused" in message

    decision = RefusalDecisionInput(actor=COMMITTEE, unit="KHOI_VAN", decision="overrule")
    await scenario.act("decide_refusal", decision)

    state = await scenario.state()
    lead = state.unit("KHOI_VAN")
    assert lead is not None
    assert (lead.role, lead.refused_at, lead.refusal_reason) == (Role.LEAD, None, None)
    # The refusal itself was proof of receipt: nothing is left to acknowledge.
    assert state.status == ItemStatus.IN_PROGRESS
    assert [u for u, _ in scenario.notified("refusal_overruled")] == ["KHOI_VAN"]
    kept = scenario.assignments()["KHOI_VAN"]
    assert (kept.refused_at, kept.refusal_reason, kept.active) == (None, None, True)
    progress = await scenario.report(unit="KHOI_VAN", progress=30)
    assert progress.item_status == ItemStatus.IN_PROGRESS


async def test_refusal_then_reassign_gives_the_role_to_the_new_unit(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    await scenario.act("refuse", RefuseInput(unit="KHOI_VAN", reason="quá tải"))
    decision = RefusalDecisionInput(
        actor=COMMITTEE, unit="KHOI_VAN", decision="reassign", new_unit="UBND"
    )
    assert (await scenario.act("decide_refusal", decision)).message == "giao lại cho UBND"

    state = await scenario.state()
    assert [(u.code, u.role) for u in state.units] == [
        ("UBND", Role.LEAD),
        ("MTTQ", Role.SUPPORT),
    ]
    assert sorted(u for u, _ in scenario.notified("reassigned")) == ["KHOI_VAN", "UBND"]
    rows = scenario.assignments()
    assert (rows["KHOI_VAN"].active, rows["UBND"].active, rows["UBND"].role) == (
        False,
        True,
        "lead",
    )
    message = await scenario.rejected("report", ReportInput(unit="KHOI_VAN", progress=10))
    assert message == f"unit 'KHOI_VAN' is not assigned to item 1 of {scenario.code}"
    done = await scenario.report(unit="UBND", done=True)
    assert done.item_status == ItemStatus.COMPLETED_ON_TIME


async def test_refusal_decision_needs_a_pending_refusal_and_a_free_new_unit(
    scenario: Scenario,
) -> None:
    await scenario.start_item(scenario.now + 20 * DAY)
    overrule = RefusalDecisionInput(actor=COMMITTEE, unit="KHOI_VAN", decision="overrule")
    message = await scenario.rejected("decide_refusal", overrule)
    assert message == f"unit 'KHOI_VAN' has no pending refusal on item 1 of {scenario.code}"
    await scenario.act("refuse", RefuseInput(unit="KHOI_VAN", reason="quá tải"))
    to_support = overrule.model_copy(update={"decision": "reassign", "new_unit": "MTTQ"})
    message = await scenario.rejected("decide_refusal", to_support)
    assert message == f"unit 'MTTQ' is already assigned to item 1 of {scenario.code}"


# -- reassignment and recall ------------------------------------------------------------------


async def test_reassignment_removes_a_unit_keeps_the_others_progress_and_stops_its_reminders(
    scenario: Scenario,
) -> None:
    due = scenario.now + 10 * DAY
    await scenario.start_item(due, lead="[KHOI_VAN, UBND]")
    await scenario.report(unit="UBND", progress=40)
    change = ReassignInput(actor=COMMITTEE, lead=["UBND", "DOAN_TN"], reason="điều chỉnh")
    assert (await scenario.act("reassign", change)).message == "đã điều chỉnh phân công"

    state = await scenario.state()
    assert [(u.code, u.role, u.progress) for u in state.units] == [
        ("UBND", Role.LEAD, 40),
        ("DOAN_TN", Role.LEAD, 0),
        ("MTTQ", Role.SUPPORT, 0),
    ]
    rows = scenario.assignments()
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
        message = await scenario.rejected(name, inp)
        assert message == f"unit 'KHOI_VAN' is not assigned to item 1 of {scenario.code}"

    await scenario.until(due - 3 * DAY + HOUR)
    assert sorted(u for u, _ in scenario.reminders()) == ["DOAN_TN", "MTTQ", "UBND"]
    assert scenario.notices_to("KHOI_VAN") == ["assignment", "reassigned"]


async def test_reassignment_to_an_unknown_unit_is_rejected(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 10 * DAY)
    change = ReassignInput(actor=COMMITTEE, lead=["KHONG_CO"], reason="điều chỉnh")
    message = await scenario.rejected("reassign", change)
    assert message == "unknown unit code(s): KHONG_CO"


async def test_escalation_after_reassignment_names_only_current_leads(scenario: Scenario) -> None:
    """A lead removed by a reassignment is not listed as pending in escalations (once it was)."""
    due = scenario.now + 2 * DAY
    await scenario.start_item(due)
    change = ReassignInput(actor=COMMITTEE, lead=["UBND"], reason="x")
    await scenario.act("reassign", change)
    await scenario.until(due + HOUR)
    body = scenario.notice_body("escalation")
    assert "Ủy ban nhân dân phường" in body
    assert "Khối vận" not in body


async def test_recall_stops_every_timer_and_the_directive_counts_it_closed(
    scenario: Scenario,
) -> None:
    due = scenario.now + 5 * DAY
    await scenario.start(item_yaml("1", due), item_yaml("2", scenario.now + 60 * DAY))
    await scenario.until(due + HOUR)
    assert scenario.escalations() == [1]
    reminders = scenario.reminders()

    result = await scenario.act("recall", RecallInput(actor=COMMITTEE, reason="hết hiệu lực"))

    assert result.item_status == ItemStatus.RECALLED
    assert (await scenario.result()).status == ItemStatus.RECALLED
    await scenario.advance(14 * DAY)
    state = await scenario.state()
    assert (state.status, state.recall_reason) == (ItemStatus.RECALLED, "hết hiệu lực")
    assert [e.level for e in state.escalations] == [1]
    assert scenario.escalations() == [1]
    assert scenario.reminders() == reminders
    assert sorted(u for u, _ in scenario.notified("recalled")) == ["KHOI_VAN", "MTTQ"]
    row = scenario.db_item()
    assert (row["status"], close(row["completed_at"], due + HOUR)) == ("recalled", True)
    directive = await scenario.directive()
    assert (directive.status, directive.items["1"]) == (
        DirectiveStatus.IN_PROGRESS,
        ItemStatus.RECALLED,
    )

    await scenario.report("2", unit="KHOI_VAN", done=True)
    final = await directive_handle(scenario.client, scenario.code).result()
    assert (final.status, final.items) == (
        DirectiveStatus.COMPLETED,
        {"1": ItemStatus.RECALLED, "2": ItemStatus.COMPLETED_ON_TIME},
    )


# -- review -----------------------------------------------------------------------------------


async def test_returned_review_moves_the_due_and_a_late_resubmission_completes_late(
    scenario: Scenario,
) -> None:
    """Returned with a reason and a new due, the item is open again; resubmitted after that due
    and accepted, it completed late, at the time of the resubmission."""
    now = scenario.now
    await scenario.start_item(now + 5 * DAY, review="true")
    submitted = await scenario.report(unit="KHOI_VAN", done=True)
    assert submitted.item_status == ItemStatus.AWAITING_REVIEW
    assert [u for u, _ in scenario.notified("review_submitted")] == [COMMITTEE]

    new_due = now + 8 * DAY
    returned = ReviewInput(actor=COMMITTEE, accepted=False, new_due=new_due)
    message = await scenario.rejected("review", returned)
    assert message == "returning an item needs a reason"
    returned = returned.model_copy(update={"reason": "thiếu số liệu"})
    await scenario.act("review", returned)

    state = await scenario.state()
    lead = state.unit("KHOI_VAN")
    assert lead is not None
    assert (lead.done, state.submitted_at, state.spec.due) == (False, None, new_due)
    assert [(d.seq, d.due, d.reason) for d in state.deadlines] == [(1, new_due, "thiếu số liệu")]
    assert scenario.assignments()["KHOI_VAN"].done is False
    assert scenario.db_item()["due"] == new_due

    await scenario.until(new_due + DAY)
    assert (await scenario.state()).status == ItemStatus.OVERDUE
    late = await scenario.report(unit="KHOI_VAN", done=True)
    assert late.item_status == ItemStatus.AWAITING_REVIEW
    submitted_at = (await scenario.state()).submitted_at
    assert close(submitted_at, new_due + DAY)
    await scenario.act("review", ReviewInput(actor=COMMITTEE, accepted=True))

    result = await scenario.result()
    assert (result.status, result.completed_at) == (ItemStatus.COMPLETED_LATE, submitted_at)
    row = scenario.db_item()
    assert (row["status"], row["completed_at"]) == ("completed_late", submitted_at)


async def test_review_accepted_after_due_is_on_time_when_submitted_before_due(
    scenario: Scenario,
) -> None:
    due = scenario.now + 2 * DAY
    await scenario.start_item(due, review="true")
    await scenario.until(due - HOUR)
    await scenario.report(unit="KHOI_VAN", done=True)
    submitted_at = (await scenario.state()).submitted_at
    await scenario.sleep(3 * DAY)
    state = await scenario.state()
    assert (state.status, state.escalations) == (ItemStatus.AWAITING_REVIEW, [])

    await scenario.act("review", ReviewInput(actor=COMMITTEE, accepted=True))

    result = await scenario.result()
    assert (result.status, result.completed_at) == (ItemStatus.COMPLETED_ON_TIME, submitted_at)
    assert scenario.db_item()["status"] == "completed_on_time"


async def test_review_of_an_item_not_submitted_is_rejected(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 5 * DAY, review="true")
    review = ReviewInput(actor=COMMITTEE, accepted=True)
    message = await scenario.rejected("review", review)
    assert message == f"item 1 of {scenario.code} is not awaiting review (in_progress)"


async def test_awaiting_review_past_due_does_not_wake_every_second(scenario: Scenario) -> None:
    """An item awaiting review does not escalate, so its passed due is no reason to wake up (it
    once was: a one-second timer loop)."""
    due = scenario.now + DAY
    await scenario.start_item(due, review="true")
    await scenario.report(unit="KHOI_VAN", done=True)
    await scenario.until(due + timedelta(minutes=5))
    history = await scenario.handle().fetch_history()
    timers = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED]
    assert len(timers) < 10


async def test_awaiting_review_is_visible_in_the_database_and_the_directive(
    scenario: Scenario,
) -> None:
    """Submission for review is recorded and told to the directive (it once stayed in_progress)."""
    await scenario.start_item(scenario.now + 5 * DAY, review="true")
    await scenario.report(unit="KHOI_VAN", done=True)
    view = directive_view(scenario.sessions, scenario.code, await scenario.env.get_current_time())
    directive = await scenario.directive()
    assert (view.items[0].status, directive.items["1"]) == (
        ItemStatus.AWAITING_REVIEW,
        ItemStatus.AWAITING_REVIEW,
    )


async def test_a_reassignment_that_keeps_a_refusing_unit_clears_its_refusal_in_the_database(
    scenario: Scenario,
) -> None:
    await scenario.start_item(scenario.now + 20 * DAY, lead="[KHOI_VAN]")
    await scenario.act("refuse", RefuseInput(unit="KHOI_VAN", reason="thiếu nhân lực"))
    change = ReassignInput(actor=COMMITTEE, lead=["KHOI_VAN", "UBND"], reason="thêm UBND")
    await scenario.act("reassign", change)
    kept = scenario.assignments()["KHOI_VAN"]
    lead = (await scenario.state()).unit("KHOI_VAN")
    assert lead is not None
    assert (kept.refused_at, kept.refusal_reason, lead.refused_at) == (None, None, None)


async def test_a_reassignment_leaving_only_finished_leads_is_rejected(scenario: Scenario) -> None:
    """Done units report no more: such an item would stay open, escalating, for good."""
    await scenario.start_item(scenario.now + 20 * DAY, lead="[KHOI_VAN, UBND]")
    await scenario.report(unit="KHOI_VAN", done=True)
    change = ReassignInput(actor=COMMITTEE, lead=["KHOI_VAN"], reason="UBND không cần nữa")
    message = await scenario.rejected("reassign", change)
    assert "has already reported" in message
