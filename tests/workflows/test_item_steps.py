"""The item handlers' pure decisions (`item_steps`): what each changes in the book, records and
tells, without Temporal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dondoc.schemas.actions import AssignmentChange
from dondoc.schemas.lifecycle import (
    ActionKind,
    DeadlineChange,
    Explanation,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionRequest,
    ExtensionRequestInput,
    ReassignInput,
    RefusalDecisionInput,
    RefuseInput,
)
from dondoc.schemas.messages import (
    Escalation,
    ItemStatus,
    ReportInput,
    ReportResult,
    Role,
    Schedule,
    UnitProgress,
)
from dondoc.workflows import item_rules as rules
from dondoc.workflows import item_steps as steps
from dondoc.workflows.item_state import Book
from tests.workflows.books import COMMITTEE, DAY, DUE, T0, WEEK, book, set_unit


def roles(b: Book) -> list[tuple[str, Role]]:
    return [(u.code, u.role) for u in b.units]


# -- apply_report ---------------------------------------------------------------------------------


def test_a_closing_report_at_the_due_completes_on_time() -> None:
    b = book()
    step = steps.apply_report(b, ReportInput(unit="KHOI_VAN", done=True), DUE, "r1")
    assert (b.status, b.completed_at, b.submitted_at) == (ItemStatus.COMPLETED_ON_TIME, DUE, None)
    expected = ReportResult(
        report_id="r1",
        unit="KHOI_VAN",
        progress=100,
        done=True,
        item_status=ItemStatus.COMPLETED_ON_TIME,
    )
    assert (step.result, step.submitted_for_review) == (expected, False)
    assert b.seen_reports == {"r1": expected}


def test_a_closing_report_after_the_due_completes_late() -> None:
    b = book()
    b.status = ItemStatus.OVERDUE
    late = DUE + timedelta(seconds=1)
    step = steps.apply_report(b, ReportInput(unit="KHOI_VAN", progress=100), late, "r1")
    assert (b.status, b.completed_at) == (ItemStatus.COMPLETED_LATE, late)
    assert step.result.item_status == ItemStatus.COMPLETED_LATE


def test_with_review_a_closing_report_awaits_review_instead_of_completing() -> None:
    b = book(review=True)
    step = steps.apply_report(b, ReportInput(unit="KHOI_VAN", done=True), DUE - DAY, "r1")
    assert (b.status, b.submitted_at, b.completed_at) == (
        ItemStatus.AWAITING_REVIEW,
        DUE - DAY,
        None,
    )
    assert (step.submitted_for_review, step.result.item_status) == (
        True,
        ItemStatus.AWAITING_REVIEW,
    )


def test_a_partial_report_records_the_units_progress_and_keeps_the_item_open() -> None:
    b = book()
    step = steps.apply_report(b, ReportInput(unit="KHOI_VAN", progress=40), T0 + DAY, "r1")
    assert b.get("KHOI_VAN") == UnitProgress(
        code="KHOI_VAN",
        role=Role.LEAD,
        progress=40,
        last_report_at=T0 + DAY,
        received_at=T0 + DAY,
    )
    assert (b.status, b.completed_at, step.result.done) == (ItemStatus.IN_PROGRESS, None, False)


def test_the_item_closes_when_every_lead_is_done_whatever_the_support_units_did() -> None:
    b = book(lead=["KHOI_VAN", "UBND"])
    steps.apply_report(b, ReportInput(unit="KHOI_VAN", done=True), T0 + DAY, "r1")
    assert b.status == ItemStatus.IN_PROGRESS
    steps.apply_report(b, ReportInput(unit="UBND", done=True), T0 + 2 * DAY, "r2")
    assert (b.status, b.completed_at) == (ItemStatus.COMPLETED_ON_TIME, T0 + 2 * DAY)
    assert b.get("MTTQ").done is False


def test_a_report_by_a_unit_that_had_not_acknowledged_is_its_first_receipt() -> None:
    b = book()
    step = steps.apply_report(b, ReportInput(unit="MTTQ", progress=20), T0 + DAY, "r1")
    assert (step.first_receipt, b.get("MTTQ").received_at) == (True, T0 + DAY)


def test_a_report_by_a_unit_that_had_acknowledged_keeps_its_receipt() -> None:
    b = set_unit(book(), "MTTQ", received_at=T0)
    step = steps.apply_report(b, ReportInput(unit="MTTQ", progress=20), T0 + DAY, "r1")
    assert (step.first_receipt, b.get("MTTQ").received_at) == (False, T0)


# -- receipt and refusal --------------------------------------------------------------------------


def test_receive_records_the_first_receipt_of_a_unit() -> None:
    b = book()
    assert steps.receive(b, "MTTQ", T0 + DAY) == [
        AssignmentChange(unit="MTTQ", received_at=T0 + DAY)
    ]
    assert b.get("MTTQ").received_at == T0 + DAY


def test_receive_of_an_already_received_unit_changes_nothing() -> None:
    b = set_unit(book(), "MTTQ", received_at=T0)
    before = b.model_copy(deep=True)
    assert steps.receive(b, "MTTQ", T0 + DAY) == []
    assert b == before


def test_refuse_marks_the_unit_and_sends_the_refusal_to_the_committee() -> None:
    b = book()
    act = steps.refuse(b, RefuseInput(unit="KHOI_VAN", reason="sai chức năng"), T0 + DAY)
    unit = b.get("KHOI_VAN")
    assert (unit.refused_at, unit.refusal_reason) == (T0 + DAY, "sai chức năng")
    change = AssignmentChange(unit="KHOI_VAN", refused=True, refusal_reason="sai chức năng")
    assert act == steps.Act(
        ActionKind.REFUSAL,
        "KHOI_VAN",
        unit="KHOI_VAN",
        reason="sai chức năng",
        notify=[COMMITTEE],
        changes={"assignments": [change]},
    )


def refused() -> Book:
    return set_unit(book(), "KHOI_VAN", refused_at=T0, refusal_reason="sai chức năng")


def test_overruling_a_refusal_clears_it_and_tells_the_unit() -> None:
    b = refused()
    inp = RefusalDecisionInput(
        actor=COMMITTEE, unit="KHOI_VAN", decision="overrule", reason="đúng chức năng"
    )
    act = steps.overrule_refusal(b, inp)
    assert (b.get("KHOI_VAN").refused_at, b.get("KHOI_VAN").refusal_reason) == (None, None)
    assert act == steps.Act(
        ActionKind.REFUSAL_OVERRULED,
        COMMITTEE,
        unit="KHOI_VAN",
        reason="đúng chức năng",
        notify=["KHOI_VAN"],
        changes={"assignments": [AssignmentChange(unit="KHOI_VAN", refused=False)]},
    )


@pytest.mark.parametrize(
    ("refusing", "lead", "support"),
    [
        ("KHOI_VAN", ["UBND", "DOAN_TN"], ["MTTQ"]),
        ("MTTQ", ["KHOI_VAN", "DOAN_TN"], ["UBND"]),
    ],
)
def test_refusal_reassignment_swaps_only_the_refusing_unit_in_its_role(
    refusing: str, lead: list[str], support: list[str]
) -> None:
    b = set_unit(book(lead=["KHOI_VAN", "DOAN_TN"]), refusing, refused_at=T0)
    inp = RefusalDecisionInput(actor=COMMITTEE, unit=refusing, decision="reassign", new_unit="UBND")
    expected = ReassignInput(
        actor=COMMITTEE, lead=lead, support=support, reason=f"{refusing} từ chối"
    )
    assert steps.refusal_reassignment(b, inp) == expected


def test_refusal_reassignment_keeps_the_committees_reason() -> None:
    inp = RefusalDecisionInput(
        actor=COMMITTEE, unit="KHOI_VAN", decision="reassign", new_unit="UBND", reason="hợp lý"
    )
    assert steps.refusal_reassignment(refused(), inp).reason == "hợp lý"


# -- reassign -------------------------------------------------------------------------------------


def test_reassign_keeps_the_progress_of_kept_units_and_starts_added_ones_afresh() -> None:
    b = set_unit(book(lead=["KHOI_VAN", "UBND"]), "UBND", progress=60, received_at=T0)
    inp = ReassignInput(actor=COMMITTEE, lead=["UBND", "DOAN_TN"], reason="điều chỉnh")
    steps.reassign(b, inp)
    assert b.units == [
        UnitProgress(code="UBND", role=Role.LEAD, progress=60, received_at=T0),
        UnitProgress(code="DOAN_TN", role=Role.LEAD),
        UnitProgress(code="MTTQ", role=Role.SUPPORT),
    ]


def test_reassign_tells_removed_and_added_units_and_describes_the_change_in_vietnamese() -> None:
    b = book(lead=["KHOI_VAN", "UBND"])
    inp = ReassignInput(actor=COMMITTEE, lead=["UBND", "DOAN_TN"], reason="điều chỉnh")
    assert steps.reassign(b, inp) == steps.Act(
        ActionKind.REASSIGNED,
        COMMITTEE,
        reason="điều chỉnh",
        notify=["KHOI_VAN", "DOAN_TN"],
        data={
            "changes": "thôi giao KHOI_VAN; giao DOAN_TN",
            "lead": ["UBND", "DOAN_TN"],
            "support": ["MTTQ"],
        },
        changes={
            "assignments": [
                AssignmentChange(unit="KHOI_VAN", remove=True),
                AssignmentChange(unit="UBND", add_as=Role.LEAD),
                AssignmentChange(unit="DOAN_TN", add_as=Role.LEAD),
                AssignmentChange(unit="MTTQ", add_as=Role.SUPPORT),
            ]
        },
    )


def test_reassign_that_only_swaps_roles_tells_nobody_and_says_roles_changed() -> None:
    b = set_unit(book(), "MTTQ", progress=30)
    inp = ReassignInput(actor=COMMITTEE, lead=["MTTQ"], support=["KHOI_VAN"], reason="đổi")
    act = steps.reassign(b, inp)
    assert (act.notify, act.data["changes"]) == ([], "đổi vai trò")
    assert roles(b) == [("MTTQ", Role.LEAD), ("KHOI_VAN", Role.SUPPORT)]
    assert b.get("MTTQ").progress == 30


def test_reassign_clears_the_refusal_of_a_unit_it_keeps() -> None:
    b = set_unit(refused(), "KHOI_VAN", progress=10)
    steps.reassign(b, ReassignInput(actor=COMMITTEE, lead=["KHOI_VAN", "UBND"], reason="giữ"))
    assert b.get("KHOI_VAN") == UnitProgress(code="KHOI_VAN", role=Role.LEAD, progress=10)


def test_reassign_records_the_cleared_refusal_of_a_unit_it_keeps() -> None:
    b = refused()
    act = steps.reassign(b, ReassignInput(actor=COMMITTEE, lead=["KHOI_VAN", "UBND"], reason="giữ"))
    kept = [c for c in act.changes["assignments"] if c.unit == "KHOI_VAN"]
    assert any(c.refused is False for c in kept)


def test_a_reassignment_leaving_only_finished_leads_does_not_leave_the_item_open() -> None:
    b = set_unit(book(lead=["KHOI_VAN", "UBND"]), "KHOI_VAN", progress=100, done=True)
    inp = ReassignInput(actor=COMMITTEE, lead=["KHOI_VAN"], reason="UBND không cần nữa")
    if rules.reassign_problem(b, inp) is None:
        steps.reassign(b, inp)
        assert b.status.closed or b.status == ItemStatus.AWAITING_REVIEW


# -- deadlines ------------------------------------------------------------------------------------


def test_an_extension_request_is_kept_pending_and_sent_to_the_committee() -> None:
    b = book()
    inp = ExtensionRequestInput(unit="KHOI_VAN", new_due=DUE + WEEK, reason="chờ số liệu")
    act = steps.request_extension(b, inp, T0 + DAY)
    assert b.pending_extension == ExtensionRequest(
        unit="KHOI_VAN", new_due=DUE + WEEK, reason="chờ số liệu", at=T0 + DAY
    )
    assert act == steps.Act(
        ActionKind.EXTENSION_REQUESTED,
        "KHOI_VAN",
        unit="KHOI_VAN",
        reason="chờ số liệu",
        notify=[COMMITTEE],
        data={"new_due": (DUE + WEEK).isoformat()},
    )


NEW_DUE = DUE + 2 * WEEK
NEW_SCHEDULE = Schedule(
    due=NEW_DUE,
    remind_at=NEW_DUE - 3 * DAY,
    due_soon_at=NEW_DUE - 2 * DAY,
    escalation_ladder=[NEW_DUE, NEW_DUE + DAY],
)


def overdue_and_reminded() -> Book:
    b = book()
    b.status, b.reminded, b.extensions_used = ItemStatus.OVERDUE, True, 1
    b.escalations.append(Escalation(level=1, at=DUE, seq=0))
    b.deadlines.append(DeadlineChange(seq=0, due=DUE, at=T0, reason="giao"))
    b.fired.append("receipt-remind")
    return b


def move(b: Book) -> steps.Act:
    return steps.move_deadline(
        b, NEW_DUE, NEW_SCHEDULE, ActionKind.EXTENSION_APPROVED, COMMITTEE, "đồng ý", DUE + DAY
    )


def test_move_deadline_bumps_the_sequence_rearms_the_reminder_and_clears_overdue() -> None:
    b = overdue_and_reminded()
    move(b)
    assert (b.deadline_seq, b.reminded, b.status) == (1, False, ItemStatus.IN_PROGRESS)
    assert (b.spec.due, b.spec.remind_at, b.spec.due_soon_at, b.spec.escalation_ladder) == (
        NEW_DUE,
        NEW_DUE - 3 * DAY,
        NEW_DUE - 2 * DAY,
        [NEW_DUE, NEW_DUE + DAY],
    )
    assert b.level == 0  # the ladder starts again for the new deadline


def test_move_deadline_keeps_the_history() -> None:
    b = overdue_and_reminded()
    move(b)
    assert b.deadlines == [
        DeadlineChange(seq=0, due=DUE, at=T0, reason="giao"),
        DeadlineChange(seq=1, due=NEW_DUE, at=DUE + DAY, reason="đồng ý"),
    ]
    assert (b.escalations, b.fired) == ([Escalation(level=1, at=DUE, seq=0)], ["receipt-remind"])


def test_move_deadline_tells_every_unit_and_records_the_new_schedule() -> None:
    assert move(overdue_and_reminded()) == steps.Act(
        ActionKind.EXTENSION_APPROVED,
        COMMITTEE,
        reason="đồng ý",
        notify=["KHOI_VAN", "MTTQ"],
        data={"new_due": NEW_DUE.isoformat()},
        changes={
            "schedule": NEW_SCHEDULE,
            "deadline_seq": 1,
            "extensions_used": 1,
            "status": ItemStatus.IN_PROGRESS,
        },
    )


def test_move_deadline_without_a_reason_records_an_empty_one() -> None:
    b = book()
    steps.move_deadline(
        b, NEW_DUE, NEW_SCHEDULE, ActionKind.REVIEW_RETURNED, COMMITTEE, None, T0 + DAY
    )
    assert b.deadlines == [DeadlineChange(seq=1, due=NEW_DUE, at=T0 + DAY, reason="")]


# -- explanation ----------------------------------------------------------------------------------


def test_an_explanation_request_asks_the_lead_units() -> None:
    b = book(lead=["KHOI_VAN", "UBND"])
    inp = ExplanationRequestInput(actor=COMMITTEE, due=DUE + 3 * DAY, reason="chậm tiến độ")
    act = steps.request_explanation(b, inp, DUE + DAY)
    assert b.explanation == Explanation(
        requested_at=DUE + DAY, due=DUE + 3 * DAY, reason="chậm tiến độ"
    )
    assert act == steps.Act(
        ActionKind.EXPLANATION_REQUESTED,
        COMMITTEE,
        reason="chậm tiến độ",
        notify=["KHOI_VAN", "UBND"],
        data={"due": (DUE + 3 * DAY).isoformat()},
    )


def test_an_explanation_adds_the_units_answer_and_goes_to_the_committee() -> None:
    b = book(lead=["KHOI_VAN", "UBND"])
    b.explanation = Explanation(
        requested_at=DUE + DAY, due=DUE + 3 * DAY, answers={"UBND": "đã xong phần việc"}
    )
    act = steps.explain(b, ExplanationInput(unit="KHOI_VAN", text="vướng mặt bằng"))
    assert b.explanation.answers == {"UBND": "đã xong phần việc", "KHOI_VAN": "vướng mặt bằng"}
    assert act == steps.Act(
        ActionKind.EXPLANATION_ANSWERED,
        "KHOI_VAN",
        unit="KHOI_VAN",
        reason="vướng mặt bằng",
        notify=[COMMITTEE],
    )
