"""The worker's CPU per recording activity, without Temporal: `python -m bench.record_cpu`.

Builds an SQLite database (alembic, WAL, as the worker opens it), stores a directive of
`--items` items (one lead, one support unit, as the lifecycle figure's), assigns them, then calls
`RecordActivities` directly, once per item and phase, the way the local activities run them:

- `progress`: a first report (50 %, also the unit's receipt);
- `duplicate`: the same report again (a retried local activity);
- `escalation`: level 1 of the open item (the first escalation turns it overdue);
- `closing`: the done report that closes the item (status, ledger, the committee's message).

Each phase's figure is the CPU (`time.process_time`, this process: Python and SQLite alike) per
call in µs, the median of `--repeats` repetitions, each on a fresh database. Logging is set up
as the worker's (`configure_logging("json")`) with the stream sent to /dev/null, and the calls run
inside one activity context, so `activity.info()` answers as in the worker. Prints JSON.
`--profile PHASE` also writes that phase's cProfile to stderr (the top entries by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.testing import ActivityEnvironment

from bench import plans
from dondoc.activities.records import RecordActivities
from dondoc.db.migrate import upgrade
from dondoc.db.session import make_engine, session_factory
from dondoc.db.store import store_directive
from dondoc.logs import configure_logging
from dondoc.notify.outbox import Notifier
from dondoc.schemas.messages import ItemStatus
from dondoc.schemas.records import (
    ItemRef,
    RecordAssignmentsInput,
    RecordEscalationInput,
    RecordReportInput,
)

NOW = datetime(2031, 6, 1, 2, 0, tzinfo=UTC)
DUE = NOW + timedelta(days=30)
PHASES = ("progress", "duplicate", "escalation", "closing")


def inputs(code: str, items: int) -> dict[str, list[Any]]:
    """Every phase's inputs, one per item, in the order the lifecycle sends them."""
    refs = [ItemRef(directive_code=code, number=str(n)) for n in range(1, items + 1)]
    first = [
        RecordReportInput(
            item=r,
            report_id=f"{r.number}-a",
            unit=plans.LEAD,
            progress=50,
            done=False,
            at=NOW + timedelta(days=1),
            received=True,
        )
        for r in refs
    ]
    return {
        "progress": first,
        "duplicate": first,
        "escalation": [
            RecordEscalationInput(item=r, level=1, at=DUE + timedelta(hours=1)) for r in refs
        ],
        "closing": [
            RecordReportInput(
                item=r,
                report_id=f"{r.number}-b",
                unit=plans.LEAD,
                progress=100,
                done=True,
                at=DUE + timedelta(days=1),
                closes=ItemStatus.COMPLETED_LATE,
            )
            for r in refs
        ],
    }


def one_repetition(folder: Path, items: int, profile: str | None) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{folder / 'dondoc.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    plan = plans.plan(items, DUE, support=("MTTQ",))
    store_directive(sessions, plan, NOW)
    acts = RecordActivities(sessions, Notifier())
    numbers = [i.number for i in plan.items]
    acts.record_assignments(
        RecordAssignmentsInput(directive_code=plan.code, numbers=numbers, at=NOW)
    )
    calls: dict[str, Callable[[Any], None]] = {
        "progress": acts.record_report,
        "duplicate": acts.record_report,
        "escalation": acts.record_escalation,
        "closing": acts.record_report,
    }
    per_call: dict[str, float] = {}

    def run_all() -> None:
        for phase, batch in inputs(plan.code, items).items():
            fn = calls[phase]
            profiler = cProfile.Profile() if phase == profile else None
            start = time.process_time()
            if profiler is not None:
                profiler.enable()
            for inp in batch:
                fn(inp)
            if profiler is not None:
                profiler.disable()
            per_call[phase] = (time.process_time() - start) / len(batch) * 1e6
            if profiler is not None:
                stats = pstats.Stats(profiler, stream=sys.stderr)
                stats.sort_stats("tottime").print_stats(40)
                stats.sort_stats("cumulative").print_stats(60)
            acts.notifier.take_handed()  # the sender's part: not the recording's

    ActivityEnvironment().run(run_all)
    engine.dispose()
    return per_call


def quiet_logging() -> None:
    """The worker's logging, rendered in full, written nowhere."""
    configure_logging("json", "INFO")
    sink = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sink)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.record_cpu")
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", choices=PHASES, default=None)
    args = parser.parse_args(argv)
    quiet_logging()
    if args.profile is not None:  # a repetition of its own: profiling slows what it watches
        with tempfile.TemporaryDirectory(prefix="record-cpu-") as tmp:
            one_repetition(Path(tmp), args.items, args.profile)
    runs: list[dict[str, float]] = []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="record-cpu-") as tmp:
            runs.append(one_repetition(Path(tmp), args.items, None))
    result = {
        "items": args.items,
        "repeats": args.repeats,
        "cpu_us_per_call": {p: round(statistics.median(r[p] for r in runs), 1) for p in PHASES},
        "runs": [{p: round(r[p], 1) for p in PHASES} for r in runs],
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
