"""Vietnamese administrative calendar: working days, holidays and Civil Code deadline counting."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

import holidays

from dondoc.schemas import Frozen
from dondoc.schemas.overrides import CalendarOverrides

__all__ = [
    "OFFICIAL_OVERRIDES",
    "Deadline",
    "VnCalendar",
]

# The calendar is the one the government's notices set for cán bộ, công chức, viên chức
# (public-sector offices). Private employers pick their own Tết days (Bộ luật Lao động 2019,
# Điều 112) and are not modelled here.

_ONE_DAY = timedelta(days=1)
_MAX_GAP = 400  # no real calendar has this many consecutive days off: a guard against bad config
_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_WEEKEND = "\x00weekend"  # group key for plain Saturdays/Sundays (never a holiday name)
_SUBSTITUTED = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")
_ART_147 = "Điều 147 BLDS 2015"
_ART_148 = "Điều 148 BLDS 2015"


# Official swaps that holidays 0.109 does not have. Harmless if a later version adds them.
OFFICIAL_OVERRIDES = CalendarOverrides(
    days_off={
        date(2026, 1, 2): "nghỉ hoán đổi dịp Tết Dương lịch, làm bù thứ Bảy 10/01/2026 "
        "(Công văn 12729/VPCP-KGVX ngày 25/12/2025)",
    },
    working_days={
        date(2026, 1, 10): "hoán đổi với ngày nghỉ thứ Sáu 02/01/2026, "
        "Công văn 12729/VPCP-KGVX ngày 25/12/2025",
    },
)


class Deadline(Frozen):
    """A computed date and, in Vietnamese, how it was reached (skipped days, Civil Code rules)."""

    deadline: date
    explanation: list[str]


@dataclass(frozen=True, slots=True)
class _Year:
    off: dict[date, str]  # package holidays of the year, display label
    worked: dict[date, str]  # package make-up weekend days of the year, reason


class VnCalendar:
    """Working days of Vietnamese public offices and deadlines counted per BLDS 2015 Art. 147-148.

    A day is a working day if: it is in `overrides.working_days`; else not if it is in
    `overrides.days_off`; else not if the `holidays` package (VN, Vietnamese names) lists it;
    else yes if the package lists it as a make-up weekend day; else Monday-Friday.
    `OFFICIAL_OVERRIDES` is applied under the caller's overrides unless `official=False`.
    A make-up Saturday is a working day, so a period may end on it.
    """

    def __init__(self, overrides: CalendarOverrides | None = None, *, official: bool = True):
        base = OFFICIAL_OVERRIDES if official else CalendarOverrides()
        self.overrides = base.merged_with(overrides or CalendarOverrides())
        self._years: dict[int, _Year] = {}

    # -- days ------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if d in self.overrides.working_days:
            return True
        if d in self.overrides.days_off:
            return False
        year = self._year(d.year)
        if d in year.off:
            return False
        return d in year.worked or d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d` (Điều 148: "ngày làm việc tiếp theo")."""
        return next(self._working_after(d))

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: the day after `a` up to and including `b`; negative if b < a.

        So `working_days_between(s, add_working_days(s, n).deadline) == n`.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + k * _ONE_DAY) for k in range(1, (b - a).days + 1))

    # -- deadlines -------------------------------------------------------------------------

    def add_days(self, start: date, n: int) -> Deadline:
        """`n` calendar days after the event on `start` ("trong 30 ngày").

        Điều 147: the period starts the day after `start`, so its last day is `start + n`.
        Điều 148: if that day is a weekend or holiday, the deadline is the next working day.
        """
        _check_positive(n)
        last = start + n * _ONE_DAY
        lines = [_art_147(start), f"thời hạn {n} ngày kết thúc vào ngày {_fmt(last)}"]
        if self.is_working_day(last):
            lines += self._makeup_lines([last])
            return Deadline(deadline=last, explanation=lines)
        end = self.next_working_day(last)
        lines += self._skip_lines(list(_days(last, end)))
        lines.append(
            f"hạn rơi vào ngày nghỉ {_fmt(last)} ({self._off_label(last)}) nên chuyển sang "
            f"ngày làm việc tiếp theo {_fmt(end)} ({_ART_148})"
        )
        lines += self._makeup_lines([end])
        return Deadline(deadline=end, explanation=lines)

    def add_working_days(self, start: date, n: int) -> Deadline:
        """The `n`-th working day after the event on `start` ("trong 10 ngày làm việc").

        Counting starts the day after `start` (Điều 147); non-working days are not counted.
        The result is always a working day, so Điều 148 never has to move it.
        """
        _check_positive(n)
        counted = list(islice(self._working_after(start), n))
        end = counted[-1]
        lines = [_art_147(start)]
        lines += self._day_lines(start + _ONE_DAY, end, counted)
        lines.append(f"đủ {n} ngày làm việc vào ngày {_fmt(end)}")
        return Deadline(deadline=end, explanation=lines)

    def subtract_working_days(self, d: date, n: int) -> Deadline:
        """The `n`-th working day before `d`, e.g. when to remind "3 ngày làm việc trước hạn".

        Counts backwards from the day before `d`, skipping non-working days; `d` itself is not
        counted. It inverts `add_working_days`: for a working day `d`,
        `add_working_days(subtract_working_days(d, n).deadline, n).deadline == d`.
        """
        _check_positive(n)
        counted = list(islice(self._working_before(d), n))
        begin = counted[-1]
        lines = [f"lùi {n} ngày làm việc trước ngày {_fmt(d)}"]
        lines += self._day_lines(begin, d - _ONE_DAY, counted)
        lines.append(f"ngày làm việc thứ {n} trước ngày {_fmt(d)} là {_fmt(begin)}")
        return Deadline(deadline=begin, explanation=lines)

    # -- internals -------------------------------------------------------------------------

    def _year(self, y: int) -> _Year:
        cached = self._years.get(y)
        if cached is None:
            cached = self._years[y] = _load_year(y)
        return cached

    def _working_after(self, d: date) -> Iterator[date]:
        return self._walk(d, _ONE_DAY)

    def _working_before(self, d: date) -> Iterator[date]:
        return self._walk(d, -_ONE_DAY)

    def _walk(self, d: date, step: timedelta) -> Iterator[date]:
        gap = 0
        while True:
            d += step
            if self.is_working_day(d):
                gap = 0
                yield d
            else:
                gap += 1
                if gap > _MAX_GAP:
                    raise ValueError(f"no working day within {_MAX_GAP} days of {_fmt(d)}")

    def _off_label(self, d: date) -> str:
        if d in self.overrides.days_off:
            return self.overrides.days_off[d]
        return self._year(d.year).off.get(d) or _WEEKDAYS[d.weekday()]

    def _group_key(self, d: date) -> str:
        if d in self.overrides.days_off or d in self._year(d.year).off:
            return self._off_label(d)
        return _WEEKEND

    def _skip_lines(self, days: list[date]) -> list[str]:
        """Consecutive non-working days with the same reason, as "bỏ qua <range>: <reason>"."""
        runs: list[tuple[str, list[date]]] = []
        for d in days:
            key = self._group_key(d)
            if runs and runs[-1][0] == key and d - runs[-1][1][-1] == _ONE_DAY:
                runs[-1][1].append(d)
            else:
                runs.append((key, [d]))
        lines = []
        for key, run in runs:
            if key == _WEEKEND:
                label = ", ".join(dict.fromkeys(_WEEKDAYS[d.weekday()] for d in run))
            else:
                label = key
            lines.append(f"bỏ qua {_fmt_range(run[0], run[-1])}: {label}")
        return lines

    def _makeup_lines(self, days: list[date]) -> list[str]:
        """A line for each working day that would otherwise be off (make-up day)."""
        lines = []
        for d in days:
            reason = self.overrides.working_days.get(d) or self._year(d.year).worked.get(d)
            if reason is None:
                continue
            kind = "làm bù" if d.weekday() >= 5 else "làm việc"
            lines.append(f"{kind} {_WEEKDAYS[d.weekday()]} {_fmt(d)}: {reason}")
        return lines

    def _day_lines(self, first: date, last: date, counted: list[date]) -> list[str]:
        """Chronological skip/make-up lines for [first, last], where `counted` were worked."""
        worked = set(counted)
        lines: list[str] = []
        skipped: list[date] = []
        for d in _days(first, last + _ONE_DAY):
            if d in worked:
                lines += self._skip_lines(skipped) + self._makeup_lines([d])
                skipped = []
            else:
                skipped.append(d)
        return lines + self._skip_lines(skipped)


