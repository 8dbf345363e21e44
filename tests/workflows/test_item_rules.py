"""The task item's pure rules (`Book`): displayed status, escalation timing, and every validator."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from dondoc.schemas.lifecycle import (
    AckInput,
    Explanation,
    ExplanationDecisionInput,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequest,
    ExtensionRequestInput,
    ReassignInput,
    RecallInput,
    RefusalDecisionInput,
    RefuseInput,
    ReviewInput,
)
from dondoc.schemas.messages import Escalation, ItemSpec, ItemStatus, ReportInput, Role
from dondoc.workflows import item_rules as rules
from dondoc.workflows.item_state import IDLE_CHECK, Book, TimerKey, TimerKind
from tests.workflows import books
from tests.workflows.books import COMMITTEE, DAY, DUE, T0, WEEK, set_unit

UNITS = ["DANG_UY", "KHOI_VAN", "UBND", "MTTQ", "DOAN_TN", "HOI_PN"]


def spec(**over: Any) -> ItemSpec:
    """With receipt deadlines, a due-soon instant and the directive's unit registry."""
    extra: dict[str, Any] = {
        "receipt_remind_at": T0 + DAY,
        "receipt_escalate_at": T0 + 2 * DAY,
        "due_soon_at": DUE - 3 * DAY,
        "known_units": UNITS,
    }
    return books.spec(**(extra | over))


def book(**over: Any) -> Book:
    return Book.start(spec(**over))


def received(b: Book, *codes: str) -> Book:
    for code in codes:
        b.set_unit(code, received_at=T0)
    return b


def check(problem: str | None, message: str | None) -> None:
    """`message` None: accepted; otherwise rejected with a message containing it."""
    if message is None:
        assert problem is None
    else:
        assert problem is not None
        assert message in problem


def overdue_with_explanation(**explanation: Any) -> Book:
    b = book()
    b.explanation = Explanation(requested_at=DUE + DAY, due=DUE + 3 * DAY, **explanation)
    return b


AFTER_DUE = DUE + DAY


# -- start ------------------------------------------------------------------------------------


def test_start_lists_leads_then_supports_with_their_roles() -> None:
    b = book(lead=["KHOI_VAN", "UBND"], support=["MTTQ"])
    actual = [(u.code, u.role) for u in b.units]
    assert actual == [("KHOI_VAN", Role.LEAD), ("UBND", Role.LEAD), ("MTTQ", Role.SUPPORT)]
    assert (b.status, b.level, b.deadline_seq, b.extensions_used) == (
        ItemStatus.IN_PROGRESS,
        0,
        0,
        0,
    )


def test_snapshot_and_resume_round_trip() -> None:
    """What continue-as-new carries gives back the same book."""
    b = received(book(), "KHOI_VAN")
    b.escalations.append(Escalation(level=1, at=DUE, seq=0))
    b.mark_fired(TimerKey(TimerKind.RECEIPT_REMIND))
    b.pending_extension = ExtensionRequest(
        unit="KHOI_VAN", new_due=DUE + WEEK, reason="chờ số liệu", at=DUE
    )
    assert Book.resume(b.snapshot()) == b


# -- displayed status -------------------------------------------------------------------------


def test_status_is_not_received_while_a_lead_has_not_acknowledged() -> None:
    b = book(lead=["KHOI_VAN", "UBND"])
    received(b, "KHOI_VAN")
    assert b.shown_status(T0) == ItemStatus.NOT_RECEIVED


def test_unacknowledged_support_does_not_make_the_item_not_received() -> None:
    b = received(book(), "KHOI_VAN")
    assert b.shown_status(T0) == ItemStatus.IN_PROGRESS


def test_status_without_a_receipt_deadline_never_shows_not_received() -> None:
    """Items started before receipt tracking (no receipt_remind_at) are simply in progress."""
    assert book(receipt_remind_at=None, receipt_escalate_at=None).shown_status(T0) == (
        ItemStatus.IN_PROGRESS
    )


