"""Issue 11's figures: `summary` and `status --as-of` over many items and ledger rows, on SQLite
and PostgreSQL, with the query plans; XLSX export of one large directive.

    .venv/bin/python -m bench.summary                      # full: 50,000 items, ~500,000 rows
    .venv/bin/python -m bench.summary --items 5000 --export-items 2000 --runs 5   # reduced
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, func, insert, select, text, true

from bench.harness import percentile
from dondoc.db.asof import entries
from dondoc.db.asof_view import directive_at, page_queries
from dondoc.db.migrate import upgrade
from dondoc.db.models import Assignment, Directive, Item, LedgerEntry, Unit
from dondoc.db.session import make_engine, session_factory
from dondoc.db.standing import S, rebuild
from dondoc.db.summary import summarize, tally
from dondoc.exports.report import build_report
from dondoc.exports.xlsx import write_xlsx
from dondoc.schemas.summary import Cutoff

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PER_DIRECTIVE = 1000
UNITS = ["KHOI_VAN", "UBND", "MTTQ", "DOAN_TN", "HOI_PN", "CCB", "HOI_ND", "CHI_BO"]
T0 = datetime(2024, 1, 1, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def seed(engine: Engine, items: int, export_items: int) -> None:
    """`items` items in directives of 1,000 (the first one of `export_items`), about ten ledger
    rows each: two units assigned, a deadline, two receipts, four reports; one in five extended,
    seven in ten completed (a fifth of those late), one in fifty recalled."""
    sessions = session_factory(engine)
    sizes = [export_items] + [PER_DIRECTIVE] * (
        (items - export_items + PER_DIRECTIVE - 1) // PER_DIRECTIVE
    )
    with sessions.begin() as s:
        first = 1
        for d, size in enumerate(sizes, start=1):
            s.execute(
                insert(Directive),
                [
                    {
                        "id": d,
                        "code": f"{d}-KH/ĐU",
                        "title": f"Kế hoạch {d}",
                        "committee": "DANG_UY",
                        "timezone": "Asia/Ho_Chi_Minh",
                        "content_hash": "0" * 64,
                        "workflow_id": f"wf/{d}",
                        "created_at": T0,
                    }
                ],
            )
            s.execute(
                insert(Unit), [{"directive_id": d, "code": u, "name": f"Đơn vị {u}"} for u in UNITS]
            )
            ids = range(first, min(first + size, items + 1))
            rows = [_item(i, d, i - first) for i in ids]
            s.execute(insert(Item), [r for r, _, _ in rows])
            s.execute(insert(Assignment), [a for _, units, _ in rows for a in units])
            ledger = [e for _, _, es in rows for e in es]
            for k in range(0, len(ledger), 20_000):
                s.execute(insert(LedgerEntry), ledger[k : k + 20_000])
            first += size
            if first > items:
                break


def _item(
    i: int, d: int, pos: int
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    wf, due = f"wf/{d}/{i}", T0 + (30 + i % 300) * DAY
    lead, support = UNITS[i % len(UNITS)], UNITS[(i + 3) % len(UNITS)]
    extended, done, late, recalled = i % 5 == 0, i % 10 < 7, i % 35 == 0, i % 50 == 1
    final = due + 20 * DAY if extended else due
    closed = (final - DAY * (3 if not late else -4)) if done and not recalled else None
    item = {
        "id": i,
        "directive_id": d,
        "number": str(pos + 1),
        "position": pos,
        "title": f"Nhiệm vụ {i}",
        "workflow_id": wf,
        "due": final,
        "remind_at": final - 3 * DAY,
        "escalate_every_s": 604800,
        "status": "in_progress",
        "assigned_at": T0,
        "completed_at": closed,
    }
    units = [
        {"item_id": i, "unit_code": lead, "role": "lead"},
        {"item_id": i, "unit_code": support, "role": "support"},
    ]

    def e(key: str, kind: str, at: datetime, **f: Any) -> dict[str, Any]:
        base = {
            "unit_code": None,
            "role": None,
            "seq": None,
            "due": None,
            "progress": None,
            "done": None,
            "status": None,
            "done_at": None,
            "data": {},
        }
        return {**base, "key": f"{wf}:{key}", "item_id": i, "kind": kind, "at": at, **f}

    rows = [
        e("a:l", "assigned", T0, unit_code=lead, role="lead"),
        e("a:s", "assigned", T0, unit_code=support, role="support"),
        e("d0", "deadline", T0, seq=0, due=due, data={"cause": "initial"}),
        e("r:l", "received", T0 + DAY, unit_code=lead),
        e("r:s", "received", T0 + 2 * DAY, unit_code=support),
    ]
    for n in range(4):
        at = T0 + (5 + n * 7) * DAY
        rows.append(e(f"p{n}", "report", at, unit_code=lead, progress=20 * (n + 1), done=False))
    if extended:
        rows.append(
            e(
                "d1",
                "deadline",
                due - 2 * DAY,
                seq=1,
                due=final,
                data={"cause": "extension_approved"},
            )
        )
    if recalled:
        rows.append(e("x", "recalled", T0 + 10 * DAY))
    elif closed is not None:
        status = "completed_late" if late else "completed_on_time"
        rows.append(e("c", "completed", closed, status=status, done_at=closed))
    return item, units, rows


def timed(fn: Any, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def plans(engine: Engine, at: datetime) -> dict[str, str]:
    """The plans of the summary's counting statement (every item, by unit) and of the as-of
    statement of one directive."""
    with engine.connect() as conn:
        ids = select(Item.id).where(Item.directive_id == 2)
        one = list(conn.scalars(ids))
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    out = {}
    for name, stmt in (
        ("summary", tally([S.units], at, tz, None, true())),
        ("status_as_of_counts", page_queries(2, at)[0]),
        ("status_as_of_page", page_queries(2, at)[1].limit(50)),
        ("status_as_of_entries_all", entries(one, at)),
    ):
        compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
        with engine.connect() as conn:
            out[name] = "\n".join(
                " ".join(str(c) for c in r) for r in conn.execute(text(prefix + str(compiled)))
            )
    return out


@contextmanager
def database(backend: str) -> Iterator[Engine]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.sqlite")
            yield engine
            engine.dispose()
        return
    schema = f"bench_summary_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(backend: str, items: int, export_items: int, runs: int) -> dict[str, Any]:
    with database(backend) as engine:
        upgrade(engine)
        seed(engine, items, export_items)
        if backend == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        sessions = session_factory(engine)
        started = time.perf_counter()
        with sessions.begin() as s:
            rebuild(s)  # what migration 0007 does to a database of the previous version
        rebuild_s = time.perf_counter() - started
        if backend == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        with sessions() as s:
            ledger_rows = int(s.scalar(select(func.count()).select_from(LedgerEntry)) or 0)
            segments = int(s.scalar(select(func.count()).select_from(S)) or 0)
        cut = Cutoff.parse("2024-06-30")
        now = datetime.now(UTC)
        summary_ms = timed(lambda: summarize(sessions, now=now, cutoff=cut), runs)
        # `dondoc status CODE --as-of T` as the command runs it: the counts over every item and
        # the first page of 50, of the largest directive and of a 1,000-item one; then every
        # item of the 1,000 (`--limit 0`, what the export reads).
        as_of_ms = timed(lambda: directive_at(sessions, "1-KH/ĐU", cut, limit=50), runs)
        as_of_1000_ms = timed(lambda: directive_at(sessions, "2-KH/ĐU", cut, limit=50), runs)
        as_of_all_ms = timed(lambda: directive_at(sessions, "2-KH/ĐU", cut), runs)
        with tempfile.TemporaryDirectory() as tmp:
            export_ms = timed(
                lambda: write_xlsx(build_report(sessions, "1-KH/ĐU", cut), Path(tmp) / "x.xlsx"), 1
            )
        return {
            "backend": backend,
            "items": items,
            "ledger_rows": ledger_rows,
            "standing_rows": segments,
            "standing_rebuild_s": round(rebuild_s, 1),
            "runs": runs,
            "summary_p50_ms": round(percentile(summary_ms, 50), 1),
            "summary_p95_ms": round(percentile(summary_ms, 95), 1),
            f"status_as_of_{export_items}_items_p95_ms": round(percentile(as_of_ms, 95), 1),
            "status_as_of_1000_items_p95_ms": round(percentile(as_of_1000_ms, 95), 1),
            "status_as_of_1000_items_all_p50_ms": round(percentile(as_of_all_ms, 50), 1),
            "status_as_of_1000_items_all_p95_ms": round(percentile(as_of_all_ms, 95), 1),
            f"export_xlsx_{export_items}_items_s": round(export_ms[0] / 1000, 2),
            "plans": plans(engine, cut.resolve("Asia/Ho_Chi_Minh")),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--export-items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for b in backends:
        print(
            json.dumps(
                run(b, args.items, args.export_items, args.runs), ensure_ascii=False, indent=2
            )
        )


if __name__ == "__main__":
    main()
