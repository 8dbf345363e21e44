"""One item's book for the pure tests of its rules, steps and clock (no Temporal)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dondoc.schemas.messages import ItemSpec
from dondoc.workflows.item_state import Book

T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # Monday 08:00 in Hà Nội
DUE = T0 + timedelta(days=10)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
COMMITTEE = "DANG_UY"


def spec(**over: Any) -> ItemSpec:
    """Item 1: KHOI_VAN leads, MTTQ supports, due at DUE, reminded 3 days before; `over`
    replaces or adds fields."""
    fields: dict[str, Any] = {
        "directive_code": "01-CT/ĐU",
        "number": "1",
        "title": "Nhiệm vụ 1",
        "committee": COMMITTEE,
        "lead": ["KHOI_VAN"],
        "support": ["MTTQ"],
        "due": DUE,
        "remind_at": DUE - 3 * DAY,
        "escalate_every": WEEK,
    }
    return ItemSpec.model_validate(fields | over)


def book(**over: Any) -> Book:
    return Book.start(spec(**over))


def set_unit(b: Book, code: str, **update: Any) -> Book:
    b.set_unit(code, **update)
    return b
