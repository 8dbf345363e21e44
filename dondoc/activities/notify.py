"""The notification outbox and its channels; the log channel prints each message via structlog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from sqlalchemy.orm import Session

from dondoc.config import item_workflow_id
from dondoc.db.models import Notification
from dondoc.db.upsert import insert_new

log = structlog.get_logger("dondoc.notify")


@dataclass(frozen=True)
class Message:
    key: str
    directive_code: str
    item_number: str | None
    unit_code: str
    kind: str
    body: str
    data: dict[str, Any]


class Channel(Protocol):
    name: str

    def send(self, row: Notification) -> None: ...


class LogChannel:
    """Delivers by logging one structured line per message (the default, and the demo's)."""

    name = "log"

    def send(self, row: Notification) -> None:
        log.info(
            "notification_sent",
            directive=row.directive_code,
            item=row.item_number,
            unit=row.unit_code,
            workflow_id=item_workflow_id(row.directive_code, row.item_number or ""),
            kind=row.kind,
            body=row.body,
            key=row.key,
        )


class Notifier:
    """Writes messages to the outbox in the caller's transaction, then delivers each once."""

    def __init__(self, channel: Channel | None = None) -> None:
        self.channel: Channel = channel or LogChannel()

    def queue(
        self, session: Session, messages: Sequence[Message], at: datetime
    ) -> list[Notification]:
        """Write the messages to the outbox in the caller's transaction, claimed for delivery.

        Rows are inserted already stamped `sent_at`, and only the rows this call inserted come
        back: the caller delivers them after its transaction commits. A retried activity finds
        its keys taken and sends nothing twice (at most once, as the log channel wants).
        """
        sent = datetime.now(UTC)
        inserted = insert_new(
            session,
            Notification,
            [
                {
                    "key": m.key,
                    "directive_code": m.directive_code,
                    "item_number": m.item_number,
                    "unit_code": m.unit_code,
                    "kind": m.kind,
                    "body": m.body,
                    "data": m.data,
                    "channel": self.channel.name,
                    "created_at": at,
                    "sent_at": sent,
                }
                for m in messages
            ],
        )
        return [Notification(**row._asdict()) for row in inserted]

    def deliver(self, rows: Sequence[Notification]) -> None:
        for row in rows:
            self.channel.send(row)
