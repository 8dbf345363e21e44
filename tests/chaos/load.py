"""Clients that send reports as units would: each report a unique id, sent again under the same
id until it is answered (the promise is that a retry never counts twice)."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError

from dondoc.config import item_workflow_id
from dondoc.schemas.messages import ReportInput, ReportResult

ATTEMPT_S = 8.0  # one attempt's wait for an answer before sending the same id again
PAUSE_S = 0.3


@dataclass
class Tally:
    """What the clients sent and were told, by report id."""

    sent: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (item, unit)
    accepted: set[str] = field(default_factory=set)
    rejected: dict[str, str] = field(default_factory=dict)  # id -> the reason given
    unanswered: set[str] = field(default_factory=set)  # gave up: outcome unknown to the client
    attempts: int = 0
    accepted_at: list[float] = field(default_factory=list)  # monotonic instants of answers

    @property
    def retries(self) -> int:
        return self.attempts - len(self.sent)


async def send(
    client: Client, code: str, number: str, inp: ReportInput, tally: Tally, until: float
) -> None:
    """One report, sent until answered or `until` (monotonic) passes."""
    assert inp.report_id is not None
    report_id = inp.report_id
    tally.sent[report_id] = (number, inp.unit)
    handle = client.get_workflow_handle(item_workflow_id(code, number))
    while True:
        tally.attempts += 1
        try:
            await asyncio.wait_for(
                handle.execute_update("report", inp, id=report_id, result_type=ReportResult),
                timeout=ATTEMPT_S,
            )
        except WorkflowUpdateFailedError as err:
            tally.rejected[report_id] = str(err.cause or err)
            return
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError, RPCError):
            if time.monotonic() + PAUSE_S >= until:
                tally.unanswered.add(report_id)
                return
            await asyncio.sleep(PAUSE_S)
            continue
        tally.accepted.add(report_id)
        tally.accepted_at.append(time.monotonic())
        return


async def unit_client(
    client: Client,
    code: str,
    pairs: list[tuple[str, str]],
    reports_each: int,
    tally: Tally,
    until: float,
    name: str,
    pace_s: float = 0.0,
    gate: asyncio.Event | None = None,
) -> None:
    """Reports 1 %, 2 %, … for each (item, unit) it owns, in turn, `pace_s` apart on average;
    each pair has one client, so its progress only rises and every report is valid (none is
    refused by the rules). With a `gate`, each report waits until it is open."""
    rng = random.Random(name)
    for k in range(1, reports_each + 1):
        for number, unit in pairs:
            await asyncio.sleep(rng.uniform(0, 2 * pace_s))
            if gate is not None:
                await gate.wait()
            inp = ReportInput(
                unit=unit, progress=k, note=f"báo cáo {k}", report_id=f"{name}-{number}-{unit}-{k}"
            )
            await send(client, code, number, inp, tally, until)
