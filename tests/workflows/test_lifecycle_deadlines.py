"""Moving an item's deadline on the time-skipping server: extensions asked by the lead and
decided by the committee, and explanations asked of an overdue item."""

from __future__ import annotations

from dondoc.schemas.lifecycle import (
    AckInput,
    ActionKind,
    ExplanationDecisionInput,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
)
from dondoc.schemas.messages import ItemStatus, Role
from tests.workflows.scenario import COMMITTEE, DAY, HOUR, Scenario, close, kinds

APPROVE = ExtensionDecisionInput(actor=COMMITTEE, approve=True)


# -- extension --------------------------------------------------------------------------------


async def test_extension_after_first_escalation_restarts_the_ladder_from_the_new_due(
    scenario: Scenario,
) -> None:
    """Approved after level 1: reminder, due and ladder re-armed from the new deadline; the next
    escalation is level 1 again (deadline 1) at the new due, then every escalate_every."""
    due = scenario.now + 2 * DAY
    await scenario.start_item(due)
    await scenario.act("acknowledge", AckInput(unit="KHOI_VAN"))
    await scenario.until(due + HOUR)
    state = await scenario.state()
    assert [(e.level, e.seq) for e in state.escalations] == [(1, 0)]

    new_due = due + 20 * DAY
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=new_due, reason="chờ kinh phí")
    await scenario.act("request_extension", request)
    assert [u for u, _ in scenario.notified("extension_requested")] == [COMMITTEE]
    approved = await scenario.act("decide_extension", APPROVE)

    assert approved.item_status == ItemStatus.IN_PROGRESS
    state = await scenario.state()
    assert (state.spec.due, state.spec.remind_at) == (new_due, new_due - 3 * DAY)
    assert (state.deadline_seq, state.extensions_used, state.pending_extension) == (1, 1, None)
    assert [(d.seq, d.due) for d in state.deadlines] == [(1, new_due)]
    expected_db = {"due": new_due, "deadline_seq": 1, "extensions_used": 1, "status": "in_progress"}
    actual_db = scenario.db_item()
    assert {k: actual_db[k] for k in expected_db} == expected_db

    await scenario.until(new_due - HOUR)
    state = await scenario.state()
    assert [(e.level, e.seq) for e in state.escalations] == [(1, 0)]
    assert ("KHOI_VAN", "due-1") in scenario.reminders()
    await scenario.sleep(2 * HOUR)
    await scenario.advance(7 * DAY)
    state = await scenario.state()
    assert [(e.level, e.seq) for e in state.escalations] == [(1, 0), (1, 1), (2, 1)]
    assert close(state.escalations[1].at, new_due)
    assert close(state.escalations[2].at, new_due + 7 * DAY)
    assert scenario.escalations() == [1, 1, 2]


async def test_extension_approved_with_another_date_uses_the_committee_date(
    scenario: Scenario,
) -> None:
    due = scenario.now + 10 * DAY
    await scenario.start_item(due)
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 20 * DAY, reason="chờ")
    await scenario.act("request_extension", request)
    decision = ExtensionDecisionInput(actor=COMMITTEE, approve=True, new_due=due + 5 * DAY)
    await scenario.act("decide_extension", decision)
    state = await scenario.state()
    assert (state.spec.due, [d.due for d in state.deadlines]) == (due + 5 * DAY, [due + 5 * DAY])
    assert scenario.db_item()["due"] == due + 5 * DAY


async def test_extension_re_arms_the_support_deadline_from_the_new_due(scenario: Scenario) -> None:
    """A support deadline counted from the lead's moves with it; only the new one reminds."""
    due = scenario.now + 10 * DAY
    await scenario.start_item(due, support_due="{working_days_before_lead: 2}")
    before = (await scenario.state()).spec
    await scenario.act("acknowledge", AckInput(unit="KHOI_VAN"))
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 10 * DAY, reason="chờ")
    await scenario.act("request_extension", request)
    await scenario.act("decide_extension", APPROVE)

    spec = (await scenario.state()).spec
    assert spec.support_due is not None
    assert spec.support_remind_at is not None
    assert before.support_due is not None
    assert before.support_due < spec.support_due < due + 10 * DAY
    await scenario.until(spec.support_remind_at + HOUR)
    assert [r for r in scenario.reminders() if r[0] == "MTTQ"] == [("MTTQ", "support-1")]


async def test_extension_keeps_a_support_deadline_given_as_a_date(scenario: Scenario) -> None:
    """A support deadline written as a date stays put when the lead's deadline moves (it was
    once dropped, with its reminder)."""
    due = scenario.now + 20 * DAY
    await scenario.start_item(due, support_due=(scenario.now + 10 * DAY).isoformat())
    before = (await scenario.state()).spec
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 20 * DAY, reason="chờ")
    await scenario.act("request_extension", request)
    await scenario.act("decide_extension", APPROVE)
    spec = (await scenario.state()).spec
    assert (spec.due, spec.support_due, spec.support_remind_at) == (
        due + 20 * DAY,
        before.support_due,
        before.support_remind_at,
    )


