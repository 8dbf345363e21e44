"""Storing plans and reading them back (status views, item lists) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import StatementError

from dondoc.db.models import Assignment, Directive, Escalation, Item, Reminder, Unit
from dondoc.db.queries import directive_view, list_items
from dondoc.db.session import SessionFactory
from dondoc.db.store import StoreOutcome, store_directive
from dondoc.db.upsert import insert_ignore
from dondoc.errors import UnknownDirective
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.messages import ItemStatus
from tests.helpers import item_yaml, make_plan

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PLUS_7 = timedelta(hours=7)
NOW = datetime(2031, 6, 15, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


def new_code() -> str:
    return f"A{uuid4().hex[:6]}-KH/ĐU"


def store(sessions: SessionFactory, items: list[str], code: str | None = None) -> str:
    code = code or new_code()
    assert store_directive(sessions, make_plan(code, items), NOW) == StoreOutcome.CREATED
    return code


def set_item(sessions: SessionFactory, code: str, number: str, **values: Any) -> None:
    """Stand in for the activities: write an item's recorded status directly."""
    with sessions.begin() as s:
        directive_id = select(Directive.id).where(Directive.code == code).scalar_subquery()
        s.execute(
            update(Item)
            .where(Item.directive_id == directive_id, Item.number == number)
            .values(**values)
        )


def item_id(sessions: SessionFactory, code: str, number: str) -> int:
    with sessions() as s:
        return s.scalars(
            select(Item.id)
            .join(Directive, Item.directive_id == Directive.id)
            .where(Directive.code == code, Item.number == number)
        ).one()


def counts(sessions: SessionFactory, code: str) -> tuple[int, int, int, int]:
    """(directives, units, items, assignments) stored under `code`."""
    with sessions() as s:
        ids = select(Directive.id).where(Directive.code == code).scalar_subquery()
        items = select(Item.id).where(Item.directive_id == ids).scalar_subquery()

        def count(stmt: Any) -> int:
            return int(s.scalar(select(func.count()).select_from(stmt.subquery())) or 0)

        return (
            count(select(Directive.id).where(Directive.code == code)),
            count(select(Unit.id).where(Unit.directive_id == ids)),
            count(select(Item.id).where(Item.directive_id == ids)),
            count(select(Assignment.id).where(Assignment.item_id.in_(items))),
        )


# --- store_directive -------------------------------------------------------------------------


def test_store_is_created_then_same_for_identical_content(sessions: SessionFactory) -> None:
    plan = make_plan(new_code(), [item_yaml("1", NOW + timedelta(days=5))])

    outcomes = [store_directive(sessions, plan, NOW) for _ in range(3)]

    assert outcomes == [StoreOutcome.CREATED, StoreOutcome.SAME, StoreOutcome.SAME]
    assert counts(sessions, plan.code) == (1, 6, 1, 2)


def test_same_code_with_other_content_is_a_conflict_that_writes_nothing(
    sessions: SessionFactory,
) -> None:
    code = store(sessions, [item_yaml("1", NOW + timedelta(days=5))])
    other: DirectivePlan = make_plan(
        code,
        [
            item_yaml("1", NOW + timedelta(days=6)),
            item_yaml("2", NOW + timedelta(days=7), lead="[UBND]"),
        ],
    )

    assert store_directive(sessions, other, NOW + timedelta(hours=1)) == StoreOutcome.CONFLICT
    assert counts(sessions, code) == (1, 6, 1, 2)
    with sessions() as s:
        d = s.scalars(select(Directive).where(Directive.code == code)).one()
        stored = (d.created_at, [(i.number, i.due) for i in d.items])
    assert (NOW, [("1", NOW + timedelta(days=5))]) == stored


# --- datetimes and the upsert primitive ----------------------------------------------------


