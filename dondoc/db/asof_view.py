"""`dondoc status CODE --as-of T`: the status view as it stood at T, from the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from dondoc.db.asof import ItemAt, fold
from dondoc.db.models import Action, Directive, Escalation, Item, Reminder, Unit
from dondoc.db.queries import action_log, find_directive
from dondoc.db.session import SessionFactory
from dondoc.db.standing import S, in_force, status_at
from dondoc.schemas.messages import DirectiveStatus, ItemStatus, Role
from dondoc.schemas.summary import Cutoff, GanttRow
from dondoc.schemas.views import (
    DirectiveHeader,
    DirectiveView,
    EscalationView,
    ItemView,
    ReminderView,
    UnitView,
)


def directive_at(
    sessions: SessionFactory,
    code: str,
    cutoff: Cutoff,
    *,
    limit: int | None = None,
    page: int = 1,
) -> DirectiveView:
    """The directive's items assigned by the cut-off, each as it stood then; the directive is
    completed at T if every item was closed by T. With `limit`, as `dondoc status` pages: the
    counts per status over every item and the order (open ones by the deadline in force, then
    the closed) come from the standing segments in force at T, and only the page is folded
    from the ledger. Without it, every item in the directive's order."""
    with sessions() as s:
        d = find_directive(s, code)
        at = cutoff.resolve(d.timezone)
        counts: dict[ItemStatus, int] = {}
        if limit is None:
            every = select(Item.id).where(Item.directive_id == d.id)
            order = list(s.scalars(every.order_by(Item.position, Item.id)))
        else:
            counts, order = _page(s, d.id, at, limit, (page - 1) * limit)
        states = fold(s, order, at)
        views = _views(s, d, at, states, order)
        if limit is None:
            for v in views:
                counts[v.status] = counts.get(v.status, 0) + 1
        total = s.scalar(select(func.count()).select_from(Item).where(Item.directive_id == d.id))
        closed = sum(n for status, n in counts.items() if status.closed)
        header = DirectiveHeader(
            code=d.code,
            title=d.title,
            workflow_id=d.workflow_id,
            status=DirectiveStatus.COMPLETED
            if total and closed == total
            else DirectiveStatus.IN_PROGRESS,
            committee=d.committee,
            timezone=d.timezone,
        )
        return DirectiveView(
            directive=header,
            items=views,
            total_items=sum(counts.values()),
            status_counts=dict(sorted(counts.items())) if limit is not None else counts,
            page=page,
            limit=limit,
        )


# A closed item's status does not move with the clock: its status at the deadline says so.
_CLOSED = [s.value for s in ItemStatus if s.closed]


def page_queries(directive_id: int, at: datetime) -> tuple[Select[str, int], Select[int]]:
    """The counts per status at `at` over the directive's items, and its items most urgent
    first (open ones by the deadline in force, then the closed, as `dondoc status` orders)."""
    mine = and_(S.directive_id == directive_id, in_force(at))
    status = status_at(at)
    tally = select(status.label("status"), func.count().label("n")).where(mine).group_by(status)
    urgent = (case((S.near.in_(_CLOSED), 1), else_=0), S.due, S.item_id)
    return tally, select(S.item_id).where(mine).order_by(*urgent)


def _page(
    s: Session, directive_id: int, at: datetime, limit: int, offset: int
) -> tuple[dict[ItemStatus, int], list[int]]:
    tally, urgent = page_queries(directive_id, at)
    counts = {ItemStatus(r.status): r.n for r in s.execute(tally)}
    return counts, list(s.scalars(urgent.offset(offset).limit(limit)))


