"""Histories recorded under chaos replay on today's workflow code (scenario 6).

`server_kill_item.json`: an item whose server was SIGKILLed and restarted while units kept
reporting (tests/chaos/test_server_kill.py, 2026-12-01). It ran live to completion, but replayed
from its history it fails: at event 190 the history holds the TimerStarted the live run sent
first in that workflow task (timer 2 fired, then two `report` updates arrived in the same task),
while the replay sends the updates' acceptance first, then the escalation's local activity and
no timer. A worker that evicts such an item (cache pressure, restart) then fails its workflow
task for ever. For the lead: the test turns green (and its xfail must go) once it replays.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from dondoc.client import data_converter
from dondoc.worker import WORKFLOWS

HISTORIES = Path(__file__).parent / "histories"


@pytest.mark.xfail(strict=True, reason="nondeterminism after a server kill: see the docstring")
async def test_an_item_history_recorded_across_a_server_kill_replays() -> None:
    path = HISTORIES / "server_kill_item.json"
    history = WorkflowHistory.from_json("server-kill-item", path.read_text(encoding="utf-8"))
    replayer = Replayer(workflows=WORKFLOWS, data_converter=data_converter)

    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)

    assert result.replay_failure is None, str(result.replay_failure)[:300]


@pytest.mark.xfail(strict=True, reason="stale workflow.now() after a server kill: see below")
async def test_an_item_history_whose_first_task_after_a_restart_saw_a_stale_clock_replays() -> None:
    """`server_kill_item_stale_now.json` (tests/chaos/test_server_kill.py, 2026-12-01): timer 1
    was due at 10:50:11.544 during the downtime and fired at 14.720; the workflow task that
    handled it started at 17.322 (event 21), yet the live run saw `workflow.now()` = 08.454,
    the previous task's start: it found nothing due and armed timer 2 for 3.083 s (event 23,
    = 11.544 - 08.454). Replayed, the activation's clock is 17.322, the deadline has passed,
    and the item escalates instead: "No command scheduled for event TimerStarted". The live
    activation lacked its task's timestamp: an SDK/server issue, not the workflow's logic.
    """
    path = HISTORIES / "server_kill_item_stale_now.json"
    history = WorkflowHistory.from_json("stale-now", path.read_text(encoding="utf-8"))
    replayer = Replayer(workflows=WORKFLOWS, data_converter=data_converter)

    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)

    assert result.replay_failure is None, str(result.replay_failure)[:300]
