"""Figure 4: `dondoc list --overdue` over many open items, on SQLite and PostgreSQL, with plans."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, text

from dondoc.db.migrate import upgrade
from dondoc.db.models import Assignment, Directive, Item
from dondoc.db.queries import list_items
from dondoc.db.session import make_engine, session_factory

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PAGE = 50  # what a supervisor's screen shows
DIRECTIVE_ITEMS = 1000
CHUNK = 10_000


@dataclass(frozen=True)
class ListTimes:
    backend: str
    rows_all: int
    all_ms: list[float]
    page_ms: list[float]
    explain: dict[str, str]


def seed(engine: Engine, open_items: int, now: datetime) -> None:
    """`open_items` open items (80% of them past due) and as many completed ones, 2 units each."""
    sessions = session_factory(engine)
    total = 2 * open_items
    directives = (total + DIRECTIVE_ITEMS - 1) // DIRECTIVE_ITEMS
    with sessions.begin() as s:
        s.execute(insert(Directive), [_directive(d, now) for d in range(1, directives + 1)])
        for start in range(0, total, CHUNK):
            ids = range(start + 1, min(total, start + CHUNK) + 1)
            s.execute(insert(Item), [_item(i, open_items, now) for i in ids])
            s.execute(
                insert(Assignment),
                [{"item_id": i, "unit_code": "KHOI_VAN", "role": "lead"} for i in ids]
                + [{"item_id": i, "unit_code": "MTTQ", "role": "support"} for i in ids],
            )


def _directive(d: int, now: datetime) -> dict[str, Any]:
    return {
        "id": d,
        "code": f"{d}-KH/ĐU",
        "title": f"Chỉ thị {d}",
        "committee": "DANG_UY",
        "timezone": "Asia/Ho_Chi_Minh",
        "content_hash": f"{d:064d}",
        "workflow_id": f"dondoc/{d}-KH/ĐU",
        "created_at": now - timedelta(days=120),
    }


def _item(i: int, open_items: int, now: datetime) -> dict[str, Any]:
    closed = i > open_items
    due = now + timedelta(days=20) - timedelta(days=100) * ((i * 7919) % open_items) / open_items
    return {
        "id": i,
        "directive_id": (i - 1) // DIRECTIVE_ITEMS + 1,
        "number": str((i - 1) % DIRECTIVE_ITEMS + 1),
        "position": (i - 1) % DIRECTIVE_ITEMS + 1,
        "title": f"Nhiệm vụ {i}",
        "workflow_id": f"dondoc/item/{i}",
        "due": due,
        "remind_at": due - timedelta(days=3),
        "escalate_every_s": 7 * 86400,
        "status": "completed_on_time" if closed else "in_progress",
        "assigned_at": now - timedelta(days=110),
        "completed_at": due - timedelta(hours=1) if closed else None,
    }


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with parameters) that the engine runs inside the block."""
    seen: list[tuple[str, Any]] = []

    def hook(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", hook)


def explain(engine: Engine, statement: str, params: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, params).all()
    if engine.dialect.name == "sqlite":
        return "\n".join(f"{r[0]:>3} {r[1]:>3}  {r[3]}" for r in rows)
    return "\n".join(str(r[0]) for r in rows)


def measure(engine: Engine, backend: str, open_items: int, runs: int) -> ListTimes:
    now = datetime.now(UTC)
    seed(engine, open_items, now)
    if engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load; without statistics the planner
        # scans all of `assignments` for each page (measured: ~90 ms instead of a few).
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    sessions = session_factory(engine)
    list_items(sessions, now, overdue=True, limit=PAGE)  # warm the connection and caches

    def timed(limit: int | None) -> float:
        t0 = time.perf_counter()
        list_items(sessions, now, overdue=True, limit=limit)
        return (time.perf_counter() - t0) * 1000

    with captured(engine) as page_sql:
        list_items(sessions, now, overdue=True, limit=PAGE)
    with captured(engine) as all_sql:
        rows_all = len(list_items(sessions, now, overdue=True))
    plans = {
        "page_query": explain(engine, *page_sql[0]),
        "page_assignments": explain(engine, *page_sql[1]),
        "all_query": explain(engine, *all_sql[0]),
        "all_assignment_batches": str(len(all_sql) - 1),
    }
    return ListTimes(
        backend,
        rows_all,
        all_ms=[timed(None) for _ in range(3)],
        page_ms=[timed(PAGE) for _ in range(runs)],
        explain=plans,
    )


def on_sqlite(open_items: int, runs: int) -> ListTimes:
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-lists-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'dondoc.sqlite'}")
        upgrade(engine)
        try:
            return measure(engine, "sqlite", open_items, runs)
        finally:
            engine.dispose()


def on_postgres(open_items: int, runs: int) -> ListTimes | None:
    """In a fresh schema, dropped afterwards; None when PostgreSQL is not reachable."""
    admin = create_engine(PG_URL)
    schema = f"dondoc_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception:
        admin.dispose()
        return None
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        return measure(engine, "postgresql", open_items, runs)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
