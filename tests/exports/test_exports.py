"""The seed's report at 31/12/2024, opened back: the workbook cell by cell (value and type), the
PDF as text (diacritics intact, font embedded) and as PNG pages, the SVG charts as XML."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dondoc.db.asof_view import directive_timeline
from dondoc.db.migrate import upgrade
from dondoc.db.session import SessionFactory, make_engine, session_factory
from dondoc.exports.charts import gantt_chart, rate_chart
from dondoc.exports.report import DirectiveReport, build_report
from dondoc.exports.xlsx import ITEM_COLUMNS, write_xlsx
from dondoc.schemas.summary import Cutoff
from tests.exports.seed_history import record_seed

END = Cutoff(day=date(2024, 12, 31))
# Hand-written from the seed's story: (STT, content starts, due, result, completed on)
ROWS = {
    "1": (1, date(2024, 10, 15), "hoàn thành đúng hạn", date(2024, 9, 30)),
    "2": (2, date(2024, 10, 15), "hoàn thành đúng hạn", date(2024, 10, 1)),
    "3": (3, date(2024, 10, 31), "hoàn thành quá hạn", date(2024, 11, 5)),
    "3.1": (4, date(2024, 10, 15), "thu hồi", date(2024, 8, 1)),
    "4": (5, date(2024, 10, 15), "hoàn thành đúng hạn", date(2024, 9, 10)),
    "5": (6, date(2024, 10, 15), "đang thực hiện quá hạn", None),
    "6": (7, date(2024, 10, 15), "hoàn thành đúng hạn", date(2024, 10, 10)),
    "6.1": (8, date(2024, 5, 19), "hoàn thành đúng hạn", date(2024, 5, 17)),
    "6.2": (9, date(2024, 6, 11), "hoàn thành quá hạn", date(2024, 6, 20)),
    "6.3": (10, date(2024, 6, 11), "hoàn thành đúng hạn", date(2024, 5, 20)),
    "6.4": (11, date(2024, 6, 11), "đang thực hiện quá hạn", None),
    "6.5": (12, date(2024, 6, 11), "đang thực hiện quá hạn", None),
    "6.6": (13, date(2024, 6, 11), "đang thực hiện quá hạn", None),
    "TCTH": (14, date(2024, 5, 31), "đang thực hiện quá hạn", None),
}
# The per-unit sheet's total: 14 items, 6 on time, 2 late, 5 overdue, 1 recalled; 6 of 8
# completed on time, 6 of 14 due; overdue days 5 + 9 + 77 + 3 x 203 + 214.
TOTAL = ["Tổng số", None, 14, 6, 2, 0, 5, 0, 1, 14, 0.75, 6 / 14, 914]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[SessionFactory, str]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('seed')}/seed.sqlite")
    upgrade(engine)
    sessions = session_factory(engine)
    return sessions, record_seed(sessions)


@pytest.fixture(scope="module")
def report(seeded: tuple[SessionFactory, str]) -> DirectiveReport:
    return build_report(*seeded, END)


def test_workbook_cells_have_their_values_and_real_types(
    report: DirectiveReport, tmp_path: Path
) -> None:
    """Dates are dates, counts integers, rates fractions shown as percentages; the header is
    frozen, the widths set, the page A4 landscape."""
    path = tmp_path / "r.xlsx"
    write_xlsx(report, path)
    wb = load_workbook(path)
    ws = wb["Báo cáo"]
    assert [ws.cell(row=n, column=1).value for n in range(1, 5)] == [
        "ĐẢNG ỦY PHƯỜNG HOÀI TÂN",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
        f"Văn bản: {report.code} — {report.title}",
        "Số liệu tính đến ngày 31/12/2024",
    ]
    assert [c.value for c in ws[6]] == [name for name, _ in ITEM_COLUMNS]
    assert (ws.freeze_panes, ws.page_setup.orientation, int(ws.page_setup.paperSize)) == (
        "A7",
        "landscape",
        9,
    )
    assert [ws.column_dimensions[c].width for c in "ABE"] == [6, 48, 12]
    by_number = {r.number: r for r in report.rows}
    for n, number in enumerate(ROWS, start=7):
        stt, due, result, done_on = ROWS[number]
        cells = [c.value for c in ws[n]]
        row = by_number[number]
        expected = [
            stt,
            row.content,
            row.lead or None,
            row.support or None,
            datetime.combine(due, datetime.min.time()),
            row.progress,
            result,
            datetime.combine(done_on, datetime.min.time()) if done_on else None,
            row.note or None,
        ]
        assert expected == cells, number
        assert (ws.cell(row=n, column=5).number_format, ws.cell(row=n, column=5).is_date) == (
            "dd/mm/yyyy",
            True,
        )
        assert isinstance(cells[0], int)
        assert all(isinstance(cells[i], str) for i in (1, 5, 6))
    assert ws.max_row == 6 + len(ROWS)
    assert "Gia hạn lần 1 đến 31/10/2024 (ngày 20/09/2024)" in by_number["3"].note
    units = wb["Tổng hợp theo đơn vị"]
    total = [c.value for c in units[units.max_row]]
    assert (total[:10], total[12]) == (TOTAL[:10], TOTAL[12])
    assert total[10:12] == pytest.approx(TOTAL[10:12])
    assert [units.cell(row=units.max_row, column=c).number_format for c in (11, 12)] == ["0.0%"] * 2
    assert all(isinstance(v, int) for v in [*total[2:10], total[12]])


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils")


@needs_poppler
def test_pdf_keeps_its_diacritics_and_turns_into_png_pages(
    report: DirectiveReport, tmp_path: Path
) -> None:
    """The text extracted from the PDF has the Vietnamese words as written, in the embedded
    DejaVu font, and every page renders to a PNG."""
    from dondoc.exports.pdf import write_pdf

    path = tmp_path / "r.pdf"
    write_pdf(report, path)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
        "Số liệu tính đến ngày 31/12/2024",
        "Ủy ban Mặt trận Tổ quốc Việt Nam phường",
        "hoàn thành quá hạn",
        "đang thực hiện quá hạn",
        "Gia hạn lần 1 đến 31/10/2024",
        "Tổng hợp theo đơn vị",
    ):
        assert words in " ".join(text.split()), words
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVu-Sans" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 2
    assert all(p.stat().st_size > 5000 for p in pages)


SVG = "{http://www.w3.org/2000/svg}"


def test_rate_chart_has_one_bar_per_unit_with_a_rate(report: DirectiveReport) -> None:
    root = ET.fromstring(rate_chart(report.summary))
    bars = root.findall(f"{SVG}rect[@fill='#2e7d32']")
    rated = [r for r in report.summary.rows if r.rate_of_completed is not None]
    assert len(bars) == len(rated) > 0
    full = [b for b in bars if b.get("width") == "400"]
    assert len(full) == sum(1 for r in rated if r.rate_of_completed == 1)


def test_gantt_draws_each_item_with_its_moved_deadline(seeded: tuple[SessionFactory, str]) -> None:
    """Fourteen items, each a line; item 3's extension is the one amber tick; eight
    completions and one recall are dots."""
    rows, at, zone = directive_timeline(*seeded, END)
    root = ET.fromstring(gantt_chart(rows, at, zone))
    assert len(root.findall(f"{SVG}line[@stroke-width='8']")) == 14
    assert len(root.findall(f"{SVG}line[@stroke='#ffb300']")) == 1
    assert len(root.findall(f"{SVG}circle")) == 9
