"""One year's statutory days off: the `holidays` package's, or the Labour Code's without a notice.

- A year with a notice (`official_days.NOTICES`): the package's days (it places the Tết days
  and their make-up days as the notices have), without the package's own swaps: the swaps are
  `official_days.OFFICIAL_DAYS`, with their sources, and apply on top.
- A year without one: Bộ luật Lao động 2019, Điều 112 (Tết Dương lịch 01/01; Tết Âm lịch five
  days, taken as the last day of the old year and the first four of the new, the choice the
  package makes; Giỗ Tổ 10/3 âm lịch; 30/4; 1/5; Quốc khánh 02/09 and the adjacent day the
  notices have chosen since 2021 for that weekday) and Điều 111 khoản 3 (a holiday on a Saturday
  or Sunday is made up on the next working day). Each such day says "chưa có thông báo chính
  thức": a notice may still move it.
- Before `official_days.FIRST_YEAR`: the package as it is, swaps included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from dondoc.deadlines.official_days import FIRST_YEAR, NOT_YET_LAW, has_notice

LUNAR_YEARS = range(1901, 2101)  # the years whose lunar dates the package has
PROVISIONAL = "chưa có thông báo chính thức"
_LABOUR_CODE = "Điều 112 BLLĐ 2019"
_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_SUBSTITUTED = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")
_ONE_DAY = timedelta(days=1)


class OutsideCalendar(ValueError):
    """A date whose year has no lunar calendar here, so its Tết cannot be known."""


@dataclass(frozen=True, slots=True)
class Year:
    off: dict[date, str]  # statutory days off of the year, display label
    worked: dict[date, str]  # make-up weekend days of the year (only before FIRST_YEAR), reason


def load_year(y: int) -> Year:
    if y not in LUNAR_YEARS:
        raise OutsideCalendar(
            f"no calendar for {y}: dondoc knows Tết and Giỗ Tổ for "
            f"{LUNAR_YEARS.start}–{LUNAR_YEARS.stop - 1} only"
        )
    if y < FIRST_YEAR:
        return _package_year(y)
    if has_notice(y):
        vn = _package(y, observed=True)
        off = {d: _label(n) for d, n in vn.items() if d.year == y and not _swapped(n)}
        return Year(off=_statutory(off), worked={})
    return _labour_code_year(y)


def _labour_code_year(y: int) -> Year:
    vn = _package(y, observed=False)
    statutory = _statutory({d: _label(n) for d, n in vn.items() if not _swapped(n)})
    off = {d: f"{name} (tính theo {_LABOUR_CODE}; {PROVISIONAL})" for d, name in statutory.items()}
    for day, name in sorted(statutory.items()):
        if day.weekday() < 5:
            continue
        made_up = day + _ONE_DAY
        while made_up.weekday() >= 5 or made_up in off:
            made_up += _ONE_DAY
        off[made_up] = (
            f"nghỉ bù {name} trùng ngày nghỉ hằng tuần (Điều 111 BLLĐ 2019; {PROVISIONAL})"
        )
    return Year(off=off, worked={})


def _statutory(days: dict[date, str]) -> dict[date, str]:
    """Without the days the package has but no act makes days off (see NOT_YET_LAW)."""
    return {d: name for d, name in days.items() if (d.month, d.day) not in NOT_YET_LAW}


def _package(y: int, *, observed: bool) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=y, language="vi", observed=observed)


def _swapped(name: str) -> bool:
    return _SUBSTITUTED.search(name) is not None


def _package_year(y: int) -> Year:
    # The years around y too: a make-up Saturday and its day off may be in different years.
    vn = holidays.country_holidays("VN", years=(y - 1, y, y + 1), language="vi")
    worked: dict[date, str] = {}
    for off_day, name in vn.items():
        if m := _SUBSTITUTED.search(name):
            made_up = date(int(m[3]), int(m[2]), int(m[1]))
            if made_up.year == y and made_up in vn.weekend_workdays:
                weekday = _WEEKDAYS[off_day.weekday()]
                worked[made_up] = f"hoán đổi với ngày nghỉ {weekday} {off_day:%d/%m/%Y}"
    for made_up in vn.weekend_workdays:
        if made_up.year == y:
            worked.setdefault(made_up, "ngày làm bù theo lịch nghỉ chính thức")
    off = {d: _label(name) for d, name in vn.items() if d.year == y}
    return Year(off=off, worked=worked)


def _label(name: str) -> str:
    """The package's Vietnamese name, with every day of the Tết break called Tết Nguyên Đán."""
    if m := _SUBSTITUTED.search(name):
        made_up = date(int(m[3]), int(m[2]), int(m[1]))
        return f"ngày nghỉ hoán đổi, làm bù {_WEEKDAYS[made_up.weekday()]} {made_up:%d/%m/%Y}"
    if "Tết" in name and "Dương lịch" not in name:
        return "Tết Nguyên Đán"
    return name
