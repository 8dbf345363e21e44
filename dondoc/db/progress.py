"""A unit's recorded progress, moved only forward in the workflow's own order."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, literal, or_, update
from sqlalchemy.orm import Session

from dondoc.db.models import Action, Assignment, Item
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.records import RecordReportInput


def move_progress(s: Session, item: Item, inp: RecordReportInput) -> None:
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
