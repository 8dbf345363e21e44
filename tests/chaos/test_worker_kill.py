"""Scenario 1: `dondoc worker` killed with SIGKILL, again and again, while units report.

Afterwards every report a client was told is accepted is in the database exactly once, none
that was refused is, and each item's `state` query agrees with the database.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dondoc.db.session import open_database
from tests.chaos.audit import audit, replay_failures
from tests.chaos.engine import Engine, start_directive
from tests.chaos.load import Tally, unit_client
from tests.helpers import item_yaml, make_plan

pytestmark = pytest.mark.devserver
LEADS = ("KHOI_VAN", "UBND")


@dataclass(frozen=True)
class Size:
    items: int
    clients: int
    reports_each: int  # per (item, lead unit)
    pace_s: float  # a client's mean pause between two reports
    kills: int
    gap_s: tuple[float, float]  # between a restart and the next kill
    budget_s: float  # the clients give up on a report after this


REDUCED = Size(
    items=2, clients=2, reports_each=4, pace_s=0.5, kills=2, gap_s=(0.5, 1.5), budget_s=60
)
FULL = Size(
    items=50, clients=30, reports_each=8, pace_s=3.0, kills=20, gap_s=(1.0, 5.0), budget_s=900
)


async def storm(tmp: Path, size: Size, seed: int) -> None:
    rng = random.Random(seed)
    url = f"sqlite:///{tmp / 'dondoc.sqlite'}"
    engine = Engine(tmp, url, task_queue=f"chaos-{uuid.uuid4().hex[:8]}")
    try:
        engine.start_server()
        engine.start_worker()
        sessions = open_database(url)
        client = await engine.client()
        code = f"K{uuid.uuid4().hex[:6]}-KH/ĐU"
        due = datetime.now(UTC) + timedelta(days=30)
        lead = f"[{', '.join(LEADS)}]"
        items = [item_yaml(str(n), due, lead=lead) for n in range(1, size.items + 1)]
        await start_directive(
            client, sessions, engine.env["DONDOC_TASK_QUEUE"], make_plan(code, items)
        )

        pairs = [(str(n), u) for n in range(1, size.items + 1) for u in LEADS]
        tally, until = Tally(), time.monotonic() + size.budget_s
        clients = [
            unit_client(
                client,
                code,
                pairs[i :: size.clients],
                size.reports_each,
                tally,
                until,
                name=f"c{i}",
                pace_s=size.pace_s,
            )
            for i in range(size.clients)
        ]
        load = asyncio.gather(*clients)
        kills: list[float] = []
        while len(kills) < size.kills and not load.done():
            await asyncio.wait([load], timeout=rng.uniform(*size.gap_s))
            if load.done():
                break
            engine.kill_worker()
            kills.append(time.monotonic())
            await asyncio.sleep(rng.uniform(0.1, 1.0))
            engine.start_worker()
        await load
        found = await audit(sessions, client, code, tally)
        unreplayable = await replay_failures(client, code, tmp)
        recover = [
            min((t for t in tally.accepted_at if t > k), default=float("nan")) - k for k in kills
        ]
        print(
            f"\nchaos worker-kill (seed {seed}): kills {len(kills)}/{size.kills},"
            f" reports sent {len(tally.sent)}, accepted {len(tally.accepted)},"
            f" refused {len(tally.rejected)}, unanswered {len(tally.unanswered)},"
            f" stored {found.stored}, lost {len(found.lost)}, duplicates {found.duplicates},"
            f" retries {tally.retries}, state disagreements {len(found.disagreements)},"
            f" recovery max {max(recover, default=0):.1f} s"
            f" mean {sum(recover) / max(len(recover), 1):.1f} s,"
            f" histories that do not replay {unreplayable}"
        )
        assert (found.lost, found.refused_but_stored, found.duplicates) == ([], [], 0)
        assert (found.disagreements, unreplayable) == ([], [])
        assert (tally.rejected, tally.unanswered) == ({}, set())
        assert len(kills) == size.kills, "the reports ended before every kill: more reports"
        assert len(tally.accepted) == found.stored == len(pairs) * size.reports_each
    finally:
        engine.close()


async def test_reports_survive_worker_kills(tmp_path: Path) -> None:
    """The reduced form (`make test`): 2 kills during 16 reports."""
    await storm(tmp_path, REDUCED, seed=14)


@pytest.mark.chaos
async def test_reports_survive_twenty_worker_kills(tmp_path: Path) -> None:
    """The full form (`make chaos`): 20 kills during 800 reports from 30 clients."""
    await storm(tmp_path, FULL, seed=int(time.time()))
