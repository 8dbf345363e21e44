"""Delivery activities: the outbox sender (long-running, heartbeating) and the daily digest."""

from __future__ import annotations

import asyncio
import time

from temporalio import activity

from dondoc.db.session import SessionFactory
from dondoc.deadlines.vn_calendar import VnCalendar
from dondoc.notify.digest import build_digests, digest_message, next_digest
from dondoc.notify.dispatch import Dispatcher
from dondoc.notify.outbox import Notifier
from dondoc.schemas.notify import (
    DeliverOutboxInput,
    DeliverOutboxResult,
    DigestResult,
    NextDigest,
    NextDigestInput,
    OutboxState,
    SendDigestsInput,
)
from dondoc.schemas.overrides import CalendarOverrides


class DeliveryActivities:
    """Owns the dispatcher (channels, policy) and the site's calendar. The sender runs in the
    outbox workflow, never in an item's workflow task: recording and delivering are apart."""

    def __init__(
        self,
        sessions: SessionFactory,
        dispatcher: Dispatcher,
        site_calendar: CalendarOverrides | None = None,
    ) -> None:
        self.sessions = sessions
        self.dispatcher = dispatcher
        self.notifier: Notifier = dispatcher.notifier
        self.calendar = VnCalendar(site_calendar)

    @activity.defn(name="deliver_outbox")
    async def deliver_outbox(self, inp: DeliverOutboxInput) -> DeliverOutboxResult:
        """Send what is due for `run_s` seconds, woken at once when a message is recorded in this
        process, polling the database every `poll_s` otherwise (another worker's messages)."""
        end = time.monotonic() + inp.run_s
        counts: dict[OutboxState, int] = {}
        while time.monotonic() < end and not activity.is_worker_shutdown():
            activity.heartbeat()
            tally = await asyncio.to_thread(self.dispatcher.run_once)
            for state, n in tally.counts.items():
                counts[state] = counts.get(state, 0) + n
            if tally.claimed == 0:
                await asyncio.to_thread(self.notifier.wait, inp.poll_s)
        return DeliverOutboxResult(
            sent=counts.get(OutboxState.SENT, 0),
            retrying=counts.get(OutboxState.RETRYING, 0),
            failed=counts.get(OutboxState.FAILED, 0),
            undeliverable=counts.get(OutboxState.UNDELIVERABLE, 0),
        )

    @activity.defn(name="next_digest")
    def next_digest(self, inp: NextDigestInput) -> NextDigest:
        return next_digest(inp.after, inp.at, inp.timezone, self.calendar)

    @activity.defn(name="send_digests")
    def send_digests(self, inp: SendDigestsInput) -> DigestResult:
        """Each unit's digest of `inp.day` recorded in the outbox once (key: unit and day)."""
        return send_digests(self.sessions, self.notifier, inp, key_suffix="")


def send_digests(
    sessions: SessionFactory, notifier: Notifier, inp: SendDigestsInput, key_suffix: str
) -> DigestResult:
    with sessions.begin() as s:
        digests = build_digests(s, inp.day, inp.at, inp.timezone, inp.unit)
        if inp.dry_run:
            return DigestResult(digests=digests)
        messages = [
            digest_message(d, inp.day, f"digest:{d.unit_code}:{inp.day.isoformat()}{key_suffix}")
            for d in digests
        ]
        rows = notifier.queue(s, messages, inp.at)
    notifier.deliver(rows)
    return DigestResult(digests=digests, queued=len(rows))
