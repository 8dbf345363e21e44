"""Delivery: take due outbox rows, send each through its unit's channels, record what happened."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import update
from sqlalchemy.orm import Session

from dondoc.config import Settings
from dondoc.db.models import Notification
from dondoc.db.session import SessionFactory
from dondoc.notify import texts
from dondoc.notify.channels import Channel, DeliveryError
from dondoc.notify.channels.log import LogChannel
from dondoc.notify.channels.smtp import SmtpChannel, SmtpConfig
from dondoc.notify.channels.webhook import WebhookChannel
from dondoc.notify.outbox import Notifier, claim
from dondoc.notify.recipients import resolve
from dondoc.schemas.notify import ChannelName, OutboxMessage, OutboxState, Recipient

log = structlog.get_logger("dondoc.notify")
MAX_ERROR = 500
RECORD_EVERY = 20  # outcomes per transaction


@dataclass(frozen=True)
class Policy:
    """Retry with exponential backoff from `first_retry`, doubling up to `max_retry`, until the
    row's deadline (set when recorded); a sender's lease on the rows it took."""

    first_retry: timedelta = timedelta(seconds=30)
    max_retry: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(minutes=2)
    senders: int = 8
    batch: int = 200
    web_url: str | None = None

    @classmethod
    def from_settings(cls, s: Settings) -> Policy:
        return cls(
            first_retry=timedelta(seconds=s.notify_retry_s),
            lease=timedelta(seconds=s.notify_lease_s),
            senders=s.notify_senders,
            web_url=s.web_url,
        )

    def backoff(self, attempts: int) -> timedelta:
        delay: timedelta = self.first_retry * float(2 ** max(0, attempts - 1))
        return min(delay, self.max_retry)


@dataclass
class Outcome:
    row_id: int
    state: OutboxState
    done: list[str]
    answer: str | None = None
    error: str | None = None


@dataclass
class Tally:
    claimed: int = 0
    counts: dict[OutboxState, int] = field(default_factory=dict)

    def add(self, state: OutboxState) -> None:
        self.counts[state] = self.counts.get(state, 0) + 1


def channels_from_settings(s: Settings, log_channel: Channel | None = None) -> dict[str, Channel]:
    """Log always; webhook always (its URL is per contact); email once DONDOC_SMTP_HOST is set."""
    found: dict[str, Channel] = {
        ChannelName.LOG: log_channel or LogChannel(),
        ChannelName.WEBHOOK: WebhookChannel(s.webhook_timeout_s),
    }
    smtp = SmtpConfig.from_settings(s)
    if smtp is not None:
        found[ChannelName.EMAIL] = SmtpChannel(smtp)
    return found


class Dispatcher:
    """Sends due rows `senders` at a time; each outcome is written as soon as it is known, so a
    kill loses at most the sends in flight (retried after the lease, with the same key)."""

    def __init__(
        self,
        sessions: SessionFactory,
        notifier: Notifier | None = None,
        channels: Mapping[str, Channel] | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.sessions = sessions
        self.notifier = notifier or Notifier()
        self.notifier.dispatcher = self
        log_channel = self.notifier.log_channel or LogChannel()
        self.channels = dict(channels or {ChannelName.LOG: log_channel})
        self.channels.setdefault(ChannelName.LOG, log_channel)
        self.policy = policy or Policy()
        self.pool = ThreadPoolExecutor(self.policy.senders, thread_name_prefix="dondoc-send")

    def run_once(self, ids: Sequence[int] | None = None) -> Tally:
        """One batch: claim what is due (or only `ids`), send, record."""
        now = datetime.now(UTC)
        with self.sessions.begin() as s:
            rows = claim(s, now, self.policy.lease, self.policy.batch, ids)
            recipients = resolve(s, rows)
        tally = Tally(claimed=len(rows))
        by_id = {r.id: r for r in rows}
        futures = [self.pool.submit(self._send, r, recipients.get(r.id)) for r in rows]
        done: list[Outcome] = []
        for future in as_completed(futures):
            done.append(future.result())
            if len(done) >= RECORD_EVERY:
                self._record(done, by_id, tally)
                done = []
        self._record(done, by_id, tally)
        return tally

    def _send(self, row: Notification, to: Recipient | None) -> Outcome:
        done = list(row.done_channels or [])
        if to is None or not to.channels:
            why = "no contact for this unit" if to is None else "the contact has no channel"
            return Outcome(row.id, OutboxState.UNDELIVERABLE, done, error=why)
        message = OutboxMessage(
            id=row.id,
            key=row.key,
            directive_code=row.directive_code,
            item_number=row.item_number,
            unit_code=row.unit_code,
            kind=row.kind,
            body=row.body,
            data=row.data or {},
            created_at=row.created_at,
            url=texts.item_url(self.policy.web_url, row.directive_code, row.item_number),
        )
        answers, errors, permanent = [], [], False
        for name in [c.value for c in to.channels if c.value not in done]:
            channel = self.channels.get(name)
            try:
                if channel is None:
                    raise DeliveryError(f"{name} is not configured on this worker", permanent=False)
                answers.append(f"{name}: {channel.send(message, to)}")
                done.append(name)
            except DeliveryError as exc:
                errors.append(f"{name}: {exc}")
                permanent = permanent or exc.permanent
            except Exception as exc:  # a channel's bug or an unforeseen fault: retry it
                errors.append(f"{name}: {type(exc).__name__}: {exc}")
        if not errors:
            return Outcome(row.id, OutboxState.SENT, done, answer="; ".join(answers))
        state = OutboxState.FAILED if permanent else OutboxState.RETRYING
        return Outcome(row.id, state, done, "; ".join(answers) or None, "; ".join(errors))

    def _record(self, outcomes: list[Outcome], rows: dict[int, Notification], tally: Tally) -> None:
        """Outcomes in one transaction (a few sends' worth: a kill re-sends at most these)."""
        if not outcomes:
            return
        now = datetime.now(UTC)
        with self.sessions.begin() as s:
            for o in outcomes:
                self._write(s, o, rows[o.row_id], now)
                tally.add(o.state)

    def _write(self, s: Session, o: Outcome, row: Notification, now: datetime) -> None:
        attempts = row.attempts + (0 if o.state == OutboxState.UNDELIVERABLE else 1)
        values: dict[str, object] = {
            "attempts": attempts,
            "lease_until": None,
            "done_channels": o.done,
            "channel": ",".join(o.done),
            "state": o.state.value,
            "last_error": (o.error or "")[:MAX_ERROR] or row.last_error,
        }
        if o.answer:
            values["answer"] = o.answer[:MAX_ERROR]
        if o.state == OutboxState.SENT:
            values["sent_at"] = now
        elif o.state == OutboxState.RETRYING:
            expires = row.expires_at or now
            if now >= expires:
                values["state"] = OutboxState.FAILED.value
                values["last_error"] = f"gave up after {attempts} attempts: {o.error}"[:MAX_ERROR]
            else:
                values["next_try_at"] = min(now + self.policy.backoff(attempts), expires)
        s.execute(update(Notification).where(Notification.id == o.row_id).values(**values))
        level = {OutboxState.SENT: "debug", OutboxState.UNDELIVERABLE: "info"}
        getattr(log, level.get(o.state, "warning"))(
            "notification_delivery",
            delivery=o.row_id,
            state=values["state"],
            attempts=attempts,
            error=o.error,
        )

    def close(self) -> None:
        self.pool.shutdown(wait=False)


def flush(notifier: Notifier, sessions: SessionFactory) -> None:
    """Deliver, now and in this thread, the rows `notifier` handed over since the last flush
    (tests, and tools that record and deliver in one process)."""
    ids = notifier.take_handed()
    if ids:
        dispatcher = notifier.dispatcher or Dispatcher(sessions, notifier=notifier)
        dispatcher.run_once(ids=ids)
