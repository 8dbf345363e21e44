"""How a summary reads: its headings and figures as Vietnamese text (terminal, PDF)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dondoc.labels import CATEGORY_VN, ROLE_VN
from dondoc.schemas.summary import Category, Counts, Summary, SummaryRow

GROUP_VN = {"unit": "Đơn vị", "directive": "Văn bản", "item": "Nhiệm vụ"}
COUNT_COLUMNS: list[tuple[str, str]] = [
    ("total", "Tổng số"),
    *[(c.value, CATEGORY_VN[c].capitalize()) for c in Category],
    ("due_in_period", "Đến hạn"),
    ("rate_of_completed", "Tỷ lệ đúng hạn / đã hoàn thành"),
    ("rate_of_due", "Tỷ lệ đúng hạn / đến hạn"),
    ("overdue_days", "Số ngày quá hạn"),
]


# The terminal's narrower headings, column for column.
SHORT = [
    "Tổng",
    "HT đúng hạn",
    "HT quá hạn",
    "Đang TH trong hạn",
    "Đang TH quá hạn",
    "Chưa tiếp nhận",
    "Thu hồi",
    "Đến hạn",
    "Đúng hạn / HT",
    "Đúng hạn / đến hạn",
    "Ngày quá hạn",
]


def percent(rate: float | None) -> str:
    """`87,5%` (Vietnamese decimal comma); `—` when nothing to divide by."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}".replace(".", ",").removesuffix(",0") + "%"


def figure(counts: Counts, name: str) -> float | None:
    """A column's value: a count, or a rate in [0, 1] (None when nothing to divide by)."""
    if name == "rate_of_completed":
        return counts.rate_of_completed
    if name == "rate_of_due":
        return counts.rate_of_due
    value: int = getattr(counts, name)
    return float(value) if name == "overdue_days" else value


def row_cells(row: SummaryRow) -> list[str]:
    cells = [
        row.name if row.key in ("*", row.name) or "/" in row.key else f"{row.name} ({row.key})"
    ]
    if row.role is not None:
        cells[0] += f" — {ROLE_VN[row.role]}"
    for name, _ in COUNT_COLUMNS:
        value = figure(row.counts, name)
        cells.append(percent(value) if name.startswith("rate") else f"{value:g}")
    return cells


def summary_table(s: Summary, short: bool = False) -> tuple[list[str], list[list[str]]]:
    """[title, caption, column names…] and the rows (the total last)."""
    day = s.as_of.astimezone(ZoneInfo(s.timezone)).strftime("%H:%M ngày %d/%m/%Y")
    period = f"; kỳ {s.start:%d/%m/%Y}–{s.end:%d/%m/%Y}" if s.start and s.end else ""
    title = "Tổng hợp kết quả thực hiện nhiệm vụ" + (f" — {s.directive}" if s.directive else "")
    caption = f"Số liệu tính đến {day}{period}"
    labels = SHORT if short else [label for _, label in COUNT_COLUMNS]
    head = [title, caption, GROUP_VN[s.by], *labels]
    return head, [*[row_cells(r) for r in s.rows], row_cells(s.total)]