def _views(
    s: Session, d: Directive, at: datetime, states: dict[int, ItemAt], order: list[int]
) -> list[ItemView]:
    """The folded items as the status view shows them, in `order` (those assigned by `at`)."""
    tz = ZoneInfo(d.timezone)
    cols = (Item.id, Item.number, Item.title, Item.workflow_id, Item.support_due, Item.deadline_seq)
    rows = {
        i.id: i
        for i in s.connection().execute(select(*cols).where(Item.directive_id == d.id))
        if i.id in states
    }
    names = {u.code: u.name for u in s.scalars(select(Unit).where(Unit.directive_id == d.id))}
    logs = _by_item(s, Action, at, d.id, states)
    reminders = _by_item(s, Reminder, at, d.id, states)
    escalations = _by_item(s, Escalation, at, d.id, states)
    return [
        _item_view(rows[k], states[k], at, tz, names, logs, reminders, escalations)
        for k in order
        if k in states
    ]


def _by_item(
    s: Session, model: Any, at: datetime, directive_id: int, states: dict[int, ItemAt]
) -> dict[int, list[Any]]:
    """The directive's rows of `model` up to `at`, by item (selected by directive, not by a
    list of a thousand ids, which PostgreSQL plans slowly)."""
    out: dict[int, list[Any]] = {}
    stmt = (
        select(model)
        .join(Item, Item.id == model.item_id)
        .where(Item.directive_id == directive_id, model.at <= at)
    )
    for row in s.scalars(stmt.order_by(model.at, model.id)):
        if row.item_id in states:
            out.setdefault(row.item_id, []).append(row)
    return out


def _item_view(
    i: Any,
    st: ItemAt,
    at: datetime,
    tz: ZoneInfo,
    names: dict[str, str],
    logs: dict[int, list[Action]],
    reminders: dict[int, list[Reminder]],
    escalations: dict[int, list[Escalation]],
) -> ItemView:
    support_due = i.support_due if st.seq == i.deadline_seq else None
    return ItemView(
        number=i.number,
        title=i.title,
        workflow_id=i.workflow_id,
        status=st.status(at),
        due=st.due.astimezone(tz),
        completed_at=_local(st.done_at or st.recalled_at, tz),
        units=[_unit(u, names, tz) for u in st.units.values() if u.active],
        support_due=_local(support_due, tz),
        deadline_seq=st.seq,
        extensions_used=st.extensions,
        actions=[action_log(a, tz) for a in logs.get(i.id, [])],
        reminders=[
            ReminderView(unit=r.unit_code, at=r.at.astimezone(tz)) for r in reminders.get(i.id, [])
        ],
        escalations=[
            EscalationView(level=e.level, at=e.at.astimezone(tz), to=e.to_unit)
            for e in escalations.get(i.id, [])
        ],
    )


def _unit(u: Any, names: dict[str, str], tz: ZoneInfo) -> UnitView:
    return UnitView(
        code=u.code,
        name=names.get(u.code, u.code),
        role=Role(u.role),
        progress=u.progress,
        done=u.done,
        last_report_at=_local(u.last_report_at, tz),
        received_at=_local(u.received_at, tz),
        refused_at=_local(u.refused_at, tz),
        refusal_reason=u.refusal_reason,
    )


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    return value.astimezone(tz) if value is not None else None


def directive_timeline(
    sessions: SessionFactory, code: str, cutoff: Cutoff
) -> tuple[list[GanttRow], datetime, str]:
    """Each item's assignment, deadlines and close up to the cut-off (the Gantt's rows)."""
    with sessions() as s:
        d = find_directive(s, code)
        at = cutoff.resolve(d.timezone)
        states = fold(s, select(Item.id).where(Item.directive_id == d.id), at, reports=False)
        items = s.execute(
            select(Item.id, Item.number, Item.title)
            .where(Item.directive_id == d.id)
            .order_by(Item.position)
        )
        rows = []
        for i in items:
            st = states.get(i.id)
            if st is None:  # not assigned by the cut-off
                continue
            assert st.assigned_at is not None
            category = st.category(at)
            rows.append(
                GanttRow(
                    number=i.number,
                    title=i.title,
                    assigned_at=st.assigned_at,
                    deadlines=[(dl.at, dl.due) for dl in st.deadlines],
                    closed_at=st.completed_at if category.completed else st.recalled_at,
                    category=category,
                )
            )
        return rows, at, d.timezone