def _load_year(y: int) -> _Year:
    # The years around y too: a make-up Saturday and its day off may be in different years.
    vn = holidays.country_holidays("VN", years=(y - 1, y, y + 1), language="vi")
    worked: dict[date, str] = {}
    for off_day, name in vn.items():
        if m := _SUBSTITUTED.search(name):
            made_up = date(int(m[3]), int(m[2]), int(m[1]))
            if made_up.year == y and made_up in vn.weekend_workdays:
                weekday = _WEEKDAYS[off_day.weekday()]
                worked[made_up] = f"hoán đổi với ngày nghỉ {weekday} {_fmt(off_day)}"
    for made_up in vn.weekend_workdays:
        if made_up.year == y:
            worked.setdefault(made_up, "ngày làm bù theo lịch nghỉ chính thức")
    off = {d: _label(name) for d, name in vn.items() if d.year == y}
    return _Year(off=off, worked=worked)


def _label(name: str) -> str:
    """The package's Vietnamese name, with every day of the Tết break called Tết Nguyên Đán."""
    if m := _SUBSTITUTED.search(name):
        made_up = date(int(m[3]), int(m[2]), int(m[1]))
        return f"ngày nghỉ hoán đổi, làm bù {_WEEKDAYS[made_up.weekday()]} {_fmt(made_up)}"
    if "Tết" in name and "Dương lịch" not in name:
        return "Tết Nguyên Đán"
    return name


def _art_147(start: date) -> str:
    return (
        f"tính từ ngày {_fmt(start + _ONE_DAY)}, ngày tiếp theo sau sự kiện {_fmt(start)} "
        f"({_ART_147})"
    )


def _check_positive(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of days must be a whole number >= 1, not {n!r}")


def _days(first: date, stop: date) -> Iterator[date]:
    """Days from `first` up to, not including, `stop`."""
    return (first + k * _ONE_DAY for k in range((stop - first).days))


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _fmt_range(a: date, b: date) -> str:
    if a == b:
        return _fmt(a)
    if a.year == b.year:
        return f"{a:%d/%m}–{_fmt(b)}"
    return f"{_fmt(a)}–{_fmt(b)}"
