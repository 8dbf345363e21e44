"""Vietnamese administrative calendar: working days, holidays and Civil Code deadline counting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import islice

from dondoc.deadlines.official_days import FIRST_YEAR, NOTICES, official_overrides
from dondoc.deadlines.statutory import PROVISIONAL, OutsideCalendar, Year, load_year
from dondoc.schemas import Frozen
from dondoc.schemas.overrides import CalendarOverrides

__all__ = [
    "OFFICIAL_OVERRIDES",
    "Deadline",
    "NoWorkingDay",
    "OutsideCalendar",
    "VnCalendar",
]

# The calendar is the one the government's notices set for cán bộ, công chức, viên chức
# (public-sector offices). Private employers pick their own Tết days (Bộ luật Lao động 2019,
# Điều 112) and are not modelled here.

_ONE_DAY = timedelta(days=1)
_MAX_GAP = 400  # no real calendar has this many consecutive days off: a guard against bad config
_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_WEEKEND = "\x00weekend"  # group key for plain Saturdays/Sundays (never a holiday name)
_ART_147 = "Điều 147 BLDS 2015"
_ART_148 = "Điều 148 BLDS 2015"


# Every official swap and make-up Saturday, with its notice (deadlines/official_days.py).
OFFICIAL_OVERRIDES = official_overrides()


class NoWorkingDay(ValueError):
    """The overrides leave no working day within `_MAX_GAP` days: they are misconfigured."""


class Deadline(Frozen):
    """A computed date and, in Vietnamese, how it was reached (skipped days, Civil Code rules)."""

    deadline: date
    explanation: list[str]


class VnCalendar:
    """Working days of Vietnamese public offices and deadlines counted per BLDS 2015 Art. 147-148.

    A day is a working day if: it is in `overrides.working_days`; else not if it is in
    `overrides.days_off`; else not if it is a statutory day off of its year
    (`statutory.load_year`); else Monday-Friday. `OFFICIAL_OVERRIDES` (the notices' swaps) is
    applied under the caller's overrides unless `official=False`. A make-up Saturday is a
    working day, so a period may end on it. A year without a notice has its days computed from
    the Labour Code, and every deadline counted through it says so.
    """

    def __init__(self, overrides: CalendarOverrides | None = None, *, official: bool = True):
        base = OFFICIAL_OVERRIDES if official else CalendarOverrides()
        self.overrides = base.merged_with(overrides or CalendarOverrides())
        self._years: dict[int, Year] = {}

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
            lines += self._provisional_lines(start + _ONE_DAY, last)
            return Deadline(deadline=last, explanation=lines)
        end = self.next_working_day(last)
        lines += self._skip_lines(list(_days(last, end)))
        lines.append(
            f"hạn rơi vào ngày nghỉ {_fmt(last)} ({self._off_label(last)}) nên chuyển sang "
            f"ngày làm việc tiếp theo {_fmt(end)} ({_ART_148})"
        )
        lines += self._makeup_lines([end])
        lines += self._provisional_lines(start + _ONE_DAY, end)
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
        lines += self._provisional_lines(start + _ONE_DAY, end)
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
        lines += self._provisional_lines(begin, d - _ONE_DAY)
        return Deadline(deadline=begin, explanation=lines)

    # -- internals -------------------------------------------------------------------------

    def _year(self, y: int) -> Year:
        cached = self._years.get(y)
        if cached is None:
            cached = self._years[y] = load_year(y)
        return cached

    def _provisional_lines(self, first: date, last: date) -> list[str]:
        """A line for each year of [first, last] whose days no notice has set yet."""
        return [
            f"năm {y}: {PROVISIONAL} về lịch nghỉ lễ, Tết; ngày nghỉ tính theo Điều 112 "
            "BLLĐ 2019, hạn có thể thay đổi khi có thông báo"
            for y in range(first.year, last.year + 1)
            if y >= FIRST_YEAR and y not in NOTICES
        ]

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
                    raise NoWorkingDay(f"no working day within {_MAX_GAP} days of {_fmt(d)}")

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
