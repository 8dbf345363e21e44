"""What every command module shares: the error guard, settings, the renderer, argument types."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError
from typer.core import TyperGroup

from dondoc.config import Settings, get_settings
from dondoc.console import Renderer
from dondoc.errors import DondocError, InvalidInput, InvalidSetting
from dondoc.schemas.words import Loc, in_words

out = Renderer()

Code = Annotated[str, typer.Argument(help="directive code")]
Item = Annotated[str, typer.Argument(help="item number")]
As = Annotated[
    str, typer.Option("--as", help="the acting unit's code (the committee for decisions)")
]
Reason = Annotated[str, typer.Option(help="the reason, in words")]
OptReason = Annotated[str | None, typer.Option(help="the reason, in words")]
JsonOut = Annotated[bool, typer.Option("--json", help="JSON instead of text")]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class GuardedGroup(TyperGroup):
    """Runs every command (and the app's callback) inside the error guard: an expected error is
    one line on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DondocError as exc:
            fail(exc)
        except ValidationError as exc:
            fail(InvalidInput(f"invalid input: {in_words(exc)}"))


def fail(exc: DondocError) -> None:
    typer.echo(f"dondoc: {exc}", err=True)
    raise typer.Exit(2)


def settings() -> Settings:
    """The settings; a variable that cannot be used is named, with what it must be."""
    try:
        found = get_settings()
    except ValidationError as exc:
        raise InvalidSetting(in_words(exc, name=env_name, show_input=_not_secret)) from None
    if found.log_level.upper() not in LOG_LEVELS:
        raise InvalidSetting(
            f"DONDOC_LOG_LEVEL: must be {', '.join(LOG_LEVELS[:-1])} or {LOG_LEVELS[-1]}"
            f" (got {found.log_level!r})"
        )
    return found


def env_name(loc: Loc) -> str:
    """The environment variable behind a settings field (an aliased field's loc is its name)."""
    if str(loc[0]) not in Settings.model_fields:
        return str(loc[0])
    prefix = Settings.model_config.get("env_prefix") or ""
    nested = Settings.model_config.get("env_nested_delimiter") or "__"
    return (prefix + nested.join(str(p) for p in loc)).upper()


def _not_secret(loc: Loc) -> bool:
    """A rejected value is quoted back unless it may be a secret (or sits in a nested group)."""
    field = Settings.model_fields.get(str(loc[0]))
    return len(loc) == 1 and "Secret" not in repr(field.annotation if field else None)


def write_json(model: BaseModel) -> None:
    sys.stdout.write(model.model_dump_json(indent=2) + "\n")
