"""The few columns of an item and its directive that a recording activity reads, and its few
writes, as Core statements built once: the worker's hot path (every report and escalation).

An ORM load of the item (its JSON columns, the identity map, a flush at commit) and a statement
rebuilt per call cost several times the SQL they send; these are compiled once per process and
run with parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from dondoc.db.models import Assignment, Directive, Item
from dondoc.db.upsert import table_of
from dondoc.schemas.status import ItemStatus

_I = table_of(Item).c
_D = table_of(Directive).c
_A = table_of(Assignment).c
_ID = bindparam("p_id", type_=_I.id.type)


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    workflow_id: str
    number: str
    title: str
    due: datetime
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class DirectiveRow:
    id: int
    code: str
    committee: str
    timezone: str


_FIND = (
    select(
        _I.id,
        _I.workflow_id,
        _I.number,
        _I.title,
        _I.due,
        _I.completed_at,
        _D.id.label("d_id"),
        _D.code,
        _D.committee,
        _D.timezone,
    )
    .join_from(table_of(Item), table_of(Directive), _I.directive_id == _D.id)
    .where(_D.code == bindparam("p_code"), _I.number == bindparam("p_number"))
)


def find(s: Session, directive_code: str, number: str) -> tuple[ItemRow, DirectiveRow] | None:
    """The item and its directive in one query, or None when either is not in the database."""
    r = s.connection().execute(_FIND, {"p_code": directive_code, "p_number": number}).one_or_none()
    if r is None:
        return None
    item = ItemRow(r.id, r.workflow_id, r.number, r.title, r.due, r.completed_at)
    return item, DirectiveRow(r.d_id, r.code, r.committee, r.timezone)


def ledger_item(row: ItemRow) -> Item:
    """`db.ledger` reads only `.id` and `.workflow_id` of the item it is given (its entries'
    item id and keys): the row stands in for the ORM object. Reading anything else from it
    fails at once (AttributeError), it never reads a wrong value."""
    return cast(Item, row)


_STATUS = update(table_of(Item)).where(_I.id == _ID).values(status=bindparam("p_status"))
_CLOSE = _STATUS.values(completed_at=bindparam("p_completed_at", type_=_I.completed_at.type))
# An escalation marks an open item overdue; a completed one keeps its status.
_OVERDUE = (
    update(table_of(Item))
    .where(_I.id == _ID, _I.completed_at.is_(None))
    .values(status=ItemStatus.OVERDUE.value)
)


def set_status(s: Session, item_id: int, status: ItemStatus, completed_at: datetime | None) -> None:
    """Store the item's status (and, given, its completion instant)."""
    params: dict[str, Any] = {"p_id": item_id, "p_status": status.value}
    if completed_at is None:
        s.connection().execute(_STATUS, params)
    else:
        s.connection().execute(_CLOSE, {**params, "p_completed_at": completed_at})


def mark_overdue(s: Session, item_id: int) -> None:
    s.connection().execute(_OVERDUE, {"p_id": item_id})


_LEADS = (
    select(_A.unit_code, _A.progress, _A.last_report_at)
    .where(_A.item_id == _ID, _A.role == "lead", _A.active.is_(True), _A.done.is_(False))
    .order_by(_A.id)
)
_PROGRESS = select(_A.unit_code, _A.progress).where(_A.item_id == _ID).order_by(_A.id)


def pending_leads(s: Session, item_id: int) -> list[Row[Any]]:
    """(unit_code, progress, last_report_at) of the item's active leads not done yet."""
    return list(s.connection().execute(_LEADS, {"p_id": item_id}))


def progress_by_unit(s: Session, item_id: int) -> dict[str, int]:
    return {r.unit_code: r.progress for r in s.connection().execute(_PROGRESS, {"p_id": item_id})}
