"""Activities that record workflow decisions in the database and queue their notifications."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, selectinload
from temporalio import activity

from dondoc.activities.common import (
    find_directive,
    find_item,
    find_item_row,
    log_item,
    message,
    unit_names,
    unstorable,
)
from dondoc.db import item_rows, ledger
from dondoc.db.item_rows import DirectiveRow, ItemRow, ledger_item
from dondoc.db.models import (
    Directive,
    Escalation,
    Item,
    Reminder,
    Report,
)
from dondoc.db.progress import move_progress
from dondoc.db.session import SessionFactory
from dondoc.db.upsert import insert_ignore
from dondoc.labels import ITEM_STATUS_VN, ROLE_VN
from dondoc.notify import texts
from dondoc.notify.outbox import Notifier
from dondoc.schemas.dates import format_vn
from dondoc.schemas.messages import ItemSpec, ItemStatus
from dondoc.schemas.records import (
    ItemPage,
    LoadItemsInput,
    RecordAssignmentInput,
    RecordAssignmentsInput,
    RecordDirectiveStatusInput,
    RecordEscalationInput,
    RecordItemStatusInput,
    RecordReportInput,
    SendRemindersInput,
)


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
                .options(selectinload(Item.assignments))  # one query for the page, not one each
                .order_by(Item.position)
                .offset(inp.offset)
                .limit(inp.limit)
            ).all()
            known_units = [u.code for u in directive.units]
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
                            "known_units": known_units,
                        }
                    )
                    for i in items
                ]
            )

    @activity.defn(name="record_assignment")
    def record_assignment(self, inp: RecordAssignmentInput) -> None:
        with self.transaction() as s:
            item, directive = find_item(s, inp.item)
            queued = self._assign(s, directive, [item], inp.at)
        self.notifier.hand(queued)

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
            queued = self._assign(s, directive, list(items), inp.at)
        self.notifier.hand(queued)

    def _assign(
        self, s: Session, directive: Directive, items: list[Item], at: datetime
    ) -> list[int]:
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
        return self.notifier.record(s, messages, at)

    @activity.defn(name="record_report")
    def record_report(self, inp: RecordReportInput) -> None:
        queued: list[int] = []
        with self.transaction() as s:
            item, directive = find_item_row(s, inp.item)
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
                move_progress(s, item.id, inp)
                ledger.report(s, ledger_item(item), inp)
            if inp.closes is not None:
                queued = self._set_status(s, item, directive, inp.closes, inp.at)
        self.notifier.hand(queued)
        log_item(
            inp.item,
            "report_recorded",
            unit=inp.unit,
            progress=inp.progress,
            done=inp.done,
            duplicate=not inserted,
        )

    @activity.defn(name="send_reminders")
    def send_reminders(self, inp: SendRemindersInput) -> None:
        with self.transaction() as s:
            item, directive = find_item_row(s, inp.item)
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
            progress = item_rows.progress_by_unit(s, item.id)
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
            queued = self.notifier.record(s, messages, inp.at)
        self.notifier.hand(queued)

    @activity.defn(name="record_escalation")
    def record_escalation(self, inp: RecordEscalationInput) -> None:
        with self.transaction() as s:
            item, directive = find_item_row(s, inp.item)
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
                item_rows.mark_overdue(s, item.id)
            names = unit_names(s, directive)
            pending = [
                texts.LeadLine(names.get(a.unit_code, a.unit_code), a.progress, a.last_report_at)
                for a in item_rows.pending_leads(s, item.id)
            ]
            body = texts.escalation_body(
                inp.level, item.number, item.title, item.due, inp.at, tz, pending, inp.missed_levels
            )
            msg = message(
                directive, item, directive.committee, "escalation", body, key=key, level=inp.level
            )
            queued = self.notifier.record(s, [msg], inp.at)
        self.notifier.hand(queued)

    @activity.defn(name="record_item_status")
    def record_item_status(self, inp: RecordItemStatusInput) -> None:
        with self.transaction() as s:
            item, directive = find_item_row(s, inp.item)
            queued = self._set_status(s, item, directive, inp.status, inp.at)
        self.notifier.hand(queued)

    def _set_status(
        self, s: Session, item: ItemRow, directive: DirectiveRow, status: ItemStatus, at: datetime
    ) -> list[int]:
        """Store an item's status; a completion is also told to the committee."""
        if not status.closed:
            item_rows.set_status(s, item.id, status, None)
            return []
        item_rows.set_status(s, item.id, status, at)
        ledger.closed(s, ledger_item(item), status, at)
        tz = ZoneInfo(directive.timezone)
        body = (
            f"Nhiệm vụ {item.number} «{item.title}» {ITEM_STATUS_VN[status]}"
            f" lúc {format_vn(at, tz)} (hạn {format_vn(item.due, tz)})."
        )
        msg = message(directive, item, directive.committee, "completion", body)
        return self.notifier.record(s, [msg], at)

    @activity.defn(name="record_directive_status")
    def record_directive_status(self, inp: RecordDirectiveStatusInput) -> None:
        with self.transaction() as s:
            directive = find_directive(s, inp.directive_code)
            directive.status = inp.status.value
            if inp.status == "completed":
                directive.completed_at = inp.at
