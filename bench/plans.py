"""Directive plans built in code, through the same pydantic models a directive file becomes."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from dondoc.schemas.directive import DirectivePlan, ItemPlan, UnitDef
from dondoc.schemas.messages import Schedule

COMMITTEE = "DANG_UY"
UNITS = [
    UnitDef(code=COMMITTEE, name="Đảng ủy phường"),
    UnitDef(code="KHOI_VAN", name="Khối vận"),
    UnitDef(code="UBND", name="Ủy ban nhân dân phường"),
    UnitDef(code="MTTQ", name="Ủy ban MTTQ Việt Nam phường"),
]
LEAD = "KHOI_VAN"


def plan(
    items: int,
    due: datetime,
    *,
    remind_at: datetime | None = None,
    support: tuple[str, ...] = (),
    escalate_every: timedelta = timedelta(days=7),
) -> DirectivePlan:
    """A directive of `items` items, each led by KHOI_VAN, all due at the same instant."""
    code = f"BENCH-{uuid.uuid4().hex[:8]}/ĐU"
    return DirectivePlan(
        code=code,
        title=f"Chỉ thị đo hiệu năng {code}",
        committee=COMMITTEE,
        timezone="Asia/Ho_Chi_Minh",
        units=UNITS,
        items=[
            ItemPlan(
                number=str(n),
                position=n,
                title=f"Nhiệm vụ {n}",
                lead=[LEAD],
                support=list(support),
                schedule=Schedule(due=due, remind_at=remind_at or due - timedelta(days=3)),
                escalate_every=escalate_every,
            )
            for n in range(1, items + 1)
        ],
    )
