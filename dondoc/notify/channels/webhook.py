"""The webhook channel: a signed JSON POST; the bridge to Zalo, SMS gateways or a chat room."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.request

from dondoc.notify import texts
from dondoc.notify.channels import DeliveryError
from dondoc.schemas.notify import OutboxMessage, Recipient

RETRIED_4XX = (408, 429)  # a timeout or a rate limit at the receiver: try again later


def body_of(m: OutboxMessage) -> bytes:
    payload = texts.webhook_payload(m)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(body: bytes, secret: str) -> str:
    """`sha256=<hex HMAC-SHA256 of the exact body bytes>` (checking it: docs/notifications.md)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    """2xx delivered; 4xx (but 408/429) failed for good; 5xx, timeouts and connection errors
    retried, with the same `X-Dondoc-Delivery` each time."""

    name = "webhook"

    def __init__(self, timeout_s: float = 10.0) -> None:
        self.timeout_s = timeout_s

    def send(self, message: OutboxMessage, to: Recipient) -> str:
        if not to.webhook_url:
            raise DeliveryError(f"unit {to.unit_code} has no webhook URL", permanent=True)
        body = body_of(message)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "dondoc-webhook/1",
            "X-Dondoc-Delivery": str(message.id),
            "X-Dondoc-Kind": message.kind,
        }
        if to.webhook_secret is not None:
            headers["X-Dondoc-Signature"] = signature(body, to.webhook_secret.get_secret_value())
        request = urllib.request.Request(to.webhook_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
                status = answer.status
                text = answer.read(200).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status = exc.code
            permanent = 400 <= status < 500 and status not in RETRIED_4XX
            raise DeliveryError(f"HTTP {status} {exc.reason}", permanent=permanent) from None
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            what = f"{type(exc).__name__}: {reason}"
            raise DeliveryError(what, permanent=False) from None
        if not 200 <= status < 300:  # a 1xx or 3xx the opener did not follow
            raise DeliveryError(f"HTTP {status}", permanent=False)
        return f"HTTP {status} {' '.join(text.split())}".strip()
