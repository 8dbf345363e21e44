"""The directive's report as a workbook: real types (dates as dates, rates as percentages), a
frozen header, column widths, printable on A4 landscape; a second sheet per unit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dondoc.exports.figures import COUNT_COLUMNS, figure
from dondoc.exports.report import DirectiveReport
from dondoc.labels import ROLE_VN

ITEM_COLUMNS: list[tuple[str, float]] = [
    ("STT", 6),
    ("Nội dung nhiệm vụ", 48),
    ("Đơn vị chủ trì", 22),
    ("Đơn vị phối hợp", 22),
    ("Thời hạn", 12),
    ("Tình hình thực hiện / tiến độ", 36),
    ("Kết quả", 22),
    ("Ngày hoàn thành", 13),
    ("Ghi chú", 40),
]
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
HEADER_ROW = 6  # rows 1-4: the report's heading; row 5 blank
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
TOP = Alignment(vertical="top", wrap_text=True)


def write_xlsx(report: DirectiveReport, path: Path) -> None:
    wb = Workbook()
    items = wb.active
    assert items is not None
    items.title = "Báo cáo"
    _heading(items, report, "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ", len(ITEM_COLUMNS))
    _header(items, ITEM_COLUMNS)
    for row, r in enumerate(report.rows, start=HEADER_ROW + 1):
        cells: list[Any] = [
            r.stt,
            r.content,
            r.lead,
            r.support,
            r.due,
            r.progress,
            r.result,
            r.completed_on,
            r.note,
        ]
        _append(items, row, cells, {5: DATE_FORMAT, 8: DATE_FORMAT})
    units = wb.create_sheet("Tổng hợp theo đơn vị")
    columns: list[tuple[str, float]] = [("Đơn vị", 30), ("Vai trò", 10)]
    columns += [(label, 14) for _, label in COUNT_COLUMNS]
    _heading(units, report, "TỔNG HỢP THEO ĐƠN VỊ", len(columns))
    _header(units, columns)
    rates = {
        i + 3: PERCENT_FORMAT for i, (n, _) in enumerate(COUNT_COLUMNS) if n.startswith("rate")
    }
    for n, group in enumerate([*report.summary.rows, report.summary.total], start=HEADER_ROW + 1):
        role = ROLE_VN[group.role] if group.role else ""
        values: list[Any] = [group.name, role]
        for name, _ in COUNT_COLUMNS:
            value = figure(group.counts, name)
            values.append(int(value) if value is not None and name in _COUNTS else value)
        _append(units, n, values, rates)
    wb.save(path)


_COUNTS = {n for n, _ in COUNT_COLUMNS if not n.startswith("rate")}


def _heading(ws: Worksheet, report: DirectiveReport, title: str, width: int) -> None:
    last = get_column_letter(width)
    lines = [
        (report.committee.upper(), Font(bold=True)),
        (title, Font(bold=True, size=14)),
        (f"Văn bản: {report.code} — {report.title}", Font(italic=True)),
        (report.cutoff_line, Font(italic=True)),
    ]
    for n, (text, font) in enumerate(lines, start=1):
        ws.cell(row=n, column=1, value=text).font = font
        ws.merge_cells(f"A{n}:{last}{n}")
        ws.cell(row=n, column=1).alignment = Alignment(horizontal="center")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_margins.left = ws.page_margins.right = 0.4


def _header(ws: Worksheet, columns: list[tuple[str, float]]) -> None:
    for n, (name, width) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=n, value=name)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _append(ws: Worksheet, row: int, values: list[Any], formats: dict[int, str]) -> None:
    """Row `row` (counted by the caller: `ws.max_row` scans every cell, which made a 10,000-row
    report quadratic); an empty value is an empty cell, not an empty string."""
    for n, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=n, value=None if value == "" else value)
        cell.border = BOX
        cell.alignment = TOP
        if n in formats:
            cell.number_format = formats[n]
