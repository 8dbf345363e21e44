"""The channel protocol: each channel sends one recorded message to one unit's contact."""

from __future__ import annotations

from typing import Protocol

from dondoc.schemas.notify import OutboxMessage, Recipient


class DeliveryError(Exception):
    """A send that did not deliver. `permanent`: retrying cannot help (a 400, a refused address);
    otherwise the message is tried again later with the same idempotency key."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    name: str

    def send(self, message: OutboxMessage, to: Recipient) -> str:
        """Deliver `message`; return the channel's answer (kept on the row), or raise
        `DeliveryError`. Any other exception counts as a retryable failure."""
        ...
