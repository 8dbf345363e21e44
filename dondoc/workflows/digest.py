"""DigestWorkflow: each working day at the digest time, every unit's digest into the outbox."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from dondoc.schemas.notify import DigestWorkflowInput, NextDigestInput, SendDigestsInput
    from dondoc.workflows import calls


@workflow.defn(name="Digest")
class DigestWorkflow:
    """Orchestrates the daily digest: asks the calendar (an activity: the Vietnamese calendar and
    the timezone are not sandbox-safe) for the next working day's digest instant, sleeps until
    then, and records each unit's digest once (keyed by unit and day). Weekends, Tết and the other
    days off are skipped; a make-up Saturday gets its digest. Continues as new every
    `days_per_history` days. No signals, queries or updates."""

    @workflow.run
    async def run(self, inp: DigestWorkflowInput) -> None:
        last = inp.last_day
        for _ in range(inp.days_per_history):
            nxt = await calls.next_digest(
                NextDigestInput(after=workflow.now(), at=inp.at, timezone=inp.timezone)
            )
            wait = nxt.at - workflow.now()
            if wait.total_seconds() > 0:
                await workflow.sleep(wait)
            if last is None or nxt.day > last:
                await calls.send_digests(
                    SendDigestsInput(day=nxt.day, at=nxt.at, timezone=inp.timezone)
                )
                last = nxt.day
        workflow.continue_as_new(inp.model_copy(update={"last_day": last}))
