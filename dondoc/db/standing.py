"""Each item's standing over time, kept beside the ledger so a cut-off reads one row per item.

An item's category at a cut-off T depends on T only through "is T past the deadline in force":
between two of its ledger instants everything else is fixed. So the item's ledger, folded by
`asof.ItemAt` (the rule `status --as-of` uses), is cut into segments [since, until) of constant
standing, each with its category at or before the deadline and past it. `refresh` rebuilds an
item's segments in the transaction that appends to its ledger; the summary (`db/summary.py`)
then takes the rows in force at T from one range and counts them in the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, case, delete, insert, select
from sqlalchemy.orm import Session

from dondoc.db.asof import COLUMNS, STANDING, ItemAt, L
from dondoc.db.models import Directive, Item, StandingSegment
from dondoc.schemas.summary import Category, LedgerKind

S = StandingSegment
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)  # `until` of the segment still in force
_PAST = timedelta(microseconds=1)
# What can move a standing (a report's progress cannot; its receipt comes as its own entry).
MOVES = frozenset(k.value for k in LedgerKind if k != LedgerKind.REPORT)


class Facts(NamedTuple):
    """What the summary and a paged `status --as-of` read of an item over one segment."""

    due: datetime
    due_day: int  # date.toordinal() in the directive's timezone
    before: str  # the category at or before `due`
    after: str  # the category past `due`
    done_day: int | None  # a late completion's counted day
    closed_day: int | None  # completed or recalled on
    units: list[list[str]]  # [[code, role], …] of the active units, sorted
    soon: datetime | None  # from when it is due soon
    early: str  # the status before `soon`
    near: str  # the status from `soon` to `due`
    late: str  # the status past `due`


def in_force(at: datetime) -> ColumnElement[bool]:
    """The segments in force at `at`: since ≤ at < until."""
    return and_(S.until > at, S.since <= at)


def _day(instant: datetime, tz: ZoneInfo) -> int:
    return instant.astimezone(tz).date().toordinal()


def facts(st: ItemAt, tz: ZoneInfo) -> Facts | None:
    """What an item folded up to some instant says for any cut-off until its next entry (None
    before it is assigned with a deadline). The cut-off matters to its category only through
    "past the deadline?", to its status also through "due soon yet?": both are kept."""
    if st.assigned_at is None or not st.deadlines:
        return None
    due, soon = st.due, st.due_soon_at
    before, after = st.category(due), st.category(due + _PAST)
    done_day = None
    if before == Category.COMPLETED_LATE and st.done_at is not None:
        done_day = _day(st.done_at, tz)
    closed_at = st.completed_at if before.completed else st.recalled_at
    closed_day = _day(closed_at, tz) if closed_at is not None else None
    units = sorted([u.code, u.role] for u in st.units.values() if u.active)
    near = st.status(due)
    early = st.status(soon - _PAST) if soon is not None and soon <= due else near
    late = st.status(due + _PAST)
    return Facts(
        due,
        _day(due, tz),
        before.value,
        after.value,
        done_day,
        closed_day,
        units,
        soon,
        early.value,
        near.value,
        late.value,
    )


def segments(rows: Iterable[Any], tz: ZoneInfo) -> Iterator[tuple[datetime, datetime, Facts]]:
    """(since, until, facts) of one item from its ledger rows in (at, id) order."""
    st: ItemAt | None = None
    current: tuple[datetime, Facts] | None = None
    pending: list[Any] = []

    def settle() -> Iterator[tuple[datetime, datetime, Facts]]:
        nonlocal current
        assert st is not None
        for r in pending:
            st.apply(r)
        now = facts(st, tz)
        if current is not None and now != current[1]:
            yield current[0], pending[0].at, current[1]
            current = None
        if current is None and now is not None:
            current = (pending[0].at, now)
        pending.clear()

    for r in rows:
        if st is None:
            st = ItemAt(r.item_id)
        if pending and r.at != pending[0].at:
            yield from settle()
        pending.append(r)
    if pending:
        yield from settle()
    if current is not None:
        yield current[0], FOREVER, current[1]


def _rows(
    item_id: int, directive_id: int, spans: Iterable[tuple[datetime, datetime, Facts]]
) -> Iterator[dict[str, Any]]:
    for since, until, f in spans:
        yield {
            **f._asdict(),
            "until": until,
            "item_id": item_id,
            "since": since,
            "directive_id": directive_id,
            "units": json.dumps(f.units, ensure_ascii=False),
        }


def status_at(at: datetime) -> ColumnElement[str]:
    """A segment's status at `at` (`schemas.status.derive_status`'s clock, in SQL)."""
    expr: ColumnElement[str] = case(
        (S.due < at, S.late), (and_(S.soon.is_not(None), S.soon <= at), S.near), else_=S.early
    )
    return expr


def units_of(text: str) -> list[tuple[str, str]]:
    """The (code, role) pairs a segment's `units` holds."""
    return [(code, role) for code, role in json.loads(text)]


