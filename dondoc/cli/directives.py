"""`dondoc start`, `status` and `list`: start a directive, and read directives and items back."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dondoc.cli.common import Code, out, settings, write_json

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from dondoc.schemas.views import DirectiveView

app = typer.Typer()


@app.command()
def start(
    file: Annotated[Path, typer.Argument(help="directive YAML file")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="validate and show the plan; start nothing")
    ] = False,
) -> None:
    """Validate, store and start a directive; prints the directive workflow id."""
    from dondoc.client import connect
    from dondoc.db.session import open_database
    from dondoc.starter import read_plan, start_plan

    found = settings()
    plan = read_plan(file, found.calendar_file)
    if dry_run:
        out.plan(plan)
        return

    sessions = open_database(found.database_url)

    async def go() -> None:
        client = await connect(found)
        started = await start_plan(client, sessions, found, plan)
        if started.past_due:
            typer.echo(
                f"dondoc: warning: item(s) {', '.join(started.past_due)} are already past due;"
                " they escalate at once",
                err=True,
            )
        typer.echo(started.workflow_id)

    asyncio.run(go())
    if sys.stderr.isatty():
        from rich.console import Console

        from dondoc.db.queries import assigned_count

        watch_assignment(
            lambda: assigned_count(sessions, plan.code), len(plan.items), Console(stderr=True)
        )


STALL_S = 30.0  # no item assigned for this long: stop watching (the directive goes on)


def watch_assignment(
    count: Callable[[], int],
    total: int,
    console: Console,
    every_s: float = 0.5,
    stall_s: float = STALL_S,
) -> bool:
    """A progress bar while the worker starts and assigns the items (polling their count in
    the database); True once all are. Ctrl-C or a stall stops watching, not the directive."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    done, since = 0, time.monotonic()
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("giao nhiệm vụ", total=total)
        try:
            while done < total:
                now = count()
                if now != done:
                    done, since = now, time.monotonic()
                    bar.update(task, completed=done)
                elif time.monotonic() - since > stall_s:
                    break
                if done < total:
                    time.sleep(every_s)
        except KeyboardInterrupt:
            pass
    if done < total:
        console.print(
            f"dondoc: {done}/{total} items assigned so far; the worker goes on"
            " (`dondoc status`; is a worker running? `dondoc health`)",
            highlight=False,
            markup=False,
        )
    return done >= total


@app.command()
def status(
    code: Code,
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="as it stood then: 2024-06-14 or an ISO datetime")
    ] = None,
    limit: Annotated[int, typer.Option(min=0, help="items per page; 0 for all")] = 50,
    page: Annotated[int, typer.Option(min=1, help="which page")] = 1,
) -> None:
    """A directive's counts per status, then a page of its items (most urgent first): their
    units' progress, reminders and escalations. `--limit 0`: every item, in the directive's
    order."""
    from dondoc.db.session import open_database
    from dondoc.starter import status_view

    if as_of is not None:
        from dondoc.cli.summary import status_as_of

        view = status_as_of(code, as_of, limit or None, page)
    else:
        view = status_view(
            open_database(settings().database_url), code, limit=limit or None, page=page
        )
    if json_out:
        write_json(view)
        return
    if view.limit is not None:
        _summary(view)
    out.directive(view)


def _summary(view: DirectiveView) -> None:
    """The counts over every item, and which page of them follows."""
    counts = " · ".join(
        f"{out.status_label(status)} {n}" for status, n in view.status_counts.items()
    )
    limit = view.limit or len(view.items) or 1
    pages = max(1, -(-view.total_items // limit))
    out.console.print(f"{view.total_items} nhiệm vụ: {counts}")
    out.console.print(
        f"Trang {view.page}/{pages} ({len(view.items)} nhiệm vụ, khẩn nhất trước;"
        " --page N, --limit 0 để xem tất cả)"
    )


@app.command("list")
def list_items(
    overdue: Annotated[bool, typer.Option("--overdue", help="only open items past due")] = False,
    unit: Annotated[str | None, typer.Option(help="only items assigned to this unit")] = None,
    limit: Annotated[int, typer.Option(min=0, help="rows per page; 0 for all")] = 50,
    page: Annotated[int, typer.Option(min=1, help="which page")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
) -> None:
    """Items across all directives, from the database, most urgent first, a page at a time."""
    from dondoc.db.session import open_database
    from dondoc.schemas.views import ItemList
    from dondoc.starter import item_rows

    rows, total = item_rows(
        open_database(settings().database_url),
        overdue=overdue,
        unit=unit,
        limit=limit or None,
        page=page,
    )
    if json_out:
        write_json(ItemList(items=rows, total=total, page=page, limit=limit or None))
    else:
        out.rows(rows, total, page, limit)
