"""The planner is pure: it knows only the calendar and the overrides it is handed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dondoc.config import get_settings
from dondoc.deadlines.planner import Planner
from dondoc.schemas.overrides import CalendarOverrides, combined


@pytest.fixture
def broken_site_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    path = tmp_path / "lich.yaml"
    path.write_text("days_off: [not, a, mapping\n", encoding="utf-8")
    monkeypatch.setenv("DONDOC_CALENDAR_FILE", str(path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_planner_reads_no_setting_or_file(broken_site_file: None) -> None:
    """Before: building a Planner read DONDOC_CALENDAR_FILE (and failed on a broken one)."""
    planner = Planner("Asia/Ho_Chi_Minh", None)
    assert date(2025, 2, 10) == planner.calendar.add_working_days(date(2025, 1, 20), 10).deadline


def test_the_site_days_apply_under_the_directive_days_when_combined_by_the_caller() -> None:
    site = CalendarOverrides(
        days_off={date(2025, 3, 3): "nghỉ riêng của tỉnh", date(2025, 3, 4): "nghỉ riêng"}
    )
    directive = CalendarOverrides(working_days={date(2025, 3, 4): "chỉ thị vẫn làm việc"})
    planner = Planner("Asia/Ho_Chi_Minh", combined(site, directive))
    expected = (False, True, date(2025, 3, 4))
    actual = (
        planner.calendar.is_working_day(date(2025, 3, 3)),
        planner.calendar.is_working_day(date(2025, 3, 4)),
        planner.calendar.next_working_day(date(2025, 2, 28)),
    )
    assert expected == actual
