"""The `dondoc` command line: server, worker, start, report, status, list, demo."""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from dondoc.config import DEFAULT_STATE_DIR, get_settings
from dondoc.errors import DondocError
from dondoc.labels import DIRECTIVE_STATUS_VN, ITEM_STATUS_VN
from dondoc.logs import configure_logging
from dondoc.schemas.messages import ItemStatus, ReportInput, Role
from dondoc.schemas.views import DirectiveView, ItemList, ItemRow

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="dondoc — đôn đốc thực hiện nhiệm vụ: directives as durable Temporal workflows.",
)
# Off a terminal (pipes, CI logs) rich assumes 80 columns; tables need more.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
F = TypeVar("F", bound=Callable[..., Any])

STATUS_STYLE = {
    ItemStatus.IN_PROGRESS: "green",
    ItemStatus.OVERDUE: "bold red",
    ItemStatus.COMPLETED_ON_TIME: "grey62",
    ItemStatus.COMPLETED_LATE: "grey62",
}


def expected_errors(fn: F) -> F:
    """Expected errors become one clear message on stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DondocError as exc:
            typer.echo(f"dondoc: {exc}", err=True)
            raise typer.Exit(2) from None
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()
            )
            typer.echo(f"dondoc: invalid input: {problems}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@expected_errors
def server(
    port: Annotated[int, typer.Option(help="gRPC port")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Web UI port")] = 8233,
    db_file: Annotated[Path, typer.Option(help="SQLite file keeping the server's state")] = (
        DEFAULT_STATE_DIR / "temporal.sqlite"
    ),
) -> None:
    """Run the embedded Temporal server (SQLite, WAL) until Ctrl-C; its state survives restarts."""
    from dondoc.devserver import run_foreground

    typer.echo(
        f"Temporal server on 127.0.0.1:{port}, Web UI http://127.0.0.1:{ui_port}, state {db_file}",
        err=True,
    )
    raise typer.Exit(run_foreground(port, ui_port, db_file))


@app.command()
@expected_errors
def worker() -> None:
    """Run the worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DONDOC_DATABASE_URL) until Ctrl-C."""
    from dondoc.worker import run_worker

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_worker(settings))


@app.command()
@expected_errors
def start(file: Annotated[Path, typer.Argument(help="directive YAML file")]) -> None:
    """Validate, store and start a directive; prints the directive workflow id."""
    from dondoc.client import connect
    from dondoc.starter import open_database, read_plan, start_plan

    settings = get_settings()
    plan = read_plan(file)

    async def go() -> None:
        client = await connect(settings)
        started = await start_plan(client, open_database(settings), settings, plan)
        if started.past_due:
            typer.echo(
                f"dondoc: warning: item(s) {', '.join(started.past_due)} are already past due;"
                " they escalate at once",
                err=True,
            )
        typer.echo(started.workflow_id)

    asyncio.run(go())


@app.command()
@expected_errors
def report(
    code: Annotated[str, typer.Argument(help="directive code, e.g. 127-KH/ĐU")],
    item: Annotated[str, typer.Argument(help="item number, e.g. 1 or 6.2")],
    unit: Annotated[str, typer.Option(help="the reporting unit's code")],
    progress: Annotated[int | None, typer.Option(help="progress 0–100")] = None,
    done: Annotated[bool, typer.Option("--done", help="the unit has finished")] = False,
    note: Annotated[str | None, typer.Option(help="what was done")] = None,
    report_id: Annotated[str | None, typer.Option(help="idempotency key")] = None,
) -> None:
    """A unit reports progress (or completion) on an item."""
    from dondoc.client import connect
    from dondoc.starter import send_report

    if (progress is None) == (not done):
        raise DondocError("give exactly one of --progress N or --done")
    inp = ReportInput(
        unit=unit,
        progress=100 if done else (progress or 0),
        done=done,
        note=note,
        report_id=report_id,
    )

    async def go() -> None:
        client = await connect(get_settings())
        result = await send_report(client, code, item, inp)
        again = " (đã ghi nhận trước đó)" if result.duplicate else ""
        out.print(
            f"Đã ghi nhận{again}: {result.unit} {result.progress}%"
            f"{' — hoàn thành' if result.done else ''}; nhiệm vụ {item}:"
            f" {ITEM_STATUS_VN[result.item_status]} ({result.item_status.value})"
            f" (report id {result.report_id})"
        )

    asyncio.run(go())


@app.command()
@expected_errors
def status(
    code: Annotated[str, typer.Argument(help="directive code")],
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
) -> None:
    """A directive's items, their units' progress, reminders and escalations."""
    from dondoc.starter import open_database, status_view

    view = status_view(open_database(get_settings()), code)
    if json_out:
        sys.stdout.write(view.model_dump_json(indent=2) + "\n")
    else:
        print_status(view)


@app.command("list")
@expected_errors
def list_items(
    overdue: Annotated[bool, typer.Option("--overdue", help="only open items past due")] = False,
    unit: Annotated[str | None, typer.Option(help="only items assigned to this unit")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
) -> None:
    """Items across all directives, from the database, most urgent first."""
    from dondoc.starter import item_rows, open_database

    rows = item_rows(open_database(get_settings()), overdue=overdue, unit=unit)
    if json_out:
        sys.stdout.write(ItemList(items=rows).model_dump_json(indent=2) + "\n")
    else:
        print_rows(rows)


@app.command()
@expected_errors
def demo(
    seconds: Annotated[int, typer.Option(help="how long the compressed timeline runs")] = 40,
) -> None:
    """Run the seed directive on a throw-away embedded server, compressed into under a minute."""
    from dondoc.demo import run_demo

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_demo(seconds))


TIME_FORMAT = "%d/%m/%Y %H:%M"


def _when(value: Any) -> str:
    return value.strftime(TIME_FORMAT) if value else "—"


def _units(units: list[Any]) -> str:
    if len(units) > 2:
        return f"{sum(u.done for u in units)}/{len(units)} xong"
    return ", ".join(f"{u.code} {u.progress}%{' ✓' if u.done else ''}" for u in units) or "—"


def print_status(view: DirectiveView) -> None:
    d = view.directive
    out.print(f"[bold]{d.code}[/bold] — {d.title}")
    out.print(
        f"Trạng thái: {DIRECTIVE_STATUS_VN[d.status]} ({d.status.value}) · cấp ủy {d.committee}"
        f" · workflow {d.workflow_id}"
    )
    table = Table()
    table.add_column("Số", no_wrap=True)
    table.add_column("Nhiệm vụ", max_width=30, overflow="ellipsis", no_wrap=True)
    table.add_column("Trạng thái", min_width=19, no_wrap=True)
    table.add_column("Hạn", min_width=8, no_wrap=True)
    table.add_column("Chủ trì", max_width=20, overflow="ellipsis", no_wrap=True)
    table.add_column("Phối hợp", max_width=20, overflow="ellipsis", no_wrap=True)
    table.add_column("Nhắc", min_width=4, no_wrap=True)
    table.add_column("Vượt hạn", min_width=8, no_wrap=True)
    for i in view.items:
        lead = [u for u in i.units if u.role == Role.LEAD]
        support = [u for u in i.units if u.role == Role.SUPPORT]
        esc = i.escalations
        table.add_row(
            i.number,
            i.title,
            f"[{STATUS_STYLE[i.status]}]{ITEM_STATUS_VN[i.status]}[/]",
            _when(i.due),
            _units(lead),
            _units(support),
            str(len(i.reminders)) if i.reminders else "—",
            f"lần {esc[-1].level}" if esc else "—",
        )
    out.print(table)
    out.print("✓ đã hoàn thành · thời gian theo múi giờ " + d.timezone)


def print_rows(rows: list[ItemRow]) -> None:
    table = Table()
    for col in ("Chỉ thị", "Số", "Nhiệm vụ", "Trạng thái", "Hạn", "Chủ trì"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.directive_code,
            r.number,
            r.title,
            f"[{STATUS_STYLE[r.status]}]{ITEM_STATUS_VN[r.status]}[/]",
            _when(r.due),
            ", ".join(r.lead),
        )
    out.print(table)
    out.print(f"{len(rows)} nhiệm vụ")


def main() -> None:
    app()