async def test_a_third_extension_request_is_rejected_after_the_two_allowed(
    scenario: Scenario,
) -> None:
    due = scenario.now + 10 * DAY
    await scenario.start_item(due, max_extensions="2")
    for n in (1, 2):
        request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + n * 5 * DAY, reason="chờ")
        await scenario.act("request_extension", request)
        await scenario.act("decide_extension", APPROVE)

    third = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 30 * DAY, reason="lần ba")
    message = await scenario.rejected("request_extension", third)

    assert message == (
        f"item 1 of {scenario.code} has had 2 extension(s), the most allowed (2);"
        " no further request is accepted"
    )
    state = await scenario.state()
    assert [(d.seq, d.due) for d in state.deadlines] == [(1, due + 5 * DAY), (2, due + 10 * DAY)]
    expected = {"deadline_seq": 2, "extensions_used": 2, "due": due + 10 * DAY}
    actual = scenario.db_item()
    assert {k: actual[k] for k in expected} == expected


async def test_extension_rejection_needs_a_reason_and_leaves_the_deadline(
    scenario: Scenario,
) -> None:
    due = scenario.now + 10 * DAY
    await scenario.start_item(due)
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=due + 5 * DAY, reason="chờ")
    await scenario.act("request_extension", request)
    no_reason = ExtensionDecisionInput(actor=COMMITTEE, approve=False)
    message = await scenario.rejected("decide_extension", no_reason)
    assert message == "a rejection needs a reason"

    with_reason = no_reason.model_copy(update={"reason": "không có căn cứ"})
    result = await scenario.act("decide_extension", with_reason)

    assert result.message == "không đồng ý gia hạn"
    state = await scenario.state()
    assert (state.spec.due, state.deadline_seq, state.extensions_used) == (due, 0, 0)
    assert (state.pending_extension, state.deadlines) == (None, [])
    assert [u for u, _ in scenario.notified("extension_rejected")] == ["KHOI_VAN"]
    assert scenario.db_item()["due"] == due
    await scenario.act("request_extension", request)  # a rejection uses up nothing


# -- explanation ------------------------------------------------------------------------------


async def test_explanation_is_requested_only_of_an_overdue_item(scenario: Scenario) -> None:
    await scenario.start_item(scenario.now + 5 * DAY)
    ask = ExplanationRequestInput(actor=COMMITTEE, due=scenario.now + 10 * DAY)
    message = await scenario.rejected("request_explanation", ask)
    assert message == (
        f"item 1 of {scenario.code} is not overdue; an explanation is asked of overdue items"
    )


async def test_explanation_is_asked_of_the_leads_answered_once_by_each_then_noted(
    scenario: Scenario,
) -> None:
    now = await scenario.start_overdue(lead="[KHOI_VAN, UBND]")
    ask = ExplanationRequestInput(actor=COMMITTEE, due=now + 3 * DAY, reason="chậm tiến độ")
    await scenario.act("request_explanation", ask)
    asked = scenario.notified("explanation_requested")
    assert sorted(u for u, _ in asked) == ["KHOI_VAN", "UBND"]
    by_support = ExplanationInput(unit="MTTQ", text="không phải chủ trì")
    message = await scenario.rejected("explain", by_support)
    assert "only a lead unit (chủ trì)" in message

    await scenario.act("explain", ExplanationInput(unit="KHOI_VAN", text="vướng mặt bằng"))
    await scenario.act("explain", ExplanationInput(unit="UBND", text="chờ kinh phí"))
    again = ExplanationInput(unit="UBND", text="lần hai")
    assert await scenario.rejected("explain", again) == "unit 'UBND' has already explained"
    decision = ExplanationDecisionInput(actor=COMMITTEE, decision="note", reason="ghi nhận")
    assert (await scenario.act("decide_explanation", decision)).message == "kết luận: note"

    state = await scenario.state()
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
    assert [u for u, _ in scenario.notified("explanation_answered")] == [COMMITTEE, COMMITTEE]
    await scenario.advance(4 * DAY)
    assert scenario.notified("explanation_overdue") == []


async def test_unanswered_explanation_past_its_due_notifies_the_committee_once(
    scenario: Scenario,
) -> None:
    now = await scenario.start_overdue(lead="[KHOI_VAN, UBND]")
    explain_due = now + 2 * DAY
    ask = ExplanationRequestInput(actor=COMMITTEE, due=explain_due)
    await scenario.act("request_explanation", ask)
    await scenario.act("explain", ExplanationInput(unit="KHOI_VAN", text="vướng mặt bằng"))
    await scenario.until(explain_due - HOUR)
    assert scenario.notified("explanation_overdue") == []

    await scenario.sleep(2 * HOUR)
    await scenario.advance(7 * DAY)

    overdue = scenario.notified("explanation_overdue")
    assert [u for u, _ in overdue] == [COMMITTEE]
    assert close(overdue[0][1], explain_due)
    state = await scenario.state()
    [action] = [a for a in state.actions if a.kind == ActionKind.EXPLANATION_OVERDUE]
    assert action.data["units"] == "UBND"
    assert scenario.action_kinds().count("explanation_overdue") == 1


