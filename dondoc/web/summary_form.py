"""The summary pages' and API's query: cut-off, period, directive, grouping, unit, read from the
strings a form or a URL gives, each refusal in Vietnamese naming its field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

from dondoc.errors import InvalidInput
from dondoc.schemas.summary import Cutoff, Period

By = Literal["unit", "directive", "item"]
BY_VN: dict[str, str] = {"unit": "đơn vị", "directive": "văn bản", "item": "nhiệm vụ"}
# Each field's label on the form; a refusal starts with the label of the field it is about.
FIELD_VN = {
    "as_of": "Số liệu tính đến ngày",
    "period": "Kỳ báo cáo",
    "from": "Từ ngày",
    "to": "Đến ngày",
    "directive": "Văn bản",
    "by": "Tổng hợp theo",
    "unit": "Đơn vị",
}
DAY_HINT = "nhập ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd (ví dụ 14/06/2024)"
# Beyond these years a cut-off's end of day cannot be computed (date.max); no report needs them.
YEARS = range(1900, 3000)


class SummaryInputError(InvalidInput):
    """One field of the summary's query cannot be used; `field` names it (the form's name)."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(f"{FIELD_VN[field]}: {message}")
        self.field = field
        self.http_status = status
        if status == 404:
            self.kind = "unknown_directive"


@dataclass(frozen=True)
class SummaryForm:
    """The query as typed (empty strings are absent): kept to fill the form back in."""

    as_of: str = ""
    period: str = ""
    start: str = ""  # `from`
    end: str = ""  # `to`
    directive: str = ""
    by: str = "unit"
    unit: str = ""

    @classmethod
    def of(cls, **values: str | None) -> SummaryForm:
        return cls(**{k: v.strip() for k, v in values.items() if v and v.strip()})


@dataclass(frozen=True)
class SummaryQuery:
    cutoff: Cutoff | None
    period: Period | None
    directive: str | None
    by: By
    unit: str | None  # only this unit's rows (a unit's own; a supervisor's filter)

    @property
    def download_as_of(self) -> str:
        """The cut-off a download is made at, for its link: the cut-off's, else the period's last
        day, else none (now)."""
        if self.cutoff is not None:
            when = self.cutoff.day or self.cutoff.instant
            return when.isoformat() if when is not None else ""
        return self.period.end.isoformat() if self.period is not None else ""


def parse_cutoff(text: str) -> Cutoff | None:
    if not text:
        return None
    try:
        found = Cutoff.parse(text)
        if found.day is not None:
            _in_range(found.day)
        elif found.instant is not None:
            _in_range(found.instant.date())
    except (ValueError, OverflowError):
        raise SummaryInputError(
            "as_of",
            f"không đọc được “{text[:40]}” — {DAY_HINT}, hoặc ngày giờ có múi giờ"
            " (2024-06-14T17:00+07:00)",
        ) from None
    return found


def parse_day(field: str, text: str) -> date:
    try:
        found = Cutoff.parse(text).day
        if found is None:
            raise ValueError(text)
        return _in_range(found)
    except (ValueError, OverflowError):
        raise SummaryInputError(field, f"không đọc được “{text[:40]}” — {DAY_HINT}") from None


def _in_range(day: date) -> date:
    if day.year not in YEARS:
        raise ValueError(f"year {day.year}")
    return day


def parse_period(form: SummaryForm) -> Period | None:
    if form.period:
        if form.start or form.end:
            raise SummaryInputError(
                "period", "nhập kỳ báo cáo hoặc khoảng Từ ngày – Đến ngày, không nhập cả hai"
            )
        try:
            found = Period.parse(form.period)
            _in_range(found.start)
        except (ValueError, OverflowError):
            raise SummaryInputError(
                "period",
                f"không đọc được “{form.period[:40]}” — nhập năm (2024), quý (2024-Q2)"
                " hoặc tháng (2024-05)",
            ) from None
        return found
    if not form.start and not form.end:
        return None
    if not form.start:
        raise SummaryInputError("from", "nhập cả Từ ngày khi đã có Đến ngày")
    if not form.end:
        raise SummaryInputError("to", "nhập cả Đến ngày khi đã có Từ ngày")
    start, end = parse_day("from", form.start), parse_day("to", form.end)
    if end < start:
        raise SummaryInputError(
            "to", f"ngày {end:%d/%m/%Y} trước Từ ngày {start:%d/%m/%Y}; nhập Đến ngày sau Từ ngày"
        )
    return Period(start=start, end=end)


def parse_form(form: SummaryForm) -> SummaryQuery:
    """The query, or `SummaryInputError` on the first field that cannot be used (in the form's
    order). A unit's filter groups by unit or by item: a directive's row would count the items
    of other units."""
    cutoff = parse_cutoff(form.as_of)
    period = parse_period(form)
    if form.by not in BY_VN:
        raise SummaryInputError("by", "chọn đơn vị, văn bản hoặc nhiệm vụ")
    if form.unit and form.by == "directive":
        raise SummaryInputError(
            "by",
            "số liệu của một đơn vị chỉ tổng hợp được theo đơn vị hoặc theo nhiệm vụ"
            " (một dòng văn bản tính cả nhiệm vụ của đơn vị khác)",
        )
    if "\x00" in form.directive:  # no code has one (and PostgreSQL refuses it in a query)
        raise unknown_directive(form.directive)
    if "\x00" in form.unit:
        raise SummaryInputError("unit", "mã đơn vị có ký tự không hợp lệ")
    return SummaryQuery(
        cutoff=cutoff,
        period=period,
        directive=form.directive or None,
        by=cast(By, form.by),
        unit=form.unit or None,
    )


def unknown_directive(code: str) -> SummaryInputError:
    return SummaryInputError(
        "directive", f"không có văn bản mã “{code[:200]}” (kiểm tra lại mã văn bản)", 404
    )
