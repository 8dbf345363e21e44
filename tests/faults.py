"""Activities that misbehave on purpose, swapped in by name (build_worker(replace_activities=))."""

from __future__ import annotations

import asyncio

from temporalio import activity

from dondoc.activities.client import ClientActivities
from dondoc.schemas.records import RecordEscalationInput


class HeldEscalation:
    """`record_escalation_and_tell` that waits for `release` before recording."""

    def __init__(self, real: ClientActivities) -> None:
        self.real = real
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    @activity.defn(name="record_escalation_and_tell")
    async def record_escalation_and_tell(self, inp: RecordEscalationInput) -> None:
        self.started.set()
        await self.release.wait()
        await self.real.record_escalation_and_tell(inp)