def test_datetimes_round_trip_as_aware_utc(sessions: SessionFactory) -> None:
    """A +07:00 instant with microseconds comes back as the same instant in UTC."""
    created = datetime(2031, 6, 15, 10, 0, 1, 654321, tzinfo=VN)
    due = datetime(2031, 6, 30, 17, 0, tzinfo=VN)
    code = new_code()
    store_directive(sessions, make_plan(code, [item_yaml("1", due)]), created)

    with sessions() as s:
        d = s.scalars(select(Directive).where(Directive.code == code)).one()
        read = [d.created_at, d.items[0].due, d.items[0].remind_at]
    expected = [created, due, due - timedelta(days=3)]
    assert [(t, timedelta(0)) for t in expected] == [(t, t.utcoffset()) for t in read]


def test_naive_datetime_is_refused(sessions: SessionFactory) -> None:
    plan = make_plan(new_code(), [item_yaml("1", NOW + timedelta(days=5))])

    with pytest.raises(StatementError, match="naive datetime"):
        store_directive(sessions, plan, NOW.replace(tzinfo=None))
    assert counts(sessions, plan.code) == (0, 0, 0, 0)


def test_insert_ignore_returns_how_many_rows_were_new(sessions: SessionFactory) -> None:
    code = store(sessions, [item_yaml("1", NOW + timedelta(days=5))])
    item = item_id(sessions, code, "1")

    def reminder(unit: str) -> dict[str, Any]:
        key = f"{code}:test:{unit}"
        return {"key": key, "item_id": item, "unit_code": unit, "kind": "due", "at": NOW}

    with sessions.begin() as s:
        first = insert_ignore(s, Reminder, [reminder("UBND")])
    with sessions.begin() as s:
        second = insert_ignore(s, Reminder, [reminder("UBND"), reminder("MTTQ")])
    with sessions.begin() as s:
        third = insert_ignore(s, Reminder, [reminder("UBND"), reminder("MTTQ")])

    assert (first, second, third) == (1, 1, 0)


# --- directive_view ------------------------------------------------------------------------


def test_directive_view_lists_items_in_file_order(sessions: SessionFactory) -> None:
    due = NOW + timedelta(days=5)
    code = store(sessions, [item_yaml(n, due) for n in ("3", "1", "10", "2.a")])

    view = directive_view(sessions, code, NOW)

    assert [i.number for i in view.items] == ["3", "1", "10", "2.a"]
    assert (code, "DANG_UY", "Asia/Ho_Chi_Minh") == (
        view.directive.code,
        view.directive.committee,
        view.directive.timezone,
    )


def test_directive_view_status_follows_the_clock_for_open_items(sessions: SessionFactory) -> None:
    """Open items are overdue once past due (whatever was stored), and before it not received
    while no lead has acknowledged; closed ones keep their status."""
    past, future = NOW - timedelta(days=1), NOW + timedelta(days=1)
    code = store(
        sessions,
        [
            item_yaml("past", past),
            item_yaml("future", future),
            item_yaml("extended", future),
            item_yaml("at_now", NOW),
            item_yaml("on_time", past),
            item_yaml("late", future),
        ],
    )
    set_item(sessions, code, "extended", status="overdue")
    set_item(sessions, code, "on_time", status="completed_on_time", completed_at=past)
    set_item(sessions, code, "late", status="completed_late", completed_at=past)

    view = directive_view(sessions, code, NOW)

    expected = {
        "past": ItemStatus.OVERDUE,
        "future": ItemStatus.NOT_RECEIVED,
        "extended": ItemStatus.NOT_RECEIVED,
        "at_now": ItemStatus.NOT_RECEIVED,
        "on_time": ItemStatus.COMPLETED_ON_TIME,
        "late": ItemStatus.COMPLETED_LATE,
    }
    assert expected == {i.number: i.status for i in view.items}


