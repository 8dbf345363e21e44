"""The standing segments say at every cut-off what folding the ledger up to it says.

The summary counts segments (`db/standing.py`) instead of folding each item's ledger; these tests
hold the two readings together: on random ledgers without a database (hypothesis), and over a few
hundred items on SQLite and PostgreSQL through the summary itself, against a tally written here
from `asof.fold` (the rule `status --as-of` uses).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dondoc.db import ledger, standing
from dondoc.db.asof import ItemAt, fold
from dondoc.db.models import Directive, Item, StandingSegment
from dondoc.db.session import SessionFactory
from dondoc.db.summary import summarize
from dondoc.schemas.summary import Category, Cutoff, Period
from dondoc.schemas.summary import LedgerKind as K

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2024, 1, 1, 1, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
UNITS = ["KV", "MT", "DTN"]


def _row(n: int, kind: K, at: datetime, **f: Any) -> SimpleNamespace:
    fields = ("unit_code", "role", "seq", "due", "progress", "done", "status", "done_at")
    base = dict.fromkeys((*fields, "receipt", "due_soon_at", "cause", "reason"))
    return SimpleNamespace(**{**base, "id": n, "item_id": 1, "kind": kind, "at": at, **f})


@st.composite
def ledgers(draw: st.DrawFn) -> list[SimpleNamespace]:
    """An item's standing entries in (at, id) order: assignments, deadlines moved back and forth,
    receipts, refusals and their decisions, reviews, completions, recalls, several at one
    instant."""
    rows = [
        _row(0, K.ASSIGNED, T0, unit_code="KV", role="lead", receipt=draw(st.booleans())),
        _row(1, K.DEADLINE, T0, seq=0, due=T0 + draw(st.integers(1, 30)) * DAY),
    ]
    at, seq = T0, 0
    for n in range(2, 2 + draw(st.integers(0, 12))):
        at += draw(st.sampled_from([timedelta(0), HOUR, DAY, 5 * DAY]))
        unit = draw(st.sampled_from(UNITS))
        kind = draw(st.sampled_from([k for k in K if k != K.REPORT]))
        f: dict[str, Any] = {"unit_code": unit}
        if kind == K.ASSIGNED:
            f["role"] = draw(st.sampled_from(["lead", "support"]))
        elif kind == K.DEADLINE:
            seq += 1
            due = at + draw(st.integers(-3, 20)) * DAY
            soon = draw(st.sampled_from([None, due - 2 * DAY, due - 6 * HOUR]))
            f = {"seq": seq, "due": due, "due_soon_at": soon.isoformat() if soon else None}
        elif kind == K.COMPLETED:
            late = draw(st.booleans())
            f = {"status": "completed_late" if late else "completed_on_time", "done_at": at}
        rows.append(_row(n, kind, at, **f))
    return rows


def _folded(rows: list[SimpleNamespace], at: datetime) -> ItemAt | None:
    state = ItemAt(1)
    for r in rows:
        if r.at <= at:
            state.apply(r)
    return state if state.assigned_at is not None and state.deadlines else None


@settings(max_examples=300, deadline=None)
@given(rows=ledgers(), probe=st.integers(-2, 60 * 24))
def test_the_segment_in_force_gives_the_folded_category_units_and_days(
    rows: list[SimpleNamespace], probe: int
) -> None:
    at = T0 + probe * HOUR
    spans = list(standing.segments(rows, TZ))
    in_force = [f for since, until, f in spans if since <= at < until]
    state = _folded(rows, at)
    if state is None:
        assert in_force == []
        return
    assert len(in_force) == 1
    f = in_force[0]
    category = state.category(at)
    assert (f.after if at > f.due else f.before) == category.value
    status = f.late if at > f.due else f.near if f.soon and f.soon <= at else f.early
    assert status == state.status(at).value
    assert f.due == state.due
    assert f.units == sorted([u.code, u.role] for u in state.units.values() if u.active)
    closed = state.completed_at if category.completed else state.recalled_at
    assert f.closed_day == (closed.astimezone(TZ).date().toordinal() if closed else None)
    if category == Category.COMPLETED_LATE and state.done_at is not None:
        assert f.done_day == state.done_at.astimezone(TZ).date().toordinal()


@settings(max_examples=100, deadline=None)
@given(rows=ledgers())
def test_segments_follow_each_other_without_gaps_or_overlaps(rows: list[SimpleNamespace]) -> None:
    spans = list(standing.segments(rows, TZ))
    for (_, until, first), (since, _, second) in itertools.pairwise(spans):
        assert until == since
        assert first != second
    assert all(since < until for since, until, _ in spans)
    assert not spans or spans[-1][1] == standing.FOREVER


# -- through the summary, on both backends ----------------------------------------------------


def _reference(sessions: SessionFactory, code: str, at: datetime, period: Period | None) -> Any:
    """Per (unit, role) and in total: the categories of the items folded at `at`, the rule
    written out here (in scope with a period: due in it, closed in it, or open and carried)."""
    day = lambda t: t.astimezone(TZ).date()  # noqa: E731
    per: dict[tuple[str, str], Counter[str]] = {}
    total: Counter[str] = Counter()
    with sessions() as s:
        ids = select(Item.id).join(Directive).where(Directive.code == code)
        for state in fold(s, ids, at).values():
            category = state.category(at)
            closed = state.completed_at if category.completed else state.recalled_at
            due_in = False
            if period is not None:
                due_in = period.start <= day(state.due) <= period.end
                closed_in = closed is not None and period.start <= day(closed) <= period.end
                if not (due_in or closed_in or (closed is None and day(state.due) < period.start)):
                    continue
            due_counted = state.due <= at if period is None else due_in
            late_until = None
            if category == Category.COMPLETED_LATE and state.done_at is not None:
                late_until = day(state.done_at)
            elif category == Category.IN_PROGRESS_OVERDUE:
                late_until = day(at)
            days = max(1, (late_until - day(state.due)).days) if late_until else 0
            tally = Counter({category.value: 1, "due_in_period": int(due_counted), "days": days})
            total.update(tally)
            for u in state.units.values():
                if u.active:
                    per.setdefault((u.code, u.role), Counter()).update(tally)
    return total, per


def _counts(row: Any) -> Counter[str]:
    counts = {c.value: getattr(row.counts, c.value) for c in Category}
    due, days = row.counts.due_in_period, row.counts.overdue_days
    return +Counter({**counts, "due_in_period": due, "days": days})


@pytest.fixture
def many(sessions: SessionFactory) -> tuple[SessionFactory, str]:
    """300 items of the summary benchmark's shape (extended, late, recalled, on time), under
    unit codes of their own: the database is shared with other tests (a unit's inbox lists its
    open items across every directive)."""
    import uuid

    from sqlalchemy import insert

    from bench.summary import UNITS as BENCH_UNITS
    from bench.summary import _item
    from dondoc.db.models import Assignment, LedgerEntry, Unit

    code = f"S{uuid.uuid4().hex[:6]}-KH/ĐU"
    with sessions.begin() as s:
        d = Directive(
            code=code,
            title="Kế hoạch",
            committee="DANG_UY",
            timezone="Asia/Ho_Chi_Minh",
            content_hash="0" * 64,
            workflow_id=f"wf/{code}",
            created_at=T0,
        )
        s.add(d)
        s.flush()
        own = {u: f"{u}_{code[1:7]}" for u in BENCH_UNITS}
        s.execute(
            insert(Unit), [{"directive_id": d.id, "code": c, "name": c} for c in own.values()]
        )
        base = int(s.scalar(select(Item.id).order_by(Item.id.desc()).limit(1)) or 0) + 1000
        rows = [_item(base + i, d.id, i) for i in range(300)]
        for r, units, es in rows:
            r["workflow_id"] = f"{code}/{r['id']}"
            for a in units:
                a["unit_code"] = own[a["unit_code"]]
            for e in es:
                e["key"] = f"{code}:{e['key']}"
                e["unit_code"] = own.get(e["unit_code"], e["unit_code"])
        s.execute(insert(Item), [r for r, _, _ in rows])
        s.execute(insert(Assignment), [a for _, units, _ in rows for a in units])
        s.execute(insert(LedgerEntry), [e for _, _, es in rows for e in es])
        standing.refresh(s, [r["id"] for r, _, _ in rows])
    return sessions, code


@pytest.mark.parametrize(
    ("cut", "period"),
    [
        ("2024-01-01", None),
        ("2024-03-15", None),
        ("2024-06-30", None),
        ("2024-06-30", "2024-Q2"),
        ("2024-12-31", "2024-05"),
        ("2025-06-30", "2024"),
    ],
)
def test_the_summary_counts_what_folding_every_item_gives(
    many: tuple[SessionFactory, str], cut: str, period: str | None
) -> None:
    sessions, code = many
    cutoff, p = Cutoff.parse(cut), Period.parse(period) if period else None
    at = cutoff.resolve("Asia/Ho_Chi_Minh")
    total, per = _reference(sessions, code, at, p)
    summary = summarize(sessions, now=at, cutoff=cutoff, period=p, directive=code, by="unit")
    assert _counts(summary.total) == total
    assert {(r.key, r.role): _counts(r) for r in summary.rows} == {
        k: v for k, v in per.items() if v
    }
    assert sum(total.values()) > 0


def test_two_transactions_rebuilding_one_item_both_land(many: tuple[SessionFactory, str]) -> None:
    """Two writers append to one item's ledger at once (PostgreSQL runs them concurrently): the
    second's rebuild waits for the first to commit and includes the first's entry (the first
    recall, day 200, not its own of day 201); neither fails."""
    sessions, code = many
    with sessions() as s:
        if s.get_bind().dialect.name == "sqlite":
            pytest.skip("SQLite has one writer at a time: nothing runs concurrently")
        ids = s.scalars(select(Item.id).join(Directive).where(Directive.code == code))
        item_id = next(i for i in ids if i % 50 != 1)  # one the benchmark's shape never recalls
    first_wrote, errors = threading.Event(), []

    def write(n: int) -> None:
        try:
            if n == 1:
                assert first_wrote.wait(timeout=10)
            with sessions.begin() as s:
                it = s.get(Item, item_id)
                assert it is not None
                at = T0 + (200 + n) * DAY
                ledger.append(s, [ledger.entry(it, f"x:{n}", K.RECALLED, at)])
                if n == 0:  # the second now appends and waits to rebuild until this commits
                    first_wrote.set()
                    time.sleep(0.5)
        except Exception as exc:  # pragma: no cover - the failure this test is for
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sessions() as s:
        spans = s.scalars(select(StandingSegment).where(StandingSegment.item_id == item_id)).all()
    assert spans[-1].until == standing.FOREVER
    recalled = [sp for sp in spans if sp.before == Category.RECALLED.value]
    assert recalled
    assert min(sp.since for sp in recalled) == T0 + 200 * DAY
    assert date.fromordinal(recalled[0].closed_day or 0) == (T0 + 200 * DAY).astimezone(TZ).date()


def test_a_receipt_moves_the_standing_only_of_an_item_awaiting_it(
    many: tuple[SessionFactory, str],
) -> None:
    """A lead added with receipt tracked makes the item 'not received' until its receipt; the
    receipt (a unit's first word) then rebuilds it. A receipt on an item that tracks none moves
    nothing and rebuilds nothing."""
    sessions, code = many

    def before_at(item_id: int, at: datetime) -> str:
        with sessions() as s:
            seg = StandingSegment
            return s.scalars(
                select(seg.before).where(seg.item_id == item_id, standing.in_force(at))
            ).one()

    with sessions.begin() as s:
        first, other = s.scalars(
            select(Item).join(Directive).where(Directive.code == code).order_by(Item.id).limit(2)
        ).all()
        ids = (first.id, other.id)
        ledger.append(
            s,
            [
                ledger.entry(
                    first,
                    "x:assign",
                    K.ASSIGNED,
                    T0 + HOUR,
                    unit_code="NEW",
                    role="lead",
                    data={"receipt": True},
                )
            ],
        )
    assert before_at(ids[0], T0 + 2 * DAY) == Category.NOT_RECEIVED.value
    with sessions.begin() as s:
        first, other = s.get(Item, ids[0]), s.get(Item, ids[1])
        assert first is not None
        assert other is not None
        rows = [
            ledger.entry(first, "x:received", K.RECEIVED, T0 + 3 * DAY, unit_code="NEW"),
            ledger.entry(other, "x:received", K.RECEIVED, T0 + 3 * DAY, unit_code="UBND"),
        ]
        assert standing.affected(s, rows) == [ids[0]]
        ledger.append(s, rows)
    assert before_at(ids[0], T0 + 2 * DAY) == Category.NOT_RECEIVED.value
    assert before_at(ids[0], T0 + 4 * DAY) == Category.IN_PROGRESS_ON_TIME.value


@pytest.mark.parametrize("cut", ["2024-01-01", "2024-03-15", "2024-06-30", "2025-06-30"])
def test_a_paged_status_as_of_counts_and_shows_what_the_full_listing_does(
    many: tuple[SessionFactory, str], cut: str
) -> None:
    """Paged, `status --as-of` counts every item per status from the standing and folds only the
    page: the counts are the full listing's, the pages hold every item once, open ones by the
    deadline in force before the closed, each item as the full listing shows it."""
    from dondoc.db.asof_view import directive_at

    sessions, code = many
    cutoff = Cutoff.parse(cut)
    full = directive_at(sessions, code, cutoff)
    pages = [directive_at(sessions, code, cutoff, limit=70, page=n) for n in range(1, 6)]
    assert all(p.status_counts == dict(sorted(full.status_counts.items())) for p in pages)
    assert all(p.total_items == full.total_items == 300 for p in pages)
    shown = [i for p in pages for i in p.items]
    assert sorted(shown, key=lambda i: i.number) == sorted(full.items, key=lambda i: i.number)
    keys = [(i.status.closed, i.due) for i in shown]
    assert keys == sorted(keys)
    assert len(pages[-1].items) == 300 - 4 * 70
