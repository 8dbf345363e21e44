"""Parsing of dates as Vietnamese offices write them (dd/mm/yyyy) and as ISO 8601."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_VN_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")

# The years dondoc plans in: the calendar's data and the Labour Code's rules cover them, and every
# offset from such a date (at most ~10 years) stays a valid datetime.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def quoted(value: object, limit: int = 40) -> str:
    """A value as a message quotes it back: escaped, and cut short (a 1 MB string is not echoed)."""
    text = value if isinstance(value, str) else repr(value)
    shown = text if text.isprintable() else repr(text)[1:-1]
    return f"'{shown}'" if len(shown) <= limit else f"'{shown[: limit - 1]}…'"


def in_calendar(day: date, value: object) -> None:
    """Refuse a date outside FIRST_YEAR–LAST_YEAR (01/01/0001 once overflowed in the planner)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            f"{quoted(value)} is outside the years dondoc plans for ({FIRST_YEAR}–{LAST_YEAR})"
        )


def parse_date(value: object) -> date:
    """A calendar date: a `date`, `YYYY-MM-DD`, or `dd/mm/yyyy` (also with `.` or `-`),
    in the years FIRST_YEAR–LAST_YEAR."""
    day = _date(value)
    in_calendar(day, value)
    return day


def _date(value: object) -> date:
    if isinstance(value, datetime):
        raise ValueError("expected a date without a time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = _VN_DATE.match(value)
        if m:
            day, month, year = (int(g) for g in m.groups())
            try:
                return date(year, month, day)
            except ValueError as exc:
                msg = f"{quoted(value)} is not a real date (dd/mm/yyyy): {exc}"
                raise ValueError(msg) from None
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            if re.match(r"^\s*\d{4}-\d{2}-\d{2}\s*$", value):
                raise ValueError(f"{quoted(value)} is not a real date: {exc}") from None
    raise ValueError(f"{quoted(value)} is not a date: write dd/mm/yyyy (30/06/2024) or YYYY-MM-DD")


def parse_due(value: object) -> date | datetime:
    """A deadline: a date (the end of that day locally) or an ISO datetime with an offset."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        return parse_date(value)
    elif isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError as exc:
            if "not a real date" in str(exc) or "outside the years" in str(exc):
                raise
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{quoted(value)} is not a deadline: write a date as dd/mm/yyyy (30/06/2024) or"
                " YYYY-MM-DD, or an ISO datetime with an offset (2024-06-30T17:00:00+07:00)"
            ) from None
    else:
        raise ValueError(f"{quoted(value)} is not a deadline: write a date such as 30/06/2024")
    if dt.tzinfo is None or dt.utcoffset() is None:
        msg = f"{quoted(value)} has no UTC offset: add one, e.g. 2024-06-30T17:00:00+07:00"
        raise ValueError(msg)
    in_calendar(dt.date(), value)
    return dt


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The last instant of `day` in `tz` (23:59:59), as the deadline a date stands for."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz)


def to_utc(dt: datetime) -> datetime:
    return dt.astimezone(ZoneInfo("UTC"))


def format_vn(dt: datetime, tz: ZoneInfo) -> str:
    """`dd/mm/yyyy HH:MM` in the directive's timezone, for people."""
    return dt.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def format_duration(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{days} ngày" if days else "", f"{hours} giờ" if hours else ""]
    parts += [f"{minutes} phút" if minutes else "", f"{seconds} giây" if seconds else ""]
    return " ".join(p for p in parts if p) or "0 giây"
