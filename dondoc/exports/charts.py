"""Hand-written SVG: the on-time rate per unit (bars) and a directive's timeline (Gantt)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from dondoc.exports.figures import percent
from dondoc.labels import CATEGORY_VN, ROLE_VN
from dondoc.schemas.summary import Category, GanttRow, Summary

FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="12"'
MOVED = "#ffb300"  # a deadline moved by an extension, a return or a decision
COLOUR = {
    Category.COMPLETED_ON_TIME: "#2e7d32",
    Category.COMPLETED_LATE: "#ef6c00",
    Category.IN_PROGRESS_ON_TIME: "#1565c0",
    Category.IN_PROGRESS_OVERDUE: "#c62828",
    Category.NOT_RECEIVED: "#8e24aa",
    Category.RECALLED: "#757575",
}


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
            f' viewBox="0 0 {width} {height}" {FONT}>',
            f"<title>{escape(title)}</title>",
            f'<rect width="{width}" height="{height}" fill="white"/>',
            f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
            *body,
            "</svg>",
        ]
    )


def rate_chart(s: Summary, label_width: int = 260, bar_width: int = 400) -> str:
    """One bar per unit and role: completed on time ÷ completed, as of the summary's cut-off."""
    rows = [r for r in s.rows if r.role is not None] or s.rows
    body: list[str] = []
    top, step = 40, 26
    for n, row in enumerate(rows):
        y = top + n * step
        rate = row.rate_of_completed
        name = f"{row.name} ({ROLE_VN[row.role]})" if row.role else row.name
        short = name if len(name) <= 34 else name[:33] + "…"
        body.append(
            f'<text x="10" y="{y + 14}">{escape(short)}<title>{escape(name)}</title></text>'
        )
        body.append(
            f'<rect x="{label_width}" y="{y}" width="{bar_width}" height="18" fill="#eee"/>'
        )
        if rate is not None:
            w = round(bar_width * rate)
            body.append(
                f'<rect x="{label_width}" y="{y}" width="{w}" height="18" fill="#2e7d32">'
                f"<title>{escape(name)}: {percent(rate)}</title></rect>"
            )
        body.append(f'<text x="{label_width + bar_width + 8}" y="{y + 14}">{percent(rate)}</text>')
    day = s.as_of.astimezone(ZoneInfo(s.timezone)).strftime("%d/%m/%Y")
    title = f"Tỷ lệ hoàn thành đúng hạn theo đơn vị (tính đến ngày {day})"
    return _svg(label_width + bar_width + 70, top + len(rows) * step + 10, body, title)


def gantt_chart(rows: list[GanttRow], at: datetime, timezone: str, width: int = 900) -> str:
    """One line per item: assigned to closed (or to the cut-off), each deadline a tick (moved ones
    in amber), the completion or recall a dot in its category's colour."""
    tz = ZoneInfo(timezone)
    label, top, step = 200, 60, 28
    instants = [at] + [r.assigned_at for r in rows]
    instants += [d for r in rows for _, d in r.deadlines] + [
        r.closed_at for r in rows if r.closed_at
    ]
    start, end = min(instants), max(instants)
    span = max((end - start).total_seconds(), 1.0)
    plot = width - label - 20

    def x(t: datetime) -> float:
        return round(label + plot * (t - start).total_seconds() / span, 1)

    body = _axis(start, end, tz, x, top, top + len(rows) * step)
    for n, r in enumerate(rows):
        y = top + n * step + 10
        colour = COLOUR[r.category]
        what = f"{r.number}. {r.title}"
        body.append(
            f'<text x="10" y="{y + 4}">{escape(what[:28])}<title>{escape(what)}</title></text>'
        )
        body.append(
            f'<line x1="{x(r.assigned_at)}" y1="{y}" x2="{x(r.closed_at or at)}" y2="{y}"'
            f' stroke="{colour}" stroke-width="8" stroke-opacity="0.35"/>'
        )
        for seq, (_, due) in enumerate(r.deadlines):
            tick = MOVED if seq else "#222"
            body.append(
                f'<line x1="{x(due)}" y1="{y - 9}" x2="{x(due)}" y2="{y + 9}" stroke="{tick}"'
                f' stroke-width="2"><title>hạn {"mới " if seq else ""}'
                f"{due.astimezone(tz):%d/%m/%Y}</title></line>"
            )
        if r.closed_at is not None:
            body.append(
                f'<circle cx="{x(r.closed_at)}" cy="{y}" r="5" fill="{colour}">'
                f"<title>{CATEGORY_VN[r.category]} {r.closed_at.astimezone(tz):%d/%m/%Y}</title>"
                "</circle>"
            )
    cut = x(at)
    body.append(
        f'<line x1="{cut}" y1="{top - 8}" x2="{cut}" y2="{top + len(rows) * step}"'
        ' stroke="#c62828" stroke-dasharray="4 3"/>'
    )
    title = f"Tiến độ các nhiệm vụ (tính đến ngày {at.astimezone(tz):%d/%m/%Y})"
    return _svg(width, top + len(rows) * step + 20, body, title)


def _axis(
    start: datetime, end: datetime, tz: ZoneInfo, x: Callable[[datetime], float], y0: int, y1: int
) -> list[str]:
    """Day lines, about ten of them, labelled dd/mm."""
    days = max((end - start).days, 1)
    every = max(1, days // 10)
    out: list[str] = []
    t = start.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    while t <= end:
        if t >= start:
            out.append(f'<line x1="{x(t)}" y1="{y0 - 8}" x2="{x(t)}" y2="{y1}" stroke="#ddd"/>')
            label = f'x="{x(t)}" y="{y0 - 12}" font-size="10" text-anchor="middle"'
            out.append(f"<text {label}>{t:%d/%m}</text>")
        t += timedelta(days=every)
    return out