# Built once: the hot path only binds the ids. Two transactions rebuilding one item
# (PostgreSQL) take turns on the item's row, and the second reads the entries in a statement of
# its own after the wait, so it sees the first's (one statement that both locked and read would
# read the ledger as it was before the wait). NO KEY UPDATE: the ledger rows both inserted hold
# KEY SHARE on the item, which FOR UPDATE would deadlock on. SQLite has one writer: no lock.
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_LOCK = select(Item.id).where(Item.id.in_(_IDS)).order_by(Item.id).with_for_update(key_share=True)
_ENTRIES = (
    select(*COLUMNS, Item.directive_id, Directive.timezone)
    .join(Item, Item.id == L.item_id)
    .join(Directive, Directive.id == Item.directive_id)
    .where(L.item_id.in_(_IDS), STANDING)
    .order_by(L.item_id, L.at, L.id)
)
_DELETE = delete(S).where(S.item_id.in_(_IDS))
_INSERT = insert(S)


_AWAITING_RECEIPT = (
    select(S.item_id).where(S.item_id.in_(_IDS), S.before == Category.NOT_RECEIVED.value).distinct()
)


def affected(s: Session, rows: Iterable[dict[str, Any]]) -> list[int]:
    """The items whose standing these new ledger rows may move. A report's progress moves none;
    a receipt only that of an item shown as not yet received at some time (the rest of a
    unit's first reports cost one indexed read, not a rebuild)."""
    moved, received = set(), set()
    for r in rows:
        if r["kind"] == LedgerKind.RECEIVED.value:
            received.add(r["item_id"])
        elif r["kind"] in MOVES:
            moved.add(r["item_id"])
    received -= moved
    if received:
        found = s.connection().execute(_AWAITING_RECEIPT, {"ids": sorted(received)})
        moved.update(found.scalars())
    return sorted(moved)


def refresh(s: Session, item_ids: Sequence[int]) -> None:
    """Rebuild the segments of these items from their ledgers (in the caller's transaction)."""
    if not item_ids:
        return
    conn, ids = s.connection(), {"ids": list(item_ids)}
    if conn.dialect.name != "sqlite":
        conn.execute(_LOCK, ids)
    by_item: dict[int, list[Any]] = {}
    for r in conn.execute(_ENTRIES, ids):
        by_item.setdefault(r.item_id, []).append(r)
    conn.execute(_DELETE, ids)
    out: list[dict[str, Any]] = []
    for item_id, rows in by_item.items():
        directive_id, tz = rows[0].directive_id, ZoneInfo(rows[0].timezone)
        out += _rows(item_id, directive_id, segments(rows, tz))
    if out:
        conn.execute(_INSERT, out)


def rebuild(s: Session, batch: int = 500) -> int:
    """Every item's segments (the migration's back-fill, `dondoc migrate`); returns the items."""
    ids = list(s.scalars(select(Item.id).order_by(Item.id)))
    for k in range(0, len(ids), batch):
        refresh(s, ids[k : k + batch])
    return len(ids)
