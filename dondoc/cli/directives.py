"""`dondoc start`, `status` and `list`: start a directive, and read directives and items back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from dondoc.cli.common import Code, out, settings, write_json

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

    async def go() -> None:
        client = await connect(found)
        started = await start_plan(client, open_database(found.database_url), found, plan)
        if started.past_due:
            typer.echo(
                f"dondoc: warning: item(s) {', '.join(started.past_due)} are already past due;"
                " they escalate at once",
                err=True,
            )
        typer.echo(started.workflow_id)

    asyncio.run(go())


@app.command()
def status(
    code: Code,
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="as it stood then: 2024-06-14 or an ISO datetime")
    ] = None,
) -> None:
    """A directive's items, their units' progress, reminders and escalations."""
    from dondoc.db.session import open_database
    from dondoc.starter import status_view

    if as_of is not None:
        from dondoc.cli.summary import status_as_of

        view = status_as_of(code, as_of)
    else:
        view = status_view(open_database(settings().database_url), code)
    if json_out:
        write_json(view)
    else:
        out.directive(view)


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