def test_status_is_due_soon_from_due_soon_at() -> None:
    b = received(book(), "KHOI_VAN")
    assert b.shown_status(DUE - 3 * DAY - timedelta(seconds=1)) == ItemStatus.IN_PROGRESS
    assert b.shown_status(DUE - 3 * DAY) == ItemStatus.DUE_SOON
    assert b.shown_status(DUE) == ItemStatus.DUE_SOON


def test_not_received_takes_precedence_over_due_soon() -> None:
    assert book().shown_status(DUE - DAY) == ItemStatus.NOT_RECEIVED


def test_status_is_overdue_after_due_even_when_not_received() -> None:
    assert book().shown_status(DUE + timedelta(seconds=1)) == ItemStatus.OVERDUE


def test_refused_lead_takes_precedence_over_overdue() -> None:
    b = set_unit(book(), "KHOI_VAN", refused_at=T0, refusal_reason="không đúng chức năng")
    assert b.shown_status(T0) == ItemStatus.REFUSED
    assert b.shown_status(AFTER_DUE) == ItemStatus.REFUSED


def test_refused_support_does_not_make_the_item_refused() -> None:
    b = set_unit(received(book(), "KHOI_VAN"), "MTTQ", refused_at=T0, refusal_reason="lý do")
    assert b.shown_status(T0) == ItemStatus.IN_PROGRESS


@pytest.mark.parametrize(
    "phase",
    [
        ItemStatus.AWAITING_REVIEW,
        ItemStatus.COMPLETED_ON_TIME,
        ItemStatus.COMPLETED_LATE,
        ItemStatus.RECALLED,
    ],
)
def test_decided_phases_are_shown_as_they_are(phase: ItemStatus) -> None:
    """Neither the clock nor a refusal changes a phase the workflow has decided."""
    b = set_unit(book(), "KHOI_VAN", refused_at=T0)
    b.status = phase
    assert b.shown_status(AFTER_DUE) == phase


# -- escalation timing ------------------------------------------------------------------------


def test_escalation_without_ladder_is_at_due_then_every_period() -> None:
    b = book()
    assert [b.escalation_at(n) for n in (1, 2, 3)] == [DUE, DUE + WEEK, DUE + 2 * WEEK]


def test_escalation_follows_the_ladder_then_repeats_its_last_spacing() -> None:
    ladder = [DUE, DUE + DAY, DUE + 4 * DAY]  # working days: Thursday, Friday, Monday
    b = book(escalation_ladder=ladder)
    actual = [b.escalation_at(n) for n in (1, 2, 3, 4, 5)]
    assert actual == [*ladder, DUE + 7 * DAY, DUE + 10 * DAY]


def test_escalation_beyond_a_one_step_ladder_uses_escalate_every() -> None:
    b = book(escalation_ladder=[DUE])
    assert [b.escalation_at(n) for n in (1, 2, 3)] == [DUE, DUE + WEEK, DUE + 2 * WEEK]


def test_escalation_level_due_is_the_level_the_clock_has_reached() -> None:
    """After downtime the item escalates once, to the level due now (not once per missed step)."""
    b = book()
    assert b.escalation_level_due(DUE) == 1
    assert b.escalation_level_due(DUE + WEEK - timedelta(seconds=1)) == 1
    assert b.escalation_level_due(DUE + 2 * WEEK + DAY) == 3


def test_escalation_level_due_follows_the_ladder() -> None:
    b = book(escalation_ladder=[DUE, DUE + DAY, DUE + 4 * DAY])
    assert b.escalation_level_due(DUE + 2 * DAY) == 2
    assert b.escalation_level_due(DUE + 8 * DAY) == 4


def test_level_counts_only_escalations_of_the_deadline_in_force() -> None:
    """After an extension (deadline_seq 1) the ladder starts again at level 1."""
    b = book()
    b.escalations += [Escalation(level=1, at=DUE, seq=0), Escalation(level=2, at=DUE + WEEK)]
    assert b.level == 2
    assert b.escalation_level_due(DUE + WEEK + DAY) == 3
    b.deadline_seq = 1
    assert b.level == 0
    assert b.escalation_level_due(DUE + WEEK + DAY) == 2  # the new due is still DUE here
    b.spec = b.spec.model_copy(update={"due": DUE + 3 * WEEK})
    assert b.escalation_at(b.level + 1) == DUE + 3 * WEEK


