"""`insert_new`, `insert_ignore` on SQLite and PostgreSQL: exactly the new rows, many at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from dondoc.db.models import Directive, Item, LedgerEntry, Reminder
from dondoc.db.session import SessionFactory
from dondoc.db.store import store_directive
from dondoc.db.upsert import insert_ignore, insert_new
from tests.helpers import item_yaml, make_plan

NOW = datetime(2031, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def item_id(sessions: SessionFactory) -> int:
    code = f"U{uuid4().hex[:6]}-KH/ĐU"
    store_directive(sessions, make_plan(code, [item_yaml("1", NOW)]), NOW)
    with sessions() as s:
        stmt = select(Item.id).join(Directive).where(Directive.code == code)
        found: int = s.scalars(stmt).one()
    return found


def reminders(item_id: int, *keys: str) -> list[dict[str, Any]]:
    return [
        {"key": f"{item_id}:{k}", "item_id": item_id, "unit_code": "UBND", "kind": "due", "at": NOW}
        for k in keys
    ]


def test_several_rows_at_once_insert_only_the_new_keys(
    sessions: SessionFactory, item_id: int
) -> None:
    """Some keys taken, some new, in one call: the new ones are inserted and returned, whole."""
    with sessions.begin() as s:
        first = insert_ignore(s, Reminder, reminders(item_id, "a", "b"))
    with sessions.begin() as s:
        again = insert_ignore(s, Reminder, reminders(item_id, "b", "c", "a", "d"))
    with sessions.begin() as s:
        whole = insert_new(s, Reminder, reminders(item_id, "e", "c"))
    with sessions() as s:
        keys = s.scalars(select(Reminder.key).where(Reminder.item_id == item_id)).all()

    expected = (2, 2, [(f"{item_id}:e", "UBND", NOW)], {f"{item_id}:{k}" for k in "abcde"})
    assert expected == (first, again, [(r.key, r.unit_code, r.at) for r in whole], set(keys))


def test_rows_in_any_key_order_get_their_values_and_the_defaults(
    sessions: SessionFactory, item_id: int
) -> None:
    """Rows naming the same columns in another order keep their own values; a column no row
    names gets its default (the ledger's `data` is `{}`)."""
    rows: list[dict[str, Any]] = [
        {"key": f"{item_id}:x", "item_id": item_id, "kind": "report", "at": NOW, "progress": 40},
        {
            "progress": None,
            "at": NOW,
            "kind": "received",
            "item_id": item_id,
            "key": f"{item_id}:y",
        },
    ]
    with sessions.begin() as s:
        inserted = insert_ignore(s, LedgerEntry, rows)
    with sessions() as s:
        stored = s.execute(
            select(LedgerEntry.key, LedgerEntry.kind, LedgerEntry.progress, LedgerEntry.data)
            .where(LedgerEntry.item_id == item_id)
            .order_by(LedgerEntry.key)
        ).all()

    expected = [(f"{item_id}:x", "report", 40, {}), (f"{item_id}:y", "received", None, {})]
    assert (2, expected) == (inserted, [tuple(r) for r in stored])
