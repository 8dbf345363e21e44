"""The outbox: recorded once by key, delivered at least once, every state visible in the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.config import get_settings
from dondoc.db.models import Notification
from dondoc.db.session import SessionFactory
from dondoc.notify.contacts import ContactSpec, set_contacts
from dondoc.notify.dispatch import Dispatcher, Policy
from dondoc.notify.outbox import Notifier, retry
from dondoc.schemas.notify import ChannelName, OutboxState
from tests.notify.conftest import FAST, Captured, record, rows, settle


class Flaky:
    """A log channel that fails (retryably) `fails` times, then delivers."""

    name = "log"

    def __init__(self, fails: int) -> None:
        self.fails, self.calls = fails, 0

    def send(self, message: object, to: object) -> str:
        from dondoc.notify.channels import DeliveryError

        self.calls += 1
        if self.calls <= self.fails:
            raise DeliveryError("receiver down", permanent=False)
        return "ok"


@pytest.fixture
def cli(db: SessionFactory, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    with db() as s:
        url = s.get_bind().engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DONDOC_DATABASE_URL", url)
    get_settings.cache_clear()
    return CliRunner()


def test_a_recorded_message_is_pending_until_the_sender_delivers_it(db: SessionFactory) -> None:
    """Recording sends nothing; the sender then marks the row sent with the channel's answer."""
    channel = Captured()
    notifier = Notifier(channel)
    [row_id] = record(db, notifier)
    assert [(r.state, r.sent_at) for r in rows(db)] == [(OutboxState.PENDING, None)]
    assert channel.sent == []

    Dispatcher(db, notifier).run_once()

    [row] = rows(db)
    assert (
        row.state,
        row.channel,
        row.answer,
        row.attempts,
    ) == (OutboxState.SENT, "log", "log: captured", 1)
    assert [row_id] == [m.id for m in channel.sent]


def test_the_same_business_key_is_recorded_once(db: SessionFactory) -> None:
    notifier = Notifier(Captured())
    first = record(db, notifier, n=3)
    again = record(db, notifier, n=3)
    assert (len(first), again) == (3, [])
    assert len(rows(db)) == 3


def test_a_failing_channel_is_retried_with_backoff_then_sent(db: SessionFactory) -> None:
    """Two failures leave the row `retrying` with its attempts and next try; then sent."""
    channel = Flaky(fails=2)
    notifier = Notifier(channel)
    record(db, notifier)
    dispatcher = Dispatcher(db, notifier, policy=Policy(first_retry=timedelta(seconds=60)))
    dispatcher.run_once()
    [row] = rows(db)
    assert (
        row.state,
        row.attempts,
        row.last_error,
    ) == (OutboxState.RETRYING, 1, "log: receiver down")
    assert row.next_try_at is not None
    waited = row.next_try_at - datetime.now(UTC)
    assert timedelta(seconds=50) < waited <= timedelta(seconds=60)
    dispatcher.run_once()  # not due yet: nothing is tried
    assert channel.calls == 1

    fast = Dispatcher(db, notifier, policy=Policy(first_retry=FAST))
    with db.begin() as s:
        s.execute(update(Notification).values(next_try_at=datetime.now(UTC)))
    settle(fast, db)
    [row] = rows(db)
    assert (row.state, row.attempts, channel.calls) == (OutboxState.SENT, 3, 3)


def test_past_its_deadline_a_failing_message_fails_with_its_last_error(db: SessionFactory) -> None:
    notifier = Notifier(Flaky(fails=99), deadline=timedelta(milliseconds=50))
    record(db, notifier)
    settle(Dispatcher(db, notifier, policy=Policy(first_retry=FAST)), db)
    [row] = rows(db)
    assert row.state == OutboxState.FAILED
    assert row.last_error is not None
    assert row.last_error.startswith("gave up after")
    assert row.last_error.endswith("log: receiver down")


def test_a_killed_senders_rows_come_back_when_its_lease_ends(db: SessionFactory) -> None:
    """A sender that took rows and died never records them: after the lease they are sent."""
    channel = Captured()
    notifier = Notifier(channel)
    record(db, notifier, n=2)
    from dondoc.notify.outbox import claim

    with db.begin() as s:
        assert len(claim(s, datetime.now(UTC), timedelta(milliseconds=100), 10)) == 2
    dispatcher = Dispatcher(db, notifier)
    assert dispatcher.run_once().claimed == 0  # still held
    settle(dispatcher, db)
    assert [r.state for r in rows(db)] == [OutboxState.SENT] * 2


def test_with_no_contact_at_all_every_message_goes_to_the_log(db: SessionFactory) -> None:
    channel = Captured()
    notifier = Notifier(channel)
    record(db, notifier, unit="DANG_UY")
    settle(Dispatcher(db, notifier), db)
    assert [m.unit_code for m in channel.sent] == ["DANG_UY"]


def test_once_contacts_exist_a_unit_without_one_is_undeliverable_and_listed(
    db: SessionFactory, cli: CliRunner
) -> None:
    """The committee's escalation is kept, visible in `dondoc outbox --undeliverable`, and sent
    after its contact is set and it is retried."""
    channel = Captured()
    notifier = Notifier(channel)
    set_contacts(db, [ContactSpec(unit="KHOI_VAN", channel=[ChannelName.LOG])])
    [row_id] = record(db, notifier, unit="DANG_UY")
    settle(Dispatcher(db, notifier), db)

    listed = cli.invoke(app, ["outbox", "--undeliverable", "--json"])
    entries = json.loads(listed.output)["entries"]
    assert [(row_id, "undeliverable", "no contact for this unit")] == [
        (e["id"], e["state"], e["last_error"]) for e in entries
    ]

    set_contacts(db, [ContactSpec(unit="DANG_UY", channel=[ChannelName.LOG])])
    moved = cli.invoke(app, ["outbox", "retry", str(row_id)])
    assert moved.exit_code == 0, moved.output
    settle(Dispatcher(db, notifier), db)
    assert (
        [r.state for r in rows(db)],
        [m.unit_code for m in channel.sent],
    ) == ([OutboxState.SENT], ["DANG_UY"])


def test_retry_leaves_a_sent_message_alone(db: SessionFactory) -> None:
    notifier = Notifier(Captured())
    [row_id] = record(db, notifier)
    settle(Dispatcher(db, notifier), db)
    assert retry(db, [row_id]) == []


def test_the_outbox_command_filters_by_state_and_unit(db: SessionFactory, cli: CliRunner) -> None:
    notifier = Notifier(Flaky(fails=99))
    record(db, notifier, unit="UBND", prefix="a")
    record(db, notifier, unit="MTTQ", prefix="b")
    Dispatcher(db, notifier).run_once()

    pending = cli.invoke(app, ["outbox", "--pending", "--unit", "UBND"])
    assert pending.exit_code == 0, pending.output
    [line] = pending.output.strip().splitlines()
    assert ("retrying (attempt 1," in line, "UBND" in line, "MTTQ" in line) == (True, True, False)
    assert "the outbox has no such messages" in cli.invoke(app, ["outbox", "--failed"]).output
