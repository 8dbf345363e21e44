"""Status as of a cut-off, from the ledger alone: each item's entries up to T, folded in order.

The deadline in force at T is the last one set by T (an extension approved after T does not
count); the item is complete at T if its completion took effect by T; each unit's progress is its
last report by T.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from dondoc.db.models import LedgerEntry
from dondoc.schemas.status import ItemStatus, derive_status
from dondoc.schemas.summary import Category, LedgerKind, category_of

L = LedgerEntry
COLUMNS = (
    L.id,
    L.item_id,
    L.kind,
    L.at,
    L.unit_code,
    L.role,
    L.seq,
    L.due,
    L.progress,
    L.done,
    L.status,
    L.done_at,
    # The few fields of `data` the fold reads, extracted by the database: no JSON decoded here.
    L.data["receipt"].as_boolean().label("receipt"),  # assigned
    L.data["due_soon_at"].as_string().label("due_soon_at"),  # deadline
    L.data["cause"].as_string().label("cause"),  # deadline
    L.data["reason"].as_string().label("reason"),  # deadline, refused
)
# The summary needs no progress: it skips the bulk of the ledger.
STANDING = L.kind != LedgerKind.REPORT.value


@dataclass
class UnitAt:
    code: str
    role: str
    active: bool = True
    progress: int = 0
    done: bool = False
    last_report_at: datetime | None = None
    received_at: datetime | None = None
    refused_at: datetime | None = None
    refusal_reason: str | None = None


@dataclass
class Deadline:
    seq: int
    due: datetime
    at: datetime
    cause: str
    reason: str | None = None


@dataclass
class ItemAt:
    """One item as it stood at the cut-off."""

    item_id: int
    assigned_at: datetime | None = None
    receipt_tracked: bool = False
    deadlines: list[Deadline] = field(default_factory=list)
    due_soon_at: datetime | None = None
    units: dict[str, UnitAt] = field(default_factory=dict)
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None  # the pending submission's acceptance
    completed_at: datetime | None = None  # when the completion took effect
    done_at: datetime | None = None  # the instant that counts for on time (submission, report)
    completion: ItemStatus | None = None
    recalled_at: datetime | None = None

    @property
    def due(self) -> datetime:
        return self.deadlines[-1].due

    @property
    def seq(self) -> int:
        return self.deadlines[-1].seq

    @property
    def extensions(self) -> int:
        return sum(1 for d in self.deadlines if d.cause == "extension_approved")

    def leads(self) -> list[UnitAt]:
        return [u for u in self.units.values() if u.role == "lead" and u.active]

    def status(self, at: datetime) -> ItemStatus:
        """The status shown at `at` (the cut-off the item was folded to)."""
        if self.recalled_at is not None:
            return ItemStatus.RECALLED
        if self.completion is not None and (self.submitted_at is None or self.accepted_at):
            return self.completion
        if self.submitted_at is not None:
            return ItemStatus.AWAITING_REVIEW
        leads = self.leads()
        return derive_status(
            ItemStatus.IN_PROGRESS,
            at,
            self.due,
            due_soon_at=self.due_soon_at,
            lead_refused=any(u.refused_at for u in leads),
            lead_unreceived=self.receipt_tracked and any(u.received_at is None for u in leads),
        )

    def category(self, at: datetime) -> Category:
        return category_of(self.status(at), at, self.due, self.submitted_at)

    def apply(self, r: Any) -> None:
        """One ledger entry (rows come in (at, id) order)."""
        kind = r.kind  # a str: LedgerKind is a StrEnum, equal to it
        unit = self.units.get(r.unit_code or "")
        if kind == LedgerKind.ASSIGNED:
            self.assigned_at = self.assigned_at or r.at
            self.receipt_tracked = self.receipt_tracked or bool(r.receipt)
            if unit is None:
                self.units[r.unit_code] = UnitAt(r.unit_code, r.role)
            else:
                unit.role, unit.active = r.role, True
        elif kind == LedgerKind.DEADLINE:
            if not self.deadlines or r.seq >= self.seq:
                soon = r.due_soon_at
                self.due_soon_at = datetime.fromisoformat(soon) if soon else None
                self.deadlines.append(Deadline(r.seq, r.due, r.at, r.cause or "", r.reason))
        elif kind == LedgerKind.SUBMITTED:
            self.submitted_at, self.accepted_at = r.at, None
        elif kind == LedgerKind.ACCEPTED:
            self.accepted_at = r.at
            if self.completed_at is not None:
                self.completed_at = max(self.completed_at, r.at)
        elif kind == LedgerKind.RETURNED:
            self.submitted_at = None
        elif kind == LedgerKind.COMPLETED:
            # A reviewed item is complete from its acceptance, whichever was written first.
            self.completed_at = max(r.at, self.accepted_at or r.at)
            self.done_at = r.done_at
            self.completion = ItemStatus(r.status)
        elif kind == LedgerKind.RECALLED:
            self.recalled_at = self.recalled_at or r.at
        elif unit is not None:
            _apply_unit(unit, kind, r)


def _apply_unit(unit: UnitAt, kind: str, r: Any) -> None:
    if kind == LedgerKind.UNASSIGNED:
        unit.active = False
    elif kind == LedgerKind.REPORT:
        # Rows come in time order; within one instant progress only rises and done only sets.
        if unit.last_report_at != r.at or r.progress >= unit.progress:
            unit.progress = r.progress
            unit.done = bool(r.done) or (unit.done and unit.last_report_at == r.at)
        unit.last_report_at = r.at
    elif kind == LedgerKind.RECEIVED:
        unit.received_at = unit.received_at or r.at
    elif kind == LedgerKind.REOPENED:
        unit.done = False
    elif kind == LedgerKind.REFUSED:
        unit.refused_at, unit.refusal_reason = r.at, r.reason
    elif kind == LedgerKind.REFUSAL_DECIDED:
        unit.refused_at = unit.refusal_reason = None


def among(item_ids: Sequence[int]) -> ColumnElement[bool]:
    """`item_id IN (…)`, the ids written into the statement: PostgreSQL then reads each item's
    entries from `ix_ledger_item_at` (with `IN (SELECT …)` it scanned the whole ledger), and
    SQLite's limit on bound variables does not apply to a directive of 50,000 items."""
    listed: BindParameter[int] = bindparam(
        "item_ids", list(item_ids), expanding=True, literal_execute=True
    )
    return L.item_id.in_(listed)


