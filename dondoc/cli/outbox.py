"""`dondoc outbox` and `dondoc outbox retry`: what was delivered, what is waiting, what failed."""

from __future__ import annotations

from typing import Annotated

import typer

from dondoc.cli.common import JsonOut, settings, write_json
from dondoc.errors import InvalidInput
from dondoc.schemas.notify import OutboxEntry, OutboxList, OutboxState

app = typer.Typer(name="outbox", help="Hộp thư đi: the outbox and its delivery states.")


@app.callback(invoke_without_command=True)
def outbox(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="only failed messages")] = False,
    pending: Annotated[
        bool, typer.Option("--pending", help="only messages still to send (pending, retrying)")
    ] = False,
    undeliverable: Annotated[
        bool, typer.Option("--undeliverable", help="only messages whose unit has no contact")
    ] = False,
    unit: Annotated[str | None, typer.Option(help="only this unit's messages")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="at most this many")] = 200,
    as_json: JsonOut = False,
) -> None:
    """The outbox, newest first, with each message's delivery state."""
    if ctx.invoked_subcommand is not None:
        return
    from dondoc.db.session import open_database
    from dondoc.notify.outbox import list_outbox

    states: list[OutboxState] = []
    if failed:
        states.append(OutboxState.FAILED)
    if pending:
        states += [OutboxState.PENDING, OutboxState.RETRYING]
    if undeliverable:
        states.append(OutboxState.UNDELIVERABLE)
    found = list_outbox(open_database(settings().database_url), states, unit, limit)
    if as_json:
        write_json(OutboxList(entries=found))
        return
    if not found:
        typer.echo("the outbox has no such messages")
    for e in found:
        typer.echo(_line(e))


@app.command()
def retry(
    ids: Annotated[list[int] | None, typer.Argument(help="outbox ids to send again")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="every failed message")] = False,
) -> None:
    """Send failed or undeliverable messages again (same id: a receiver sees the same key)."""
    from datetime import timedelta

    from dondoc.db.session import open_database
    from dondoc.notify.outbox import retry as retry_rows

    if not ids and not failed:
        raise InvalidInput("give outbox ids (dondoc outbox retry 12 13) or --failed")
    found = settings()
    moved = retry_rows(
        open_database(found.database_url),
        ids or [],
        failed=failed,
        deadline=timedelta(hours=found.notify_deadline_h),
    )
    missing = sorted(set(ids or []) - set(moved))
    typer.echo(f"{len(moved)} message(s) queued again: {', '.join(map(str, moved)) or '—'}")
    if missing:
        raise InvalidInput(f"not retried (no such id, or already sent): {missing}")


def _line(e: OutboxEntry) -> str:
    where = f"{e.directive_code} #{e.item_number}" if e.item_number else e.directive_code or "—"
    state = e.state.value
    if e.state == OutboxState.RETRYING and e.next_try_at:
        state += f" (attempt {e.attempts}, next {e.next_try_at:%Y-%m-%d %H:%M:%S}Z)"
    elif e.state == OutboxState.SENT and e.sent_at:
        state += f" {e.sent_at:%Y-%m-%d %H:%M:%S}Z via {e.channel}"
    detail = f" — {e.last_error}" if e.last_error and e.state != OutboxState.SENT else ""
    return f"{e.id:>6} {state:<14} {e.kind:<22} {e.unit_code:<16} {where}{detail}"
