"""`dondoc import`: a directive's published text in, a draft directive YAML out (typer command)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dondoc.importer.text import ImportTextError, import_text, render_draft
from dondoc.importer.text_extract import FORMATS, MAX_DOCX_BYTES


def import_command(
    file: Annotated[
        str, typer.Argument(help="the directive's text: a .txt, .html or .docx file; - for stdin")
    ],
    units: Annotated[
        Path | None,
        typer.Option("--units", help="units registry: a YAML list of {code, name, aliases?}"),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help=f"input format: {'|'.join(FORMATS)}")
    ] = "auto",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="write the draft here (default: stdout)")
    ] = None,
) -> None:
    """Draft a directive file from its published text; every guess is marked in a comment."""
    try:
        source, name = _read(file)
        draft = import_text(source, filename=name, fmt=fmt, units=units)
        text = render_draft(draft)
        if output is None:
            typer.echo(text, nl=False)
        else:
            if output.exists():
                raise ImportTextError(f"{output} exists: choose another name or delete it first")
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ImportTextError(f"{output}: cannot write ({exc.strerror or exc})") from None
    except ImportTextError as exc:
        typer.echo(f"dondoc: {exc}", err=True)
        raise typer.Exit(2) from None
    todo = sum(it.due is None for it in draft.items)
    typer.echo(
        f"{len(draft.items)} items, {len(draft.units)} units; {todo} items need a deadline (TODO)"
        + (f"; written to {output}" if output else ""),
        err=True,
    )


def _read(file: str) -> tuple[bytes, str | None]:
    if file == "-":
        return sys.stdin.buffer.read(MAX_DOCX_BYTES + 1), None
    path = Path(file)
    try:
        with path.open("rb") as fh:
            return fh.read(MAX_DOCX_BYTES + 1), path.name
    except FileNotFoundError:
        raise ImportTextError(f"{file}: no such file") from None
    except OSError as exc:
        raise ImportTextError(f"{file}: cannot read ({exc.strerror or exc})") from None