def test_may_escalate_only_while_open() -> None:
    b = book()
    allowed = {}
    for phase in ItemStatus:
        b.status = phase
        allowed[phase] = b.may_escalate()
    assert {p for p, ok in allowed.items() if ok} == {ItemStatus.IN_PROGRESS, ItemStatus.OVERDUE}


# -- next instant -----------------------------------------------------------------------------


def test_next_instant_walks_receipt_reminder_escalation() -> None:
    b = book()
    assert b.next_instant(T0) == T0 + DAY
    b.mark_fired(TimerKey(TimerKind.RECEIPT_REMIND))
    assert b.next_instant(T0) == T0 + 2 * DAY
    b.mark_fired(TimerKey(TimerKind.RECEIPT_ESCALATE))
    assert b.next_instant(T0) == DUE - 3 * DAY
    b.reminded = True
    assert b.next_instant(T0) == DUE
    b.escalations.append(Escalation(level=1, at=DUE))
    assert b.next_instant(T0) == DUE + WEEK


def test_next_instant_includes_the_support_reminder_of_the_deadline_in_force() -> None:
    b = book(support_due=DUE - 2 * DAY, support_remind_at=DUE - 5 * DAY)
    b.fired += ["receipt-remind", "receipt-escalate"]
    assert b.next_instant(T0) == DUE - 5 * DAY
    assert (TimerKey(TimerKind.SUPPORT_REMIND, 0), DUE - 5 * DAY) in b.timed_keys()
    b.mark_fired(TimerKey(TimerKind.SUPPORT_REMIND, 0))
    assert b.next_instant(T0) == DUE - 3 * DAY
    b.deadline_seq = 1
    assert b.next_instant(T0) == DUE - 5 * DAY  # a moved deadline re-arms it under a new key


def test_next_instant_includes_a_pending_explanation_due() -> None:
    b = overdue_with_explanation()
    b.fired += ["receipt-remind", "receipt-escalate"]
    b.reminded = True
    b.escalations.append(Escalation(level=1, at=DUE))
    assert b.next_instant(T0) == DUE + 3 * DAY
    assert b.explanation is not None
    b.explanation = b.explanation.model_copy(update={"decision": "note"})
    assert b.next_instant(T0) == DUE + WEEK


def test_items_without_receipt_deadlines_have_no_receipt_timers() -> None:
    b = book(receipt_remind_at=None, receipt_escalate_at=None)
    assert b.timed_keys() == []


def test_next_instant_while_awaiting_review_past_due_is_the_idle_check() -> None:
    """Awaiting review the item does not escalate, so a passed escalation instant is no wake-up
    (it once was, and the workflow woke every second)."""
    b = received(book(), "KHOI_VAN")
    b.fired += ["receipt-remind", "receipt-escalate"]
    b.reminded = True
    b.status, b.submitted_at = ItemStatus.AWAITING_REVIEW, DUE - DAY
    assert b.next_instant(DUE + DAY) == DUE + DAY + IDLE_CHECK


def test_next_instant_is_never_later_than_the_idle_check() -> None:
    b = book()
    b.fired += ["receipt-remind", "receipt-escalate"]
    b.reminded = True
    assert b.next_instant(T0) == DUE
    assert b.next_instant(DUE - IDLE_CHECK - DAY) == DUE - DAY


