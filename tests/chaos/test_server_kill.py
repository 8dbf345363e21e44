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
from tests.chaos.audit import audit, replay_failures, timers
from tests.chaos.engine import Engine, start_directive
from tests.chaos.load import Tally, send, unit_client
from tests.helpers import eventually, item_yaml, make_plan

pytestmark = pytest.mark.devserver
LEADS = ("KHOI_VAN", "UBND")


@dataclass(frozen=True)
class Size:
    items: int
    stops: tuple[signal.Signals, ...]  # each followed by a restart
    down_s: float  # each downtime
    escalate_every_s: int
    reports_each: int  # per (item, lead), paced to go on through every downtime
    # Units hold their reports from just before each stop until the timers that fell due
    # have fired after the restart. Reports that arrive in the workflow task a killed server
    # lost can leave a history that does not replay (an SDK issue, docs/reliability.md), so
    # the reduced form that runs in every `make test` keeps them apart; the full form does not.
    quiet_while_down: bool = False


# Reduced: one SIGKILL, the deadline and a level passing while down (the reminder falls due
# at the start). Full: SIGTERM with the reminder falling due while down, then SIGKILL with
# the deadline and several levels.
REDUCED = Size(
    items=2,
    stops=(signal.SIGKILL,),
    down_s=4,
    escalate_every_s=2,
    reports_each=6,
    quiet_while_down=True,
)
QUIET_BEFORE_S = 1.5  # reports in flight finish before the stop
SETTLE_S = 6.0  # after a restart, the timers that fell due fire before reports resume
FULL = Size(
    items=6,
    stops=(signal.SIGTERM, signal.SIGKILL),
    down_s=15,
    escalate_every_s=3,
    reports_each=30,
)
START_S = 3.0  # from the plan to the first stop: the directive starts meanwhile
# From a restart to the next stop. A workflow task in flight at a stop is redone when its
# 10-s timeout passes; a reminder caught up after the deadline is dropped (the escalation says
# it), so the reminder's deadline is this far after the restart.
RECOVER_S = 14.0


async def server_kills(tmp: Path, size: Size) -> None:
    url = f"sqlite:///{tmp / 'dondoc.sqlite'}"
    engine = Engine(tmp, url, task_queue=f"srv-{uuid.uuid4().hex[:8]}")
    try:
        await run(engine, open_database(url), size, tmp)
    finally:
        engine.close()


async def run(engine: Engine, sessions: SessionFactory, size: Size, tmp: Path) -> None:
    engine.start_server()
    engine.start_worker()
    client = await engine.client()
    await engine.worker_ready()
    code = f"S{uuid.uuid4().hex[:6]}-KH/ĐU"
    plan_at, zero = datetime.now(UTC), time.monotonic()
    stops = [START_S + k * (size.down_s + RECOVER_S) for k in range(len(size.stops))]
    # The reminder in the middle of the first downtime if there are two, else at the start;
    # the deadline (level 1) a second into the last downtime.
    remind_at = stops[0] + size.down_s / 2 if len(stops) > 1 else 0.0
    due_at = stops[-1] + 1
    every = size.escalate_every_s
    defaults = f"{{remind_before: PT{round(due_at - remind_at)}S, escalate_every: PT{every}S}}"
    due = plan_at + timedelta(seconds=due_at)
    lead = f"[{', '.join(LEADS)}]"
    items = [item_yaml(str(n), due, lead=lead) for n in range(1, size.items + 1)]
    queue = engine.env["DONDOC_TASK_QUEUE"]
    await start_directive(client, sessions, queue, make_plan(code, items, defaults))
    assert time.monotonic() - zero < stops[0], "the directive took too long to start"

    span = stops[-1] + size.down_s - (time.monotonic() - zero)
    tally, until = Tally(), time.monotonic() + 120 + span
    pairs = [(str(n), u) for n in range(1, size.items + 1) for u in LEADS]
    pace = span / size.reports_each / 2
    gate = asyncio.Event()
    gate.set()
    load = asyncio.gather(
        *(
            unit_client(
                client,
                code,
                [p],
                size.reports_each,
                tally,
                until,
                f"s{i}",
                pace,
                gate if size.quiet_while_down else None,
            )
            for i, p in enumerate(pairs)
        )
    )
    stopped: dict[str, float] = {}
    restarts: list[float] = []
    for sig, at in zip(size.stops, stops, strict=True):
        await asyncio.sleep(max(0.0, zero + at - QUIET_BEFORE_S - time.monotonic()))
        gate.clear()
        await asyncio.sleep(max(0.0, zero + at - time.monotonic()))
        stopped[sig.name] = engine.stop_server(sig)
        assert not port_open(engine.port)
        await asyncio.sleep(max(0.0, zero + at + size.down_s - time.monotonic()))
        engine.start_server()
        restarts.append(time.monotonic())
        asyncio.get_running_loop().call_later(SETTLE_S, gate.set)
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
    unreplayable = await replay_failures(client, code, tmp)
    missed = {n: level - 1 for n, level in first.items()}
    recover = [min((t for t in tally.accepted_at if t > r), default=r) - r for r in restarts]
    print(
        f"\nchaos server-kill: {', '.join(f'{k} took {v:.1f} s' for k, v in stopped.items())},"
        f" down {size.down_s:.0f} s each; reports sent {len(tally.sent)},"
        f" accepted {len(tally.accepted)}, refused {len(tally.rejected)},"
        f" unanswered {len(tally.unanswered)}, stored {found.stored}, lost {len(found.lost)},"
        f" duplicates {found.duplicates}, retries {tally.retries}, first answer"
        f" {' / '.join(f'{r:.1f}' for r in recover)} s after each restart;"
        f" reminders {clock.reminders}; escalation levels {clock.escalations}, first after the"
        f" restart {first} (levels passed while down: {missed});"
        f" state disagreements {len(found.disagreements) + len(clock.disagreements)};"
        f" histories that do not replay {unreplayable}; worker starts {engine.worker_starts}"
    )
    assert (found.lost, found.refused_but_stored, found.duplicates) == ([], [], 0)
    assert (found.disagreements, clock.disagreements) == ([], [])
    assert (tally.rejected, tally.unanswered) == ({}, set())
    assert set(clock.reminders) == {str(n) for n in range(1, size.items + 1)}
    assert restarted > due_at > remind_at  # they fell due while the server was down
    assert unreplayable == []
    assert (engine.worker_starts, engine.worker_alive()) == (1, True)


@pytest.mark.chaos
async def test_timers_and_reports_survive_server_kills(tmp_path: Path) -> None:
    """The reduced form: one SIGKILL, down 4 s. In `make chaos`, not `make test`: in about one
    run in three the first workflow task after the restart runs with a stale clock or takes
    reports a lost task had not, and its history then does not replay (an SDK/server issue,
    tests/chaos/test_chaos_replay.py and docs/reliability.md); nothing is lost either way."""
    await server_kills(tmp_path, REDUCED)


@pytest.mark.chaos
async def test_timers_and_reports_survive_long_server_kills(tmp_path: Path) -> None:
    await server_kills(tmp_path, FULL)
