"""Read side: a directive's status and cross-directive item lists, straight from the database."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from dondoc.db.models import Action, Assignment, Directive, Escalation, Item, Reminder, Unit
from dondoc.db.session import SessionFactory
from dondoc.errors import UnknownDirective
from dondoc.schemas.lifecycle import ActionKind, ActionLog
from dondoc.schemas.messages import DirectiveStatus, ItemStatus, Role
from dondoc.schemas.status import derive_status
from dondoc.schemas.views import (
    DirectiveHeader,
    DirectiveView,
    EscalationView,
    ItemRow,
    ItemView,
    ReminderView,
    UnitView,
)


def item_status(item: Item, now: datetime) -> ItemStatus:
    """The recorded phase, refined by the clock and the units (see `derive_status`)."""
    leads = [a for a in item.assignments if a.role == "lead" and a.active]
    receipt_tracked = bool((item.extras or {}).get("receipt_remind_at"))
    return derive_status(
        ItemStatus(item.status),
        now,
        item.due,
        due_soon_at=item.due_soon_at,
        lead_refused=any(a.refused_at for a in leads),
        lead_unreceived=receipt_tracked and any(a.received_at is None for a in leads),
    )


def find_directive(s: Session, code: str) -> Directive:
    """The directive with this code, or UnknownDirective (the readers' lookup)."""
    d = s.scalars(select(Directive).where(Directive.code == code)).one_or_none()
    if d is None:
        raise UnknownDirective(code)
    return d


def directive_view(
    sessions: SessionFactory,
    code: str,
    now: datetime,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> DirectiveView:
    """A directive and its items. With `limit`, one page of items, most urgent first (open ones
    by deadline, then the completed), and the counts per status over every item: what costs
    seconds for 10,000 items (their actions, reminders, escalations as models) is then paid
    for the page only. Without it, every item in the directive's order."""
    with sessions() as s:
        d = find_directive(s, code)
        tz = ZoneInfo(d.timezone)
        names = {u.code: u.name for u in s.scalars(select(Unit).where(Unit.directive_id == d.id))}
        stmt = select(Item).where(Item.directive_id == d.id).options(selectinload(Item.assignments))
        if limit is None and offset == 0:
            page = list(s.scalars(stmt.order_by(Item.position, Item.id)))
        else:
            urgent = (Item.completed_at.is_not(None), Item.due, Item.id)
            page = list(s.scalars(stmt.order_by(*urgent).offset(offset).limit(limit)))
        item_ids = [i.id for i in page]
        reminders: dict[int, list[Reminder]] = {}
        for r in s.scalars(
            select(Reminder)
            .where(Reminder.item_id.in_(item_ids))
            .order_by(Reminder.at, Reminder.id)
        ):
            reminders.setdefault(r.item_id, []).append(r)
        actions: dict[int, list[Action]] = {}
        for act in s.scalars(
            select(Action).where(Action.item_id.in_(item_ids)).order_by(Action.at, Action.id)
        ):
            actions.setdefault(act.item_id, []).append(act)
        escalations: dict[int, list[Escalation]] = {}
        for e in s.scalars(
            select(Escalation)
            .where(Escalation.item_id.in_(item_ids))
            .order_by(Escalation.at, Escalation.level)
        ):
            escalations.setdefault(e.item_id, []).append(e)

        items = [
            ItemView(
                number=i.number,
                title=i.title,
                workflow_id=i.workflow_id,
                status=item_status(i, now),
                due=i.due.astimezone(tz),
                completed_at=i.completed_at.astimezone(tz) if i.completed_at else None,
                units=[_unit_view(a, names, tz, i, now) for a in i.assignments if a.active],
                support_due=i.support_due.astimezone(tz) if i.support_due else None,
                deadline_seq=i.deadline_seq,
                extensions_used=i.extensions_used,
                actions=[action_log(a, tz) for a in actions.get(i.id, [])],
                reminders=[
                    ReminderView(unit=r.unit_code, at=r.at.astimezone(tz))
                    for r in reminders.get(i.id, [])
                ],
                escalations=[
                    EscalationView(level=e.level, at=e.at.astimezone(tz), to=e.to_unit)
                    for e in escalations.get(i.id, [])
                ],
            )
            for i in page
        ]
        header = DirectiveHeader(
            code=d.code,
            title=d.title,
            workflow_id=d.workflow_id,
            status=DirectiveStatus(d.status),
            committee=d.committee,
            timezone=d.timezone,
        )
        if limit is None and offset == 0:
            counts = Counter(i.status for i in items)
        else:
            counts = status_counts(s, d.id, now)
        return DirectiveView(
            directive=header,
            items=items,
            total_items=sum(counts.values()),
            status_counts=dict(sorted(counts.items())),
            page=offset // limit + 1 if limit else 1,
            limit=limit,
        )


def status_counts(s: Session, directive_id: int, now: datetime) -> Counter[ItemStatus]:
    """Every item's status as `item_status` derives it, from plain rows (no ORM objects)."""
    leads: dict[int, list[tuple[datetime | None, datetime | None]]] = {}
    for item_id, refused_at, received_at in s.execute(
        select(Assignment.item_id, Assignment.refused_at, Assignment.received_at)
        .join(Item, Item.id == Assignment.item_id)
        .where(
            Item.directive_id == directive_id,
            Assignment.role == "lead",
            Assignment.active.is_(True),
        )
    ):
        leads.setdefault(item_id, []).append((refused_at, received_at))
    counts: Counter[ItemStatus] = Counter()
    for item_id, status, due, due_soon_at, extras in s.execute(
        select(Item.id, Item.status, Item.due, Item.due_soon_at, Item.extras).where(
            Item.directive_id == directive_id
        )
    ):
        mine = leads.get(item_id, [])
        receipt_tracked = bool((extras or {}).get("receipt_remind_at"))
        counts[
            derive_status(
                ItemStatus(status),
                now,
                due,
                due_soon_at=due_soon_at,
                lead_refused=any(refused for refused, _ in mine),
                lead_unreceived=receipt_tracked and any(got is None for _, got in mine),
            )
        ] += 1
    return counts


def _unit_view(
    a: Assignment, names: dict[str, str], tz: ZoneInfo, item: Item, now: datetime
) -> UnitView:
    own_due = item.support_due if a.role == "support" else None
    finished_at = a.last_report_at if a.done else None
    late = own_due is not None and (finished_at or now) > own_due
    return UnitView(
        due=own_due.astimezone(tz) if own_due else None,
        late=late,
        code=a.unit_code,
        name=names.get(a.unit_code, a.unit_code),
        role=Role(a.role),
        progress=a.progress,
        done=a.done,
        last_report_at=a.last_report_at.astimezone(tz) if a.last_report_at else None,
        received_at=a.received_at.astimezone(tz) if a.received_at else None,
        refused_at=a.refused_at.astimezone(tz) if a.refused_at else None,
        refusal_reason=a.refusal_reason,
    )


def list_items(
    sessions: SessionFactory,
    now: datetime,
    *,
    overdue: bool = False,
    unit: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ItemRow]:
    """Items across all directives, most urgent first; `overdue` keeps open items past due.

    Ordered by (due, id) alone so the open-items index serves both the filter and the order, and
    a page of `limit` rows costs the same however many items there are.
    """
    stmt = _item_filter(select(Item), now, overdue, unit).order_by(Item.due, Item.id)
    stmt = stmt.options(selectinload(Item.assignments)).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    with sessions() as s:
        items = list(s.scalars(stmt))
        ids = {i.directive_id for i in items}
        directives = {d.id: d for d in s.scalars(select(Directive).where(Directive.id.in_(ids)))}
        return [item_row(i, directives[i.directive_id], now) for i in items]


def assigned_count(sessions: SessionFactory, code: str) -> int:
    """How many of a directive's items the worker has started and assigned so far."""
    stmt = (
        select(func.count())
        .select_from(Item)
        .join(Directive, Directive.id == Item.directive_id)
        .where(Directive.code == code, Item.assigned_at.is_not(None))
    )
    with sessions() as s:
        return int(s.scalar(stmt) or 0)


def count_items(
    sessions: SessionFactory, now: datetime, *, overdue: bool = False, unit: str | None = None
) -> int:
    stmt = _item_filter(select(func.count()).select_from(Item), now, overdue, unit)
    with sessions() as s:
        return int(s.scalar(stmt) or 0)


def _item_filter(stmt: Select[Any], now: datetime, overdue: bool, unit: str | None) -> Select[Any]:
    if overdue:
        stmt = stmt.where(Item.completed_at.is_(None), Item.due < now)
    if unit is not None:
        stmt = stmt.where(
            Item.id.in_(
                select(Assignment.item_id).where(
                    Assignment.unit_code == unit, Assignment.active.is_(True)
                )
            )
        )
    return stmt


def action_log(a: Action, tz: ZoneInfo) -> ActionLog:
    """One recorded action as the item's log shows it, in the directive's timezone."""
    return ActionLog(
        kind=ActionKind(a.kind),
        at=a.at.astimezone(tz),
        actor=a.actor,
        unit=a.unit_code,
        reason=a.reason,
        data=a.data or {},
        by=a.by_user,
    )


def item_row(i: Item, directive: Directive, now: datetime) -> ItemRow:
    """One item as the lists show it (`dondoc list`, the web's inbox and supervisor lists)."""
    return ItemRow(
        directive_code=directive.code,
        number=i.number,
        title=i.title,
        status=item_status(i, now),
        due=i.due.astimezone(ZoneInfo(directive.timezone)),
        lead=[a.unit_code for a in i.assignments if a.role == "lead" and a.active],
        workflow_id=i.workflow_id,
    )