def entries(item_ids: Sequence[int], at: datetime, *, reports: bool = True) -> Select[Any]:
    """The entries of the items `item_ids`, up to `at`, in the order they fold in.

    Of each unit's reports only those of its last instant by `at` come: the first report of a
    later instant sets progress and done whatever came before, so the fold is the same. One
    range of `ix_ledger_item_at` per item: no condition here on `kind` an index could take
    (`kind IN (…)` or `kind = 'report'` made SQLite range over every item's entries of that
    kind in `ix_ledger_kind_at`)."""
    mine = and_(among(item_ids), L.at <= at)
    if not reports:
        return select(*COLUMNS).where(mine, STANDING).order_by(L.item_id, L.at, L.id)
    last = func.max(case((L.kind == LedgerKind.REPORT.value, L.at)))
    window = last.over(partition_by=(L.item_id, L.unit_code)).label("last_report")
    rows = select(*COLUMNS, window).where(mine).subquery()
    kept = or_(rows.c.kind != LedgerKind.REPORT.value, rows.c.at == rows.c.last_report)
    columns = [rows.c[c.key] for c in rows.c if c.key != "last_report"]
    return select(*columns).where(kept).order_by(rows.c.item_id, rows.c.at, rows.c.id)


def fold(
    s: Session, item_ids: Select[Any] | Sequence[int], at: datetime, *, reports: bool = True
) -> dict[int, ItemAt]:
    """Every item `item_ids` selects (or lists) that was assigned by `at`, as it stood then."""
    out: dict[int, ItemAt] = {}
    ids = list(s.scalars(item_ids)) if isinstance(item_ids, Select) else list(item_ids)
    if not ids:
        return out
    # Core rows: no ORM loading for the thousands of entries of a large directive.
    for r in s.connection().execute(entries(ids, at, reports=reports)):
        state = out.get(r.item_id)
        if state is None:
            state = out[r.item_id] = ItemAt(r.item_id)
        state.apply(r)
    return {k: v for k, v in out.items() if v.assigned_at is not None and v.deadlines}
