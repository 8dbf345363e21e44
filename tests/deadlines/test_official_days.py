"""The official calendar 2014–2027 (deadlines.official_days): the breaks the notices announce, and
every day dondoc and the `holidays` package disagree on, each with its reason.

The breaks below are as the stored copies of the notices, or the press reporting them, state
them (the page is named beside each); a break the source gives as "N days" is written out.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from dondoc.deadlines.official_days import NOTICES, OFFICIAL_DAYS
from dondoc.deadlines.statutory import PROVISIONAL, OutsideCalendar
from dondoc.deadlines.vn_calendar import VnCalendar

CAL = VnCalendar()
YEARS = range(2014, 2028)

# (first day off, last day off, Saturdays worked for it, where it was read)
BREAKS: list[tuple[date, date, tuple[date, ...], str]] = [
    (date(2014, 1, 28), date(2014, 2, 5), (date(2014, 1, 25), date(2014, 2, 8)), "10525 dienbien"),
    (date(2014, 4, 30), date(2014, 5, 4), (date(2014, 4, 26),), "10525 baodaklak"),
    (date(2014, 8, 30), date(2014, 9, 2), (date(2014, 9, 6),), "10525 baodaklak"),
    (date(2015, 1, 1), date(2015, 1, 4), (date(2014, 12, 27),), "2015 notice, xahoi.com.vn"),
    (date(2015, 2, 15), date(2015, 2, 23), (date(2015, 2, 14),), "2015 notice, xahoi.com.vn"),
    (date(2015, 4, 28), date(2015, 5, 3), (date(2015, 4, 25),), "2015 notice, xahoi.com.vn"),
    (date(2016, 2, 6), date(2016, 2, 14), (), "4659/TB-LĐTBXH, ngaynay.vn"),
    (date(2017, 1, 26), date(2017, 2, 1), (), "9794/VPCP-KGVX, thuvienphapluat"),
    (date(2018, 2, 14), date(2018, 2, 20), (), "7 days, 2 before Tết 16/02: baoninhbinh"),
    (date(2018, 12, 29), date(2019, 1, 1), (date(2019, 1, 5),), "6519/VPCP-KGVX"),
    (date(2019, 2, 2), date(2019, 2, 10), (), "6519/VPCP-KGVX: 04/02-08/02 and weekends"),
    (date(2019, 4, 27), date(2019, 5, 1), (date(2019, 5, 4),), "6519/VPCP-KGVX"),
    (date(2020, 1, 23), date(2020, 1, 29), (), "socongthuong.daklak.gov.vn"),
    (date(2021, 2, 10), date(2021, 2, 16), (), "hanoimoi.vn"),
    (date(2021, 9, 2), date(2021, 9, 5), (), "hanoimoi.vn: 4 days"),
    (date(2022, 1, 29), date(2022, 2, 6), (), "245/VPCP-KGVX: 5 days and 4 weekend days"),
    (date(2023, 1, 20), date(2023, 1, 26), (), "pld.net.vn"),
    (date(2024, 2, 8), date(2024, 2, 14), (), "8662/VPCP-KGVX (dondoc's earlier tests)"),
    (date(2024, 4, 27), date(2024, 5, 1), (date(2024, 5, 4),), "2450/VPCP-KGVX, baotintuc"),
    (date(2024, 8, 31), date(2024, 9, 3), (), "m.btv.org.vn, thactrang.com"),
    (date(2025, 1, 25), date(2025, 2, 2), (), "8726/VPCP-KGVX, 6150/TB-BLĐTBXH"),
    (date(2025, 4, 30), date(2025, 5, 4), (date(2025, 4, 26),), "8726/VPCP-KGVX"),
    (date(2025, 8, 30), date(2025, 9, 2), (), "8726/VPCP-KGVX"),
    (date(2026, 1, 1), date(2026, 1, 4), (date(2026, 1, 10),), "12729/VPCP-KGVX"),
    (date(2026, 2, 14), date(2026, 2, 22), (), "9441/TB-BNV, congan.com.vn, vietbao.vn"),
    (date(2026, 4, 25), date(2026, 4, 27), (), "thanhnien.vn 13/01/2026: 3 days"),
    (date(2026, 4, 30), date(2026, 5, 3), (), "thanhnien.vn 13/01/2026: 4 days"),
    (date(2026, 8, 29), date(2026, 9, 2), (), "thanhnien.vn 13/01/2026: 5 days"),
]

# Every day of 2014–2027 where dondoc and `holidays` disagree: (dondoc works that day?, why).
EXPLAINED: dict[date, tuple[bool, str]] = {
    date(2014, 1, 25): (True, "10525/VPCP-KGVX: Saturday worked for Tuesday 28/01"),
    date(2014, 1, 28): (False, "10525/VPCP-KGVX: off from 28 Chạp; the package starts on 29/01"),
    date(2014, 2, 5): (False, "10525/VPCP-KGVX: off to mùng 6; the package stops on 04/02"),
    date(2014, 2, 8): (True, "10525/VPCP-KGVX: Saturday worked for Wednesday 29/01"),
    date(2026, 1, 2): (False, "12729/VPCP-KGVX: Friday swapped; not in holidays 0.109"),
    date(2026, 1, 10): (True, "12729/VPCP-KGVX: the Saturday worked for it"),
    date(2026, 11, 24): (True, "Ngày Văn hóa Việt Nam: a Politburo resolution, no act yet"),
    date(2027, 2, 4): (True, "no notice: mùng 1 on a Saturday is made up after (Điều 111)"),
    date(2027, 2, 11): (False, "no notice: the second made-up day after Tết (Điều 111)"),
    date(2027, 11, 24): (True, "Ngày Văn hóa Việt Nam: a Politburo resolution, no act yet"),
}


def package_works(vn: holidays.HolidayBase, d: date) -> bool:
    return d not in vn and (d.weekday() < 5 or d in vn.weekend_workdays)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


@pytest.mark.parametrize(
    ("first", "last", "worked", "source"), BREAKS, ids=[f"{b[0]:%Y-%m-%d}" for b in BREAKS]
)
def test_each_announced_break_is_exactly_the_official_one(
    first: date, last: date, worked: tuple[date, ...], source: str
) -> None:
    expected = (True, [False] * len(days(first, last)), True, [True] * len(worked))
    actual = (
        CAL.is_working_day(first - timedelta(days=1)),
        [CAL.is_working_day(d) for d in days(first, last)],
        CAL.is_working_day(last + timedelta(days=1)),
        [CAL.is_working_day(d) for d in worked],
    )
    assert expected == actual, source


def test_dondoc_and_the_package_disagree_only_on_the_explained_days() -> None:
    """Computed for every day of 2014–2027: a new difference (a `holidays` upgrade, a new row)
    fails here until it is explained."""
    differences: dict[date, bool] = {}
    for year in YEARS:
        vn = holidays.country_holidays("VN", years=range(year - 1, year + 2), language="vi")
        for d in days(date(year, 1, 1), date(year, 12, 31)):
            if CAL.is_working_day(d) != package_works(vn, d):
                differences[d] = CAL.is_working_day(d)
    assert {d: works for d, (works, _) in EXPLAINED.items()} == differences


def test_tet_2014_is_the_nine_days_of_10525_vpcp_kgvx_with_two_saturdays_worked() -> None:
    result = CAL.add_working_days(date(2014, 1, 24), 2)
    expected = [
        "tính từ ngày 25/01/2014, ngày tiếp theo sau sự kiện 24/01/2014 (Điều 147 BLDS 2015)",
        "làm bù thứ Bảy 25/01/2014: hoán đổi với ngày nghỉ thứ Ba 28/01/2014 "
        "(Công văn 10525/VPCP-KGVX ngày 12/12/2013)",
        "bỏ qua 26/01/2014: Chủ nhật",
        "đủ 2 ngày làm việc vào ngày 27/01/2014",
    ]
    assert expected == result.explanation
    assert date(2014, 2, 6) == CAL.next_working_day(date(2014, 1, 27))
    assert date(2014, 2, 8) == CAL.add_working_days(date(2014, 2, 6), 2).deadline


def test_every_row_swaps_a_weekday_for_a_weekend_day_of_a_year_with_that_notice() -> None:
    for row in OFFICIAL_DAYS:
        notices = NOTICES.get(row.day.year, ()) + NOTICES.get(row.day.year + 1, ())
        assert row.notice in notices, row
        assert (row.day.weekday() < 5) == row.off, row
    # Each swap is a pair; 05/02/2014 alone is a day off without a Saturday (Tết's made-up day).
    assert sum(r.off for r in OFFICIAL_DAYS) - 1 == sum(not r.off for r in OFFICIAL_DAYS)


def test_ngay_van_hoa_viet_nam_is_a_working_day_until_an_act_makes_it_a_day_off() -> None:
    assert [CAL.is_working_day(date(y, 11, 24)) for y in (2026, 2027)] == [True, True]


def test_a_year_without_a_notice_follows_the_labour_code_and_says_it_is_not_official() -> None:
    # Tết Đinh Mùi: mùng 1 is Saturday 06/02/2027. Điều 112: five days, 05/02-09/02; Điều 111
    # khoản 3: mùng 1 and mùng 2 on the weekend are made up on 10/02 and 11/02.
    assert 2027 not in NOTICES
    result = CAL.add_working_days(date(2027, 2, 3), 2)
    assert date(2027, 2, 12) == result.deadline
    expected = [
        "tính từ ngày 04/02/2027, ngày tiếp theo sau sự kiện 03/02/2027 (Điều 147 BLDS 2015)",
        f"bỏ qua 05/02–09/02/2027: Tết Nguyên Đán (tính theo Điều 112 BLLĐ 2019; {PROVISIONAL})",
        "bỏ qua 10/02–11/02/2027: nghỉ bù Tết Nguyên Đán trùng ngày nghỉ hằng tuần "
        f"(Điều 111 BLLĐ 2019; {PROVISIONAL})",
        "đủ 2 ngày làm việc vào ngày 12/02/2027",
        f"năm 2027: {PROVISIONAL} về lịch nghỉ lễ, Tết; ngày nghỉ tính theo Điều 112 BLLĐ 2019, "
        "hạn có thể thay đổi khi có thông báo",
    ]
    assert expected == result.explanation


def test_a_deadline_in_a_year_with_notices_carries_no_provisional_note() -> None:
    explanation = CAL.add_days(date(2026, 3, 2), 30).explanation
    assert not [line for line in explanation if PROVISIONAL in line]


def test_a_date_past_the_lunar_calendar_is_refused_rather_than_counted_as_working() -> None:
    # Before: every day after 2100 was a working day (no Tết at all).
    with pytest.raises(OutsideCalendar, match="no calendar for 2101"):
        CAL.add_days(date(2100, 12, 20), 30)
