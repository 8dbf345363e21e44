"""The web's two figures (issue 15), beside what they are measured against:

  A. `GET /api/v1/items?status=overdue` over many open items, a page of 50 (target p95 ≤ 50 ms),
     beside the same page read straight from `db/queries` (the CLI's path);
  B. `POST …/reports` round trips under concurrent clients (p50, p95), beside the same report sent
     with the Temporal client directly (target: the web's p50 ≤ 1.3× the direct p50).

    .venv/bin/python -m bench.web --items 5000 --reports 200 --clients 10     # reduced
    .venv/bin/python -m bench.web --items 50000 --reports 2000 --clients 50   # the issue's sizes

Each run: a dev server (SQLite, WAL) and `dondoc worker` and `dondoc web` as processes of their
own (so the client side's CPU is not theirs), on a throw-away SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench import plans
from bench.lists import seed
from dondoc.config import Settings
from dondoc.db.accounts import add_user, create_token
from dondoc.db.models import Directive, Item
from dondoc.db.queries import list_items
from dondoc.db.session import SessionFactory, make_engine, open_database
from dondoc.local import devserver
from dondoc.schemas.accounts import UserRole
from dondoc.schemas.messages import ReportInput
from dondoc.starter import send_report, start_plan
from dondoc.worker import ensure_search_attributes

PAGE = 50


def spread(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "n": len(ordered),
        "p50_ms": round(ordered[len(ordered) // 2], 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
    }


def process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dondoc", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


async def wait_http(url: str, within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    async with httpx.AsyncClient() as http:
        while True:
            try:
                await http.get(url)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)


async def assigned(sessions: SessionFactory, code: str, count: int, within_s: float = 300) -> None:
    """Wait until the directive has started and assigned every item (the worker is idle then)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        with sessions() as s:
            done = s.scalar(
                select(func.count())
                .select_from(Item)
                .join(Directive)
                .where(Directive.code == code, Item.assigned_at.is_not(None))
            )
        if done == count:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{code}: items not all assigned within {within_s} s")


async def run(items: int, reports: int, clients: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="dondoc-bench-web-"))
    port, ui, web_port = devserver.free_port(), devserver.free_port(), devserver.free_port()
    db_url = f"sqlite:///{work / 'dondoc.sqlite'}"
    settings = Settings(temporal_address=f"127.0.0.1:{port}", database_url=db_url)
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "DONDOC_DATABASE_URL": db_url,
        "DONDOC_WEB_PORT": str(web_port),
        "DONDOC_LOG_LEVEL": "WARNING",
        "DONDOC_LOG_FORMAT": "json",
    }
    now = datetime.now(UTC)
    sessions = open_database(db_url)
    seed(make_engine(db_url), items, now)  # open items, 80 % past due, and as many completed
    add_user(sessions, "bench", "KHOI_VAN", UserRole.VIEWER, "bench-password", now)
    add_user(sessions, "bench-unit", "KHOI_VAN", UserRole.UNIT, "bench-password", now)
    viewer = create_token(sessions, "bench", now)[0]
    unit = create_token(sessions, "bench-unit", now)[0]
    server = devserver.spawn(port, ui, work / "temporal.sqlite", headless=True)
    worker = web = None
    try:
        client = await devserver.connect_when_up(settings)
        await ensure_search_attributes(client, settings.temporal_namespace)
        worker = process(["worker"], env, work / "worker.log")
        web = process(["web"], env, work / "web.log")
        base = f"http://127.0.0.1:{web_port}"
        await wait_http(base + "/login")
        result: dict[str, Any] = {"items_open": items, "reports": reports, "clients": clients}

        # A: a page of the overdue list, over HTTP and straight from the database.
        pages = max(1, int(items * 0.8) // PAGE)
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            auth = {"Authorization": f"Bearer {viewer}"}
            web_ms = []
            for n in range(200):
                t = time.perf_counter()
                got = await http.get(
                    "/api/v1/items",
                    params={"status": "overdue", "page": 1 + n % min(pages, 20)},
                    headers=auth,
                )
                web_ms.append((time.perf_counter() - t) * 1000)
                assert got.status_code == 200, got.text
                assert len(got.json()["items"]) == PAGE
        db_ms = []
        for n in range(200):
            t = time.perf_counter()
            list_items(
                sessions, datetime.now(UTC), overdue=True, limit=PAGE, offset=(n % 20) * PAGE
            )
            db_ms.append((time.perf_counter() - t) * 1000)
        result["list_http"] = spread(web_ms)
        result["list_db"] = spread(db_ms)

        # B: reports, each on an item of its own, through the web and through the client.
        plan = plans.plan(2 * reports, now + timedelta(days=30))
        await start_plan(client, sessions, settings, plan)
        await assigned(sessions, plan.code, 2 * reports)
        numbers = [i.number for i in plan.items]
        sem = asyncio.Semaphore(clients)

        async def by_web(http: httpx.AsyncClient, number: str) -> float:
            async with sem:
                t = time.perf_counter()
                got = await http.post(
                    f"/api/v1/directives/{plan.code.replace('/', '%2F')}/items/{number}/reports",
                    json={"progress": 30, "report_id": uuid.uuid4().hex},
                    headers={"Authorization": f"Bearer {unit}"},
                )
                assert got.status_code == 200, got.text
                return (time.perf_counter() - t) * 1000

        async def direct(number: str) -> float:
            async with sem:
                t = time.perf_counter()
                await send_report(
                    client, plan.code, number, ReportInput(unit="KHOI_VAN", progress=30)
                )
                return (time.perf_counter() - t) * 1000

        # Two rounds each, alternating, so that neither side gets the quieter machine.
        limits = httpx.Limits(max_connections=clients)
        web_times: list[float] = []
        direct_times: list[float] = []
        half = reports // 2
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
            for r in range(2):
                mine = numbers[r * half : (r + 1) * half]
                theirs = numbers[reports + r * half : reports + (r + 1) * half]
                web_times += await asyncio.gather(*(by_web(http, n) for n in mine))
                direct_times += await asyncio.gather(*(direct(n) for n in theirs))
        result["report_http"] = spread(list(web_times))
        result["report_direct"] = spread(list(direct_times))
        result["report_p50_ratio"] = round(
            result["report_http"]["p50_ms"] / result["report_direct"]["p50_ms"], 2
        )
        return result
    finally:
        for proc in (web, worker):
            if proc is not None:
                devserver.stop(proc)
        devserver.stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--clients", type=int, default=10)
    a = parser.parse_args()
    print(json.dumps(asyncio.run(run(a.items, a.reports, a.clients)), indent=2))


if __name__ == "__main__":
    main()
