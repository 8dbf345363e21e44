"""Activities that record workflow decisions in the database and queue their notifications."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import and_, exists, func, literal, or_, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, selectinload
from temporalio import activity
from temporalio.exceptions import ApplicationError

from dondoc.db import ledger
from dondoc.db.models import (
    Action,
    Assignment,
    Directive,
    Escalation,
    Item,
    Notification,
    Reminder,
    Report,
    Unit,
)
from dondoc.db.session import SessionFactory
from dondoc.db.upsert import insert_ignore
from dondoc.labels import ITEM_STATUS_VN, ROLE_VN
from dondoc.notify import texts
from dondoc.notify.outbox import Message, Notifier
from dondoc.schemas.dates import format_vn
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.messages import ItemSpec, ItemStatus
from dondoc.schemas.records import (
    ItemPage,
    ItemRef,
    LoadItemsInput,
    RecordAssignmentInput,
    RecordAssignmentsInput,
    RecordDirectiveStatusInput,
    RecordEscalationInput,
    RecordItemStatusInput,
    RecordReportInput,
    SendRemindersInput,
)

log = structlog.get_logger("dondoc.activities")


class RecordActivities:
    """Owns the session factory and the notifier; one transaction per activity call."""

    def __init__(self, sessions: SessionFactory, notifier: Notifier | None = None) -> None:
        self.sessions = sessions
        self.notifier = notifier or Notifier()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction; a value the database can never take fails the activity for good.

        Outages, deadlocks and serialisation failures (OperationalError) propagate and are
        retried. A refused value (DataError: a NUL byte on PostgreSQL, a string longer than its
        column, an integer out of range; IntegrityError) is refused again on every attempt, and
        the retry policy has no attempt limit: that would hang the update or the workflow.
        """
        try:
            with self.sessions.begin() as s:
                yield s
        except (DataError, IntegrityError, OverflowError) as exc:
            raise unstorable(exc) from exc

    @activity.defn(name="load_items")
    def load_items(self, inp: LoadItemsInput) -> ItemPage:
        with self.sessions() as s:
            directive = find_directive(s, inp.directive_code)
            items = s.scalars(
                select(Item)
                .where(Item.directive_id == directive.id)
                .order_by(Item.position)
                .offset(inp.offset)
                .limit(inp.limit)
            ).all()
            return ItemPage(
                items=[
                    ItemSpec.model_validate(
                        {
                            **(i.extras or {}),
                            "directive_code": directive.code,
                            "number": i.number,
                            "title": i.title,
                            "committee": directive.committee,
                            "lead": [a.unit_code for a in i.assignments if a.role == "lead"],
                            "support": [a.unit_code for a in i.assignments if a.role == "support"],
                            "due": i.due,
                            "remind_at": i.remind_at,
                            "escalate_every": timedelta(seconds=i.escalate_every_s),
                            "known_units": [u.code for u in directive.units],
                        }
                    )
                    for i in items
                ]
            )

    @activity.defn(name="record_assignment")
    def record_assignment(self, inp: RecordAssignmentInput) -> None:
        with self.transaction() as s:
            item, directive = find_item(s, inp.item)
            rows = self._assign(s, directive, [item], inp.at)
        self.notifier.deliver(rows)

    def record_assignments(self, inp: RecordAssignmentsInput) -> None:
        """A page of items assigned at once (their workflows were started with `assigned`):
        one transaction and one outbox insert for the page, not one per item."""
        with self.transaction() as s:
            directive = find_directive(s, inp.directive_code)
            items = s.scalars(
                select(Item)
                .where(Item.directive_id == directive.id, Item.number.in_(inp.numbers))
                .options(selectinload(Item.assignments))
                .order_by(Item.position)
            ).all()
            rows = self._assign(s, directive, list(items), inp.at)
        self.notifier.deliver(rows)

    def _assign(
        self, s: Session, directive: Directive, items: list[Item], at: datetime
    ) -> list[Notification]:
        """Mark the items assigned (once) and tell every unit of its role and deadline."""
        names = unit_names(s, directive)
        tz = ZoneInfo(directive.timezone)
        ledger.assigned(s, items, at)
        unassigned = [i.id for i in items if i.assigned_at is None]
        if unassigned:
            s.execute(update(Item).where(Item.id.in_(unassigned)).values(assigned_at=at))
        messages = [
            message(
                directive,
                item,
                a.unit_code,
                "assignment",
                f"Giao nhiệm vụ {item.number} «{item.title}»:"
                f" {names.get(a.unit_code, a.unit_code)}"
                f" {ROLE_VN[a.role]}; hạn {format_vn(item.due, tz)}.",
                role=a.role,
            )
            for item in items
            for a in item.assignments
        ]
        return self.notifier.queue(s, messages, at)

    @activity.defn(name="record_report")
    def record_report(self, inp: RecordReportInput) -> None:
        rows: list[Notification] = []
        with self.transaction() as s:
            item, directive = find_item(s, inp.item)
            inserted = insert_ignore(
                s,
                Report,
                [
                    {
                        "item_id": item.id,
                        "report_id": inp.report_id,
                        "unit_code": inp.unit,
                        "progress": inp.progress,
                        "done": inp.done,
                        "note": inp.note,
                        "channel": inp.channel,
                        "reported_at": inp.at,
                        "by_user": inp.by,
                    }
                ],
            )
            if inserted:
                _move_progress(s, item, inp)
                ledger.report(s, item, inp)
            if inp.closes is not None:
                rows = self._set_status(s, item, directive, inp.closes, inp.at)
        self.notifier.deliver(rows)
        _log(inp.item).info(
            "report_recorded",
            unit=inp.unit,
            progress=inp.progress,
            done=inp.done,
            duplicate=not inserted,
        )

    @activity.defn(name="send_reminders")
    def send_reminders(self, inp: SendRemindersInput) -> None:
        with self.transaction() as s:
            item, directive = find_item(s, inp.item)
            tz = ZoneInfo(directive.timezone)
            keys = {u: f"{item.workflow_id}:remind:{inp.kind}:{u}" for u in inp.units}
            insert_ignore(
                s,
                Reminder,
                [
                    {"key": k, "item_id": item.id, "unit_code": u, "kind": inp.kind, "at": inp.at}
                    for u, k in keys.items()
                ],
            )
            progress = {a.unit_code: a.progress for a in item.assignments}
            messages = [
                message(
                    directive,
                    item,
                    u,
                    "reminder",
                    f"Nhắc việc: nhiệm vụ {item.number} «{item.title}» đến hạn"
                    f" {format_vn(item.due, tz)}; tiến độ đã báo cáo {progress.get(u, 0)}%.",
                    key=keys[u],
                )
                for u in inp.units
            ]
            rows = self.notifier.queue(s, messages, inp.at)
        self.notifier.deliver(rows)

    @activity.defn(name="record_escalation")
    def record_escalation(self, inp: RecordEscalationInput) -> None:
        with self.transaction() as s:
            item, directive = find_item(s, inp.item)
            tz = ZoneInfo(directive.timezone)
            key = f"{item.workflow_id}:escalate:{inp.deadline_seq}:{inp.level}"
            insert_ignore(
                s,
                Escalation,
                [
                    {
                        "key": key,
                        "item_id": item.id,
                        "level": inp.level,
                        "to_unit": directive.committee,
                        "at": inp.at,
                    }
                ],
            )
            if item.completed_at is None:
                item.status = ItemStatus.OVERDUE.value
            names = unit_names(s, directive)
            pending = [
                texts.LeadLine(names.get(a.unit_code, a.unit_code), a.progress, a.last_report_at)
                for a in item.assignments
                if a.role == "lead" and a.active and not a.done
            ]
            body = texts.escalation_body(
                inp.level, item.number, item.title, item.due, inp.at, tz, pending
            )
            msg = message(
                directive, item, directive.committee, "escalation", body, key=key, level=inp.level
            )
            rows = self.notifier.queue(s, [msg], inp.at)
        self.notifier.deliver(rows)

    @activity.defn(name="record_item_status")
    def record_item_status(self, inp: RecordItemStatusInput) -> None:
        with self.transaction() as s:
            item, directive = find_item(s, inp.item)
            rows = self._set_status(s, item, directive, inp.status, inp.at)
        self.notifier.deliver(rows)

    def _set_status(
        self, s: Session, item: Item, directive: Directive, status: ItemStatus, at: datetime
    ) -> list[Notification]:
        """Store an item's status; a completion is also told to the committee."""
        item.status = status.value
        if not status.closed:
            return []
        item.completed_at = at
        ledger.closed(s, item, status, at)
        tz = ZoneInfo(directive.timezone)
        body = (
            f"Nhiệm vụ {item.number} «{item.title}» {ITEM_STATUS_VN[status]}"
            f" lúc {format_vn(at, tz)} (hạn {format_vn(item.due, tz)})."
        )
        msg = message(directive, item, directive.committee, "completion", body)
        return self.notifier.queue(s, [msg], at)

    @activity.defn(name="record_directive_status")
    def record_directive_status(self, inp: RecordDirectiveStatusInput) -> None:
        with self.transaction() as s:
            directive = find_directive(s, inp.directive_code)
            directive.status = inp.status.value
            if inp.status == "completed":
                directive.completed_at = inp.at


