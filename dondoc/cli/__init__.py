"""The `dondoc` command line: one typer app, one module per command group (typer's "one file per
command"); `main()` runs it with the settings read inside the error guard."""

from __future__ import annotations

import os
import sys

import typer

from dondoc.cli import contacts, digest, directives, lifecycle, ops, outbox, reports, summary, users
from dondoc.cli.common import GuardedGroup, settings
from dondoc.importer.text_cli import import_command
from dondoc.logs import configure_logging

app = typer.Typer(
    cls=GuardedGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="dondoc — đôn đốc thực hiện nhiệm vụ: directives as durable Temporal workflows.",
)
app.add_typer(ops.app)
app.add_typer(directives.app)
app.add_typer(reports.app)
app.add_typer(lifecycle.app)
app.add_typer(summary.app)
app.add_typer(users.app)
app.add_typer(contacts.app)
app.add_typer(outbox.app)
app.add_typer(digest.app)
app.command("import")(import_command)

# The long-running commands log at DONDOC_LOG_LEVEL; every other command prints results, not
# logs: only warnings and errors reach stderr (simulate's timeline would drown in the worker's).
LOGGING_COMMANDS = ("worker", "demo")


@app.callback()
def entry(ctx: typer.Context) -> None:
    """Runs before every command, inside the error guard: a bad setting is one line, exit 2."""
    found = settings()
    level = found.log_level if ctx.invoked_subcommand in LOGGING_COMMANDS else "WARNING"
    configure_logging(found.log_format, level)


def main() -> None:
    try:
        app()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    else:
        code = 0
    # Leave at once: a Temporal core thread still winding down (after a failed connect, say)
    # can abort a normal interpreter shutdown, turning a clean exit 2 into a crash.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
