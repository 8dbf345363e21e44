"""RecordActivities on SQLite and PostgreSQL: idempotent records, each notification sent once."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from dondoc.activities.lifecycle import LifecycleActivities
from dondoc.activities.records import RecordActivities
from dondoc.db.models import (
    Assignment,
    Base,
    Directive,
    Escalation,
    Item,
    Notification,
    Reminder,
    Report,
)
from dondoc.db.session import SessionFactory
from dondoc.db.store import StoreOutcome, store_directive
from dondoc.notify.dispatch import flush
from dondoc.notify.outbox import Notifier
from dondoc.schemas.actions import AssignmentChange, RecordActionInput
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.messages import DirectiveStatus, ItemSpec, ItemStatus
from dondoc.schemas.notify import OutboxMessage, Recipient
from dondoc.schemas.records import (
    ItemRef,
    LoadItemsInput,
    RecordAssignmentInput,
    RecordAssignmentsInput,
    RecordDirectiveStatusInput,
    RecordEscalationInput,
    RecordItemStatusInput,
    RecordReportInput,
    SendRemindersInput,
)
from tests.helpers import item_yaml, make_plan

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2031, 6, 30, 17, 0, tzinfo=VN)  # 10:00 UTC: a wrong timezone shows as "10:00"
NOW = datetime(2031, 6, 1, 2, 0, tzinfo=UTC)
REPEATS = 3


class RecordingChannel:
    """Stands in for a delivery channel: remembers every row it was asked to send."""

    name = "log"

    def __init__(self) -> None:
        self.sent: list[OutboxMessage] = []

    def send(self, row: OutboxMessage, to: Recipient) -> str:
        self.sent.append(row)
        return "recorded"

    def keys(self) -> list[str]:
        return sorted(r.key for r in self.sent)


@pytest.fixture
def channel() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
def acts(sessions: SessionFactory, channel: RecordingChannel) -> RecordActivities:
    return RecordActivities(sessions, Notifier(channel=channel))


@pytest.fixture
def code() -> str:
    return f"A{uuid4().hex[:6]}-KH/ĐU"


@pytest.fixture
def plan(sessions: SessionFactory, code: str) -> DirectivePlan:
    """Item 1: lead KHOI_VAN and UBND, support MTTQ; item 2 a day later, lead KHOI_VAN only."""
    plan = make_plan(
        code,
        [
            item_yaml("1", DUE, lead="[KHOI_VAN, UBND]", support="[MTTQ]"),
            item_yaml("2", DUE + timedelta(days=1), support="[]"),
        ],
    )
    assert store_directive(sessions, plan, NOW) == StoreOutcome.CREATED
    return plan


def run(fn: Callable[[Any], Any], inp: Any, times: int = 1) -> Any:
    result = None
    for _ in range(times):
        result = ActivityEnvironment().run(fn, inp)
        owner = getattr(fn, "__self__", None)  # delivery is a separate step: take it here
        if owner is not None:
            flush(owner.notifier, owner.sessions)
    return result


def ref(code: str, number: str = "1") -> ItemRef:
    return ItemRef(directive_code=code, number=number)


def rows(sessions: SessionFactory, model: type[Base], code: str) -> list[Any]:
    """The rows of `model` (reports, reminders, …) that belong to the directive's items."""
    with sessions() as s:
        stmt = (
            select(model)
            .join(Item, model.item_id == Item.id)  # type: ignore[attr-defined]
            .join(Directive, Item.directive_id == Directive.id)
            .where(Directive.code == code)
            .order_by(model.id)  # type: ignore[attr-defined]
        )
        return list(s.scalars(stmt))


def notifications(sessions: SessionFactory, code: str) -> list[Notification]:
    with sessions() as s:
        stmt = select(Notification).where(Notification.directive_code == code)
        return list(s.scalars(stmt.order_by(Notification.key)))


def item_row(sessions: SessionFactory, code: str, number: str = "1") -> Item:
    with sessions() as s:
        stmt = (
            select(Item)
            .join(Directive, Item.directive_id == Directive.id)
            .where(Directive.code == code, Item.number == number)
        )
        return s.scalars(stmt).one()


def assignment(sessions: SessionFactory, code: str, unit: str) -> tuple[int, bool, Any]:
    """(progress, done, last_report_at) of `unit` on item 1."""
    item_id = item_row(sessions, code).id
    (a,) = [
        a for a in rows(sessions, Assignment, code) if (a.item_id, a.unit_code) == (item_id, unit)
    ]
    return (a.progress, a.done, a.last_report_at)


