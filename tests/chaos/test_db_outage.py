"""Scenario 3: PostgreSQL unreachable from the worker for a while, as reports arrive and an
escalation falls due.

The machine's PostgreSQL is shared, so it is never stopped: the worker reaches it through a
loopback proxy that is cut and restored. Afterwards each report was answered and is recorded
once, a unit's progress is what its last report said (two reports of one unit were in flight
through the outage: the lost update), the escalation is recorded once, and the worker was never
restarted.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dondoc.db.session import SessionFactory, open_database
from dondoc.schemas.messages import ReportInput
from tests.chaos.audit import audit, replay_failures, timers
from tests.chaos.engine import Engine, start_directive
from tests.chaos.load import Tally, send, unit_client
from tests.chaos.proxy import Proxy
from tests.helpers import eventually, item_yaml, make_plan

pytestmark = [pytest.mark.devserver, pytest.mark.postgres]
LEADS = ("KHOI_VAN", "UBND")


@dataclass(frozen=True)
class Size:
    items: int
    reports_each: int
    outage_s: float
    in_flight: int  # reports of one unit sent, without waiting, while the database is away


REDUCED = Size(items=2, reports_each=4, outage_s=7, in_flight=3)
FULL = Size(items=10, reports_each=6, outage_s=30, in_flight=5)


async def outage(tmp: Path, pg_url: str, size: Size) -> None:
    direct = make_url(pg_url)
    async with Proxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy:
        proxied = direct.set(host="127.0.0.1", port=proxy.port)
        engine = Engine(
            tmp, proxied.render_as_string(hide_password=False), f"pg-{uuid.uuid4().hex[:8]}"
        )
        try:
            await run(engine, proxy, open_database(pg_url), size, tmp)
        finally:
            engine.close()


async def run(
    engine: Engine, proxy: Proxy, sessions: SessionFactory, size: Size, tmp: Path
) -> None:
    engine.start_server()
    engine.start_worker()
    client = await engine.client()
    queue = engine.env["DONDOC_TASK_QUEUE"]
    code = f"O{uuid.uuid4().hex[:6]}-KH/ĐU"
    far = datetime.now(UTC) + timedelta(days=30)
    lead = f"[{', '.join(LEADS)}]"
    items = [item_yaml(str(n), far, lead=lead) for n in range(1, size.items + 1)]
    await start_directive(client, sessions, queue, make_plan(code, items))
    # The escalation item: due in the middle of the outage (level 1 at the deadline).
    late = f"L{uuid.uuid4().hex[:6]}-KH/ĐU"
    cut_at = time.monotonic() + 4
    due = datetime.now(UTC) + timedelta(seconds=4 + size.outage_s / 2)
    await start_directive(client, sessions, queue, make_plan(late, [item_yaml("1", due)]))

    tally, until = Tally(), time.monotonic() + 120 + size.outage_s
    pairs = [(str(n), u) for n in range(1, size.items + 1) for u in LEADS]
    load = asyncio.gather(
        *(
            unit_client(client, code, [p], size.reports_each, tally, until, f"p{i}")
            for i, p in enumerate(pairs)
        )
    )
    await asyncio.sleep(max(0.0, cut_at - time.monotonic()))
    proxy.cut()
    cut = time.monotonic()
    impatient = []
    for k in range(1, size.in_flight + 1):
        inp = ReportInput(unit="MTTQ", progress=10 * k, report_id=f"impatient-{k}")
        impatient.append(asyncio.ensure_future(send(client, code, "1", inp, tally, until)))
        await asyncio.sleep(size.outage_s / (size.in_flight + 1))
    await asyncio.sleep(max(0.0, cut + size.outage_s - time.monotonic()))
    proxy.restore()
    restored = time.monotonic()
    await asyncio.gather(load, *impatient)

    async def escalated() -> bool:
        return bool((await timers(sessions, client, late)).escalations)

    await eventually(escalated, within=90)
    escalated_after = time.monotonic() - restored
    found = await audit(sessions, client, code, tally)
    late_timers = await timers(sessions, client, late)
    unreplayable = [
        *await replay_failures(client, code, tmp),
        *await replay_failures(client, late, tmp),
    ]
    answered_after = max(tally.accepted_at, default=restored) - restored
    print(
        f"\nchaos db-outage: outage {size.outage_s:.0f} s (connections refused {proxy.refused}),"
        f" reports sent {len(tally.sent)}, accepted {len(tally.accepted)},"
        f" refused {len(tally.rejected)}, unanswered {len(tally.unanswered)},"
        f" stored {found.stored}, lost {len(found.lost)}, duplicates {found.duplicates},"
        f" state disagreements {len(found.disagreements)}, escalations {late_timers.escalations},"
        f" last answer {answered_after:.1f} s and escalation {escalated_after:.1f} s after"
        f" recovery, histories that do not replay {unreplayable},"
        f" worker starts {engine.worker_starts}"
    )
    assert (found.lost, found.refused_but_stored, found.duplicates) == ([], [], 0)
    assert (found.disagreements, unreplayable) == ([], [])
    assert (tally.rejected, tally.unanswered) == ({}, set())
    assert (late_timers.escalations, late_timers.disagreements) == ({"1": [1]}, [])
    assert (engine.worker_starts, engine.worker_alive()) == (1, True)


async def test_reports_and_an_escalation_survive_a_database_outage(
    tmp_path: Path, pg_schema_url: str
) -> None:
    """The reduced form (`make test`): 7 s without the database."""
    await outage(tmp_path, pg_schema_url, REDUCED)


@pytest.mark.chaos
async def test_reports_and_an_escalation_survive_a_thirty_second_database_outage(
    tmp_path: Path, pg_schema_url: str
) -> None:
    await outage(tmp_path, pg_schema_url, FULL)
