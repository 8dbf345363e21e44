"""`dondoc summary` and `dondoc export`: figures at a cut-off, and the report an office files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from dondoc.cli.common import Code, JsonOut, out, settings, write_json
from dondoc.errors import InvalidInput
from dondoc.schemas.summary import Cutoff, Period
from dondoc.schemas.views import DirectiveView

app = typer.Typer()

AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="cut-off: 2024-06-14 (end of that day) or 2024-06-14T17:00+07:00"),
]


def cutoff(text: str | None) -> Cutoff | None:
    if text is None:
        return None
    try:
        return Cutoff.parse(text)
    except ValueError as exc:
        raise InvalidInput(f"--as-of: {exc}; give 2024-06-14 or 2024-06-14T17:00+07:00") from None


def period(text: str | None, start: str | None, end: str | None) -> Period | None:
    try:
        if text is not None:
            if start or end:
                raise ValueError("give --period or --from/--to, not both")
            return Period.parse(text)
        if start is None and end is None:
            return None
        if start is None or end is None:
            raise ValueError("--from and --to go together")
        found = Period(start=date.fromisoformat(start), end=date.fromisoformat(end))
    except ValueError as exc:
        raise InvalidInput(f"period: {exc}") from None
    if found.end < found.start:
        raise InvalidInput("period: --to is before --from")
    return found


def status_as_of(code: str, as_of: str, limit: int | None, page: int) -> DirectiveView:
    """`dondoc status CODE --as-of T`: the status view as it stood at T, paged as without."""
    from dondoc.db.asof_view import directive_at
    from dondoc.db.session import open_database

    found = cutoff(as_of)
    assert found is not None
    sessions = open_database(settings().database_url)
    return directive_at(sessions, code, found, limit=limit, page=page)


@app.command()
def summary(
    directive: Annotated[str | None, typer.Option(help="only this directive")] = None,
    as_of: AsOf = None,
    start: Annotated[str | None, typer.Option("--from", help="period start (2024-04-01)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="period end, included")] = None,
    period_text: Annotated[
        str | None, typer.Option("--period", help="2024, 2024-Q2 or 2024-05")
    ] = None,
    by: Annotated[Literal["unit", "directive", "item"], typer.Option(help="rows per")] = "unit",
    chart: Annotated[
        Path | None, typer.Option(help="also write the on-time rate per unit as an SVG")
    ] = None,
    gantt: Annotated[
        Path | None, typer.Option(help="with --directive: its items' timeline as an SVG")
    ] = None,
    json_out: JsonOut = False,
) -> None:
    """Counts per category (QĐ 42/2014, QĐ 23/2018), on-time rates and overdue days."""
    from dondoc.db.session import open_database
    from dondoc.db.summary import summarize

    if gantt is not None and directive is None:
        raise InvalidInput("--gantt draws one directive's items: give --directive CODE too")
    sessions = open_database(settings().database_url)
    result = summarize(
        sessions,
        now=datetime.now(UTC),
        cutoff=cutoff(as_of),
        period=period(period_text, start, end),
        directive=directive,
        by=by,
    )
    if chart is not None:
        from dondoc.exports.charts import rate_chart

        chart.write_text(rate_chart(result), encoding="utf-8")
    if gantt is not None and directive is not None:
        from dondoc.db.asof_view import directive_timeline
        from dondoc.exports.charts import gantt_chart

        found = cutoff(as_of) or Cutoff(instant=result.as_of)
        rows, at, zone = directive_timeline(sessions, directive, found)
        gantt.write_text(gantt_chart(rows, at, zone), encoding="utf-8")
    if json_out:
        write_json(result)
    else:
        out.summary(result)


@app.command()
def export(
    code: Code,
    as_of: AsOf = None,
    fmt: Annotated[Literal["xlsx", "pdf"], typer.Option("--format", help="xlsx or pdf")] = "xlsx",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="file to write")] = None,
) -> None:
    """The directive's report at a cut-off (default now), as a workbook or a PDF."""
    from dondoc.db.session import open_database
    from dondoc.exports.report import build_report

    found = cutoff(as_of) or Cutoff(instant=datetime.now(UTC))
    report = build_report(open_database(settings().database_url), code, found)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in code)
    path = output or Path(f"{safe}-{report.as_of:%Y%m%d}.{fmt}")
    if fmt == "xlsx":
        from dondoc.exports.xlsx import write_xlsx

        write_xlsx(report, path)
    else:
        from dondoc.exports.pdf import write_pdf

        write_pdf(report, path)
    typer.echo(str(path))