def test_directive_view_shows_times_in_the_directive_timezone(sessions: SessionFactory) -> None:
    """Every instant in the view is at +07:00 and is the instant that was stored."""
    due = datetime(2031, 6, 30, 17, 0, tzinfo=VN)
    code = store(sessions, [item_yaml("1", due, lead="[KHOI_VAN]", support="[MTTQ]")])
    reported, reminded, escalated = NOW, NOW + timedelta(hours=1), NOW + timedelta(hours=2)
    done = due + timedelta(days=1)
    set_item(sessions, code, "1", status="completed_late", completed_at=done)
    item = item_id(sessions, code, "1")
    with sessions.begin() as s:
        s.execute(
            update(Assignment)
            .where(Assignment.item_id == item, Assignment.unit_code == "KHOI_VAN")
            .values(progress=100, done=True, last_report_at=reported)
        )
        s.add(
            Reminder(key=f"{code}:r", item_id=item, unit_code="KHOI_VAN", kind="due", at=reminded)
        )
        s.add(Escalation(key=f"{code}:e", item_id=item, level=1, to_unit="DANG_UY", at=escalated))

    (view,) = directive_view(sessions, code, NOW).items

    times = [
        view.due,
        view.completed_at,
        view.units[0].last_report_at,
        view.reminders[0].at,
        view.escalations[0].at,
    ]
    expected = [due, done, reported, reminded, escalated]
    assert [(t, PLUS_7) for t in expected] == [(t, t and t.utcoffset()) for t in times]
    assert [(u.code, u.name, u.progress, u.done) for u in view.units] == [
        ("KHOI_VAN", "Khối vận", 100, True),
        ("MTTQ", "Ủy ban MTTQ Việt Nam phường", 0, False),
    ]
    assert [(view.reminders[0].unit, view.escalations[0].level, view.escalations[0].to)] == [
        ("KHOI_VAN", 1, "DANG_UY")
    ]


def test_directive_view_of_unknown_code_raises(sessions: SessionFactory) -> None:
    with pytest.raises(UnknownDirective):
        directive_view(sessions, new_code(), NOW)


# --- list_items ----------------------------------------------------------------------------


def test_overdue_list_has_open_items_past_due_across_directives_by_due(
    sessions: SessionFactory,
) -> None:
    days = [timedelta(days=d) for d in range(6)]
    a = store(
        sessions,
        [
            item_yaml("a1", NOW - days[1]),
            item_yaml("a-done", NOW - days[4]),
            item_yaml("a-future", NOW + days[1]),
            item_yaml("a3", NOW - days[3]),
        ],
    )
    b = store(sessions, [item_yaml("b2", NOW - days[2]), item_yaml("b-now", NOW)])
    set_item(sessions, a, "a-done", status="completed_late", completed_at=NOW - days[1])

    found = [r for r in list_items(sessions, NOW, overdue=True) if r.directive_code in (a, b)]

    expected = [
        (a, "a3", ItemStatus.OVERDUE, NOW - days[3]),
        (b, "b2", ItemStatus.OVERDUE, NOW - days[2]),
        (a, "a1", ItemStatus.OVERDUE, NOW - days[1]),
    ]
    assert expected == [(r.directive_code, r.number, r.status, r.due) for r in found]
    assert {PLUS_7} == {r.due.utcoffset() for r in found}


def test_unit_filter_keeps_items_where_the_unit_is_assigned(sessions: SessionFactory) -> None:
    """A unit matches as lead or as support; the row lists only the lead units."""
    due = NOW + timedelta(days=3)
    code = store(
        sessions,
        [
            item_yaml("lead", due, lead="[HOI_PN]", support="[]"),
            item_yaml("support", due + timedelta(hours=1), lead="[UBND]", support="[DOAN_THE]"),
            item_yaml("other", due, lead="[KHOI_VAN]", support="[MTTQ]"),
        ],
    )

    found = [r for r in list_items(sessions, NOW, unit="HOI_PN") if r.directive_code == code]

    assert [(r.number, r.lead) for r in found] == [("lead", ["HOI_PN"]), ("support", ["UBND"])]
