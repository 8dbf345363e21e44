"""`dondoc contact set|list|import`: where each unit's messages go."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dondoc.cli.common import JsonOut, settings, write_json
from dondoc.schemas.notify import ChannelName, ContactList

app = typer.Typer(name="contact", help="Liên hệ: each unit's email, webhook and channels.")


@app.command("set")
def set_contact(
    unit: Annotated[str, typer.Argument(help="unit code, e.g. KHOI_VAN")],
    email: Annotated[list[str] | None, typer.Option(help="an address (repeatable)")] = None,
    webhook: Annotated[str | None, typer.Option(help="the webhook URL")] = None,
    webhook_secret: Annotated[
        str | None, typer.Option(help="HMAC secret (generated and printed once if omitted)")
    ] = None,
    channel: Annotated[
        list[ChannelName] | None,
        typer.Option(help="channels to use (repeatable); default: those with an address"),
    ] = None,
) -> None:
    """Create or replace a unit's contact."""
    from dondoc.db.session import open_database
    from dondoc.notify.contacts import ContactSpec, set_contacts

    spec = ContactSpec(
        unit=unit,
        email=email or [],
        webhook=webhook,
        webhook_secret=webhook_secret,
        channel=channel or [],
    )
    [(found, generated)] = set_contacts(open_database(settings().database_url), [spec])
    typer.echo(f"{found.unit_code}: {_line(found.emails, found.webhook_url, found.channels)}")
    if generated:
        typer.echo(f"webhook secret (shown once, keep it at the receiver): {generated}")


@app.command("list")
def list_command(as_json: JsonOut = False) -> None:
    """Every unit's contact."""
    from dondoc.db.session import open_database
    from dondoc.notify.contacts import list_contacts

    found = list_contacts(open_database(settings().database_url))
    if as_json:
        write_json(ContactList(contacts=found))
        return
    if not found:
        typer.echo("no contacts: every message goes to the log")
    for c in found:
        typer.echo(f"{c.unit_code}: {_line(c.emails, c.webhook_url, c.channels)}")


@app.command("import")
def import_command(file: Annotated[Path, typer.Argument(help="contacts YAML file")]) -> None:
    """Create or replace many contacts from a file; nothing is stored if any entry is wrong."""
    from dondoc.db.session import open_database
    from dondoc.notify.contacts import read_contacts_file, set_contacts

    specs = read_contacts_file(file)
    done = set_contacts(open_database(settings().database_url), specs)
    for found, generated in done:
        secret = f" (generated webhook secret: {generated})" if generated else ""
        typer.echo(
            f"{found.unit_code}: {_line(found.emails, found.webhook_url, found.channels)}{secret}"
        )
    typer.echo(f"{len(done)} contact(s) stored")


def _line(emails: list[str], webhook: str | None, channels: list[ChannelName]) -> str:
    used = ", ".join(c.value for c in channels) or "by address"
    return f"email {', '.join(emails) or '—'}; webhook {webhook or '—'}; channels {used}"
