"""What the summary pages show: `db.summary.summarize` at the query's cut-off, cut down to what
the caller may read, as the CLI's and the PDF's table (`exports.figures`), with the SVG charts;
and the directive's report as a file to download."""

from __future__ import annotations

import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from dondoc import outcomes
from dondoc.db.models import Assignment, Directive, Item
from dondoc.db.session import SessionFactory
from dondoc.db.summary import summarize
from dondoc.errors import UnknownDirective
from dondoc.exports.charts import gantt_chart, rate_chart
from dondoc.exports.figures import summary_table
from dondoc.schemas.summary import Counts, Cutoff, Summary, SummaryRow
from dondoc.web.summary_form import SummaryQuery, unknown_directive


@dataclass(frozen=True)
class Table:
    """The summary as the terminal and the PDF word it: every cell already a string."""

    title: str
    caption: str  # "Số liệu tính đến 23:59 ngày 31/12/2024; kỳ …"
    group: str  # the first column's heading: Đơn vị, Văn bản or Nhiệm vụ
    columns: list[str]
    rows: list[list[str]]  # the total last


@dataclass(frozen=True)
class SummaryPage:
    summary: Summary
    table: Table
    chart: str | None  # SVG: the on-time rate per unit (rows by unit only)
    gantt: str | None = None  # SVG: one directive's items on a timeline
    items: int = 0  # the timeline's items


def table(summary: Summary) -> Table:
    head, rows = summary_table(summary)
    return Table(head[0], head[1], head[2], head[3:], rows)


def assigned_keys(sessions: SessionFactory, unit: str, directive: str | None) -> frozenset[str]:
    """`code/number` of each item the unit is assigned now: the items it may read."""
    stmt = (
        select(Directive.code, Item.number)
        .join(Item, Item.directive_id == Directive.id)
        .join(Assignment, Assignment.item_id == Item.id)
        .where(Assignment.unit_code == unit, Assignment.active.is_(True))
    )
    if directive is not None:
        stmt = stmt.where(Directive.code == directive)
    with sessions() as s:
        return frozenset(f"{code}/{number}" for code, number in s.execute(stmt))


def total_of(rows: list[SummaryRow]) -> SummaryRow:
    """The total of the rows a unit may see. By unit they are its lead and its support rows, and
    no item has one unit in both roles, so each item is counted once."""
    values = {name: sum(getattr(r.counts, name) for r in rows) for name in Counts.model_fields}
    values["max_overdue_days"] = max((r.counts.max_overdue_days for r in rows), default=0)
    counts = Counts(**values)
    return SummaryRow(
        key="*",
        name="Tổng số",
        counts=counts,
        rate_of_completed=counts.rate_of_completed,
        rate_of_due=counts.rate_of_due,
    )


def scoped(summary: Summary, unit: str, keys: frozenset[str]) -> Summary:
    """Only the unit's rows (by unit), or the rows of the items in `keys` (by item)."""
    if summary.by == "unit":
        rows = [r for r in summary.rows if r.key == unit]
    else:
        rows = [r for r in summary.rows if r.key in keys]
    return summary.model_copy(update={"rows": rows, "total": total_of(rows)})


def compute(sessions: SessionFactory, query: SummaryQuery, now: datetime) -> Summary:
    """The summary the query asks for, scoped to `query.unit` when it names one."""
    try:
        found = summarize(
            sessions,
            now=now,
            cutoff=query.cutoff,
            period=query.period,
            directive=query.directive,
            by=query.by,
        )
        if query.unit is None:
            return found
        keys = frozenset[str]()
        if query.by == "item":
            keys = assigned_keys(sessions, query.unit, query.directive)
        return scoped(found, query.unit, keys)
    except UnknownDirective:
        raise unknown_directive(query.directive or "") from None
    except OperationalError as exc:
        raise outcomes.db_down(exc) from None


def rate_svg(summary: Summary) -> str | None:
    """The bars of on-time rate per unit and role; none when the rows are not units."""
    return rate_chart(summary) if summary.by == "unit" and summary.rows else None


def summary_page(sessions: SessionFactory, query: SummaryQuery, now: datetime) -> SummaryPage:
    found = compute(sessions, query, now)
    return SummaryPage(found, table(found), rate_svg(found))


def directive_page(sessions: SessionFactory, query: SummaryQuery, now: datetime) -> SummaryPage:
    """The directive's summary and its timeline at the same cut-off; a unit's timeline shows
    only the items it is assigned."""
    from dondoc.db.asof_view import directive_timeline

    assert query.directive is not None
    found = compute(sessions, query, now)
    try:
        rows, at, zone = directive_timeline(sessions, query.directive, Cutoff(instant=found.as_of))
    except OperationalError as exc:
        raise outcomes.db_down(exc) from None
    if query.unit is not None:
        mine = assigned_keys(sessions, query.unit, query.directive)
        rows = [r for r in rows if f"{query.directive}/{r.number}" in mine]
    gantt = gantt_chart(rows, at, zone) if rows else None
    return SummaryPage(found, table(found), rate_svg(found), gantt, len(rows))


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"


CONTENT_TYPE = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}


def export_file(
    sessions: SessionFactory, code: str, cutoff: Cutoff, fmt: ExportFormat
) -> tuple[bytes, str]:
    """The report `dondoc export` writes, as bytes, and its file name (`<code>-<yyyymmdd>`)."""
    from dondoc.exports.report import build_report

    try:
        report = build_report(sessions, code, cutoff)
    except OperationalError as exc:
        raise outcomes.db_down(exc) from None
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in code)
    name = f"{safe}-{report.as_of:%Y%m%d}.{fmt.value}"
    with tempfile.TemporaryDirectory(prefix="dondoc-export-") as folder:
        path = Path(folder) / name
        if fmt == ExportFormat.XLSX:
            from dondoc.exports.xlsx import write_xlsx

            write_xlsx(report, path)
        else:
            from dondoc.exports.pdf import write_pdf

            write_pdf(report, path)
        return path.read_bytes(), name


def disposition(name: str) -> str:
    """An attachment: the name in ASCII for old clients, in UTF-8 (RFC 6266) for the rest."""
    plain = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    fallback = plain.encode("ascii", "ignore").decode()
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
