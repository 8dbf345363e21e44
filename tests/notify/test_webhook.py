"""The webhook channel against a real HTTP receiver on loopback: signature, idempotency key,
retries on 5xx, failure for good on 4xx."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.config import get_settings
from dondoc.db.session import SessionFactory
from dondoc.notify.channels.webhook import WebhookChannel
from dondoc.notify.contacts import ContactSpec, set_contacts
from dondoc.notify.dispatch import Dispatcher, Policy
from dondoc.notify.outbox import Notifier
from dondoc.schemas.notify import OutboxState
from tests.notify.conftest import CODE, FAST, Receiver, record, rows, settle

SECRET = "s3cret-s3cret-s3cret"


def webhook_dispatcher(db: SessionFactory, notifier: Notifier) -> Dispatcher:
    return Dispatcher(
        db, notifier, {"webhook": WebhookChannel(timeout_s=2)}, Policy(first_retry=FAST)
    )


def contact(db: SessionFactory, receiver: Receiver) -> None:
    set_contacts(db, [ContactSpec(unit="KHOI_VAN", webhook=receiver.url, webhook_secret=SECRET)])


def test_the_payload_is_signed_and_carries_the_outbox_id(
    db: SessionFactory, receiver: Receiver
) -> None:
    """HMAC-SHA256 of the exact body with the contact's secret; X-Dondoc-Delivery is the row."""
    contact(db, receiver)
    notifier = Notifier()
    [row_id] = record(db, notifier)
    settle(webhook_dispatcher(db, notifier), db)

    [(headers, body)] = receiver.seen
    expected_sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert (str(row_id), expected_sig) == (
        headers["X-Dondoc-Delivery"],
        headers["X-Dondoc-Signature"],
    )
    expected = {
        "id": row_id,
        "kind": "escalation",
        "directive": CODE,
        "item": "2",
        "unit": "KHOI_VAN",
        "level": 2,
        "text": "Báo cáo quá hạn (lần 2): nhiệm vụ 2 «Tuyên truyền» số 0",
        "at": "2027-01-04T01:00:00+00:00",
    }
    assert expected == json.loads(body)
    [row] = rows(db)
    assert (row.state, row.answer) == (OutboxState.SENT, "webhook: HTTP 200 ok")


def test_three_500s_then_a_200_is_one_delivery_after_three_retries(
    db: SessionFactory, receiver: Receiver
) -> None:
    """Each try carries the same X-Dondoc-Delivery; the row is sent once, after 4 attempts."""
    contact(db, receiver)
    receiver.script = [500, 500, 500]
    notifier = Notifier()
    [row_id] = record(db, notifier)
    settle(webhook_dispatcher(db, notifier), db)

    assert [str(row_id)] * 4 == receiver.deliveries()
    [row] = rows(db)
    assert (row.state, row.attempts) == (OutboxState.SENT, 4)
    assert row.last_error == "webhook: HTTP 500 Internal Server Error"


@pytest.mark.parametrize("status", [408, 429, 503])
def test_timeouts_rate_limits_and_5xx_are_retried(
    db: SessionFactory, receiver: Receiver, status: int
) -> None:
    contact(db, receiver)
    receiver.script = [status]
    notifier = Notifier()
    record(db, notifier)
    settle(webhook_dispatcher(db, notifier), db)
    assert ([r.state for r in rows(db)], len(receiver.seen)) == ([OutboxState.SENT], 2)


def test_a_400_fails_for_good_and_shows_in_outbox_failed(
    db: SessionFactory, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact(db, receiver)
    receiver.then = 400
    notifier = Notifier()
    [row_id] = record(db, notifier)
    settle(webhook_dispatcher(db, notifier), db)

    assert len(receiver.seen) == 1
    with db() as s:
        monkeypatch.setenv("DONDOC_DATABASE_URL", s.get_bind().engine.url.render_as_string())
    get_settings.cache_clear()
    listed = CliRunner().invoke(app, ["outbox", "--failed", "--json"])
    entries = json.loads(listed.output)["entries"]
    assert [(row_id, "failed", 1, "webhook: HTTP 400 Bad Request")] == [
        (e["id"], e["state"], e["attempts"], e["last_error"]) for e in entries
    ]


def test_a_receiver_that_is_not_there_is_retried(db: SessionFactory) -> None:
    """Connection refused is transient: the row is `retrying`, with the error kept."""
    set_contacts(db, [ContactSpec(unit="KHOI_VAN", webhook="http://127.0.0.1:9/none")])
    notifier = Notifier()
    record(db, notifier)
    webhook_dispatcher(db, notifier).run_once()
    [row] = rows(db)
    assert row.state == OutboxState.RETRYING
    assert row.last_error is not None
    assert row.last_error.startswith("webhook: URLError")
