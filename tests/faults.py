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


class SeenEscalations:
    """`record_escalation` and `record_escalation_and_tell` that keep each input they record."""

    def __init__(self, real: ClientActivities) -> None:
        self.real = real
        self.seen: list[RecordEscalationInput] = []

    @activity.defn(name="record_escalation_and_tell")
    async def record_escalation_and_tell(self, inp: RecordEscalationInput) -> None:
        self.seen.append(inp)
        await self.real.record_escalation_and_tell(inp)

    @activity.defn(name="record_escalation")
    def record_escalation(self, inp: RecordEscalationInput) -> None:
        self.seen.append(inp)
        self.real.records.record_escalation(inp)
