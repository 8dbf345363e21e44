"""Notification fixtures: a site database of the test's own (contacts are site-wide), a real
HTTP receiver on loopback, and helpers to record and deliver outbox rows."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from dondoc.db.models import Notification
from dondoc.db.session import SessionFactory, open_database
from dondoc.notify.dispatch import Dispatcher
from dondoc.notify.outbox import Message, Notifier
from dondoc.schemas.notify import OutboxMessage, OutboxState, Recipient
from tests.conftest import scratch_pg_schema

CODE = "127-KH/ĐU-DVK-D2"
FINAL = {OutboxState.SENT, OutboxState.FAILED, OutboxState.UNDELIVERABLE}


class Captured:
    """The log channel's stand-in: keeps what it was given."""

    name = "log"

    def __init__(self) -> None:
        self.sent: list[OutboxMessage] = []

    def send(self, message: OutboxMessage, to: Recipient) -> str:
        self.sent.append(message)
        return "captured"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SessionFactory]:
    """A site database of the test's own (contacts are site-wide): SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        yield open_database(f"sqlite:///{tmp_path / 'dondoc.sqlite'}")
        return
    with scratch_pg_schema("dondoc_notify") as url:
        sessions = open_database(url)
        yield sessions
        sessions.kw["bind"].dispose()


def record(
    sessions: SessionFactory,
    notifier: Notifier,
    n: int = 1,
    unit: str = "KHOI_VAN",
    kind: str = "escalation",
    prefix: str = "m",
) -> list[int]:
    """`n` messages recorded as an activity would; returns their outbox ids."""
    messages = [
        Message(
            key=f"{prefix}:{i}",
            directive_code=CODE,
            item_number="2",
            unit_code=unit,
            kind=kind,
            body=f"Báo cáo quá hạn (lần 2): nhiệm vụ 2 «Tuyên truyền» số {i}",
            data={"level": 2},
        )
        for i in range(n)
    ]
    with sessions.begin() as s:
        rows = notifier.queue(s, messages, datetime(2027, 1, 4, 1, 0, tzinfo=UTC))
    notifier.deliver(rows)
    return [r.id for r in rows]


def rows(sessions: SessionFactory) -> list[Notification]:
    with sessions() as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)))


def settle(dispatcher: Dispatcher, sessions: SessionFactory, timeout: float = 10.0) -> None:
    """Deliver until every row is in a final state (sent, failed, undeliverable)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        dispatcher.run_once()
        if all(OutboxState(r.state) in FINAL for r in rows(sessions)):
            return
        time.sleep(0.01)
    raise AssertionError(f"not settled: {[(r.id, r.state) for r in rows(sessions)]}")


@dataclass
class Receiver:
    """A real HTTP server on loopback: answers with `script` in turn, then `then`."""

    script: list[int] = field(default_factory=list)
    then: int = 200
    delay_s: float = 0.0
    seen: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def answer(self) -> int:
        with self.lock:
            return self.script.pop(0) if self.script else self.then

    def deliveries(self) -> list[str]:
        return [h["X-Dondoc-Delivery"] for h, _ in self.seen]

    def payloads(self) -> list[dict[str, object]]:
        return [json.loads(body) for _, body in self.seen]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if found.delay_s:
                time.sleep(found.delay_s)
            with found.lock:
                found.seen.append((dict(self.headers.items()), body))
            status = found.answer()
            with contextlib.suppress(OSError):  # a sender killed mid-request (test_worker_kill)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()


FAST = timedelta(milliseconds=20)
