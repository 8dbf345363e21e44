"""Official swaps and make-up Saturdays of public offices, 2014–2027, each with its notice.

Every year the Prime Minister decides the Tết days and may swap a working day between a holiday
and a weekend for a longer break, with a Saturday worked in exchange (Bộ luật Lao động 2019,
Điều 112 khoản 3; Bộ luật Lao động 2012, Điều 115 khoản 3 before 2021). The Government Office
(VPCP) or the ministry in charge (Bộ LĐTBXH until 2025, Bộ Nội vụ since) announces it. The
statutory days themselves come from the `holidays` package; this table holds what the notices
add, and `tests/deadlines/test_official_days.py` checks the two against the breaks the notices
announce and against `holidays` for every year.

Where each notice was read: the stored copies of the pages named beside it (press reports and
provincial re-publications when the notice itself is not stored). A notice whose number could
not be found is named by its issuer and date, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dondoc.schemas.overrides import CalendarOverrides

_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

# The yearly notices, by the year whose days they set. A year absent here has no notice yet:
# its days off are computed from the Labour Code and marked "chưa có thông báo chính thức".
NOTICES: dict[int, tuple[str, ...]] = {
    # dienbien.edu.vn (18/12/2013), baodongthap.com.vn, laodong.com.vn, baodaklak.vn
    2014: ("Công văn 10525/VPCP-KGVX ngày 12/12/2013",),
    # The proposal, Tờ trình 89/TTr-LĐTBXH (20/11/2014), is stored (vbpl.freshdesk.com); the
    # notice adopting it is reported by xahoi.com.vn and baomoi.com, without its number.
    2015: ("Thông báo của Bộ LĐTBXH về lịch nghỉ năm 2015 (theo Tờ trình 89/TTr-LĐTBXH)",),
    # ngaynay.vn: Tết 06/02–14/02/2016, no swap.
    2016: ("Thông báo 4659/TB-LĐTBXH ngày 13/11/2015",),
    # tintuc.thuvienphapluat.com: Tết 26/01–01/02/2017, no swap.
    2017: ("Công văn 9794/VPCP-KGVX ngày 14/11/2016",),
    # baoninhbinh.org.vn: seven days of Tết (14/02–20/02/2018), two before Tết; number not found.
    2018: ("Công văn của VPCP về nghỉ lễ, Tết năm 2018 (số không tìm thấy)",),
    # thuvienphapluat.vn (text of the letter): 31/12/2018–01/01, Tết 04/02–08/02, 29/04–01/05.
    2019: ("Công văn 6519/VPCP-KGVX ngày 11/07/2018",),
    # socongthuong.daklak.gov.vn (07/01/2020): Tết 23/01–29/01/2020; number not found.
    2020: ("Thông báo của Bộ LĐTBXH về nghỉ Tết năm 2020 (số không tìm thấy)",),
    # hanoimoi.vn: Tết 10/02–16/02/2021, Quốc khánh 4 days; number not found.
    2021: ("Thông báo của Bộ LĐTBXH về nghỉ Tết, Quốc khánh năm 2021 (số không tìm thấy)",),
    # kinhtemoitruong.vn (12/01/2022): five Tết days and the weekends before and after.
    2022: ("Công văn 245/VPCP-KGVX ngày 11/01/2022",),
    # pld.net.vn, investinquangninh.vn: Tết 20/01–26/01/2023; number not found.
    2023: ("Công văn của VPCP về nghỉ Tết năm 2023 (số không tìm thấy)",),
    # 8662: cited by dondoc's earlier tests, not found in the stored pages; 2450: baotintuc.vn.
    2024: ("Công văn 8662/VPCP-KGVX ngày 03/11/2023", "Công văn 2450/VPCP-KGVX ngày 12/04/2024"),
    # pld.net.vn (8726); 6150 is the notice `holidays` cites.
    2025: ("Công văn 8726/VPCP-KGVX ngày 26/11/2024", "Thông báo 6150/TB-BLĐTBXH"),
    # vietbao.vn, vnanet.vn (9441: Tết 16/02–20/02 and the weekends; Quốc khánh); 12729: the
    # letter of 25/12/2025 reported by tracuuquyhoach.com (01/01–04/01/2026; number from
    # dondoc's earlier code, not in the stored excerpt).
    2026: ("Thông báo 9441/TB-BNV ngày 16/10/2025", "Công văn 12729/VPCP-KGVX ngày 25/12/2025"),
    # 2027: no notice found in the stored material (searched: "Tết Đinh Mùi 2027").
}
FIRST_YEAR = min(NOTICES)  # before it the `holidays` package is used as it is, swaps included


@dataclass(frozen=True, slots=True)
class OfficialDay:
    """A day the notices make off (`off=True`) or worked, and why, in Vietnamese."""

    day: date
    off: bool
    reason: str
    notice: str


def _swap(off: date, worked: date, notice: str) -> tuple[OfficialDay, OfficialDay]:
    """A working day `off` swapped for the Saturday `worked` (hoán đổi ngày làm việc)."""
    return (
        OfficialDay(off, True, f"ngày nghỉ hoán đổi, làm bù {_day(worked)}", notice),
        OfficialDay(worked, False, f"hoán đổi với ngày nghỉ {_day(off)}", notice),
    )


def _day(d: date) -> str:
    return f"{_WEEKDAYS[d.weekday()]} {d:%d/%m/%Y}"


_N2014, _N2015, _N2019 = NOTICES[2014][0], NOTICES[2015][0], NOTICES[2019][0]
_N2024, _N2025 = NOTICES[2024][1], NOTICES[2025][0]
_N2026_TET, _N2026_NEW_YEAR = NOTICES[2026]

OFFICIAL_DAYS: tuple[OfficialDay, ...] = (
    # Tết Giáp Ngọ: off Tuesday 28/01 to Wednesday 05/02/2014 (28 Chạp to mùng 6), Tuesday and
    # Wednesday 28–29/01 swapped for Saturdays 25/01 and 08/02 (laodong.com.vn: "đi làm bù vào
    # thứ bảy (25.1.2014) và thứ bảy (8.2.2014), để nghỉ hoán đổi vào thứ ba (28.1.2014) và thứ
    # tư (29.1.2014)"). `holidays` has 29/01–04/02 and no make-up day.
    *_swap(date(2014, 1, 28), date(2014, 1, 25), _N2014),
    *_swap(date(2014, 1, 29), date(2014, 2, 8), _N2014),
    OfficialDay(
        date(2014, 2, 5),
        True,
        "nghỉ bù ngày Tết trùng ngày nghỉ hằng tuần (nghỉ Tết đến hết mùng 6, 05/02/2014)",
        _N2014,
    ),
    *_swap(date(2014, 5, 2), date(2014, 4, 26), _N2014),
    *_swap(date(2014, 9, 1), date(2014, 9, 6), _N2014),
    # 2015 (xahoi.com.vn): New Year 01/01–04/01, Tết 15/02–23/02, 28/04–03/05.
    *_swap(date(2015, 1, 2), date(2014, 12, 27), _N2015),
    *_swap(date(2015, 2, 16), date(2015, 2, 14), _N2015),
    *_swap(date(2015, 4, 29), date(2015, 4, 25), _N2015),
    # 2016, 2017, 2018: no swap (their notices set the Tết days only).
    # 2019: the New Year swap falls in 2018.
    *_swap(date(2018, 12, 31), date(2019, 1, 5), _N2019),
    *_swap(date(2019, 4, 29), date(2019, 5, 4), _N2019),
    # 2020–2023: no swap.
    *_swap(date(2024, 4, 29), date(2024, 5, 4), _N2024),
    *_swap(date(2025, 5, 2), date(2025, 4, 26), _N2025),
    # holidays 0.109 lacks this one.
    *_swap(date(2026, 1, 2), date(2026, 1, 10), _N2026_NEW_YEAR),
    # Quốc khánh 2026: five days, Saturday 29/08 to Wednesday 02/09 (the proposal, baomoi.net.vn;
    # thanhnien.vn 13/01/2026 on the adopted plan), so Monday 31/08 is swapped. The stored
    # material does not name the Saturday worked for it: 22/08 is the one `holidays` 0.109 has
    # (its source: a thuvienphapluat.vn answer), unconfirmed here.
    *_swap(date(2026, 8, 31), date(2026, 8, 22), _N2026_TET),
)

# Ngày Văn hóa Việt Nam (24/11): Nghị quyết 80-NQ/TW of the Politburo (07/01/2026) chose the
# day and the policy that it be a paid day off; Nghị quyết 30/NQ-CP (02/2026) tasks amending
# Điều 112 khoản 1 of the Labour Code to add it (dantri.com.vn, znews.vn, 26/02/2026). No act
# making it a day off was found in the stored material, so it is not one here (`holidays` 0.109
# has it from 2026); a site adds it in its calendar file once the act is in force.
NOT_YET_LAW = ((11, 24),)


def official_overrides() -> CalendarOverrides:
    """The table as calendar overrides, each reason ending with its notice."""
    days_off = {r.day: f"{r.reason} ({r.notice})" for r in OFFICIAL_DAYS if r.off}
    worked = {r.day: f"{r.reason} ({r.notice})" for r in OFFICIAL_DAYS if not r.off}
    return CalendarOverrides(days_off=days_off, working_days=worked)


def has_notice(year: int) -> bool:
    """Whether the year's days off are set by a notice (else computed from the Labour Code)."""
    return year < FIRST_YEAR or year in NOTICES