def role_in(body: str) -> str | None:
    return next((role for role in ("chủ trì", "phối hợp") if role in body), None)


def deadline_in(body: str) -> str | None:
    found = re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", body)
    return found.group() if found else None


# --- idempotency: a retried activity writes once and notifies once ---------------------------


@pytest.mark.usefixtures("plan")
def test_repeated_assignment_writes_and_notifies_each_unit_once(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """record_assignment run N times: one notification row and one delivery per assigned unit."""
    run(acts.record_assignment, RecordAssignmentInput(item=ref(code), at=NOW), REPEATS)

    item = f"dondoc/{code}/item/1"
    expected = sorted(f"{item}:assignment:{u}" for u in ("KHOI_VAN", "UBND", "MTTQ"))
    assert expected == [n.key for n in notifications(sessions, code)]
    assert expected == channel.keys()
    assert len(rows(sessions, Assignment, code)) == 4  # 3 on item 1, 1 on item 2: none added


@pytest.mark.usefixtures("plan")
def test_repeated_report_with_same_id_is_recorded_once(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """record_report run N times with one report_id leaves one report row and sends nothing."""
    inp = RecordReportInput(
        item=ref(code), report_id="r-1", unit="KHOI_VAN", progress=40, done=False, at=NOW
    )
    run(acts.record_report, inp, REPEATS)

    assert [(r.report_id, r.unit_code, r.progress) for r in rows(sessions, Report, code)] == [
        ("r-1", "KHOI_VAN", 40)
    ]
    assert channel.sent == []


@pytest.mark.usefixtures("plan")
def test_repeated_reminders_write_and_notify_each_unit_once(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """send_reminders run N times for the same units and kind: one reminder and one message each."""
    inp = SendRemindersInput(item=ref(code), units=["KHOI_VAN", "UBND"], kind="due", at=NOW)
    run(acts.send_reminders, inp, REPEATS)

    item = f"dondoc/{code}/item/1"
    expected = [f"{item}:remind:due:KHOI_VAN", f"{item}:remind:due:UBND"]
    assert expected == sorted(r.key for r in rows(sessions, Reminder, code))
    assert expected == [n.key for n in notifications(sessions, code)]
    assert expected == channel.keys()


@pytest.mark.usefixtures("plan")
def test_repeated_escalation_writes_and_notifies_once(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """record_escalation run N times at one level: one escalation row and one message."""
    inp = RecordEscalationInput(item=ref(code), level=1, at=DUE + timedelta(hours=1))
    run(acts.record_escalation, inp, REPEATS)

    expected = [f"dondoc/{code}/item/1:escalate:0:1"]
    assert expected == [e.key for e in rows(sessions, Escalation, code)]
    assert expected == [n.key for n in notifications(sessions, code)]
    assert expected == channel.keys()


@pytest.mark.usefixtures("plan")
def test_repeated_completion_notifies_committee_once(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """record_item_status(completed) run N times: one completion message, to the committee."""
    at = DUE - timedelta(days=1)
    inp = RecordItemStatusInput(item=ref(code), status=ItemStatus.COMPLETED_ON_TIME, at=at)
    run(acts.record_item_status, inp, REPEATS)

    expected = [f"dondoc/{code}/item/1:completion:DANG_UY"]
    assert expected == [n.key for n in notifications(sessions, code)]
    assert expected == channel.keys()


@pytest.mark.usefixtures("plan")
def test_delivered_rows_are_stamped_sent(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """After delivery every outbox row carries `sent_at`, so a retry finds nothing to claim."""
    run(acts.record_assignment, RecordAssignmentInput(item=ref(code), at=NOW))

    assert [n.sent_at is not None for n in notifications(sessions, code)] == [True, True, True]


# --- record_assignment ---------------------------------------------------------------------


@pytest.mark.usefixtures("plan")
def test_assignment_tells_each_unit_its_role_and_local_deadline(
    acts: RecordActivities, channel: RecordingChannel, code: str
) -> None:
    """Leads read "chủ trì", supporters "phối hợp"; the deadline is dd/mm/yyyy HH:MM at +07."""
    run(acts.record_assignment, RecordAssignmentInput(item=ref(code), at=NOW))

    expected = {
        "KHOI_VAN": ("chủ trì", "30/06/2031 17:00"),
        "UBND": ("chủ trì", "30/06/2031 17:00"),
        "MTTQ": ("phối hợp", "30/06/2031 17:00"),
    }
    actual = {r.unit_code: (role_in(r.body), deadline_in(r.body)) for r in channel.sent}
    assert expected == actual
    assert {"assignment"} == {r.kind for r in channel.sent}


@pytest.mark.usefixtures("plan")
def test_assignment_keeps_the_first_assigned_at(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """A later repeat does not move `assigned_at`."""
    run(acts.record_assignment, RecordAssignmentInput(item=ref(code), at=NOW))
    run(acts.record_assignment, RecordAssignmentInput(item=ref(code), at=NOW + timedelta(hours=1)))

    assert item_row(sessions, code).assigned_at == NOW


@pytest.mark.usefixtures("plan")
def test_page_assignment_matches_item_assignment_and_is_idempotent(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """A page assigned at once (the directive's way) writes what each item's own assignment
    would, in one transaction; repeated, it moves nothing and sends nothing more."""
    page = RecordAssignmentsInput(directive_code=code, numbers=["1", "2"], at=NOW)
    acts.record_assignments(page)
    acts.record_assignments(page.model_copy(update={"at": NOW + timedelta(hours=1)}))
    flush(acts.notifier, acts.sessions)

    expected = sorted(
        [f"dondoc/{code}/item/1:assignment:{u}" for u in ("KHOI_VAN", "UBND", "MTTQ")]
        + [f"dondoc/{code}/item/2:assignment:KHOI_VAN"]
    )
    assert expected == [n.key for n in notifications(sessions, code)]
    assert expected == channel.keys()
    assert [item_row(sessions, code, n).assigned_at for n in ("1", "2")] == [NOW, NOW]
    single = RecordActivities(acts.sessions, Notifier(channel=RecordingChannel()))
    run(single.record_assignment, RecordAssignmentInput(item=ref(code), at=NOW))
    assert expected == [n.key for n in notifications(sessions, code)]


# --- record_report -------------------------------------------------------------------------


@pytest.mark.usefixtures("plan")
def test_reports_update_progress_unless_the_report_id_was_seen(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """A new report id moves the unit's progress; replaying an old one changes nothing."""
    t1, t2 = NOW + timedelta(days=1), NOW + timedelta(days=2)

    def report(report_id: str, progress: int, at: datetime, done: bool = False) -> None:
        inp = RecordReportInput(
            item=ref(code),
            report_id=report_id,
            unit="KHOI_VAN",
            progress=progress,
            done=done,
            at=at,
        )
        run(acts.record_report, inp)

    report("r-1", 40, t1)
    assert (40, False, t1) == assignment(sessions, code, "KHOI_VAN")
    report("r-2", 100, t2, done=True)
    assert (100, True, t2) == assignment(sessions, code, "KHOI_VAN")
    report("r-1", 40, t1)
    assert (100, True, t2) == assignment(sessions, code, "KHOI_VAN")
    assert [r.report_id for r in rows(sessions, Report, code)] == ["r-1", "r-2"]
    assert assignment(sessions, code, "UBND") == (0, False, None)


def unit_report(code: str, report_id: str, progress: int, at: datetime, done: bool = False) -> Any:
    return RecordReportInput(
        item=ref(code), report_id=report_id, unit="KHOI_VAN", progress=progress, done=done, at=at
    )


@pytest.mark.usefixtures("plan")
def test_a_report_recorded_after_a_later_one_does_not_move_progress_back(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """Two reports in flight through an outage land in the other order (45 % first, then 20 %):
    the unit stays at 45 %, as the workflow says, and both report rows are kept."""
    t1, t2 = NOW + timedelta(days=1), NOW + timedelta(days=2)
    run(acts.record_report, unit_report(code, "r-2", 45, t2))
    run(acts.record_report, unit_report(code, "r-1", 20, t1))

    expected = ((45, False, t2), [("r-2", 45), ("r-1", 20)])
    kept = [(r.report_id, r.progress) for r in rows(sessions, Report, code)]
    assert expected == (assignment(sessions, code, "KHOI_VAN"), kept)


@pytest.mark.usefixtures("plan")
def test_reports_recorded_concurrently_in_any_order_leave_the_last_one(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """Twenty reports (5 %, 10 %, … 100 % done) written by four threads in shuffled order, as
    retries after an outage do: the row ends at the workflow's last report, every row is kept."""
    reports = [
        unit_report(code, f"r-{n:02}", 5 * n, NOW + timedelta(minutes=n), done=n == 20)
        for n in range(1, 21)
    ]
    shuffled = random.Random(14).sample(reports, len(reports))
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda inp: run(acts.record_report, inp), shuffled))

    expected = ((100, True, NOW + timedelta(minutes=20)), 20)
    actual = (assignment(sessions, code, "KHOI_VAN"), len(rows(sessions, Report, code)))
    assert expected == actual


@pytest.mark.usefixtures("plan")
def test_reports_of_one_instant_recorded_in_reverse_keep_the_furthest(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """Reports handled in one workflow activation share an instant: the later of them (higher
    progress, then done) wins whatever order they reach the database in."""
    run(acts.record_report, unit_report(code, "r-2", 60, NOW))
    run(acts.record_report, unit_report(code, "r-1", 40, NOW))
    middle = assignment(sessions, code, "KHOI_VAN")

    run(acts.record_report, unit_report(code, "r-4", 100, NOW, done=True))
    run(acts.record_report, unit_report(code, "r-3", 100, NOW))
    expected = [(60, False, NOW), (100, True, NOW)]
    assert expected == [middle, assignment(sessions, code, "KHOI_VAN")]


@pytest.mark.usefixtures("plan")
def test_a_late_done_report_does_not_undo_a_return_after_review(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """The committee returned the item (the unit is no longer done) while the done report was
    still being retried: recorded afterwards, that report does not mark the unit done again."""
    t1, t2 = NOW + timedelta(days=1), NOW + timedelta(days=2)
    returned = RecordActionInput(
        item=ref(code),
        key=f"{code}:returned",
        kind=ActionKind.REVIEW_RETURNED,
        actor="DANG_UY",
        at=t2,
        assignments=[AssignmentChange(unit="KHOI_VAN", reopen=True)],
    )
    run(LifecycleActivities(sessions).record_action, returned)
    run(acts.record_report, unit_report(code, "r-1", 100, t1, done=True))

    assert (100, False, t1) == assignment(sessions, code, "KHOI_VAN")


# --- send_reminders ------------------------------------------------------------------------


@pytest.mark.usefixtures("plan")
def test_reminder_of_another_kind_is_a_new_reminder(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """The kind is part of the key: a "due" and an "overdue" reminder are both sent."""
    for kind in ("due", "overdue", "due"):
        run(
            acts.send_reminders,
            SendRemindersInput(item=ref(code), units=["UBND"], kind=kind, at=NOW),
        )

    assert sorted(r.kind for r in rows(sessions, Reminder, code)) == ["due", "overdue"]
    assert len(channel.sent) == 2


@pytest.mark.usefixtures("plan")
def test_reminder_states_local_deadline_and_reported_progress(
    acts: RecordActivities, channel: RecordingChannel, code: str
) -> None:
    """The reminder body carries the +07 deadline and the unit's last reported progress."""
    report = RecordReportInput(
        item=ref(code), report_id="r-1", unit="KHOI_VAN", progress=60, done=False, at=NOW
    )
    run(acts.record_report, report)
    run(acts.send_reminders, SendRemindersInput(item=ref(code), units=["KHOI_VAN"], at=NOW))

    (row,) = channel.sent
    assert ("30/06/2031 17:00" in row.body, "60%" in row.body) == (True, True)


# --- record_escalation ---------------------------------------------------------------------


@pytest.mark.usefixtures("plan")
def test_each_escalation_level_is_its_own_row_sent_to_the_committee(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """Levels 1 and 2 are distinct escalations; both go to the committee (DANG_UY)."""
    for level in (1, 2, 1, 2):
        at = DUE + timedelta(days=7 * level)
        run(acts.record_escalation, RecordEscalationInput(item=ref(code), level=level, at=at))

    assert [(e.level, e.to_unit) for e in rows(sessions, Escalation, code)] == [
        (1, "DANG_UY"),
        (2, "DANG_UY"),
    ]
    assert [(r.unit_code, r.kind) for r in channel.sent] == [
        ("DANG_UY", "escalation"),
        ("DANG_UY", "escalation"),
    ]


@pytest.mark.usefixtures("plan")
def test_escalation_of_a_new_deadline_is_a_new_row(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """After a deadline extension (deadline_seq 1) level 1 escalates again."""
    for seq in (0, 1):
        inp = RecordEscalationInput(item=ref(code), level=1, deadline_seq=seq, at=DUE)
        run(acts.record_escalation, inp)

    assert len(rows(sessions, Escalation, code)) == 2


@pytest.mark.usefixtures("plan")
def test_escalation_marks_an_open_item_overdue(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    run(acts.record_escalation, RecordEscalationInput(item=ref(code), level=1, at=DUE))

    assert item_row(sessions, code).status == "overdue"


@pytest.mark.usefixtures("plan")
def test_escalation_leaves_a_completed_item_completed(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    done = RecordItemStatusInput(item=ref(code), status=ItemStatus.COMPLETED_LATE, at=DUE)
    run(acts.record_item_status, done)
    run(acts.record_escalation, RecordEscalationInput(item=ref(code), level=1, at=DUE))

    assert item_row(sessions, code).status == "completed_late"


# --- record_item_status --------------------------------------------------------------------


@pytest.mark.usefixtures("plan")
def test_completion_on_time_sets_completed_at_and_tells_the_committee(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    at = DUE - timedelta(days=1)
    inp = RecordItemStatusInput(item=ref(code), status=ItemStatus.COMPLETED_ON_TIME, at=at)
    run(acts.record_item_status, inp)

    item = item_row(sessions, code)
    assert ("completed_on_time", at) == (item.status, item.completed_at)
    (row,) = channel.sent
    assert (
        row.unit_code,
        row.kind,
        "hoàn thành đúng hạn" in row.body,
    ) == ("DANG_UY", "completion", True)


@pytest.mark.usefixtures("plan")
def test_open_status_change_sends_nothing(
    acts: RecordActivities, channel: RecordingChannel, sessions: SessionFactory, code: str
) -> None:
    """Becoming overdue is recorded, but only escalations tell the committee about it."""
    inp = RecordItemStatusInput(item=ref(code), status=ItemStatus.OVERDUE, at=DUE)
    run(acts.record_item_status, inp)

    item = item_row(sessions, code)
    assert (item.status, item.completed_at, channel.sent) == ("overdue", None, [])


@pytest.mark.usefixtures("plan")
def test_directive_completion_is_recorded(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    inp = RecordDirectiveStatusInput(directive_code=code, status=DirectiveStatus.COMPLETED, at=DUE)
    run(acts.record_directive_status, inp, REPEATS)

    with sessions() as s:
        d = s.scalars(select(Directive).where(Directive.code == code)).one()
    assert (d.status, d.completed_at) == ("completed", DUE)


# --- unknown directive or item -------------------------------------------------------------

CALLS: dict[str, Callable[[RecordActivities, ItemRef], tuple[Callable[[Any], Any], Any]]] = {
    "load_items": lambda a, r: (
        a.load_items,
        LoadItemsInput(directive_code=r.directive_code, offset=0, limit=10),
    ),
    "record_assignment": lambda a, r: (a.record_assignment, RecordAssignmentInput(item=r, at=NOW)),
    "record_report": lambda a, r: (
        a.record_report,
        RecordReportInput(item=r, report_id="x", unit="UBND", progress=1, done=False, at=NOW),
    ),
    "send_reminders": lambda a, r: (
        a.send_reminders,
        SendRemindersInput(item=r, units=["UBND"], at=NOW),
    ),
    "record_escalation": lambda a, r: (
        a.record_escalation,
        RecordEscalationInput(item=r, level=1, at=NOW),
    ),
    "record_item_status": lambda a, r: (
        a.record_item_status,
        RecordItemStatusInput(item=r, status=ItemStatus.COMPLETED_ON_TIME, at=NOW),
    ),
    "record_directive_status": lambda a, r: (
        a.record_directive_status,
        RecordDirectiveStatusInput(
            directive_code=r.directive_code, status=DirectiveStatus.COMPLETED, at=NOW
        ),
    ),
}
ITEM_CALLS = [name for name in CALLS if name not in ("load_items", "record_directive_status")]


@pytest.mark.parametrize("name", list(CALLS))
def test_unknown_directive_is_a_non_retryable_error(acts: RecordActivities, name: str) -> None:
    fn, inp = CALLS[name](acts, ref(f"Z{uuid4().hex[:6]}-KH/ĐU"))

    with pytest.raises(ApplicationError) as caught:
        run(fn, inp)
    assert (caught.value.type, caught.value.non_retryable) == ("UnknownDirective", True)


@pytest.mark.usefixtures("plan")
@pytest.mark.parametrize("name", ITEM_CALLS)
def test_unknown_item_is_a_non_retryable_error(
    acts: RecordActivities, channel: RecordingChannel, code: str, name: str
) -> None:
    fn, inp = CALLS[name](acts, ref(code, "99"))

    with pytest.raises(ApplicationError) as caught:
        run(fn, inp)
    assert (
        caught.value.type,
        caught.value.non_retryable,
        channel.sent,
    ) == ("UnknownItem", True, [])


# --- load_items ----------------------------------------------------------------------------


def test_load_items_reads_a_page_in_the_same_few_statements_whatever_its_size(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """The page's assignments in one query with the page, not one query per item."""
    plan = make_plan(code, [item_yaml(str(n), DUE, support="[MTTQ]") for n in range(1, 41)])
    store_directive(sessions, plan, NOW)
    engine = sessions.kw["bind"]
    counts = []
    for limit in (4, 40):
        statements: list[str] = []

        def seen(*args: Any, _into: list[str] = statements) -> None:
            _into.append(args[2])

        event.listen(engine, "before_cursor_execute", seen)
        try:
            inp = LoadItemsInput(directive_code=code, offset=0, limit=limit)
            assert len(run(acts.load_items, inp).items) == limit
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 5, counts


def test_load_items_pages_in_file_order_with_utc_deadlines(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """Pages follow the file's order (not the numbers); groups are expanded; `due` is UTC."""
    plan = make_plan(
        code,
        [
            item_yaml("3", DUE, lead="[UBND, KHOI_VAN]", support="[DOAN_THE]"),
            item_yaml("1", DUE + timedelta(days=1)),
            item_yaml("10", DUE + timedelta(days=2)),
        ],
    )
    store_directive(sessions, plan, NOW)

    def page(offset: int, limit: int) -> list[ItemSpec]:
        inp = LoadItemsInput(directive_code=code, offset=offset, limit=limit)
        return list(run(acts.load_items, inp).items)

    first = page(0, 2)
    assert [i.number for i in first] == ["3", "1"]
    assert [i.number for i in page(2, 2)] == ["10"]
    assert page(3, 2) == []
    expected = ItemSpec(
        directive_code=code,
        number="3",
        title="Nhiệm vụ 3",
        committee="DANG_UY",
        lead=["UBND", "KHOI_VAN"],
        support=["DOAN_TN", "HOI_PN"],
        due=datetime(2031, 6, 30, 10, 0, tzinfo=UTC),
        remind_at=datetime(2031, 6, 27, 10, 0, tzinfo=UTC),
        escalate_every=timedelta(days=7),
    )
    basics = set(expected.model_fields_set)
    assert expected.model_dump(include=basics) == first[0].model_dump(include=basics)
    assert timedelta(0) == first[0].due.utcoffset()
    assert first[0].due_soon_at is not None  # the lifecycle fields travel with the spec


# --- datetimes -----------------------------------------------------------------------------


@pytest.mark.usefixtures("plan")
def test_recorded_instants_read_back_as_aware_utc(
    acts: RecordActivities, sessions: SessionFactory, code: str
) -> None:
    """An instant given in +07:00 is read back as the same instant, in UTC, on both backends."""
    at = datetime(2031, 6, 2, 8, 30, 15, 123456, tzinfo=VN)
    run(acts.record_assignment, RecordAssignmentInput(item=ref(code), at=at))
    run(acts.send_reminders, SendRemindersInput(item=ref(code), units=["UBND"], at=at))
    run(acts.record_escalation, RecordEscalationInput(item=ref(code), level=1, at=at))

    read = [
        item_row(sessions, code).assigned_at,
        *(r.at for r in rows(sessions, Reminder, code)),
        *(e.at for e in rows(sessions, Escalation, code)),
        *(n.created_at for n in notifications(sessions, code)),
    ]
    assert [(at, timedelta(0))] * 8 == [(t, t.utcoffset()) for t in read]