# -- reports and receipt ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "report", "message"),
    [
        ({}, {"unit": "HOI_PN", "progress": 10}, "unit 'HOI_PN' is not assigned to item 1"),
        ({"phase": ItemStatus.RECALLED}, {"unit": "KHOI_VAN"}, "is already completed (recalled)"),
        ({"phase": ItemStatus.AWAITING_REVIEW}, {"unit": "KHOI_VAN"}, "awaits the committee"),
        ({}, {"unit": "KHOI_VAN", "progress": 101}, "between 0 and 100, got 101"),
        ({"progress": 50}, {"unit": "KHOI_VAN", "progress": 40}, "lower than KHOI_VAN's last"),
        ({"done": True, "progress": 100}, {"unit": "KHOI_VAN", "done": True}, "already reported"),
        ({"refused_at": T0}, {"unit": "KHOI_VAN", "progress": 10}, "has refused"),
    ],
)
def test_report_problem_rejects(
    setup: dict[str, Any], report: dict[str, Any], message: str
) -> None:
    b = book()
    if "phase" in setup:
        b.status = setup.pop("phase")
    set_unit(b, "KHOI_VAN", **setup)
    check(rules.report_problem(b, ReportInput.model_validate(report)), message)


def test_report_problem_accepts_progress_from_an_assigned_unit() -> None:
    b = set_unit(book(), "KHOI_VAN", progress=40)
    assert rules.report_problem(b, ReportInput(unit="KHOI_VAN", progress=40)) is None
    assert rules.report_problem(b, ReportInput(unit="MTTQ", done=True)) is None


def test_ack_problem() -> None:
    b = book()
    assert rules.ack_problem(b, AckInput(unit="MTTQ")) is None
    assert (
        rules.ack_problem(b, AckInput(unit="UBND"))
        == "unit 'UBND' is not assigned to item 1 of 01-CT/ĐU"
    )
    b.status = ItemStatus.COMPLETED_LATE
    assert (
        rules.ack_problem(b, AckInput(unit="MTTQ"))
        == "item 1 of 01-CT/ĐU is closed (completed_late)"
    )


# -- refusal ----------------------------------------------------------------------------------


def test_refuse_problem_accepts_an_assigned_unit_with_a_reason() -> None:
    assert (
        rules.refuse_problem(book(), RefuseInput(unit="KHOI_VAN", reason="sai chức năng")) is None
    )


@pytest.mark.parametrize(
    ("update", "unit", "message"),
    [
        ({}, "UBND", "unit 'UBND' is not assigned"),
        (
            {"done": True},
            "KHOI_VAN",
            "unit 'KHOI_VAN' has already reported item 1 of 01-CT/ĐU done",
        ),
        ({"refused_at": T0}, "KHOI_VAN", "unit 'KHOI_VAN' has already refused item 1"),
    ],
)
def test_refuse_problem_rejects(update: dict[str, Any], unit: str, message: str) -> None:
    b = set_unit(book(), "KHOI_VAN", **update)
    check(rules.refuse_problem(b, RefuseInput(unit=unit, reason="lý do")), message)


def test_refusal_reason_is_mandatory() -> None:
    with pytest.raises(ValueError, match="reason"):
        RefuseInput.model_validate({"unit": "KHOI_VAN", "reason": "  "})


def refused_book() -> Book:
    return set_unit(book(), "KHOI_VAN", refused_at=T0, refusal_reason="sai chức năng")


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"decision": "overrule"}, None),
        ({"decision": "reassign", "new_unit": "UBND"}, None),
        ({"decision": "overrule", "actor": "KHOI_VAN"}, "only the committee (DANG_UY) may"),
        ({"decision": "overrule", "unit": "MTTQ"}, "unit 'MTTQ' has no pending refusal"),
        ({"decision": "overrule", "unit": "UBND"}, "unit 'UBND' has no pending refusal"),
        ({"decision": "reassign"}, "reassign needs new_unit"),
        ({"decision": "reassign", "new_unit": "MTTQ"}, "'MTTQ' is already assigned"),
        ({"decision": "reassign", "new_unit": "NOBODY"}, "unknown unit code(s): NOBODY"),
    ],
)
def test_refusal_decision_problem(decision: dict[str, Any], message: str | None) -> None:
    inp = RefusalDecisionInput.model_validate({"actor": COMMITTEE, "unit": "KHOI_VAN"} | decision)
    check(rules.refusal_decision_problem(refused_book(), inp), message)


