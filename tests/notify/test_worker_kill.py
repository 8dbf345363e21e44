"""kill -9 of the worker while 200 messages are being delivered: after a restart every message
has arrived, each row is recorded once, and duplicates carry the same X-Dondoc-Delivery."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from dondoc.config import digest_workflow_id, outbox_workflow_id
from dondoc.db.session import open_database
from dondoc.notify.contacts import ContactSpec, set_contacts
from dondoc.notify.outbox import Notifier
from dondoc.schemas.notify import OutboxState
from tests.notify.conftest import Receiver, record, rows

pytestmark = pytest.mark.devserver
N = 200


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-c", "from dondoc.cli import main; main()", "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(check: object, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_killed_worker_loses_no_message_and_records_none_twice(
    dev_env: WorkflowEnvironment, receiver: Receiver, tmp_path: Path, task_queue: str
) -> None:
    url = f"sqlite:///{tmp_path / 'dondoc.sqlite'}"
    db = open_database(url)
    set_contacts(db, [ContactSpec(unit="KHOI_VAN", webhook=receiver.url, webhook_secret="x" * 20)])
    ids = record(db, Notifier(), n=N)
    receiver.delay_s = 0.03  # 200 messages, 4 at a time: a few seconds to kill into
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "DONDOC_DATABASE_URL": url,
        "DONDOC_TASK_QUEUE": task_queue,
        "DONDOC_NOTIFY_SENDERS": "4",
        "DONDOC_NOTIFY_LEASE_S": "2",
        "DONDOC_NOTIFY_HEARTBEAT_S": "2",
        "DONDOC_LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "worker.log"
    first = start_worker(env, log)
    try:
        wait_for(lambda: len(receiver.seen) >= 40, 60, "the first deliveries")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        seen_at_kill = len(receiver.seen)
        assert seen_at_kill < N
        second = start_worker(env, log)
        try:
            wait_for(
                lambda: all(r.state == OutboxState.SENT for r in rows(db)),
                90,
                "every row sent after the restart",
            )
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(20)
    finally:
        if first.poll() is None:
            first.kill()
        for wf_id in (outbox_workflow_id(task_queue), digest_workflow_id(task_queue)):
            with contextlib.suppress(RPCError):
                await dev_env.client.get_workflow_handle(wf_id).terminate("test finished")

    found = rows(db)
    assert (len(found), [r.state for r in found]) == (N, [OutboxState.SENT] * N)
    counts = Counter(receiver.deliveries())
    assert sorted(map(str, ids)) == sorted(counts)
    by_key: dict[str, dict[str, object]] = {}
    for payload, delivery in zip(receiver.payloads(), receiver.deliveries(), strict=True):
        assert str(payload["id"]) == delivery
        assert by_key.setdefault(delivery, payload) == payload  # a repeat is the same message
    print(f"kill after {seen_at_kill} receipts; {sum(counts.values()) - N} duplicate(s)")
