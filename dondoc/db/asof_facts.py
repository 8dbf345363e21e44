"""Every item's standing at a cut-off in two grouped statements, for the summary.

`asof.fold` replays each entry in order (what `status --as-of` shows needs the order: progress,
refusal reasons). The summary needs only what the last entries of each kind say, so the database
aggregates them: per item (deadline sequence in force, completion, recall, submission, return,
acceptance, receipt tracking) and per item and unit (assigned, taken off, received, refused,
settled). The same `ItemAt` is built from them, so its `status()` rules both read models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from dondoc.db.asof import Deadline, ItemAt, UnitAt
from dondoc.db.models import LedgerEntry as L
from dondoc.schemas.status import ItemStatus
from dondoc.schemas.summary import LedgerKind as K

UNIT_KINDS = [K.ASSIGNED, K.UNASSIGNED, K.RECEIVED, K.REFUSED, K.REFUSAL_DECIDED]
ITEM_KINDS = [K.ASSIGNED, K.DEADLINE, K.COMPLETED, K.RECALLED, K.SUBMITTED, K.RETURNED, K.ACCEPTED]


def _last(kind: K, col: Any, fn: Any = func.max) -> ColumnElement[Any]:
    expr: ColumnElement[Any] = fn(case((L.kind == kind.value, col)))
    return expr


def _on(cond: ColumnElement[bool]) -> ColumnElement[int]:
    expr: ColumnElement[int] = case((cond, literal(1)), else_=literal(0))
    return expr


def item_facts(item_ids: Select[Any], at: datetime) -> Select[Any]:
    """Per item: the deadline in force and what closes or holds it; the comparisons are made in
    the database, so only four instants per item come back."""
    receipt = and_(L.kind == K.ASSIGNED.value, L.data["receipt"].as_boolean())
    f = (
        select(
            L.item_id,
            _last(K.ASSIGNED, L.at, func.min).label("assigned_at"),
            func.max(_on(receipt)).label("receipt"),
            _last(K.DEADLINE, L.seq).label("seq"),
            _last(K.COMPLETED, L.at).label("completed_at"),
            _last(K.COMPLETED, L.status).label("completion"),
            _last(K.COMPLETED, L.done_at).label("done_at"),
            _last(K.RECALLED, L.at, func.min).label("recalled_at"),
            _last(K.SUBMITTED, L.at).label("submitted_at"),
            _last(K.RETURNED, L.at).label("returned_at"),
            _last(K.ACCEPTED, L.at).label("accepted_at"),
        )
        .where(L.item_id.in_(item_ids), L.at <= at, L.kind.in_([k.value for k in ITEM_KINDS]))
        .group_by(L.item_id)
        .subquery()
    ).c
    d = aliased(L)
    pending = and_(
        f.submitted_at.is_not(None), or_(f.returned_at.is_(None), f.returned_at < f.submitted_at)
    )
    effective = case((f.accepted_at > f.completed_at, f.accepted_at), else_=f.completed_at)
    return (
        select(
            f.item_id,
            f.receipt,
            f.seq,
            d.due,
            f.completion,
            f.done_at,
            f.recalled_at,
            effective.label("completed_at"),
            case((pending, f.submitted_at)).label("submitted_at"),
            _on(and_(pending, f.accepted_at >= f.submitted_at)).label("accepted"),
        )
        .join(d, and_(d.item_id == f.item_id, d.kind == K.DEADLINE.value, d.seq == f.seq))
        .where(f.assigned_at.is_not(None))
    )


def unit_facts(item_ids: Select[Any], at: datetime) -> Select[Any]:
    """Per item and unit: its role and whether it is on the item, has received it, has a refusal
    pending, at the cut-off (no instants come back)."""
    lead = and_(L.kind == K.ASSIGNED.value, L.role == "lead")
    support = and_(L.kind == K.ASSIGNED.value, L.role == "support")
    u = (
        select(
            L.item_id,
            L.unit_code,
            func.max(case((lead, L.at))).label("lead_at"),
            func.max(case((support, L.at))).label("support_at"),
            _last(K.UNASSIGNED, L.at).label("unassigned_at"),
            _last(K.RECEIVED, L.at).label("received_at"),
            _last(K.REFUSED, L.at).label("refused_at"),
            _last(K.REFUSAL_DECIDED, L.at).label("settled_at"),
        )
        .where(L.item_id.in_(item_ids), L.at <= at, L.kind.in_([k.value for k in UNIT_KINDS]))
        .group_by(L.item_id, L.unit_code)
        .subquery()
    ).c
    is_lead = or_(u.support_at.is_(None), u.lead_at >= u.support_at)
    joined = case((is_lead, u.lead_at), else_=u.support_at)
    return select(
        u.item_id,
        u.unit_code,
        _on(is_lead).label("lead"),
        _on(or_(u.unassigned_at.is_(None), joined > u.unassigned_at)).label("active"),
        _on(u.received_at.is_not(None)).label("received"),
        _on(
            and_(
                u.refused_at.is_not(None), or_(u.settled_at.is_(None), u.settled_at < u.refused_at)
            )
        ).label("refused"),
    ).where(or_(u.lead_at.is_not(None), u.support_at.is_not(None)))


def standing_at(s: Session, item_ids: Select[Any], at: datetime) -> dict[int, ItemAt]:
    """Every selected item assigned by `at`, as it stood then (without progress, reasons or the
    instants `status --as-of` shows: a unit's receipt and refusal stand as `at` itself)."""
    conn = s.connection()  # Core rows: no ORM loading for tens of thousands of them
    out: dict[int, ItemAt] = {}
    for r in conn.execute(item_facts(item_ids, at)):
        st = out[r.item_id] = ItemAt(r.item_id, assigned_at=at, receipt_tracked=bool(r.receipt))
        st.deadlines = [Deadline(r.seq, r.due, at, "")]
        st.recalled_at = r.recalled_at
        st.submitted_at = r.submitted_at
        st.accepted_at = at if r.accepted else None
        if r.completion is not None:
            st.completion = ItemStatus(r.completion)
            st.completed_at, st.done_at = r.completed_at, r.done_at
    for u in conn.execute(unit_facts(item_ids, at)):
        owner = out.get(u.item_id)
        if owner is None:
            continue
        unit = owner.units[u.unit_code] = UnitAt(u.unit_code, "lead" if u.lead else "support")
        unit.active = bool(u.active)
        unit.received_at = at if u.received else None
        unit.refused_at = at if u.refused else None
    return out
