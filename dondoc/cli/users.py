"""`dondoc user …`, `dondoc token …` and `dondoc web`: accounts, API tokens, the web server.

Passwords are read from standard input (never from the command line, where `ps` and the shell
history would keep them); a token is printed once, alone on the last line.
"""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from dondoc.cli.common import settings
from dondoc.errors import InvalidInput
from dondoc.schemas.accounts import UserRole

if TYPE_CHECKING:
    from dondoc.db.session import SessionFactory

user_app = typer.Typer(help="Tài khoản: add, list, disable users and set their passwords.")
token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.")
app = typer.Typer()
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
Username = Annotated[str, typer.Argument(help="the user's sign-in name")]


def _sessions() -> SessionFactory:
    from dondoc.db.session import open_database

    return open_database(settings().database_url)


def _now() -> datetime:
    return datetime.now(UTC)


def read_password() -> str:
    """From a terminal: asked twice, not echoed. Otherwise: the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise InvalidInput("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline()
    if not line:
        raise InvalidInput("give the password on standard input, e.g. `… < password-file`")
    return line.rstrip("\r\n")


@user_app.command("add")
def add(
    username: Username,
    unit: Annotated[str, typer.Option(help="the unit's code, e.g. KHOI_VAN")],
    role: Annotated[UserRole, typer.Option(help="what the user may do")] = UserRole.UNIT,
    name: Annotated[str, typer.Option(help="the person's name, shown on pages")] = "",
) -> None:
    """Add a user; the password is read from standard input."""
    from dondoc.db.accounts import add_user
    from dondoc.schemas.accounts import Account

    try:
        Account(username=username, name=name, unit=unit, role=role)
        from pydantic import TypeAdapter

        from dondoc.schemas.text import Code
        from dondoc.schemas.text import Username as Name

        TypeAdapter(Name).validate_python(username)
        TypeAdapter(Code).validate_python(unit)
    except ValueError as exc:
        raise InvalidInput(f"username or unit not acceptable: {exc}") from None
    account = add_user(_sessions(), username, unit, role, read_password(), _now(), name)
    typer.echo(f"user {account.username} added: {account.role.value} of {account.unit}")


@user_app.command("list")
def list_(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every user, with unit, role and whether disabled."""
    from dondoc.db.accounts import list_users

    users = list_users(_sessions())
    if json_out:
        typer.echo("[" + ",".join(u.model_dump_json() for u in users) + "]")
        return
    for u in users:
        state = " (disabled)" if u.disabled else ""
        typer.echo(f"{u.username}\t{u.role.value}\t{u.unit}\t{u.name}{state}")


@user_app.command("disable")
def disable(username: Username) -> None:
    """No more sign-ins; the user's sessions and tokens stop working at once."""
    from dondoc.db.accounts import disable_user

    disable_user(_sessions(), username, _now())
    typer.echo(f"user {username} disabled")


@user_app.command("password")
def password(username: Username) -> None:
    """Set a new password (from standard input); the user's browser sessions end."""
    from dondoc.db.accounts import set_password

    set_password(_sessions(), username, read_password(), _now())
    typer.echo(f"password of {username} changed")


@token_app.command("create")
def create(
    username: Username,
    label: Annotated[str, typer.Option(help="what the token is for")] = "",
    expires: Annotated[str | None, typer.Option(help="last day it works, dd/mm/yyyy")] = None,
) -> None:
    """Make an API token; it is printed once, alone on the last line, and kept only hashed."""
    from zoneinfo import ZoneInfo

    from dondoc.db.accounts import create_token
    from dondoc.schemas.dates import end_of_day, parse_date

    until = None
    if expires:
        try:
            until = end_of_day(parse_date(expires), ZoneInfo("Asia/Ho_Chi_Minh"))
        except ValueError as exc:
            raise InvalidInput(f"--expires: {exc}") from None
    token, info = create_token(_sessions(), username, _now(), label[:100], until)
    typer.echo(f"token {info.id} for {username}; it is shown this once:", err=True)
    typer.echo(token)


@token_app.command("list")
def tokens() -> None:
    """Every token's id, user, label and state (never the token itself)."""
    from dondoc.db.accounts import list_tokens

    for t in list_tokens(_sessions()):
        state = (
            "revoked"
            if t.revoked_at
            else (f"until {t.expires_at:%d/%m/%Y}" if t.expires_at else "")
        )
        typer.echo(f"{t.id}\t{t.username}\t{t.label}\t{state}")


@token_app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="the id `dondoc token list` shows")],
) -> None:
    from dondoc.db.accounts import revoke_token

    revoke_token(_sessions(), token_id, _now())
    typer.echo(f"token {token_id} revoked")


@app.command()
def web() -> None:
    """Run the web pages and the API (DONDOC_WEB_HOST, DONDOC_WEB_PORT) until Ctrl-C."""
    import uvicorn

    from dondoc.web.app import create_app

    found = settings()
    typer.echo(f"dondoc web on http://{found.web.host}:{found.web.port}/", err=True)
    uvicorn.run(create_app(found), host=found.web.host, port=found.web.port, log_config=None)