def _move_progress(s: Session, item: Item, inp: RecordReportInput) -> None:
    """The unit's recorded progress follows its reports in the workflow's order, whatever order
    they reach the database in (retries after an outage reorder them).

    For one unit the workflow's order is (instant, progress, done): reports of later activations
    have later instants, and within one activation (one instant) progress only rises and done
    only turns on. A report older than what is recorded leaves the row alone. One conditional
    UPDATE, so two such writes racing on PostgreSQL are ordered by the row lock.
    """
    a = Assignment
    at = a.last_report_at
    same_instant = (
        a.progress <= inp.progress
        if inp.done
        else and_(a.progress <= inp.progress, a.done.is_(False))
    )
    # A return after review (a later action) reopened the unit: this report's done is undone.
    returned_later = exists().where(
        Action.item_id == item.id,
        Action.kind == ActionKind.REVIEW_RETURNED.value,
        Action.at > inp.at,
    )
    done = ~returned_later if inp.done else literal(False)
    s.execute(
        update(a)
        .where(a.item_id == item.id, a.unit_code == inp.unit)
        .where(or_(at.is_(None), at < inp.at, and_(at == inp.at, same_instant)))
        .values(progress=inp.progress, done=done, last_report_at=inp.at)
    )
    if inp.received:
        # A first report is also the unit's receipt (if it had not acknowledged).
        s.execute(
            update(a)
            .where(a.item_id == item.id, a.unit_code == inp.unit)
            .values(received_at=func.coalesce(a.received_at, inp.at))
        )