def test_committee_refusal_decision_message_names_who_may_decide() -> None:
    inp = RefusalDecisionInput(actor="UBND", unit="KHOI_VAN", decision="overrule")
    expected = "only the committee (DANG_UY) may decide on a refusal; 'UBND' may not"
    assert rules.refusal_decision_problem(refused_book(), inp) == expected


# -- extension --------------------------------------------------------------------------------


def ext(unit: str = "KHOI_VAN", new_due: datetime = DUE + WEEK) -> ExtensionRequestInput:
    return ExtensionRequestInput(unit=unit, new_due=new_due, reason="chờ số liệu")


def test_extension_request_from_a_lead_for_a_later_date_is_accepted() -> None:
    assert rules.extension_request_problem(book(), ext(), T0) is None
    assert rules.extension_request_problem(book(), ext(new_due=AFTER_DUE + DAY), AFTER_DUE) is None


def test_support_unit_may_not_request_an_extension() -> None:
    problem = rules.extension_request_problem(book(), ext(unit="MTTQ"), T0)
    expected = "only a lead unit (chủ trì) of item 1 of 01-CT/ĐU may do this; 'MTTQ' supports"
    assert problem == expected


def test_extension_request_limited_to_max_extensions() -> None:
    b = book(max_extensions=2)
    b.extensions_used = 2
    expected = (
        "item 1 of 01-CT/ĐU has had 2 extension(s), the most allowed (2);"
        " no further request is accepted"
    )
    assert rules.extension_request_problem(b, ext(), T0) == expected


def test_no_extension_when_max_extensions_is_zero() -> None:
    check(
        rules.extension_request_problem(book(max_extensions=0), ext(), T0), "the most allowed (0)"
    )


@pytest.mark.parametrize(
    ("new_due", "now", "message"),
    [
        (DUE, T0, "the requested deadline must be later than the current one"),
        (DUE - DAY, T0, "the requested deadline must be later than the current one"),
        (AFTER_DUE, AFTER_DUE + DAY, "extension: the new deadline must be in the future"),
    ],
)
def test_extension_request_date_must_be_later_and_in_the_future(
    new_due: datetime, now: datetime, message: str
) -> None:
    assert rules.extension_request_problem(book(), ext(new_due=new_due), now) == message


def test_second_extension_request_while_one_is_pending_is_rejected() -> None:
    b = book()
    b.pending_extension = ExtensionRequest(unit="KHOI_VAN", new_due=DUE + WEEK, reason="r", at=T0)
    assert rules.extension_request_problem(b, ext(), T0) == (
        "an extension request by KHOI_VAN is already pending"
    )


def test_no_extension_request_while_awaiting_review_or_closed() -> None:
    b = book()
    b.status = ItemStatus.AWAITING_REVIEW
    check(
        rules.extension_request_problem(b, ext(), T0),
        "awaits review; no extension can be requested",
    )
    b.status = ItemStatus.RECALLED
    check(rules.extension_request_problem(b, ext(), T0), "is closed (recalled)")


def pending_book() -> Book:
    b = book()
    b.pending_extension = ExtensionRequest(
        unit="KHOI_VAN", new_due=DUE + WEEK, reason="chờ số liệu", at=T0
    )
    return b


@pytest.mark.parametrize(
    ("decision", "now", "message"),
    [
        ({"approve": True}, T0, None),
        ({"approve": True, "new_due": DUE + 2 * WEEK}, T0, None),
        ({"approve": False, "reason": "không có căn cứ"}, T0, None),
        ({"approve": True, "actor": "KHOI_VAN"}, T0, "only the committee (DANG_UY) may decide"),
        ({"approve": False}, T0, "a rejection needs a reason"),
        ({"approve": False, "reason": ""}, T0, "a rejection needs a reason"),
        ({"approve": True, "new_due": T0}, T0, "approve: the new deadline must be in the future"),
        ({"approve": True}, DUE + 2 * WEEK, "approve: the new deadline must be in the future"),
    ],
)
def test_extension_decision_problem(
    decision: dict[str, Any], now: datetime, message: str | None
) -> None:
    inp = ExtensionDecisionInput.model_validate({"actor": COMMITTEE} | decision)
    check(rules.extension_decision_problem(pending_book(), inp, now), message)


