"""ledger: every event that changed an item's standing, back-filled from the existing tables

Revision ID: 0004_ledger
Revises: 0006_web
Create Date: 2026-12-01 10:30:00

The back-fill rebuilds what the old tables still know. Two things they never kept are
approximated, and the entries say so (`data.approximate`): the first deadline of an item whose
deadline has since moved (taken from its first escalation, which fires at that deadline, else the
first moved deadline), and when a unit added or removed by a reassignment joined or left (taken
as the assignment, resp. the last reassignment). Every other entry is exact.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import dondoc.db.models

revision: str = "0004_ledger"
down_revision: str | None = "0006_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DT = dondoc.db.models.UTCDateTime(timezone=True)
MOVES = ("extension_approved", "review_returned", "explanation_decided")
MARKS = {
    "review_submitted": "submitted",
    "review_accepted": "accepted",
    "review_returned": "returned",
    "reassigned": "reassigned",
    "refusal_overruled": "refusal_decided",
}


def upgrade() -> None:
    op.create_table(
        "ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("at", UTC_DT, nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("due", UTC_DT, nullable=True),
        sa.Column("progress", sa.Integer(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("done_at", UTC_DT, nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_ledger_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_key")),
    )
    op.create_index("ix_ledger_item_at", "ledger", ["item_id", "at", "id"])
    op.create_index("ix_ledger_kind_at", "ledger", ["kind", "at", "item_id"])
    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_ledger_kind_at", table_name="ledger")
    op.drop_index("ix_ledger_item_at", table_name="ledger")
    op.drop_table("ledger")


def _t(name: str, *cols: str, times: tuple[str, ...] = ()) -> sa.TableClause:
    """The columns the back-fill reads or writes, typed where the driver needs it."""

    def typed(c: str) -> sa.ColumnClause[Any]:
        if c in times:
            return sa.column(c, UTC_DT)
        return sa.column(c, sa.JSON) if c in ("data", "extras") else sa.column(c)

    return sa.table(name, *[typed(c) for c in cols])


ITEMS = _t(
    "items",
    "id",
    "workflow_id",
    "due",
    "due_soon_at",
    "status",
    "assigned_at",
    "completed_at",
    "extras",
    times=("due", "due_soon_at", "assigned_at", "completed_at"),
)
UNITS = _t(
    "assignments", "item_id", "unit_code", "role", "active", "received_at", times=("received_at",)
)
REPORTS = _t(
    "reports",
    "item_id",
    "report_id",
    "unit_code",
    "progress",
    "done",
    "reported_at",
    times=("reported_at",),
)
ACTIONS = _t(
    "actions", "id", "key", "item_id", "kind", "unit_code", "reason", "data", "at", times=("at",)
)
ESCALATIONS = _t("escalations", "key", "item_id", "at", times=("at",))
LEDGER = _t(
    "ledger",
    "key",
    "item_id",
    "kind",
    "at",
    "unit_code",
    "role",
    "seq",
    "due",
    "progress",
    "done",
    "status",
    "done_at",
    "data",
    times=("at", "due", "done_at"),
)


def backfill(conn: sa.Connection) -> None:
    def grouped(table: sa.TableClause, *order: str) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        for r in conn.execute(sa.select(table).order_by(*[table.c[o] for o in order])):
            out.setdefault(r.item_id, []).append(r)
        return out

    units = grouped(UNITS, "item_id")
    reports = grouped(REPORTS, "reported_at")
    actions = grouped(ACTIONS, "at", "id")
    escalations = grouped(ESCALATIONS, "at")
    for item in conn.execute(sa.select(ITEMS).where(ITEMS.c.assigned_at.is_not(None))):
        rows = item_entries(
            item,
            units.get(item.id, []),
            reports.get(item.id, []),
            actions.get(item.id, []),
            escalations.get(item.id, []),
        )
        cols = {k for r in rows for k in r}
        conn.execute(sa.insert(LEDGER), [{c: r.get(c) for c in cols} for r in rows])


def item_entries(
    item: Any, units: list[Any], reports: list[Any], actions: list[Any], escalations: list[Any]
) -> list[dict[str, Any]]:
    wf, at0 = item.workflow_id, item.assigned_at
    rows: list[dict[str, Any]] = []

    def add(key: str, kind: str, at: datetime, **fields: Any) -> None:
        fields.setdefault("data", {})
        rows.append({"key": f"{wf}:{key}", "item_id": item.id, "kind": kind, "at": at, **fields})

    reassigns = [a.at for a in actions if a.kind == "reassigned"]
    receipt = bool((item.extras or {}).get("receipt_remind_at"))
    for u in units:
        add(
            f"assign:{u.unit_code}",
            "assigned",
            at0,
            unit_code=u.unit_code,
            role=u.role,
            data={"receipt": receipt, "approximate": bool(reassigns)},
        )
        if not u.active:
            add(
                f"unassign:{u.unit_code}",
                "unassigned",
                reassigns[-1] if reassigns else at0,
                unit_code=u.unit_code,
                data={"approximate": True},
            )
        if u.received_at is not None:
            add(f"received:{u.unit_code}", "received", u.received_at, unit_code=u.unit_code)
    moves = [a for a in actions if a.kind in MOVES and (a.data or {}).get("new_due")]
    first = next((e.at for e in escalations if ":escalate:0:" in e.key), None)
    moved = datetime.fromisoformat(moves[0].data["new_due"]) if moves else None
    first_due = (first or moved) if moves else item.due
    soon = item.due_soon_at.isoformat() if item.due_soon_at and not moves else None
    add(
        "deadline:0",
        "deadline",
        at0,
        seq=0,
        due=first_due,
        data={"cause": "initial", "approximate": bool(moves), "due_soon_at": soon},
    )
    for seq, a in enumerate(moves, start=1):
        due = item.due if seq == len(moves) else datetime.fromisoformat(a.data["new_due"])
        add(
            f"deadline:{seq}",
            "deadline",
            a.at,
            seq=seq,
            due=due,
            data={"cause": a.kind, "reason": a.reason},
        )
    for r in reports:
        add(
            f"report:{r.report_id}",
            "report",
            r.reported_at,
            unit_code=r.unit_code,
            progress=r.progress,
            done=r.done,
        )
    leads = [u.unit_code for u in units if u.role == "lead"]
    for a in actions:
        key = a.key.removeprefix(f"{wf}:")
        if a.kind in MARKS:
            add(
                f"{key}:{MARKS[a.kind]}",
                MARKS[a.kind],
                a.at,
                unit_code=a.unit_code,
                data={"reason": a.reason},
            )
        if a.kind == "review_returned":
            for code in leads:
                add(f"{key}:reopen:{code}", "reopened", a.at, unit_code=code)
        if a.kind == "refusal" and a.unit_code:
            add(
                f"{key}:refused:{a.unit_code}",
                "refused",
                a.at,
                unit_code=a.unit_code,
                data={"reason": a.reason},
            )
        if a.kind == "recalled":
            add("recalled", "recalled", a.at)
    if item.status in ("completed_on_time", "completed_late") and item.completed_at:
        accepted = [a.at for a in actions if a.kind == "review_accepted"]
        effective = max([item.completed_at, *accepted])
        add("completed", "completed", effective, status=item.status, done_at=item.completed_at)
    return rows
