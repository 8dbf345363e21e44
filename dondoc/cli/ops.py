"""`dondoc server`, `worker`, `demo`, `simulate` and `deadline`: running and trying the engine."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from dondoc.cli.common import JsonOut, out, settings, write_json
from dondoc.config import DEFAULT_STATE_DIR
from dondoc.errors import InvalidInput

app = typer.Typer()


@app.command()
def server(
    port: Annotated[int, typer.Option(help="gRPC port")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Web UI port")] = 8233,
    db_file: Annotated[Path, typer.Option(help="SQLite file keeping the server's state")] = (
        DEFAULT_STATE_DIR / "temporal.sqlite"
    ),
) -> None:
    """Run the embedded Temporal server (SQLite, WAL) until Ctrl-C; its state survives restarts."""
    from dondoc.local.devserver import run_foreground

    typer.echo(
        f"Temporal server on 127.0.0.1:{port}, Web UI http://127.0.0.1:{ui_port}, state {db_file}",
        err=True,
    )
    raise typer.Exit(run_foreground(port, ui_port, db_file))


@app.command()
def worker(
    processes: Annotated[
        int, typer.Option(min=1, help="worker processes sharing the task queue (one core each)")
    ] = 1,
) -> None:
    """Run the worker (TEMPORAL_* or a TEMPORAL_PROFILE, DONDOC_DATABASE_URL) until Ctrl-C or
    SIGTERM, which drain running activities first (DONDOC_SHUTDOWN_GRACE_S)."""
    if processes > 1:
        from dondoc.worker_pool import run_pool

        raise typer.Exit(run_pool(settings(), processes))
    from dondoc.worker import run_worker

    asyncio.run(run_worker(settings()))


@app.command()
def migrate() -> None:
    """Migrate the database to this release's schema and register the search attributes on the
    Temporal namespace: once per release, before its workers and web processes start."""
    from dondoc.worker_pool import prepare

    asyncio.run(prepare(settings()))
    typer.echo("dondoc: database migrated; search attributes registered (or present)", err=True)


@app.command()
def health() -> None:
    """Check the Temporal server, the database (migrated?) and that a worker polls the task
    queue: one line per check; exit 0 when all pass, 2 otherwise."""
    from dondoc.health import check_all

    checks = asyncio.run(check_all(settings()))
    for check in checks:
        typer.echo(check.line())
    raise typer.Exit(0 if all(c.ok for c in checks) else 2)


@app.command()
def demo(
    seconds: Annotated[int, typer.Option(help="how long the compressed timeline runs")] = 40,
    serve: Annotated[
        bool, typer.Option("--serve", help="then keep engine, worker and web running (Ctrl-C)")
    ] = False,
) -> None:
    """Run the seed directive on a throw-away embedded server, compressed into under a minute."""
    from dondoc.local.demo import run_demo

    try:
        asyncio.run(run_demo(seconds, serve=serve))
    except KeyboardInterrupt:  # --serve's Ctrl-C: everything is stopped by then
        typer.echo("dondoc demo: stopped", err=True)


@app.command()
def deadline(
    start: Annotated[str, typer.Argument(help="the event's date, dd/mm/yyyy")],
    working_days: Annotated[int | None, typer.Option(help="count N working days")] = None,
    days: Annotated[int | None, typer.Option(help="count N days (BLDS 2015 Art. 147–148)")] = None,
    json_out: JsonOut = False,
) -> None:
    """Compute a deadline with the Vietnamese calendar, and say how it was counted."""
    from dondoc.deadlines.vn_calendar import VnCalendar
    from dondoc.importer.calendar_file import read_site_overrides
    from dondoc.schemas.dates import parse_date

    if (working_days is None) == (days is None):
        raise InvalidInput("give exactly one of --working-days N or --days N")
    cal = VnCalendar(read_site_overrides(settings().calendar_file))
    try:
        day = parse_date(start)
        result = (
            cal.add_working_days(day, working_days)
            if working_days is not None
            else cal.add_days(day, days or 0)
        )
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if json_out:
        write_json(result)
    else:
        out.deadline(result)


@app.command()
def simulate(
    file: Annotated[Path, typer.Argument(help="directive YAML file")],
    reports: Annotated[
        Path | None, typer.Option(help="YAML list of {date, item, unit, progress|done}")
    ] = None,
    until: Annotated[str | None, typer.Option(help="simulate up to this date, dd/mm/yyyy")] = None,
    start: Annotated[
        str | None, typer.Option(help="start on this date (default: issued_on, else first report)")
    ] = None,
    json_out: JsonOut = False,
) -> None:
    """Play a directive on the time-skipping server: every reminder, escalation, cut-off,
    milestone and status change, in order, before issuing it."""
    from dondoc.importer.calendar_file import read_site_overrides
    from dondoc.local import simulate as sim
    from dondoc.schemas.dates import parse_date

    try:
        last = parse_date(until) if until else None
        first = parse_date(start) if start else None
    except ValueError as exc:
        raise InvalidInput(f"--until/--start: {exc}") from None
    script = sim.read_script(reports) if reports else []
    site = read_site_overrides(settings().calendar_file)
    plan, begin = sim.read_directive(file, first, script, site=site)
    end = sim.last_day(plan, begin, last)
    if begin.guessed:
        typer.echo(f"dondoc: the simulation starts on {begin.said()}", err=True)
    timeline = asyncio.run(sim.simulate(plan, begin, end, script))
    if json_out:
        write_json(timeline)
    else:
        out.timeline(timeline)