def unstorable(exc: Exception) -> ApplicationError:
    """The database's refusal in one line, as a non-retryable error."""
    cause = getattr(exc, "orig", None) or exc
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    name = activity.info().activity_type if activity.in_activity() else "record"
    return ApplicationError(
        f"{name}: the database refuses this record ({first[:300]}); retrying cannot help",
        type="UnstorableRecord",
        non_retryable=True,
    )


def _log(ref: ItemRef) -> structlog.stdlib.BoundLogger:
    workflow_id = activity.info().workflow_id if activity.in_activity() else None
    bound: structlog.stdlib.BoundLogger = log.bind(
        directive=ref.directive_code, item=ref.number, workflow_id=workflow_id
    )
    return bound


def find_directive(s: Session, code: str) -> Directive:
    directive = s.scalars(select(Directive).where(Directive.code == code)).one_or_none()
    if directive is None:
        raise ApplicationError(
            f"directive '{code}' is not in the database",
            type="UnknownDirective",
            non_retryable=True,
        )
    return directive


def find_item(s: Session, ref: ItemRef) -> tuple[Item, Directive]:
    """The item and its directive in one query (every recording activity starts here)."""
    row = s.execute(
        select(Item, Directive)
        .join(Directive, Item.directive_id == Directive.id)
        .where(Directive.code == ref.directive_code, Item.number == ref.number)
    ).one_or_none()
    if row is not None:
        return row[0], row[1]
    find_directive(s, ref.directive_code)  # says which one is missing
    raise ApplicationError(
        f"item '{ref.number}' of directive '{ref.directive_code}' is not in the database",
        type="UnknownItem",
        non_retryable=True,
    )


# A directive's units are written once, with the directive, and never change: their names are
# read once per directive per worker, not once per notification. Keyed by database and id, and
# checked against the code, so a database rebuilt under the same URL is not misread.
_NAMES: dict[tuple[str, int], tuple[str, dict[str, str]]] = {}
_NAMES_KEPT = 1000


def unit_names(s: Session, directive: Directive) -> dict[str, str]:
    key = (repr(s.get_bind().engine.url), directive.id)
    kept = _NAMES.get(key)
    if kept is not None and kept[0] == directive.code:
        return kept[1]
    found = s.scalars(select(Unit).where(Unit.directive_id == directive.id))
    names = {u.code: u.name for u in found}
    if len(_NAMES) >= _NAMES_KEPT:
        _NAMES.clear()
    _NAMES[key] = (directive.code, names)
    return names


def message(
    directive: Directive,
    item: Item,
    unit: str,
    kind: str,
    body: str,
    key: str | None = None,
    **data: object,
) -> Message:
    return Message(
        key=key or f"{item.workflow_id}:{kind}:{unit}",
        directive_code=directive.code,
        item_number=item.number,
        unit_code=unit,
        kind=kind,
        body=body,
        data={"due": item.due.astimezone(UTC).isoformat(), **data},
    )
