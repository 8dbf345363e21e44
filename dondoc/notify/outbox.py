"""The outbox: recording a message (exactly once, by its business key), its delivery state, and
what `dondoc outbox` reads and retries."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, or_, select, update
from sqlalchemy.orm import Session

from dondoc.db.models import Notification
from dondoc.db.session import SessionFactory
from dondoc.db.upsert import insert_new
from dondoc.schemas.notify import OutboxEntry, OutboxState

if TYPE_CHECKING:
    from dondoc.notify.channels import Channel
    from dondoc.notify.dispatch import Dispatcher

DUE_STATES = (OutboxState.PENDING.value, OutboxState.RETRYING.value)
DEFAULT_DEADLINE = timedelta(hours=24)


@dataclass(frozen=True)
class Message:
    """A message to record: `key` is its business key (one row per key, ever)."""

    key: str
    directive_code: str
    item_number: str | None
    unit_code: str
    kind: str
    body: str
    data: dict[str, Any]


class Notifier:
    """Records messages in the caller's transaction; delivery is a separate step.

    `queue` writes `pending` rows and returns the ones this call inserted (a retried activity finds
    its keys taken and records nothing twice). `deliver` only hands their ids to the sender of this
    process and wakes it: sending never runs inside a recording activity, so a slow receiver
    never delays a workflow task. `channel`: the log channel's stand-in (the demo's printer).
    """

    def __init__(
        self, channel: Channel | None = None, deadline: timedelta = DEFAULT_DEADLINE
    ) -> None:
        self.log_channel = channel
        self.deadline = deadline
        self.dispatcher: Dispatcher | None = None  # set by `Dispatcher(notifier=...)`
        self._woken = threading.Event()
        self._handed: deque[int] = deque(maxlen=10_000)

    def queue(
        self, session: Session, messages: Sequence[Message], at: datetime
    ) -> list[Notification]:
        return [Notification(**row._asdict()) for row in self._insert(session, messages, at)]

    def record(self, session: Session, messages: Sequence[Message], at: datetime) -> list[int]:
        """`queue`, returning only the new rows' ids (for `hand`): no row objects to build."""
        return [row.id for row in self._insert(session, messages, at, whole=False)]

    def _insert(
        self, session: Session, messages: Sequence[Message], at: datetime, whole: bool = True
    ) -> list[Row[Any]]:
        now = datetime.now(UTC)
        return insert_new(
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
                    "channel": "",
                    "created_at": at,
                    "state": OutboxState.PENDING.value,
                    "attempts": 0,
                    "next_try_at": now,
                    "expires_at": now + self.deadline,
                }
                for m in messages
            ],
            whole,
        )

    def deliver(self, rows: Sequence[Notification]) -> None:
        """After the caller's commit: hand the new rows to the sender and wake it."""
        self.hand([r.id for r in rows])

    def hand(self, ids: Sequence[int]) -> None:
        """`deliver` by the rows' ids (from `record`)."""
        if ids:
            self._handed.extend(ids)
            self._woken.set()

    def wait(self, timeout: float) -> bool:
        """The sender sleeps here until a message is recorded, or `timeout` seconds."""
        woken = self._woken.wait(timeout)
        self._woken.clear()
        return woken

    def take_handed(self) -> list[int]:
        """The ids of the rows handed over since the last call (see `dispatch.flush`)."""
        ids = []
        while self._handed:
            ids.append(self._handed.popleft())
        return ids


def entry(row: Notification) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        key=row.key,
        kind=row.kind,
        directive_code=row.directive_code,
        item_number=row.item_number,
        unit_code=row.unit_code,
        state=OutboxState(row.state),
        attempts=row.attempts,
        created_at=row.created_at,
        next_try_at=row.next_try_at if row.state in DUE_STATES else None,
        sent_at=row.sent_at,
        channel=row.channel,
        last_error=row.last_error,
        answer=row.answer,
    )


def list_outbox(
    sessions: SessionFactory,
    states: Sequence[OutboxState] = (),
    unit: str | None = None,
    limit: int = 200,
) -> list[OutboxEntry]:
    """The newest rows first, filtered by state and unit."""
    stmt = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if states:
        stmt = stmt.where(Notification.state.in_([s.value for s in states]))
    if unit:
        stmt = stmt.where(Notification.unit_code == unit)
    with sessions() as s:
        return [entry(r) for r in s.scalars(stmt)]


def retry(
    sessions: SessionFactory,
    ids: Sequence[int] = (),
    failed: bool = False,
    deadline: timedelta = DEFAULT_DEADLINE,
) -> list[int]:
    """Put rows back to `pending` (a fresh deadline, attempts kept); returns the ids moved.

    `ids` may name failed, undeliverable or retrying rows; `failed` takes every failed row.
    A sent row is left alone: it was delivered.
    """
    if not ids and not failed:
        return []
    now = datetime.now(UTC)
    again = [OutboxState.FAILED.value, OutboxState.UNDELIVERABLE.value, *DUE_STATES]
    cond: list[ColumnElement[bool]] = [Notification.state.in_(again)]
    if failed:
        cond.append(Notification.state == OutboxState.FAILED.value)
    if ids:
        cond.append(Notification.id.in_(list(ids)))
    with sessions.begin() as s:
        moved = s.scalars(
            update(Notification)
            .where(*cond)
            .values(
                state=OutboxState.PENDING.value,
                next_try_at=now,
                expires_at=now + deadline,
                lease_until=None,
            )
            .returning(Notification.id)
        ).all()
    return sorted(moved)


def claim(
    s: Session, now: datetime, lease: timedelta, limit: int, ids: Sequence[int] | None = None
) -> list[Notification]:
    """Take up to `limit` due rows for `lease`: a sender killed mid-send holds them no longer.

    The outer WHERE repeats the conditions, so on PostgreSQL a row another sender took while this
    statement waited for its lock is skipped, not taken twice.
    """
    due: list[ColumnElement[bool]] = [
        Notification.state.in_(DUE_STATES),
        or_(Notification.next_try_at.is_(None), Notification.next_try_at <= now),
        or_(Notification.lease_until.is_(None), Notification.lease_until < now),
    ]
    if ids is not None:
        due.append(Notification.id.in_(list(ids)))
    picked = select(Notification.id).where(*due).order_by(Notification.id).limit(limit)
    stmt = (
        update(Notification)
        .where(Notification.id.in_(picked.scalar_subquery()), *due)
        .values(lease_until=now + lease)
        .returning(Notification)
    )
    rows = list(s.scalars(stmt, execution_options={"synchronize_session": False}))
    return sorted(rows, key=lambda r: r.id)