def test_extension_decision_without_a_pending_request_is_rejected() -> None:
    inp = ExtensionDecisionInput(actor=COMMITTEE, approve=True)
    expected = "no extension request is pending on item 1 of 01-CT/ĐU"
    assert rules.extension_decision_problem(book(), inp, T0) == expected


# -- reassignment and recall ------------------------------------------------------------------


def test_reassigned_keeps_what_is_not_given() -> None:
    b = book(lead=["KHOI_VAN", "UBND"], support=["MTTQ"])
    assert rules.reassigned(b, ReassignInput(actor=COMMITTEE, lead=["UBND"], reason="r")) == (
        ["UBND"],
        ["MTTQ"],
    )
    assert rules.reassigned(b, ReassignInput(actor=COMMITTEE, support=[], reason="r")) == (
        ["KHOI_VAN", "UBND"],
        [],
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lead": ["UBND"]}, None),
        ({"lead": ["MTTQ"], "support": ["KHOI_VAN"]}, None),
        ({"actor": "MTTQ", "lead": ["UBND"]}, "only the committee (DANG_UY) may reassign units"),
        ({"lead": []}, "the item needs at least one lead unit"),
        ({"lead": ["MTTQ"]}, "unit(s) MTTQ cannot be both lead and support"),
        ({"lead": ["NOBODY"], "support": ["GHOST"]}, "unknown unit code(s): NOBODY, GHOST"),
    ],
)
def test_reassign_problem(change: dict[str, Any], message: str | None) -> None:
    inp = ReassignInput.model_validate({"actor": COMMITTEE, "reason": "điều chỉnh"} | change)
    check(rules.reassign_problem(book(), inp), message)


def test_recall_problem() -> None:
    b = book()
    assert rules.recall_problem(b, RecallInput(actor=COMMITTEE, reason="không còn phù hợp")) is None
    assert rules.recall_problem(b, RecallInput(actor="UBND", reason="r")) == (
        "only the committee (DANG_UY) may recall an item; 'UBND' may not"
    )
    b.status = ItemStatus.RECALLED
    assert rules.recall_problem(b, RecallInput(actor=COMMITTEE, reason="r")) == (
        "item 1 of 01-CT/ĐU is closed (recalled)"
    )


# -- review -----------------------------------------------------------------------------------


def awaiting_review() -> Book:
    b = book(review=True)
    b.status, b.submitted_at = ItemStatus.AWAITING_REVIEW, DUE - DAY
    return b


@pytest.mark.parametrize(
    ("review", "message"),
    [
        ({"accepted": True}, None),
        ({"accepted": False, "reason": "thiếu số liệu", "new_due": DUE + WEEK}, None),
        ({"accepted": True, "actor": "KHOI_VAN"}, "only the committee (DANG_UY) may review"),
        ({"accepted": False, "new_due": DUE + WEEK}, "returning an item needs a reason"),
        ({"accepted": False, "reason": "thiếu"}, "return: a new deadline is required"),
        (
            {"accepted": False, "reason": "thiếu", "new_due": T0},
            "return: the new deadline must be in the future",
        ),
    ],
)
def test_review_problem(review: dict[str, Any], message: str | None) -> None:
    inp = ReviewInput.model_validate({"actor": COMMITTEE} | review)
    check(rules.review_problem(awaiting_review(), inp, T0 + DAY), message)


def test_review_of_an_item_not_awaiting_review_is_rejected() -> None:
    problem = rules.review_problem(
        book(review=True), ReviewInput(actor=COMMITTEE, accepted=True), T0
    )
    assert problem == "item 1 of 01-CT/ĐU is not awaiting review (in_progress)"


# -- explanation ------------------------------------------------------------------------------


def explain_request(due: datetime = AFTER_DUE + 2 * DAY, actor: str = COMMITTEE) -> Any:
    return ExplanationRequestInput(actor=actor, due=due, reason="chậm tiến độ")


