"""The log channel: one structured line per message (the default, and the demo's)."""

from __future__ import annotations

import structlog

from dondoc.config import item_workflow_id
from dondoc.schemas.notify import OutboxMessage, Recipient

log = structlog.get_logger("dondoc.notify")


class LogChannel:
    name = "log"

    def send(self, message: OutboxMessage, to: Recipient) -> str:
        log.info(
            "notification_sent",
            directive=message.directive_code,
            item=message.item_number,
            unit=message.unit_code,
            workflow_id=item_workflow_id(message.directive_code, message.item_number or ""),
            kind=message.kind,
            body=message.body,
            key=message.key,
            delivery=message.id,
        )
        return "logged"
