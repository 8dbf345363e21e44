"""Reading the site's calendar file (DONDOC_CALENDAR_FILE): its days, or one line saying what is
wrong with it and where."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dondoc.errors import InvalidSetting
from dondoc.importer.calendar_file import read_site_overrides
from dondoc.schemas.overrides import CalendarOverrides


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "lich-rieng.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_no_file_configured_means_no_site_days() -> None:
    assert read_site_overrides(None) is None


def test_a_file_of_site_days_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'days_off: {"05/09/2025": "nghỉ riêng của tỉnh"}\n'
        'working_days: {"2025-09-13": "làm bù cho 05/09"}\n',
    )
    expected = CalendarOverrides(
        days_off={date(2025, 9, 5): "nghỉ riêng của tỉnh"},
        working_days={date(2025, 9, 13): "làm bù cho 05/09"},
    )
    assert expected == read_site_overrides(path)


def test_an_empty_file_is_no_site_days(tmp_path: Path) -> None:
    assert CalendarOverrides() == read_site_overrides(write(tmp_path, ""))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'days_off: {"31/02/2026": "x"}\nworking_days: {"2026-01-10": " "}\n',
            r": days_off -> 31/02/2026: .*not a real date.*; working_days -> 2026-01-10: ",
        ),
        ("days_off: [a, b\n", r": the calendar file is not valid YAML \("),
        ("- 2026-01-02\n", r": calendar overrides must be a mapping"),
        (b"days_off: {\xff}\n", r": line 1: byte 0xff is not UTF-8 text"),
    ],
    ids=["bad-entries", "bad-yaml", "not-a-mapping", "not-utf8"],
)
def test_a_broken_file_is_one_line_naming_the_setting_the_file_and_each_problem(
    tmp_path: Path, text: str | bytes, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(
        InvalidSetting, match=f"^DONDOC_CALENDAR_FILE={re.escape(str(path))}{problem}"
    ) as err:
        read_site_overrides(path)
    assert "\n" not in str(err.value)


def test_a_missing_file_is_an_invalid_setting(tmp_path: Path) -> None:
    path = tmp_path / "khong-co.yaml"
    with pytest.raises(InvalidSetting, match="cannot read the calendar file"):
        read_site_overrides(path)


def test_a_calendar_file_with_a_key_written_twice_or_an_alias_bomb_is_refused(
    tmp_path: Path,
) -> None:
    """The site's file goes through the directive files' guarded reader."""
    twice = tmp_path / "twice.yaml"
    twice.write_text('days_off: {02/01/2026: "a"}\ndays_off: {05/01/2026: "b"}\n', "utf-8")
    with pytest.raises(InvalidSetting, match=r"line 2: written twice"):
        read_site_overrides(twice)
    bomb = tmp_path / "bomb.yaml"
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InvalidSetting):
        read_site_overrides(bomb)
