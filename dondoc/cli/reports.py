"""`dondoc report`: a unit reports progress, or completion, on an item."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from dondoc.cli.common import out, settings
from dondoc.errors import InvalidInput
from dondoc.schemas.messages import ReportInput

app = typer.Typer()


@app.command()
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
        raise InvalidInput("give exactly one of --progress N or --done")
    inp = ReportInput(
        unit=unit,
        progress=100 if done else (progress or 0),
        done=done,
        note=note,
        report_id=report_id,
    )

    async def go() -> None:
        client = await connect(settings())
        out.report_result(item, await send_report(client, code, item, inp))

    asyncio.run(go())
