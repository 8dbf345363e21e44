"""Vietnamese administrative calendar and Civil Code deadline counting (deadlines.vn_calendar).

Every expected date below is taken from the government document cited beside it:

- BLDS 2015: Bộ luật Dân sự số 91/2015/QH13, Điều 147 (a period in days starts the day after the
  event) and Điều 148 khoản 5 (a last day on a weekly rest day or holiday moves to the next
  working day).
- BLLĐ 2019: Bộ luật Lao động số 45/2019/QH14, Điều 112 (Tết Dương lịch 1 day, 01/01; Quốc
  khánh 02/09 plus an adjacent day; Tết Âm lịch 5 days).
- 8662/VPCP-KGVX: Công văn ngày 03/11/2023: Tết Âm lịch 08/02-14/02/2024, Quốc khánh
  31/08-03/09/2024.
- 2450/VPCP-KGVX: Công văn ngày 12/04/2024: off 27/04-01/05/2024, Monday 29/04 swapped for
  Saturday 04/05/2024.
- 8726/VPCP-KGVX: Công văn ngày 26/11/2024, announced by Thông báo 6150/TB-BLĐTBXH: Tết
  25/01-02/02/2025 (five Tết days 27/01-31/01 and four weekly rest days); off 30/04-04/05/2025,
  Friday 02/05 swapped for Saturday 26/04/2025; Quốc khánh 30/08-02/09/2025. It sets no swap
  around 01/01/2025, which stays the single BLLĐ day.
- 9441/TB-BNV: Thông báo của Bộ Nội vụ ngày 16/10/2025: Tết 16/02-20/02/2026, with the weekends
  14/02-22/02/2026.
- 12729/VPCP-KGVX: Công văn ngày 25/12/2025: off 01/01-04/01/2026, Friday 02/01 swapped for
  Saturday 10/01/2026. holidays 0.109 lacks this swap; the module ships it in
  OFFICIAL_OVERRIDES.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from dondoc.deadlines.vn_calendar import OFFICIAL_OVERRIDES, VnCalendar
from dondoc.schemas.overrides import CalendarOverrides, OverridesError, load_overrides

CAL = VnCalendar()
N8726 = " (Công văn 8726/VPCP-KGVX ngày 26/11/2024)"


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def days_off(cal: VnCalendar, first: date, last: date) -> list[date]:
    return [d for d in days(first, last) if not cal.is_working_day(d)]


# -- which days are worked ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_day_worked", "break_first", "break_last", "first_day_back"),
    [
        # 8662/VPCP-KGVX (03/11/2023): Tết Giáp Thìn 08/02-14/02/2024.
        (date(2024, 2, 7), date(2024, 2, 8), date(2024, 2, 14), date(2024, 2, 15)),
        # 8726/VPCP-KGVX (26/11/2024), Thông báo 6150/TB-BLĐTBXH: Tết Ất Tỵ 25/01-02/02/2025.
        (date(2025, 1, 24), date(2025, 1, 25), date(2025, 2, 2), date(2025, 2, 3)),
        # 9441/TB-BNV (16/10/2025): Tết Bính Ngọ 14/02-22/02/2026.
        (date(2026, 2, 13), date(2026, 2, 14), date(2026, 2, 22), date(2026, 2, 23)),
    ],
    ids=["2024", "2025", "2026"],
)
def test_tet_break_is_exactly_the_official_one(
    last_day_worked: date, break_first: date, break_last: date, first_day_back: date
) -> None:
    expected = days(break_first, break_last)
    assert expected == days_off(CAL, last_day_worked, first_day_back)
    assert CAL.is_working_day(last_day_worked) is True
    assert CAL.is_working_day(first_day_back) is True


def test_2025_saturday_26_04_is_worked_in_exchange_for_friday_02_05() -> None:
    # 8726/VPCP-KGVX, Thông báo 6150/TB-BLĐTBXH: off 30/04-04/05/2025, Saturday 26/04 worked.
    expected = [date(2025, 4, 27), *days(date(2025, 4, 30), date(2025, 5, 4))]
    assert expected == days_off(CAL, date(2025, 4, 26), date(2025, 5, 5))
    assert CAL.is_working_day(date(2025, 4, 26)) is True


def test_2024_saturday_04_05_is_worked_in_exchange_for_monday_29_04() -> None:
    # 2450/VPCP-KGVX (12/04/2024): off 27/04-01/05/2024, Saturday 04/05/2024 worked.
    expected = days(date(2024, 4, 27), date(2024, 5, 1))
    assert expected == days_off(CAL, date(2024, 4, 26), date(2024, 5, 4))
    assert CAL.is_working_day(date(2024, 5, 4)) is True


def test_2026_new_year_swap_missing_from_the_package_is_supplied_by_official_overrides() -> None:
    # 12729/VPCP-KGVX (25/12/2025): off 01/01-04/01/2026, Saturday 10/01/2026 worked.
    assert days(date(2026, 1, 1), date(2026, 1, 4)) == days_off(
        CAL, date(2025, 12, 31), date(2026, 1, 5)
    )
    assert CAL.is_working_day(date(2026, 1, 10)) is True
    assert "12729/VPCP-KGVX" in OFFICIAL_OVERRIDES.days_off[date(2026, 1, 2)]
    assert "12729/VPCP-KGVX" in OFFICIAL_OVERRIDES.working_days[date(2026, 1, 10)]


def test_next_working_day_is_strictly_after_and_may_be_a_make_up_saturday() -> None:
    # 6150/TB-BLĐTBXH: back to work on Monday 03/02/2025; Saturday 26/04/2025 is worked.
    assert date(2025, 2, 3) == CAL.next_working_day(date(2025, 1, 29))
    assert date(2025, 4, 26) == CAL.next_working_day(date(2025, 4, 25))
    # BLLĐ 2019 Điều 112: 16/01/2025 (Thursday) is an ordinary working day.
    assert date(2025, 1, 16) == CAL.next_working_day(date(2025, 1, 15))


# -- Điều 147/148 BLDS 2015: periods in calendar days --------------------------------------


def test_a_period_in_days_starts_the_day_after_the_event() -> None:
    # BLDS 2015 Điều 147; 16/01/2025 is a working Thursday (BLLĐ 2019 Điều 112, 6150/TB).
    one_day = CAL.add_days(date(2025, 1, 15), 1)
    ten_days = CAL.add_days(date(2025, 1, 6), 10)
    assert date(2025, 1, 16) == one_day.deadline
    expected = [
        "tính từ ngày 07/01/2025, ngày tiếp theo sau sự kiện 06/01/2025 (Điều 147 BLDS 2015)",
        "thời hạn 10 ngày kết thúc vào ngày 16/01/2025",
    ]
    assert expected == ten_days.explanation
    assert date(2025, 1, 16) == ten_days.deadline


def test_a_period_ending_on_a_holiday_moves_to_the_next_working_day() -> None:
    # BLDS 2015 Điều 148; 8726/VPCP-KGVX: Quốc khánh 2025 off 30/08-02/09, back on 03/09/2025.
    result = CAL.add_days(date(2025, 8, 3), 30)
    assert date(2025, 9, 3) == result.deadline
    expected = [
        "tính từ ngày 04/08/2025, ngày tiếp theo sau sự kiện 03/08/2025 (Điều 147 BLDS 2015)",
        "thời hạn 30 ngày kết thúc vào ngày 02/09/2025",
        "bỏ qua 02/09/2025: Quốc khánh",
        "hạn rơi vào ngày nghỉ 02/09/2025 (Quốc khánh) nên chuyển sang ngày làm việc tiếp theo "
        "03/09/2025 (Điều 148 BLDS 2015)",
    ]
    assert expected == result.explanation


def test_a_period_ending_on_the_weekend_before_national_day_skips_the_whole_break() -> None:
    # BLDS 2015 Điều 148; 8726/VPCP-KGVX: off Saturday 30/08 to Tuesday 02/09/2025.
    result = CAL.add_days(date(2025, 7, 31), 30)
    assert date(2025, 9, 3) == result.deadline
    expected = [
        "bỏ qua 30/08–31/08/2025: thứ Bảy, Chủ nhật",
        "bỏ qua 01/09–02/09/2025: Quốc khánh",
        "hạn rơi vào ngày nghỉ 30/08/2025 (thứ Bảy) nên chuyển sang ngày làm việc tiếp theo "
        "03/09/2025 (Điều 148 BLDS 2015)",
    ]
    assert expected == result.explanation[2:]


def test_a_period_ending_on_the_first_day_of_tet_moves_past_the_whole_tet_break() -> None:
    # BLDS 2015 Điều 147-148; 6150/TB-BLĐTBXH: Tết 25/01-02/02/2025, back on 03/02/2025.
    result = CAL.add_days(date(2025, 1, 15), 10)
    assert date(2025, 2, 3) == result.deadline
    expected = [
        "tính từ ngày 16/01/2025, ngày tiếp theo sau sự kiện 15/01/2025 (Điều 147 BLDS 2015)",
        "thời hạn 10 ngày kết thúc vào ngày 25/01/2025",
        "bỏ qua 25/01–26/01/2025: thứ Bảy, Chủ nhật",
        "bỏ qua 27/01–01/02/2025: Tết Nguyên Đán",
        "bỏ qua 02/02/2025: Chủ nhật",
        "hạn rơi vào ngày nghỉ 25/01/2025 (thứ Bảy) nên chuyển sang ngày làm việc tiếp theo "
        "03/02/2025 (Điều 148 BLDS 2015)",
    ]
    assert expected == result.explanation


def test_a_period_ending_on_a_make_up_saturday_is_not_moved() -> None:
    # 6150/TB-BLĐTBXH: Saturday 26/04/2025 is a working day, so Điều 148 does not apply.
    result = CAL.add_days(date(2025, 3, 27), 30)
    assert date(2025, 4, 26) == result.deadline
    expected = [
        "thời hạn 30 ngày kết thúc vào ngày 26/04/2025",
        f"làm bù thứ Bảy 26/04/2025: hoán đổi với ngày nghỉ thứ Sáu 02/05/2025{N8726}",
    ]
    assert expected == result.explanation[1:]


# -- working days ---------------------------------------------------------------------------


def test_ten_working_days_across_tet_2025_skip_the_whole_break() -> None:
    # 6150/TB-BLĐTBXH: off 25/01-02/02/2025. Counted: 23, 24/01; 03-07/02; 10, 11, 12/02.
    result = CAL.add_working_days(date(2025, 1, 22), 10)
    assert date(2025, 2, 12) == result.deadline
    expected = [
        "tính từ ngày 23/01/2025, ngày tiếp theo sau sự kiện 22/01/2025 (Điều 147 BLDS 2015)",
        "bỏ qua 25/01–26/01/2025: thứ Bảy, Chủ nhật",
        "bỏ qua 27/01–01/02/2025: Tết Nguyên Đán",
        "bỏ qua 02/02/2025: Chủ nhật",
        "bỏ qua 08/02–09/02/2025: thứ Bảy, Chủ nhật",
        "đủ 10 ngày làm việc vào ngày 12/02/2025",
    ]
    assert expected == result.explanation


@pytest.mark.parametrize(
    ("event", "n", "expected"),
    [
        # 8662/VPCP-KGVX: off 08/02-14/02/2024, so the day after Wednesday 07/02 is 15/02.
        (date(2024, 2, 7), 1, date(2024, 2, 15)),
        # 9441/TB-BNV: off 14/02-22/02/2026. Counted: Friday 13/02, then 23/02 and 24/02.
        (date(2026, 2, 12), 3, date(2026, 2, 24)),
    ],
    ids=["2024", "2026"],
)
def test_working_days_across_tet_skip_the_official_break(
    event: date, n: int, expected: date
) -> None:
    assert expected == CAL.add_working_days(event, n).deadline


def test_a_make_up_saturday_counts_as_a_working_day() -> None:
    # 6150/TB-BLĐTBXH: Friday 25/04/2025 and Saturday 26/04/2025 are both worked.
    result = CAL.add_working_days(date(2025, 4, 24), 2)
    assert date(2025, 4, 26) == result.deadline
    expected = [
        "tính từ ngày 25/04/2025, ngày tiếp theo sau sự kiện 24/04/2025 (Điều 147 BLDS 2015)",
        f"làm bù thứ Bảy 26/04/2025: hoán đổi với ngày nghỉ thứ Sáu 02/05/2025{N8726}",
        "đủ 2 ngày làm việc vào ngày 26/04/2025",
    ]
    assert expected == result.explanation


def test_working_days_across_the_30_04_break_name_each_holiday() -> None:
    # 6150/TB-BLĐTBXH: worked 25/04, 26/04 (Sat), 28/04, 29/04; off 30/04-04/05; back 05/05/2025.
    result = CAL.add_working_days(date(2025, 4, 24), 5)
    assert date(2025, 5, 5) == result.deadline
    expected = [
        f"làm bù thứ Bảy 26/04/2025: hoán đổi với ngày nghỉ thứ Sáu 02/05/2025{N8726}",
        "bỏ qua 27/04/2025: Chủ nhật",
        "bỏ qua 30/04/2025: Ngày Chiến thắng",
        "bỏ qua 01/05/2025: Ngày Quốc tế Lao động",
        f"bỏ qua 02/05/2025: ngày nghỉ hoán đổi, làm bù thứ Bảy 26/04/2025{N8726}",
        "bỏ qua 03/05–04/05/2025: thứ Bảy, Chủ nhật",
    ]
    assert expected == result.explanation[1:-1]


def test_working_days_across_the_year_boundary_into_2025() -> None:
    # BLLĐ 2019 Điều 112: 01/01/2025 is the only day off; 8726/VPCP-KGVX sets no swap for it.
    # Counted: 27/12, 30/12, 31/12/2024, 02/01, 03/01/2025.
    result = CAL.add_working_days(date(2024, 12, 26), 5)
    assert date(2025, 1, 3) == result.deadline
    expected = [
        "bỏ qua 28/12–29/12/2024: thứ Bảy, Chủ nhật",
        "bỏ qua 01/01/2025: Tết Dương lịch",
    ]
    assert expected == result.explanation[1:-1]


def test_working_days_across_the_year_boundary_into_2026_use_the_official_swap() -> None:
    # 12729/VPCP-KGVX: off 01/01-04/01/2026. Counted: 30/12, 31/12/2025, 05/01, 06/01, 07/01/2026.
    result = CAL.add_working_days(date(2025, 12, 29), 5)
    assert date(2026, 1, 7) == result.deadline
    expected = [
        "tính từ ngày 30/12/2025, ngày tiếp theo sau sự kiện 29/12/2025 (Điều 147 BLDS 2015)",
        "bỏ qua 01/01/2026: Tết Dương lịch",
        "bỏ qua 02/01/2026: ngày nghỉ hoán đổi, làm bù thứ Bảy 10/01/2026 "
        "(Công văn 12729/VPCP-KGVX ngày 25/12/2025)",
        "bỏ qua 03/01–04/01/2026: thứ Bảy, Chủ nhật",
        "đủ 5 ngày làm việc vào ngày 07/01/2026",
    ]
    assert expected == result.explanation
    # The same notice: Saturday 10/01/2026 is worked, right after Friday 09/01.
    assert date(2026, 1, 10) == CAL.add_working_days(date(2026, 1, 8), 2).deadline


def test_subtract_working_days_gives_the_reminder_day_before_tet() -> None:
    # 6150/TB-BLĐTBXH: off 25/01-02/02/2025, so 3 working days before Tuesday 04/02/2025
    # are 03/02, 24/01 and 23/01/2025.
    result = CAL.subtract_working_days(date(2025, 2, 4), 3)
    assert date(2025, 1, 23) == result.deadline
    expected = [
        "lùi 3 ngày làm việc trước ngày 04/02/2025",
        "bỏ qua 25/01–26/01/2025: thứ Bảy, Chủ nhật",
        "bỏ qua 27/01–01/02/2025: Tết Nguyên Đán",
        "bỏ qua 02/02/2025: Chủ nhật",
        "ngày làm việc thứ 3 trước ngày 04/02/2025 là 23/01/2025",
    ]
    assert expected == result.explanation
    assert date(2025, 2, 4) == CAL.add_working_days(result.deadline, 3).deadline


def test_working_days_between_counts_the_day_after_a_up_to_b() -> None:
    # 6150/TB-BLĐTBXH: the ten working days after 22/01/2025 end on 12/02/2025.
    a, b = date(2025, 1, 22), date(2025, 2, 12)
    expected = (10, -10, 0)
    actual = (
        CAL.working_days_between(a, b),
        CAL.working_days_between(b, a),
        CAL.working_days_between(a, a),
    )
    assert expected == actual


@pytest.mark.parametrize("n", [0, -1])
def test_counts_below_one_are_refused(n: int) -> None:
    with pytest.raises(ValueError, match="whole number >= 1"):
        CAL.add_working_days(date(2025, 1, 2), n)


# -- overrides from configuration -----------------------------------------------------------


def test_overrides_from_config_add_a_day_off_and_a_make_up_working_day() -> None:
    # 12729/VPCP-KGVX (25/12/2025), written as an office's YAML would: Friday 02/01/2026 off,
    # Saturday 10/01/2026 worked. Without the shipped defaults (official=False) the override
    # alone must give the official result: counted 31/12/2025, then 05/01/2026.
    overrides = load_overrides(
        {
            "days_off": {"02/01/2026": "nghỉ hoán đổi Tết Dương lịch (12729/VPCP-KGVX)"},
            "working_days": {date(2026, 1, 10): "  làm bù cho 02/01/2026 (12729/VPCP-KGVX) "},
        }
    )
    cal = VnCalendar(overrides, official=False)
    result = cal.add_working_days(date(2025, 12, 30), 2)
    assert date(2026, 1, 5) == result.deadline
    assert "bỏ qua 02/01/2026: nghỉ hoán đổi Tết Dương lịch (12729/VPCP-KGVX)" in (
        result.explanation
    )
    expected = [
        "làm bù thứ Bảy 10/01/2026: làm bù cho 02/01/2026 (12729/VPCP-KGVX)",
        "đủ 2 ngày làm việc vào ngày 10/01/2026",
    ]
    assert expected == cal.add_working_days(date(2026, 1, 8), 2).explanation[1:]


def test_load_overrides_of_nothing_is_empty() -> None:
    assert CalendarOverrides() == load_overrides(None)
    assert CalendarOverrides() == load_overrides({})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days_off": {"31/02/2026": "x"}}, r"days_off -> 31/02/2026: .*not a real date"),
        ({"days_off": {"next friday": "x"}}, r"days_off -> next friday: .*not a date"),
        ({"working_days": {"2026-01-10": "  "}}, r"working_days -> 2026-01-10: .*at least 1"),
        ({"days_of": {}}, r"days_of: unknown field \(check its spelling\)"),
        (
            {"days_off": {"02/01/2026": "a"}, "working_days": {"2026-01-02": "b"}},
            r"02/01/2026: listed both in days_off and in working_days",
        ),
        (["2026-01-02"], r"must be a mapping"),
    ],
    ids=["impossible-date", "not-a-date", "empty-reason", "unknown-key", "both", "not-a-mapping"],
)
def test_load_overrides_reports_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(OverridesError, match=message):
        load_overrides(data)


def test_overrides_are_frozen_and_forbid_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        OFFICIAL_OVERRIDES.days_off = {}  # type: ignore[misc]
    with pytest.raises(ValidationError):
        CalendarOverrides.model_validate({"holidays": {}})