async def test_explanation_state_shows_the_committee_was_told_it_is_overdue(
    scenario: Scenario,
) -> None:
    """The state records that the committee was told (the flag was once never set)."""
    now = await scenario.start_overdue()
    await scenario.act(
        "request_explanation", ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    )
    await scenario.until(now + DAY + HOUR)
    assert len(scenario.notified("explanation_overdue")) == 1
    state = await scenario.state()
    assert state.explanation is not None
    assert state.explanation.overdue_notified is True


async def test_explanation_decision_extend_moves_the_deadline(scenario: Scenario) -> None:
    now = await scenario.start_overdue()
    await scenario.act("acknowledge", AckInput(unit="KHOI_VAN"))
    await scenario.act(
        "request_explanation", ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    )
    await scenario.act("explain", ExplanationInput(unit="KHOI_VAN", text="chờ kinh phí"))
    new_due = now + 20 * DAY
    extend = ExplanationDecisionInput(actor=COMMITTEE, decision="extend", new_due=new_due)

    result = await scenario.act("decide_explanation", extend)

    assert result.item_status == ItemStatus.IN_PROGRESS
    state = await scenario.state()
    assert state.explanation is not None
    assert state.explanation.decision == "extend"
    assert (state.spec.due, state.deadline_seq, state.extensions_used) == (new_due, 1, 1)
    actual = scenario.db_item()
    assert (actual["due"], actual["status"]) == (new_due, "in_progress")
    await scenario.until(new_due + HOUR)
    state = await scenario.state()
    assert [(e.level, e.seq) for e in state.escalations] == [(1, 0), (1, 1)]


async def test_explanation_decision_recall_closes_the_item(scenario: Scenario) -> None:
    now = await scenario.start_overdue()
    await scenario.act(
        "request_explanation", ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    )
    recall = ExplanationDecisionInput(actor=COMMITTEE, decision="recall")

    result = await scenario.act("decide_explanation", recall)

    assert result.item_status == ItemStatus.RECALLED
    assert (await scenario.result()).status == ItemStatus.RECALLED
    state = await scenario.state()
    assert (state.recall_reason, kinds(state, "recalled")) == (
        "sau giải trình",
        [ActionKind.RECALLED],
    )
    assert scenario.db_item()["status"] == "recalled"


async def test_explanation_decision_reassign_replaces_the_lead(scenario: Scenario) -> None:
    now = await scenario.start_overdue()
    await scenario.act(
        "request_explanation", ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    )
    to_ubnd = ExplanationDecisionInput(actor=COMMITTEE, decision="reassign", lead=["UBND"])

    await scenario.act("decide_explanation", to_ubnd)

    state = await scenario.state()
    assert [(u.code, u.role) for u in state.units] == [("UBND", Role.LEAD), ("MTTQ", Role.SUPPORT)]
    assert kinds(state, "reassigned") == [ActionKind.REASSIGNED]
    assert scenario.assignments()["KHOI_VAN"].active is False


async def test_explanation_reassign_to_a_support_unit_never_leaves_the_item_without_a_lead(
    scenario: Scenario,
) -> None:
    """Naming the support unit as the new lead is refused, as `reassign` refuses it (it once left
    the unit support, the item without a lead, and the next report completed it)."""
    now = await scenario.start_overdue()
    await scenario.act(
        "request_explanation", ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    )
    to_support = ExplanationDecisionInput(actor=COMMITTEE, decision="reassign", lead=["MTTQ"])
    message = await scenario.rejected("decide_explanation", to_support)
    assert message == "unit(s) MTTQ cannot be both lead and support"


async def test_second_unanswered_explanation_is_notified_too(scenario: Scenario) -> None:
    """A second request under the same deadline has its own overdue notice (once a reused key)."""
    now = await scenario.start_overdue()
    await scenario.act(
        "request_explanation", ExplanationRequestInput(actor=COMMITTEE, due=now + DAY)
    )
    await scenario.until(now + DAY + HOUR)
    note = ExplanationDecisionInput(actor=COMMITTEE, decision="note")
    await scenario.act("decide_explanation", note)
    second = ExplanationRequestInput(actor=COMMITTEE, due=now + 3 * DAY)
    await scenario.act("request_explanation", second)
    await scenario.until(now + 3 * DAY + HOUR)
    assert len(scenario.notified("explanation_overdue")) == 2
