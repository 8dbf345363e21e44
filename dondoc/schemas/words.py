"""A pydantic `ValidationError` in words: one place and one message per problem, for every face."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

Loc = tuple[int | str, ...]

# A pattern that only lists choices, e.g. `^(auto|json|console)$`, is said as the choices.
_CHOICES = re.compile(r"^\^?\(?((?:[\w.-]+\|)+[\w.-]+)\)?\$?$")


# What to write where a required field of a directive file is missing (a draft from
# `dondoc import` leaves `due` out when the text gives no deadline).
_MISSING_HINTS = {
    "due": "add `due: dd/mm/yyyy` (the end of that day), an ISO datetime with its offset,"
    " or `{working_days: N}` counted from issued_on",
    "lead": "add `lead: [UNIT]`, the unit(s) that lead (chủ trì) the item",
    "title": "add `title:`, a short name for it",
    "number": 'add `number: "1"`, its number in the directive',
    "code": "add `code:`, the directive's number, e.g. 127-KH/ĐU",
    "committee": "add `committee: UNIT`, the unit escalations go to",
}


def message(error: ErrorDetails) -> str:
    """What is wrong with one value, in words a user can act on (without where it is)."""
    kind = error["type"]
    text = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "missing":
        field = error["loc"][-1] if error["loc"] else None
        hint = _MISSING_HINTS.get(field) if isinstance(field, str) else None
        return f"required field is missing: {hint}" if hint else "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check its spelling)"
    if kind in ("time_delta_parsing", "time_delta_type"):
        return f"{text}: write an ISO 8601 duration such as P3D, PT12H or PT30S"
    if kind == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        if found := _CHOICES.match(pattern):
            *first, last = found.group(1).split("|")
            return f"must be {', '.join(first)} or {last}"
        return f"must match the pattern {pattern}"
    return text


def place(loc: Sequence[int | str]) -> str:
    """A location as a path: `items[2].lead`; the whole input when the location is empty."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "input"


def problems(exc: ValidationError, *, skip: Collection[str] = ()) -> list[tuple[Loc, str]]:
    """Each problem as (location, message); `skip` drops location parts such as union tags."""
    return [(_loc(e, skip), message(e)) for e in exc.errors()]


def in_words(
    exc: ValidationError,
    *,
    name: Callable[[Loc], str] = place,
    show_input: Callable[[Loc], bool] = lambda _: False,
    skip: Collection[str] = (),
) -> str:
    """Every problem on one line: `name(loc): message`, joined by `; `.

    `show_input(loc)` says where the rejected value may be quoted back (`(got 'xml')`); never
    where it could be a secret.
    """
    parts = []
    for error in exc.errors():
        loc = _loc(error, skip)
        quoted = error["type"] != "missing" and show_input(loc)
        got = f" (got {_quote(error['input'])})" if quoted else ""
        parts.append(f"{name(loc)}: {message(error)}{got}")
    return "; ".join(parts)


def _loc(error: ErrorDetails, skip: Collection[str]) -> Loc:
    return tuple(p for p in error["loc"] if not (isinstance(p, str) and p in skip))


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
