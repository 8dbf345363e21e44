"""The clock's pure decisions (`item_clock`): the reminder, the escalation reached, and what each
lifecycle timer does when it fires, without Temporal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from dondoc.schemas.lifecycle import ActionKind, Explanation
from dondoc.schemas.messages import (
    Escalation,
    ItemStatus,
    Milestone,
    Period,
    Schedule,
)
from dondoc.workflows import item_clock as clock
from dondoc.workflows import item_steps as steps
from dondoc.workflows.item_state import Book, TimerKey, TimerKind
from dondoc.workflows.item_steps import SYSTEM, Act, Remind
from tests.workflows import books
from tests.workflows.books import COMMITTEE, DAY, DUE, T0, WEEK, set_unit

REMIND_AT = DUE - 3 * DAY


def book(**over: Any) -> Book:
    """Two leads, receipt deadlines a day and two after T0."""
    extra: dict[str, Any] = {
        "lead": ["KHOI_VAN", "UBND"],
        "receipt_remind_at": T0 + DAY,
        "receipt_escalate_at": T0 + 2 * DAY,
    }
    return books.book(**(extra | over))


# -- reminder -------------------------------------------------------------------------------------


def test_no_reminder_before_remind_at_and_it_stays_armed() -> None:
    b = book()
    assert clock.reminder_due(b, REMIND_AT - timedelta(seconds=1)) is None
    assert b.reminded is False


def test_at_remind_at_the_units_not_done_are_reminded_once() -> None:
    b = set_unit(book(), "UBND", progress=100, done=True)
    assert clock.reminder_due(b, REMIND_AT) == Remind(["KHOI_VAN", "MTTQ"], "due")
    assert b.reminded is True
    assert clock.reminder_due(b, REMIND_AT + DAY) is None


def test_the_reminder_skips_support_units_that_have_their_own_deadline() -> None:
    b = book(support_due=DUE - 2 * DAY, support_remind_at=DUE - 5 * DAY)
    assert clock.reminder_due(b, REMIND_AT) == Remind(["KHOI_VAN", "UBND"], "due")


def test_no_reminder_after_the_due_and_none_later_either() -> None:
    """A worker back after the due does not send a reminder of a deadline already passed."""
    b = book()
    assert clock.reminder_due(b, DUE + DAY) is None
    assert b.reminded is True


def test_no_reminder_when_every_unit_is_done() -> None:
    b = book()
    for code in b.codes():
        set_unit(b, code, progress=100, done=True)
    assert clock.reminder_due(b, REMIND_AT) is None


def test_the_reminder_of_a_moved_deadline_names_its_sequence() -> None:
    b = book()
    clock.reminder_due(b, REMIND_AT)
    new_due = DUE + 2 * WEEK
    schedule = Schedule(due=new_due, remind_at=new_due - 3 * DAY)
    steps.move_deadline(
        b, new_due, schedule, ActionKind.EXTENSION_APPROVED, COMMITTEE, "đồng ý", DUE
    )
    assert clock.reminder_due(b, new_due - 3 * DAY) == Remind(["KHOI_VAN", "UBND", "MTTQ"], "due-1")


# -- escalation -----------------------------------------------------------------------------------


def test_the_first_escalation_is_at_the_due() -> None:
    b = book()
    assert clock.escalation_due(b, DUE - timedelta(seconds=1)) is None
    assert clock.escalation_due(b, DUE) == Escalation(level=1, at=DUE, seq=0)


def test_escalation_after_downtime_gives_the_level_the_clock_has_reached_once() -> None:
    b = book()
    now = DUE + 2 * WEEK + DAY
    escalation = clock.escalation_due(b, now)
    assert escalation == Escalation(level=3, at=now, seq=0)
    b.escalations.append(escalation)
    assert clock.escalation_due(b, now) is None
    assert clock.escalation_due(b, DUE + 3 * WEEK) == Escalation(level=4, at=DUE + 3 * WEEK)


@pytest.mark.parametrize(
    "phase",
    [
        ItemStatus.AWAITING_REVIEW,
        ItemStatus.COMPLETED_ON_TIME,
        ItemStatus.COMPLETED_LATE,
        ItemStatus.RECALLED,
    ],
)
def test_no_escalation_unless_the_item_is_open(phase: ItemStatus) -> None:
    b = book()
    b.status = phase
    assert clock.escalation_due(b, DUE + WEEK) is None


def test_after_a_moved_deadline_escalation_starts_again_at_level_one_at_the_new_due() -> None:
    b = book()
    b.status = ItemStatus.OVERDUE
    b.escalations += [Escalation(level=1, at=DUE), Escalation(level=2, at=DUE + WEEK)]
    new_due = DUE + 2 * WEEK
    schedule = Schedule(due=new_due, remind_at=new_due - 3 * DAY)
    steps.move_deadline(
        b, new_due, schedule, ActionKind.EXTENSION_APPROVED, COMMITTEE, "đồng ý", DUE + WEEK
    )
    assert clock.escalation_due(b, new_due - timedelta(seconds=1)) is None
    assert clock.escalation_due(b, new_due) == Escalation(level=1, at=new_due, seq=1)


# -- which timers are due -------------------------------------------------------------------------


def test_timers_due_lists_the_timers_passed_and_not_yet_fired() -> None:
    b = book(milestones=[Milestone(title="Sơ kết", due=T0 + 5 * DAY, remind_at=T0 + 3 * DAY)])
    assert clock.timers_due(b, T0) == []
    assert clock.timers_due(b, T0 + 3 * DAY) == [
        TimerKey(TimerKind.RECEIPT_REMIND),
        TimerKey(TimerKind.RECEIPT_ESCALATE),
        TimerKey(TimerKind.MILESTONE_REMIND, 0),
    ]
    b.mark_fired(TimerKey(TimerKind.RECEIPT_REMIND))
    assert clock.timers_due(b, T0 + 2 * DAY) == [TimerKey(TimerKind.RECEIPT_ESCALATE)]


# -- receipt timers -------------------------------------------------------------------------------


def test_the_receipt_reminder_goes_to_units_neither_received_nor_refused() -> None:
    b = set_unit(book(), "UBND", received_at=T0)
    set_unit(b, "MTTQ", refused_at=T0, refusal_reason="sai chức năng")
    key = TimerKey(TimerKind.RECEIPT_REMIND)
    assert clock.timer_steps(b, key, T0 + DAY) == [
        Act(
            ActionKind.RECEIPT_REMINDER,
            SYSTEM,
            notify=["KHOI_VAN"],
            data={"units": "KHOI_VAN"},
            key="receipt-remind",
        )
    ]


def test_the_receipt_escalation_tells_the_committee_who_has_not_received() -> None:
    key = TimerKey(TimerKind.RECEIPT_ESCALATE)
    assert clock.timer_steps(book(), key, T0 + 2 * DAY) == [
        Act(
            ActionKind.RECEIPT_ESCALATION,
            SYSTEM,
            notify=[COMMITTEE],
            data={"units": "KHOI_VAN, UBND, MTTQ"},
            key="receipt-escalate",
        )
    ]


@pytest.mark.parametrize("kind", [TimerKind.RECEIPT_REMIND, TimerKind.RECEIPT_ESCALATE])
def test_receipt_timers_with_nobody_pending_do_nothing(kind: TimerKind) -> None:
    b = set_unit(book(), "KHOI_VAN", received_at=T0)
    set_unit(b, "UBND", received_at=T0)
    set_unit(b, "MTTQ", refused_at=T0, refusal_reason="sai chức năng")
    assert clock.timer_steps(b, TimerKey(kind), T0 + 2 * DAY) == []


# -- support deadline -----------------------------------------------------------------------------


def support_book() -> Book:
    return book(support=["MTTQ", "DOAN_TN"], support_due=DUE - 2 * DAY, support_remind_at=T0)


def test_the_support_reminder_goes_to_support_units_not_done() -> None:
    b = set_unit(support_book(), "DOAN_TN", progress=100, done=True)
    b.deadline_seq = 1
    key = TimerKey(TimerKind.SUPPORT_REMIND, 1)
    assert clock.timer_steps(b, key, T0 + DAY) == [Remind(["MTTQ"], "support-1")]


def test_the_support_reminder_with_every_support_unit_done_does_nothing() -> None:
    b = set_unit(support_book(), "DOAN_TN", progress=100, done=True)
    set_unit(b, "MTTQ", progress=100, done=True)
    assert clock.timer_steps(b, TimerKey(TimerKind.SUPPORT_REMIND, 0), T0 + DAY) == []


def test_the_support_reminder_after_the_support_deadline_does_nothing() -> None:
    b = support_book()
    key = TimerKey(TimerKind.SUPPORT_REMIND, 0)
    assert clock.late_support_reminder(b, key, DUE - 2 * DAY)
    assert clock.timer_steps(b, key, DUE - 2 * DAY) == []
    assert clock.timer_steps(b, key, DUE - 2 * DAY + timedelta(hours=1)) == []


def test_the_support_reminder_just_before_the_support_deadline_still_reminds() -> None:
    b = support_book()
    key = TimerKey(TimerKind.SUPPORT_REMIND, 0)
    just_before = DUE - 2 * DAY - timedelta(seconds=1)
    assert not clock.late_support_reminder(b, key, just_before)
    assert clock.timer_steps(b, key, just_before) == [Remind(["MTTQ", "DOAN_TN"], "support-0")]


# -- milestones -----------------------------------------------------------------------------------

MILESTONE = Milestone(title="Sơ kết quý I", due=T0 + 5 * DAY, remind_at=T0 + 3 * DAY)


def test_the_milestone_reminder_goes_to_units_not_done_before_the_milestone() -> None:
    b = set_unit(book(milestones=[MILESTONE]), "UBND", progress=100, done=True)
    key = TimerKey(TimerKind.MILESTONE_REMIND, 0)
    assert clock.timer_steps(b, key, T0 + 3 * DAY) == [Remind(["KHOI_VAN", "MTTQ"], "milestone-0")]


def test_the_milestone_reminder_after_the_milestone_does_nothing() -> None:
    key = TimerKey(TimerKind.MILESTONE_REMIND, 0)
    assert clock.timer_steps(book(milestones=[MILESTONE]), key, MILESTONE.due) == []


def test_at_the_milestone_the_committee_is_told_the_leads_progress() -> None:
    other = Milestone(title="Tổng kết", due=DUE, remind_at=DUE - DAY)
    b = set_unit(book(milestones=[other, MILESTONE]), "KHOI_VAN", progress=40)
    key = TimerKey(TimerKind.MILESTONE, 1)
    assert clock.timer_steps(b, key, MILESTONE.due) == [
        Act(
            ActionKind.MILESTONE_REACHED,
            SYSTEM,
            notify=[COMMITTEE],
            data={
                "title": "Sơ kết quý I",
                "due": MILESTONE.due.isoformat(),
                "progress": "KHOI_VAN 40%, UBND 0%",
            },
            key="milestone:1",
        )
    ]


# -- reporting periods ----------------------------------------------------------------------------

PERIODS = [
    Period(n=1, cutoff=T0 + 3 * DAY, due=T0 + 4 * DAY),
    Period(n=2, cutoff=T0 + 6 * DAY, due=T0 + 7 * DAY),
]


def period_book() -> Book:
    """KHOI_VAN reported in period 1 only; UBND never."""
    return set_unit(book(periods=PERIODS), "KHOI_VAN", progress=30, last_report_at=T0 + DAY)


def test_the_period_cutoff_with_a_missing_lead_reminds_it_and_records_the_cutoff() -> None:
    key = TimerKey(TimerKind.PERIOD_CUTOFF, 1)
    assert clock.timer_steps(period_book(), key, PERIODS[0].cutoff) == [
        Remind(["UBND"], "period-1"),
        Act(
            ActionKind.PERIOD_CUTOFF,
            SYSTEM,
            data={"period": 1, "progress": "KHOI_VAN 30%, UBND 0%"},
            key="period-cutoff:1",
        ),
    ]


def test_the_period_cutoff_with_every_lead_reported_only_records_the_cutoff() -> None:
    b = set_unit(period_book(), "UBND", last_report_at=T0 + 2 * DAY)
    steps_ = clock.timer_steps(b, TimerKey(TimerKind.PERIOD_CUTOFF, 1), PERIODS[0].cutoff)
    assert [type(s) for s in steps_] == [Act]


def test_a_report_before_the_previous_cutoff_does_not_count_for_the_next_period() -> None:
    key = TimerKey(TimerKind.PERIOD_CUTOFF, 2)
    actual = clock.timer_steps(period_book(), key, PERIODS[1].cutoff)
    assert actual[0] == Remind(["KHOI_VAN", "UBND"], "period-2")


def test_the_period_due_with_nobody_missing_does_nothing() -> None:
    b = set_unit(period_book(), "UBND", last_report_at=T0 + 2 * DAY)
    assert clock.timer_steps(b, TimerKey(TimerKind.PERIOD_DUE, 1), PERIODS[0].due) == []


def test_the_period_due_tells_the_committee_which_leads_missed_it() -> None:
    key = TimerKey(TimerKind.PERIOD_DUE, 1)
    assert clock.timer_steps(period_book(), key, PERIODS[0].due) == [
        Act(
            ActionKind.PERIOD_MISSED,
            SYSTEM,
            notify=[COMMITTEE],
            data={"period": 1, "due": PERIODS[0].due.isoformat(), "units": "UBND"},
            key="period-due:1",
        )
    ]


# -- explanation ----------------------------------------------------------------------------------

EXPLAIN_DUE = DUE + 3 * DAY


def explaining(**answers: str) -> Book:
    b = book()
    b.explanation = Explanation(requested_at=DUE + DAY, due=EXPLAIN_DUE, answers=answers)
    return b


def test_an_overdue_explanation_marks_it_notified_and_tells_the_committee_who_is_missing() -> None:
    b = explaining(UBND="vướng mặt bằng")
    key = TimerKey(TimerKind.EXPLAIN_OVERDUE, 1)
    assert clock.timer_steps(b, key, EXPLAIN_DUE) == [
        Act(
            ActionKind.EXPLANATION_OVERDUE,
            SYSTEM,
            notify=[COMMITTEE],
            data={"due": EXPLAIN_DUE.isoformat(), "units": "KHOI_VAN"},
            key="explain-overdue:1",
        )
    ]
    assert b.explanation is not None
    assert b.explanation.overdue_notified is True


def test_an_explanation_every_lead_answered_is_not_overdue() -> None:
    b = explaining(KHOI_VAN="đã giải trình", UBND="vướng mặt bằng")
    assert clock.timer_steps(b, TimerKey(TimerKind.EXPLAIN_OVERDUE, 1), EXPLAIN_DUE) == []
    assert b.explanation is not None
    assert b.explanation.overdue_notified is False
