"""Notification models: the message a channel sends, a unit's contact, outbox views, delivery and
digest inputs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, SecretStr

from dondoc.schemas import Frozen


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"
    UNDELIVERABLE = "undeliverable"


class ChannelName(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    LOG = "log"


class OutboxMessage(Frozen):
    """One outbox row as a channel sees it: what was recorded, exactly, never the ORM row."""

    id: int
    key: str
    directive_code: str
    item_number: str | None
    unit_code: str
    kind: str
    body: str
    data: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime
    url: str | None = None  # the item on the web, when DONDOC_WEB_URL is set

    @property
    def level(self) -> int | None:
        level = self.data.get("level")
        return level if isinstance(level, int) else None


class Recipient(Frozen):
    """Where one unit's messages go; the webhook secret signs, and is never shown or logged."""

    unit_code: str
    emails: list[str] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    channels: list[ChannelName] = Field(default_factory=list)


class ContactView(Frozen):
    """A contact as `dondoc contact list` shows it (no secret; whether one is set)."""

    unit_code: str
    emails: list[str]
    webhook_url: str | None
    has_secret: bool
    channels: list[ChannelName]
    updated_at: datetime


class ContactList(Frozen):
    contacts: list[ContactView]


class OutboxEntry(Frozen):
    """One outbox row and its delivery state (`dondoc outbox`)."""

    id: int
    key: str
    kind: str
    directive_code: str
    item_number: str | None
    unit_code: str
    state: OutboxState
    attempts: int
    created_at: datetime
    next_try_at: datetime | None
    sent_at: datetime | None
    channel: str
    last_error: str | None
    answer: str | None


class OutboxList(Frozen):
    entries: list[OutboxEntry]


class DeliverOutboxInput(Frozen):
    """One run of the sender: deliver what is due for `run_s` seconds, then return."""

    run_s: float = 60.0
    poll_s: float = 1.0


class DeliverOutboxResult(Frozen):
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    undeliverable: int = 0


class OutboxWorkflowInput(Frozen):
    run_s: float = 60.0
    poll_s: float = 1.0
    heartbeat_s: float = 20.0  # a killed worker's sender is retried on another after this
    runs_per_history: int = 200  # then continue-as-new


class DigestWorkflowInput(Frozen):
    at: str = "07:30"  # local time of day
    timezone: str = "Asia/Ho_Chi_Minh"
    days_per_history: int = 60  # then continue-as-new
    last_day: date | None = None  # the last day sent (carried through continue-as-new)


class NextDigestInput(Frozen):
    after: datetime
    at: str
    timezone: str


class NextDigest(Frozen):
    day: date
    at: datetime  # aware UTC


class SendDigestsInput(Frozen):
    day: date
    at: datetime
    timezone: str = "Asia/Ho_Chi_Minh"
    unit: str | None = None
    dry_run: bool = False


class Digest(Frozen):
    unit_code: str
    subject: str
    body: str
    items: int


class DigestResult(Frozen):
    digests: list[Digest] = Field(default_factory=list)
    queued: int = 0
