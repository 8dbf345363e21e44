"""The rules one by one: deadlines, reports, anniversaries, unit names and the registry file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer.text import ImportTextError, import_text
from dondoc.importer.text_dates import deadlines, milestones, reporting
from dondoc.importer.text_units import load_registry

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


class TestDeadlines:
    @pytest.mark.parametrize(
        ("text", "due"),
        [
            ("hoàn thành trước ngày 30/6/2024.", date(2024, 6, 30)),
            ("báo cáo chậm nhất ngày 15 tháng 5 năm 2021.", date(2021, 5, 15)),
            ("hoàn thành trong tháng 9/2024.", date(2024, 9, 30)),
            ("thực hiện xong trong quý III/2024.", date(2024, 9, 30)),
            ("thời gian: từ ngày 01/3/2024 đến ngày 31/5/2024.", date(2024, 5, 31)),
            ("hoàn thành trước ngày 30/6.", date(2024, 6, 30)),  # the document's year
        ],
    )
    def test_the_forms_offices_write_give_the_deadline(self, text: str, due: date) -> None:
        found, _ = deadlines(text, 2024)
        assert max(f.day for f in found) == due

    def test_an_ongoing_task_has_no_deadline_and_says_why(self) -> None:
        found, remark = deadlines("Đài Truyền thanh thường xuyên tuyên truyền.", 2024)
        assert (found, "thường xuyên" in remark) == ([], True)

    @given(DAYS)
    @settings(max_examples=60, deadline=None)
    def test_a_referenced_documents_date_is_never_a_deadline(self, day: date) -> None:
        text = f"Thực hiện Kế hoạch số 127-KH/ĐU, ngày {day:%d/%m/%Y} của Đảng ủy phường."
        assert deadlines(text, day.year) == ([], "")

    @given(DAYS)
    @settings(max_examples=60, deadline=None)
    def test_any_real_date_after_truoc_ngay_is_read_back(self, day: date) -> None:
        found, _ = deadlines(f"Hoàn thành trước ngày {day.day}/{day.month}/{day.year}.", None)
        assert [f.day for f in found] == [day]


class TestReportsAndMilestones:
    @pytest.mark.parametrize(
        ("text", "rule"),
        [
            ("Báo cáo định kỳ hằng tháng trước ngày 20.", {"every": "month", "cutoff_day": 20}),
            (
                "báo cáo định kỳ hằng quý trước ngày 15 của tháng cuối quý",
                {"every": "quarter", "cutoff_day": 15},
            ),
            ("báo cáo hằng tuần vào thứ Sáu", {"every": "week", "cutoff_day": 5}),
        ],
    )
    def test_periodic_reports_become_reporting_rules(
        self, text: str, rule: dict[str, object]
    ) -> None:
        assert reporting(text)[0] == rule

    def test_a_monthly_report_day_is_not_a_deadline(self) -> None:
        assert deadlines("báo cáo định kỳ hằng tháng trước ngày 20/hằng tháng", 2024)[0] == []

    def test_anniversaries_become_milestones_in_the_documents_year(self) -> None:
        text = "chào mừng các ngày lễ, kỷ niệm (30/4-1/5), (2/9) và 76 năm (11/6/1948 - 11/6/2024)"
        assert [m.day for m in milestones(text, 2024)] == [
            date(2024, 4, 30),
            date(2024, 6, 11),
            date(2024, 9, 2),
        ]


class TestUnits:
    def test_abbreviations_match_the_registry_both_ways(self, tmp_path: Path) -> None:
        registry = tmp_path / "units.yaml"
        registry.write_text(
            "- {code: UB, name: Ủy ban nhân dân xã An Phú}\n"
            "- {code: MT, name: Ủy ban MTTQ Việt Nam xã}\n"
            "- {code: PN, name: Hội LHPN xã}\n- {code: CCB, name: Hội Cựu chiến binh xã}\n"
            "- {code: TN, name: Đoàn Thanh niên xã}\n",
            encoding="utf-8",
        )
        text = (
            "Chủ tịch UBND xã yêu cầu các đơn vị thực hiện:\n"
            "1. Mặt trận Tổ quốc Việt Nam xã chủ trì, phối hợp với Hội Liên hiệp Phụ nữ xã, "
            "Hội CCB xã và Đoàn TN xã vận động Nhân dân.\n"
        )
        draft = import_text(text.encode(), filename=None, fmt="text", units=registry)
        (item,) = draft.items
        assert (draft.committee, item.lead, item.support) == ("UB", ["MT"], ["PN", "CCB", "TN"])

    def test_a_unit_missing_from_the_registry_is_new_and_marked(self, tmp_path: Path) -> None:
        registry = tmp_path / "units.yaml"
        registry.write_text("- {code: UB, name: UBND xã}\n", encoding="utf-8")
        text = "UBND xã yêu cầu:\n1. Công an xã chủ trì rà soát nhân khẩu.\n"
        draft = import_text(text.encode(), filename=None, fmt="text", units=registry)
        unit = next(u for u in draft.units if u.code == draft.items[0].lead[0])
        assert (unit.name, "mới" in unit.note) == ("Công an xã", True)

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("code: X", "expected a list"),
            ("- {code: 'a b', name: X}", "must be letters"),
            ("- {code: A, name: X}\n- {code: A, name: Y}", "listed twice"),
            ("- {code: A, name: X, members: [B]}", "is not a plain unit"),
            ("- {code: A, name: X, colour: red}", "write {code, name"),
        ],
    )
    def test_a_bad_registry_is_a_clear_error(
        self, tmp_path: Path, content: str, message: str
    ) -> None:
        registry = tmp_path / "units.yaml"
        registry.write_text(content, encoding="utf-8")
        with pytest.raises(ImportTextError, match=message):
            load_registry(registry)

    def test_a_missing_registry_file_is_a_clear_error(self, tmp_path: Path) -> None:
        with pytest.raises(ImportTextError, match="no such units file"):
            load_registry(tmp_path / "nope.yaml")
