"""Records an item whose worker was away from before its support reminder until after the support
deadline: `python -m tests.histories.record_late_support LABEL` writes
`LABEL_item_support_late.json` (the real dev server, ~15 s).

The code before SUPPORT_REMIND_BY_DEADLINE reminded the support unit of a deadline already past
(v5); the code since skips that reminder behind the patch (v6, with the patch marker). Both
histories replay on the current code (tests/workflows/test_replay.py).

v5 was recorded on a checkout of f86df92 (the code before the patch) with this file and
tests/workflows/test_support_downtime.py copied in, its import of the patch id replaced by the
string: the scenario is the test's own, so both histories come from the same steps.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from dondoc.client import data_converter
from dondoc.db.session import open_database
from dondoc.local.devserver import binary
from dondoc.workflows.directive import DIRECTIVE_KEY
from tests.workflows.test_support_downtime import SUPPORT_DUE_S, away_then_back

HERE = Path(__file__).parent


async def record(label: str) -> Path:
    out = HERE / f"{label}_item_support_late.json"
    with tempfile.TemporaryDirectory() as tmp:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary("temporal"),
            dev_server_database_filename=f"{tmp}/temporal.sqlite",
            search_attributes=[DIRECTIVE_KEY],
            data_converter=data_converter,
        )
        try:
            sessions = open_database(f"sqlite:///{tmp}/db.sqlite")
            queue = f"record-{uuid.uuid4().hex[:6]}"
            reminders, history = await away_then_back(env, sessions, queue, SUPPORT_DUE_S + 1)
        finally:
            await env.shutdown()
    out.write_text(history.to_json(), encoding="utf-8")
    print(out.name, len(history.events), "events; reminders:", reminders)
    return out


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1] if len(sys.argv) > 1 else "v6"))
