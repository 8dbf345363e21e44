"""Scenario 2: the Temporal server stopped (SIGTERM, then SIGKILL) and restarted on the same
SQLite file while units report, with a reminder falling due in the first downtime and several
escalation levels in the second.

Afterwards every accepted report is recorded once, each timer that fell due while the server
was down fired once after the restart, the `state` query agrees with the database, and the
worker carried on without a restart.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from dondoc.config import item_workflow_id
from dondoc.db.session import SessionFactory, open_database
from dondoc.local.devserver import port_open
from dondoc.schemas.messages import ReportInput
from tests.chaos.audit import audit, timers
from tests.chaos.engine import Engine, start_directive
from tests.chaos.load import Tally, send, unit_client
from tests.helpers import eventually, item_yaml, make_plan

pytestmark = pytest.mark.devserver
LEADS = ("KHOI_VAN", "UBND")


@dataclass(frozen=True)
class Size:
    items: int
    down_s: float  # each downtime
    escalate_every_s: int


REDUCED = Size(items=2, down_s=4, escalate_every_s=2)
FULL = Size(items=6, down_s=15, escalate_every_s=3)
START_S = 3.0  # from the plan to the first downtime: the directive starts meanwhile
RECOVER_S = 6.0  # from the first restart to the second stop


async def server_kills(tmp: Path, size: Size) -> None:
    url = f"sqlite:///{tmp / 'dondoc.sqlite'}"
    engine = Engine(tmp, url, task_queue=f"srv-{uuid.uuid4().hex[:8]}")
    try:
        await run(engine, open_database(url), size)
    finally:
        engine.close()


async def run(engine: Engine, sessions: SessionFactory, size: Size) -> None:
    engine.start_server()
    engine.start_worker()
    client = await engine.client()
    code = f"S{uuid.uuid4().hex[:6]}-KH/ĐU"
    # Downtime 1 from START_S, the reminder in its middle; downtime 2 RECOVER_S after it ends
    # (a reminder caught up after the deadline is dropped: the escalation says it), the
    # deadline (level 1) a second into it, and more levels every escalate_every_s.
    plan_at, zero = datetime.now(UTC), time.monotonic()
    down1, down2 = START_S, START_S + size.down_s + RECOVER_S
    remind_at = down1 + size.down_s / 2
    due_at = down2 + 1
    every = size.escalate_every_s
    defaults = f"{{remind_before: PT{round(due_at - remind_at)}S, escalate_every: PT{every}S}}"
    due = plan_at + timedelta(seconds=due_at)
    lead = f"[{', '.join(LEADS)}]"
    items = [item_yaml(str(n), due, lead=lead) for n in range(1, size.items + 1)]
    queue = engine.env["DONDOC_TASK_QUEUE"]
    await start_directive(client, sessions, queue, make_plan(code, items, defaults))
    assert time.monotonic() - zero < down1, "the directive took too long to start"

    tally, until = Tally(), time.monotonic() + 120 + 2 * size.down_s
    pairs = [(str(n), u) for n in range(1, size.items + 1) for u in LEADS]
    load = asyncio.gather(
        *(
            unit_client(client, code, [p], 20, tally, until, name=f"s{i}", pace_s=size.down_s / 8)
            for i, p in enumerate(pairs)
        )
    )
    stopped: dict[str, float] = {}
    restarts: list[float] = []
    for sig, at in ((signal.SIGTERM, down1), (signal.SIGKILL, down2)):
        await asyncio.sleep(max(0.0, zero + at - time.monotonic()))
        stopped[sig.name] = engine.stop_server(sig)
        assert not port_open(engine.port)
        await asyncio.sleep(max(0.0, zero + at + size.down_s - time.monotonic()))
        engine.start_server()
        restarts.append(time.monotonic())
    restarted = time.monotonic() - zero

    async def all_escalated() -> bool:
        try:  # the item workflows answer queries again once the worker has reconnected
            found = await timers(sessions, client, code)
        except RPCError:
            return False
        return len(found.escalations) == size.items

    await eventually(all_escalated, within=60)
    first = {
        n: levels[0] for n, levels in (await timers(sessions, client, code)).escalations.items()
    }
    await load
    done = [
        send(
            client, code, n, ReportInput(unit=u, done=True, report_id=f"done-{n}-{u}"), tally, until
        )
        for n, u in pairs
    ]
    await asyncio.gather(*done)

    async def all_closed() -> bool:
        handles = [client.get_workflow_handle(item_workflow_id(code, n)) for n, _ in pairs]
        try:
            described = await asyncio.gather(*(h.describe() for h in handles))
        except RPCError:
            return False
        return all(d.status == WorkflowExecutionStatus.COMPLETED for d in described)

    await eventually(all_closed, within=60)
    found = await audit(sessions, client, code, tally)
    clock = await timers(sessions, client, code)
    missed = {n: level - 1 for n, level in first.items()}
    recover = [min(t for t in tally.accepted_at if t > r) - r for r in restarts]
    print(
        f"\nchaos server-kill: SIGTERM took {stopped['SIGTERM']:.1f} s, SIGKILL"
        f" {stopped['SIGKILL']:.1f} s, down {size.down_s:.0f} s each;"
        f" reports sent {len(tally.sent)}, accepted {len(tally.accepted)},"
        f" refused {len(tally.rejected)}, unanswered {len(tally.unanswered)},"
        f" stored {found.stored}, lost {len(found.lost)}, duplicates {found.duplicates},"
        f" retries {tally.retries}, first answer {recover[0]:.1f} / {recover[1]:.1f} s after"
        f" each restart; reminders {clock.reminders}; escalation levels"
        f" {clock.escalations}, first after the restart {first} (levels passed while down:"
        f" {missed}); state disagreements {len(found.disagreements) + len(clock.disagreements)};"
        f" worker starts {engine.worker_starts}"
    )
    assert (found.lost, found.refused_but_stored, found.duplicates) == ([], [], 0)
    assert (found.disagreements, clock.disagreements) == ([], [])
    assert (tally.rejected, tally.unanswered) == ({}, set())
    assert set(clock.reminders) == {str(n) for n in range(1, size.items + 1)}
    assert restarted > due_at > remind_at  # both fell due while the server was down
    assert (engine.worker_starts, engine.worker_alive()) == (1, True)


async def test_timers_and_reports_survive_server_kills(tmp_path: Path) -> None:
    """The reduced form (`make test`): down 4 s after SIGTERM, 4 s after SIGKILL."""
    await server_kills(tmp_path, REDUCED)


@pytest.mark.chaos
async def test_timers_and_reports_survive_long_server_kills(tmp_path: Path) -> None:
    await server_kills(tmp_path, FULL)
