"""A unit's recorded progress, moved only forward in the workflow's own order."""

from __future__ import annotations

from sqlalchemy import Update, and_, bindparam, exists, func, or_, update
from sqlalchemy.orm import Session

from dondoc.db.models import Action, Assignment
from dondoc.db.upsert import table_of
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.records import RecordReportInput

# Built once, executed with parameters: a statement built per call costs more CPU than the
# UPDATE itself (SQLAlchemy coerces every operand anew), and SQLAlchemy compiles these once.
_A = table_of(Assignment)
_ACTIONS = table_of(Action)
_ITEM = bindparam("p_item", type_=_A.c.item_id.type)
_UNIT = bindparam("p_unit", type_=_A.c.unit_code.type)
_AT = bindparam("p_at", type_=_A.c.last_report_at.type)
_PROGRESS = bindparam("p_progress", type_=_A.c.progress.type)
_THIS_UNIT = and_(_A.c.item_id == _ITEM, _A.c.unit_code == _UNIT)


def _forward(done: bool) -> Update:
    """The UPDATE of a report that is done (or not): see `move_progress`."""
    a = _A.c
    at = a.last_report_at
    same_instant = (
        a.progress <= _PROGRESS if done else and_(a.progress <= _PROGRESS, a.done.is_(False))
    )
    # A return after review (a later action) reopened the unit: this report's done is undone.
    returned_later = exists().where(
        _ACTIONS.c.item_id == _ITEM,
        _ACTIONS.c.kind == ActionKind.REVIEW_RETURNED.value,
        _ACTIONS.c.at > _AT,
    )
    return (
        update(_A)
        .where(_THIS_UNIT)
        .where(or_(at.is_(None), at < _AT, and_(at == _AT, same_instant)))
        .values(progress=_PROGRESS, done=~returned_later if done else False, last_report_at=_AT)
    )


_FORWARD = {done: _forward(done) for done in (False, True)}
# A first report is also the unit's receipt (if it had not acknowledged).
_RECEIVED = update(_A).where(_THIS_UNIT).values(received_at=func.coalesce(_A.c.received_at, _AT))


def move_progress(s: Session, item_id: int, inp: RecordReportInput) -> None:
    """The unit's recorded progress follows its reports in the workflow's order, whatever order
    they reach the database in (retries after an outage reorder them).

    For one unit the workflow's order is (instant, progress, done): reports of later activations
    have later instants, and within one activation (one instant) progress only rises and done
    only turns on. A report older than what is recorded leaves the row alone. One conditional
    UPDATE, so two such writes racing on PostgreSQL are ordered by the row lock.
    """
    conn = s.connection()
    unit = {"p_item": item_id, "p_unit": inp.unit, "p_at": inp.at}
    conn.execute(_FORWARD[inp.done], {**unit, "p_progress": inp.progress})
    if inp.received:
        conn.execute(_RECEIVED, unit)