def test_explanation_is_requested_only_of_an_overdue_item() -> None:
    b = book()
    assert rules.explanation_request_problem(b, explain_request(), AFTER_DUE) is None
    assert rules.explanation_request_problem(b, explain_request(), DUE) == (
        "item 1 of 01-CT/ĐU is not overdue; an explanation is asked of overdue items"
    )


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (explain_request(actor="UBND"), "only the committee (DANG_UY) may request an explanation"),
        (explain_request(due=AFTER_DUE), "explanation: the new deadline must be in the future"),
    ],
)
def test_explanation_request_problem_rejects(request_: Any, message: str) -> None:
    check(rules.explanation_request_problem(book(), request_, AFTER_DUE), message)


def test_explanation_request_while_one_is_pending_is_rejected_but_allowed_after_a_decision() -> (
    None
):
    b = overdue_with_explanation()
    assert rules.explanation_request_problem(b, explain_request(), AFTER_DUE) == (
        "an explanation is already pending on item 1 of 01-CT/ĐU"
    )
    assert b.explanation is not None
    b.explanation = b.explanation.model_copy(update={"decision": "note"})
    assert rules.explanation_request_problem(b, explain_request(), AFTER_DUE) is None


@pytest.mark.parametrize(
    ("b", "unit", "message"),
    [
        (overdue_with_explanation(), "KHOI_VAN", None),
        (overdue_with_explanation(), "MTTQ", "only a lead unit (chủ trì)"),
        (overdue_with_explanation(), "UBND", "unit 'UBND' is not assigned"),
        (book(), "KHOI_VAN", "no explanation is requested on item 1"),
        (overdue_with_explanation(decision="note"), "KHOI_VAN", "no explanation is requested"),
        (
            overdue_with_explanation(answers={"KHOI_VAN": "đã giải trình"}),
            "KHOI_VAN",
            "unit 'KHOI_VAN' has already explained",
        ),
    ],
)
def test_explanation_problem(b: Book, unit: str, message: str | None) -> None:
    check(rules.explanation_problem(b, ExplanationInput(unit=unit, text="vướng mặt bằng")), message)


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"decision": "note"}, None),
        ({"decision": "recall"}, None),
        ({"decision": "extend", "new_due": AFTER_DUE + WEEK}, None),
        ({"decision": "reassign", "lead": ["UBND"]}, None),
        ({"decision": "note", "actor": "KHOI_VAN"}, "only the committee (DANG_UY) may decide"),
        ({"decision": "extend"}, "extend: a new deadline is required"),
        ({"decision": "extend", "new_due": AFTER_DUE}, "extend: the new deadline must be in the"),
        ({"decision": "reassign"}, "reassign needs the new lead unit(s)"),
        ({"decision": "reassign", "lead": ["NOBODY"]}, "unknown unit code(s): NOBODY"),
    ],
)
def test_explanation_decision_problem(decision: dict[str, Any], message: str | None) -> None:
    inp = ExplanationDecisionInput.model_validate({"actor": COMMITTEE} | decision)
    check(rules.explanation_decision_problem(overdue_with_explanation(), inp, AFTER_DUE), message)


def test_explanation_decision_without_a_pending_explanation_is_rejected() -> None:
    inp = ExplanationDecisionInput(actor=COMMITTEE, decision="note")
    expected = "no explanation is pending a decision on item 1 of 01-CT/ĐU"
    assert rules.explanation_decision_problem(book(), inp, AFTER_DUE) == expected
    decided = overdue_with_explanation(decision="note")
    assert rules.explanation_decision_problem(decided, inp, AFTER_DUE) == expected


def test_explanation_reassign_is_checked_like_a_reassignment() -> None:
    """Naming a support unit as the new lead would leave it support and the item without a lead."""
    inp = ExplanationDecisionInput(actor=COMMITTEE, decision="reassign", lead=["MTTQ"])
    problem = rules.explanation_decision_problem(overdue_with_explanation(), inp, AFTER_DUE)
    assert problem == "unit(s) MTTQ cannot be both lead and support"
