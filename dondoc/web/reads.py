"""What the web reads beyond `db/queries`: authorization targets, a unit's inbox, the
supervisor lists with their filters, an item's reports and evidence files."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import selectinload

from dondoc.db.models import Assignment, Directive, Evidence, Item, Report
from dondoc.db.queries import item_row, item_status
from dondoc.db.session import SessionFactory
from dondoc.errors import UnknownDirective, UnknownItem
from dondoc.schemas import Frozen
from dondoc.schemas.messages import ItemStatus, Role
from dondoc.schemas.views import ItemRow
from dondoc.web.auth.policy import Target


class ListKind(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_RECEIVED = "not_received"
    ALL = "all"


class InboxRow(Frozen):
    directive_code: str
    number: str
    title: str
    status: ItemStatus
    due: datetime
    role: Role
    received: bool


class ReportRow(Frozen):
    report_id: str
    unit: str
    progress: int
    done: bool
    note: str | None
    at: datetime
    by: str | None


class EvidenceRow(Frozen):
    id: int
    report_id: str
    filename: str
    content_type: str
    size: int
    unit: str
    by: str | None
    at: datetime


def directive_target(sessions: SessionFactory, code: str) -> Target:
    """The directive's committee and every unit assigned to one of its items."""
    with sessions() as s:
        found = s.execute(
            select(Directive.id, Directive.committee).where(Directive.code == code)
        ).one_or_none()
        if found is None:
            raise UnknownDirective(code)
        units = s.scalars(
            select(Assignment.unit_code)
            .join(Item)
            .where(Item.directive_id == found.id, Assignment.active.is_(True))
            .distinct()
        )
        return Target(committee=found.committee, units=frozenset(units))


def item_target(sessions: SessionFactory, code: str, number: str) -> Target:
    with sessions() as s:
        found = s.execute(
            select(Item.id, Directive.committee)
            .join(Directive)
            .where(Directive.code == code, Item.number == number)
        ).one_or_none()
        if found is None:
            if s.scalar(select(Directive.id).where(Directive.code == code)) is None:
                raise UnknownDirective(code)
            raise UnknownItem(code, number)
        units = s.scalars(
            select(Assignment.unit_code).where(
                Assignment.item_id == found.id, Assignment.active.is_(True)
            )
        )
        return Target(committee=found.committee, units=frozenset(units))


def inbox(sessions: SessionFactory, unit: str, now: datetime, limit: int = 200) -> list[InboxRow]:
    """A unit's open items across directives: overdue, due soon, not received, then the rest."""
    stmt = (
        select(Item, Assignment, Directive)
        .join(Assignment, Assignment.item_id == Item.id)
        .join(Directive, Directive.id == Item.directive_id)
        .where(
            Assignment.unit_code == unit,
            Assignment.active.is_(True),
            Item.completed_at.is_(None),
        )
        .options(selectinload(Item.assignments))
        .order_by(Item.due, Item.id)
        .limit(limit)
    )
    with sessions() as s:
        rows = [
            InboxRow(
                directive_code=d.code,
                number=i.number,
                title=i.title,
                status=item_status(i, now),
                due=i.due.astimezone(ZoneInfo(d.timezone)),
                role=Role(a.role),
                received=a.received_at is not None,
            )
            for i, a, d in s.execute(stmt).all()
        ]
    rank = {ItemStatus.OVERDUE: 0, ItemStatus.DUE_SOON: 1}
    return sorted(rows, key=lambda r: (rank.get(r.status, 2 if not r.received else 3), r.due))


def _filtered(
    stmt: Select[Any], now: datetime, kind: ListKind, unit: str | None, directive: str | None
) -> Select[Any]:
    if kind != ListKind.ALL:
        stmt = stmt.where(Item.completed_at.is_(None))
    if kind == ListKind.OVERDUE:
        stmt = stmt.where(Item.due < now)
    elif kind == ListKind.DUE_SOON:
        stmt = stmt.where(Item.due >= now, Item.due_soon_at <= now)
    elif kind == ListKind.NOT_RECEIVED:
        stmt = stmt.where(
            exists().where(
                and_(
                    Assignment.item_id == Item.id,
                    Assignment.role == Role.LEAD.value,
                    Assignment.active.is_(True),
                    Assignment.received_at.is_(None),
                )
            )
        )
    if unit is not None:
        stmt = stmt.where(
            exists().where(
                and_(
                    Assignment.item_id == Item.id,
                    Assignment.unit_code == unit,
                    Assignment.active.is_(True),
                )
            )
        )
    if directive is not None:
        stmt = stmt.where(
            Item.directive_id
            == select(Directive.id).where(Directive.code == directive).scalar_subquery()
        )
    return stmt


def item_page(
    sessions: SessionFactory,
    now: datetime,
    kind: ListKind,
    *,
    unit: str | None = None,
    directive: str | None = None,
    limit: int = 50,
    page: int = 1,
) -> tuple[list[ItemRow], int]:
    """One page of items (the rows of `dondoc list --json`), most urgent deadline first."""
    stmt = _filtered(select(Item), now, kind, unit, directive).order_by(Item.due, Item.id)
    stmt = stmt.options(selectinload(Item.assignments)).offset((page - 1) * limit).limit(limit)
    with sessions() as s:
        items = list(s.scalars(stmt))
        ids = {i.directive_id for i in items}
        directives = {d.id: d for d in s.scalars(select(Directive).where(Directive.id.in_(ids)))}
        total = int(
            s.scalar(_filtered(select(func.count()).select_from(Item), now, kind, unit, directive))
            or 0
        )
        rows = [item_row(i, directives[i.directive_id], now) for i in items]
    return rows, total


def _item_id(sessions: SessionFactory, code: str, number: str) -> int:
    with sessions() as s:
        found = s.scalar(
            select(Item.id).join(Directive).where(Directive.code == code, Item.number == number)
        )
    if found is None:
        raise UnknownItem(code, number)
    return found


def item_reports(sessions: SessionFactory, code: str, number: str, tz: ZoneInfo) -> list[ReportRow]:
    item_id = _item_id(sessions, code, number)
    with sessions() as s:
        return [
            ReportRow(
                report_id=r.report_id,
                unit=r.unit_code,
                progress=r.progress,
                done=r.done,
                note=r.note,
                at=r.reported_at.astimezone(tz),
                by=r.by_user,
            )
            for r in s.scalars(
                select(Report).where(Report.item_id == item_id).order_by(Report.reported_at)
            )
        ]


def item_evidence(
    sessions: SessionFactory, code: str, number: str, tz: ZoneInfo
) -> list[EvidenceRow]:
    item_id = _item_id(sessions, code, number)
    with sessions() as s:
        return [
            EvidenceRow(
                id=e.id,
                report_id=e.report_id,
                filename=e.filename,
                content_type=e.content_type,
                size=e.size,
                unit=e.unit_code,
                by=e.by_user,
                at=e.at.astimezone(tz),
            )
            for e in s.scalars(
                select(Evidence).where(Evidence.item_id == item_id).order_by(Evidence.id)
            )
        ]
