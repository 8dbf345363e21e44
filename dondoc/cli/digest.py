"""`dondoc digest send`: each unit's daily digest, now (or shown only, with --dry-run)."""

from __future__ import annotations

from typing import Annotated

import typer

from dondoc.cli.common import settings

app = typer.Typer(name="digest", help="Tổng hợp hằng ngày: the daily digest per unit.")


@app.command()
def send(
    unit: Annotated[str | None, typer.Option(help="only this unit's digest")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show it; record nothing")] = False,
) -> None:
    """Build every unit's digest now and record it in the outbox (the worker delivers it)."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from dondoc.activities.notify import send_digests
    from dondoc.db.session import open_database
    from dondoc.notify.outbox import Notifier
    from dondoc.schemas.notify import SendDigestsInput

    found = settings()
    now = datetime.now(UTC)
    inp = SendDigestsInput(
        day=now.astimezone(ZoneInfo(found.digest_timezone)).date(),
        at=now,
        timezone=found.digest_timezone,
        unit=unit,
        dry_run=dry_run,
    )
    # A key of its own: the day's scheduled digest is a different message.
    notifier = Notifier(deadline=timedelta(hours=found.notify_deadline_h))
    result = send_digests(open_database(found.database_url), notifier, inp, f":now:{now:%H%M%S}")
    for d in result.digests:
        typer.echo(f"== {d.unit_code}: {d.subject}\n{d.body}\n")
    if not result.digests:
        typer.echo("nothing to report: no unit has an overdue, due-soon or unreceived item")
    elif not dry_run:
        typer.echo(f"{result.queued} digest(s) recorded in the outbox; the worker delivers them")
