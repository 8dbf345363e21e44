"""The ledger's appends: each one in the transaction of the recording write it mirrors.

The recording activities call these right after the write they mirror (and only when that write
was new), so a retried or replayed activity appends nothing twice; every entry also has a unique
business key, so even a second call changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dondoc.db import standing
from dondoc.db.models import Item, LedgerEntry
from dondoc.db.upsert import insert_ignore
from dondoc.schemas.actions import RecordActionInput
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.records import RecordReportInput
from dondoc.schemas.status import ItemStatus
from dondoc.schemas.summary import LedgerKind as K

# Actions that leave a mark of their own (their unit changes and deadlines are mirrored apart).
MARKS: dict[ActionKind, K] = {
    ActionKind.REVIEW_SUBMITTED: K.SUBMITTED,
    ActionKind.REVIEW_ACCEPTED: K.ACCEPTED,
    ActionKind.REVIEW_RETURNED: K.RETURNED,
    ActionKind.REASSIGNED: K.REASSIGNED,
    ActionKind.REFUSAL_OVERRULED: K.REFUSAL_DECIDED,
}


def entry(item: Item, key: str, kind: K, at: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "key": f"{item.workflow_id}:{key}",
        "item_id": item.id,
        "kind": kind.value,
        "at": at,
        "data": {},
        **fields,
    }


def append(s: Session, rows: list[dict[str, Any]]) -> None:
    """Append the new rows; the standing of an item whose standing they may move is rebuilt in
    the same transaction (a report's progress moves none)."""
    if not rows:
        return
    # One column set for the whole multi-row INSERT.
    cols = {k for r in rows for k in r}
    if insert_ignore(s, LedgerEntry, [{c: r.get(c) for c in cols} for r in rows]):
        standing.refresh(s, standing.affected(s, rows))


def deadline(
    item: Item,
    seq: int,
    due: datetime,
    due_soon_at: datetime | None,
    at: datetime,
    cause: str,
    reason: str | None = None,
) -> dict[str, Any]:
    data = {"cause": cause, "reason": reason}
    if due_soon_at is not None:
        data["due_soon_at"] = due_soon_at.isoformat()
    return entry(item, f"deadline:{seq}", K.DEADLINE, at, seq=seq, due=due, data=data)


def assigned(s: Session, items: list[Item], at: datetime) -> None:
    """Items assigned now (those not assigned before): their units and first deadline."""
    rows: list[dict[str, Any]] = []
    for item in items:
        if item.assigned_at is not None:
            continue
        receipt = bool((item.extras or {}).get("receipt_remind_at"))
        rows += [
            entry(
                item,
                f"assign:{a.unit_code}",
                K.ASSIGNED,
                at,
                unit_code=a.unit_code,
                role=a.role,
                data={"receipt": receipt},
            )
            for a in item.assignments
            if a.active
        ]
        rows.append(deadline(item, item.deadline_seq, item.due, item.due_soon_at, at, "initial"))
    append(s, rows)


def report(s: Session, item: Item, inp: RecordReportInput) -> None:
    """A new report (and, if it was the unit's first word, its receipt)."""
    rows = [
        entry(
            item,
            f"report:{inp.report_id}",
            K.REPORT,
            inp.at,
            unit_code=inp.unit,
            progress=inp.progress,
            done=inp.done,
        )
    ]
    if inp.received:
        rows.append(entry(item, f"received:{inp.unit}", K.RECEIVED, inp.at, unit_code=inp.unit))
    append(s, rows)


def closed(s: Session, item: Item, status: ItemStatus, at: datetime) -> None:
    """The item closed. A reviewed item's recorded instant is its submission, but it was complete
    only from its acceptance: the entry takes effect at the later of the two when the acceptance
    is already written (the item's run may record the close first: the fold then waits for the
    acceptance, see `asof.ItemAt`)."""
    if status == ItemStatus.RECALLED:
        append(s, [entry(item, "recalled", K.RECALLED, at)])
        return
    accepted = s.scalar(
        select(func.max(LedgerEntry.at)).where(
            LedgerEntry.item_id == item.id, LedgerEntry.kind == K.ACCEPTED.value
        )
    )
    effective = max(at, accepted) if accepted is not None else at
    append(s, [entry(item, "completed", K.COMPLETED, effective, status=status.value, done_at=at)])


def action(s: Session, item: Item, inp: RecordActionInput) -> None:
    """A new lifecycle action: its unit changes, its deadline, its mark, its close."""
    rows: list[dict[str, Any]] = []
    key = inp.key.removeprefix(f"{item.workflow_id}:")
    for c in inp.assignments:
        unit = {"unit_code": c.unit}
        if c.add_as is not None:
            role = c.add_as.value
            rows.append(
                entry(item, f"{key}:assign:{c.unit}", K.ASSIGNED, inp.at, role=role, **unit)
            )
        if c.remove:
            rows.append(entry(item, f"{key}:unassign:{c.unit}", K.UNASSIGNED, inp.at, **unit))
        if c.received_at is not None:
            rows.append(entry(item, f"received:{c.unit}", K.RECEIVED, c.received_at, **unit))
        if c.refused is True:
            rows.append(
                entry(
                    item,
                    f"{key}:refused:{c.unit}",
                    K.REFUSED,
                    inp.at,
                    data={"reason": c.refusal_reason},
                    **unit,
                )
            )
        elif c.refused is False:
            rows.append(entry(item, f"{key}:settled:{c.unit}", K.REFUSAL_DECIDED, inp.at, **unit))
        if c.reopen:
            rows.append(entry(item, f"{key}:reopen:{c.unit}", K.REOPENED, inp.at, **unit))
    if inp.schedule is not None and inp.deadline_seq is not None:
        sched = inp.schedule
        rows.append(
            deadline(
                item,
                inp.deadline_seq,
                sched.due,
                sched.due_soon_at,
                inp.at,
                inp.kind.value,
                inp.reason,
            )
        )
    mark = MARKS.get(inp.kind)
    if mark is not None:
        rows.append(
            entry(
                item,
                f"{key}:{mark.value}",
                mark,
                inp.at,
                unit_code=inp.unit,
                data={"reason": inp.reason},
            )
        )
    append(s, rows)
    if inp.status is not None and inp.status.closed:
        closed(s, item, inp.status, inp.completed_at or inp.at)
