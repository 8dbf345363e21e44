"""The report a ward office files on one directive at a cut-off: the rows both exports print.

One row per item (STT, nội dung nhiệm vụ, đơn vị chủ trì, đơn vị phối hợp, thời hạn, tình hình
thực hiện, kết quả, ghi chú) and the per-unit summary with its on-time rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dondoc.db.asof_view import directive_at
from dondoc.db.models import Unit
from dondoc.db.queries import find_directive
from dondoc.db.session import SessionFactory
from dondoc.db.summary import summarize
from dondoc.labels import CATEGORY_VN, DONE_VN
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.summary import Category, Cutoff, Summary, category_of
from dondoc.schemas.views import ItemView

DAY = "%d/%m/%Y"


@dataclass(frozen=True)
class ReportRow:
    stt: int
    number: str
    content: str
    lead: str
    support: str
    due: date
    progress: str
    category: Category
    result: str  # the category's label
    completed_on: date | None
    note: str


@dataclass(frozen=True)
class DirectiveReport:
    committee: str
    code: str
    title: str
    as_of: datetime  # in the directive's timezone
    rows: list[ReportRow]
    summary: Summary

    @property
    def cutoff_line(self) -> str:
        return f"Số liệu tính đến ngày {self.as_of:%d/%m/%Y}"


def build_report(sessions: SessionFactory, code: str, cutoff: Cutoff) -> DirectiveReport:
    with sessions() as s:
        d = find_directive(s, code)
        tz = ZoneInfo(d.timezone)
        names = {u.code: u.name for u in s.scalars(select(Unit).where(Unit.directive_id == d.id))}
        committee, title = names.get(d.committee, d.committee), d.title
    view = directive_at(sessions, code, cutoff)
    at = cutoff.resolve(view.directive.timezone).astimezone(tz)
    rows = [_row(n, item, at, tz) for n, item in enumerate(view.items, start=1)]
    summary = summarize(sessions, now=at, cutoff=cutoff, directive=code, by="unit")
    return DirectiveReport(committee, code, title, at, rows, summary)


def _row(stt: int, item: ItemView, at: datetime, tz: ZoneInfo) -> ReportRow:
    submitted = [a.at for a in item.actions if a.kind == ActionKind.REVIEW_SUBMITTED]
    category = category_of(item.status, at, item.due, submitted[-1] if submitted else None)
    leads = [u for u in item.units if u.role == "lead"]
    support = [u for u in item.units if u.role == "support"]
    progress = "; ".join(
        f"{u.name}: {u.progress}%" + (f", {DONE_VN}" if u.done else "")
        + (f" (báo cáo {u.last_report_at:%d/%m/%Y})" if u.last_report_at else "")
        for u in leads
    )  # fmt: skip
    completed = item.completed_at.astimezone(tz).date() if item.completed_at else None
    return ReportRow(
        stt=stt,
        number=item.number,
        content=item.title,
        lead=", ".join(u.name for u in leads),
        support=", ".join(u.name for u in support),
        due=item.due.astimezone(tz).date(),
        progress=progress or "chưa báo cáo",
        category=category,
        result=CATEGORY_VN[category],
        completed_on=completed if category.completed or category == Category.RECALLED else None,
        note=_note(item, tz),
    )


def _note(item: ItemView, tz: ZoneInfo) -> str:
    """Extensions, returns, explanations and recall, in order, with their dates."""
    parts: list[str] = []
    n = 0
    for a in item.actions:
        on = a.at.astimezone(tz).strftime(DAY)
        due = _day(a.data.get("new_due"), tz)
        if a.kind == ActionKind.EXTENSION_APPROVED:
            n += 1
            parts.append(f"Gia hạn lần {n} đến {due} (ngày {on})")
        elif a.kind == ActionKind.REVIEW_RETURNED:
            parts.append(f"Đánh giá chưa đạt ngày {on}: {a.reason or '—'}; hạn mới {due}")
        elif a.kind == ActionKind.EXPLANATION_ANSWERED:
            parts.append(f"Giải trình ngày {on}: {a.reason or '—'}")
        elif a.kind == ActionKind.EXPLANATION_DECIDED:
            parts.append(f"Kết luận sau giải trình ngày {on}: {a.data.get('decision', '—')}")
        elif a.kind == ActionKind.RECALLED:
            parts.append(f"Thu hồi ngày {on}: {a.reason or '—'}")
    return "; ".join(parts)


def _day(value: object, tz: ZoneInfo) -> str:
    if not value:
        return "—"
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return instant.astimezone(tz).strftime(DAY)
