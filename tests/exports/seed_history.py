"""The seed directive's 2024 story recorded straight through the recording activities (no
Temporal: the instants are given), so its exports can be checked at fixed cut-offs.

The scripted reports of examples/dan-van-kheo-2024-reports.yaml at 09:00, plus: item 3's
deadline extended on 20/09/2024 to 31/10/2024 (the Front still finishes late, on 05/11), and
item 3.1 recalled on 01/08/2024. `python -m tests.exports.seed_history DB.sqlite` records it.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dondoc.activities.lifecycle import LifecycleActivities
from dondoc.activities.records import RecordActivities
from dondoc.db.models import Assignment, Directive, Item
from dondoc.db.session import SessionFactory, open_database
from dondoc.db.store import store_directive
from dondoc.deadlines.planner import Planner
from dondoc.local.simulate import read_script
from dondoc.schemas.actions import RecordActionInput
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.records import ItemRef, RecordAssignmentsInput, RecordReportInput
from dondoc.schemas.status import ItemStatus
from dondoc.schemas.timing import Rules
from dondoc.starter import read_plan

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "dan-van-kheo-2024.yaml"
REPORTS = ROOT / "examples" / "dan-van-kheo-2024-reports.yaml"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ASSIGNED = datetime(2024, 4, 15, 8, 0, tzinfo=TZ)
EXTENDED = datetime(2024, 9, 20, 10, 0, tzinfo=TZ)
RECALLED = datetime(2024, 8, 1, 10, 0, tzinfo=TZ)
NEW_DUE_3 = datetime(2024, 10, 31, 23, 59, 59, tzinfo=TZ)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), TZ)


def record_seed(sessions: SessionFactory, code: str | None = None) -> str:
    """Store the seed (under `code` if given) and record its story; returns the code."""
    plan = read_plan(SEED)
    if code is not None:
        plan = plan.model_copy(update={"code": code})
    store_directive(sessions, plan, ASSIGNED)
    rec, life = RecordActivities(sessions), LifecycleActivities(sessions)
    numbers = [i.number for i in plan.items]
    rec.record_assignments(
        RecordAssignmentsInput(directive_code=plan.code, numbers=numbers, at=ASSIGNED)
    )
    ref = {n: ItemRef(directive_code=plan.code, number=n) for n in numbers}
    planner = Planner(plan.timezone, plan.calendar)
    events: list[tuple[datetime, str, object]] = [
        (at_nine(r.date), "report", r) for r in read_script(REPORTS)
    ]
    events += [(EXTENDED, "extend", None), (RECALLED, "recall", None)]
    for n, (at, what, r) in enumerate(sorted(events, key=lambda e: e[0])):
        if what == "extend":
            rules = Rules()
            life.record_action(
                RecordActionInput(
                    item=ref["3"],
                    key=f"{plan.code}:seed:{n}",
                    kind=ActionKind.EXTENSION_APPROVED,
                    actor="DANG_UY",
                    data={"new_due": NEW_DUE_3.isoformat()},
                    at=at,
                    schedule=planner.schedule(NEW_DUE_3, rules),
                    deadline_seq=1,
                    extensions_used=1,
                    status=ItemStatus.IN_PROGRESS,
                )
            )
        elif what == "recall":
            life.record_action(
                RecordActionInput(
                    item=ref["3.1"],
                    key=f"{plan.code}:seed:{n}",
                    kind=ActionKind.RECALLED,
                    actor="DANG_UY",
                    reason="Đã lồng ghép vào nhiệm vụ 3",
                    at=at,
                    status=ItemStatus.RECALLED,
                    completed_at=at,
                )
            )
        else:
            _report(sessions, rec, plan.code, ref, n, at, r)
    return plan.code


def _report(
    sessions: SessionFactory,
    rec: RecordActivities,
    code: str,
    ref: dict[str, ItemRef],
    n: int,
    at: datetime,
    r: object,
) -> None:
    from dondoc.local.simulate import ScriptedReport

    assert isinstance(r, ScriptedReport)
    with sessions() as s:
        item = s.scalars(
            select(Item).join(Directive).where(Directive.code == code, Item.number == r.item)
        ).one()
        units = {
            a.unit_code: a
            for a in s.scalars(select(Assignment).where(Assignment.item_id == item.id))
        }
        if r.unit not in units:  # the script's refused report: not assigned
            return
        leads = [a for a in units.values() if a.role == "lead"]
        others_done = all(a.done for a in leads if a.unit_code != r.unit)
        first = units[r.unit].received_at is None
        late = at > item.due
    closes = None
    if r.done and others_done:
        closes = ItemStatus.COMPLETED_LATE if late else ItemStatus.COMPLETED_ON_TIME
    rec.record_report(
        RecordReportInput(
            item=ref[r.item],
            report_id=f"seed-{n}",
            unit=r.unit,
            progress=100 if r.done else r.progress,
            done=r.done,
            note=r.note,
            at=at,
            received=first,
            closes=closes,
        )
    )


if __name__ == "__main__":
    print(record_seed(open_database(f"sqlite:///{sys.argv[1]}")))
