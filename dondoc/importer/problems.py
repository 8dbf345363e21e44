"""A directive file's problems, each with its place (field path, line, column), and their error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Loc = tuple[str | int, ...]

MAX_MESSAGE = 300  # a message quotes values back; never a megabyte of them
MAX_PROBLEMS = 100  # a list of 100,000 unknown codes is not 100,000 lines to read


@dataclass(frozen=True)
class Problem:
    loc: Loc
    message: str
    line: int | None = None
    column: int | None = None


class DirectiveFileError(Exception):
    """Every problem found in a directive file, each with its place."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{safe(self.source)}: {len(self.problems)} problem(s); nothing was started"]
        for p in self.problems:
            where = safe(self.source)
            if p.line:
                where += f":{p.line}" + (f":{p.column}" if p.column else "")
            lines.append(f"  {where}: {describe(p.loc)}: {safe(p.message, MAX_MESSAGE)}")
        return "\n".join(lines)


def capped(problems: list[Problem]) -> list[Problem]:
    """The first MAX_PROBLEMS, then one saying how many more there are and where they start."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest, first = len(problems) - MAX_PROBLEMS, problems[MAX_PROBLEMS]
    return [*problems[:MAX_PROBLEMS], Problem((), f"and {rest:,} more problem(s)", first.line)]


def describe(loc: Loc) -> str:
    """`items[2].lead[1]` for people: list positions count from 1; the file when `loc` is empty."""
    if not loc:
        return "file"
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{safe(part, 80)}" if out else safe(part, 80)
    return out


def safe(text: str, limit: int | None = None) -> str:
    """`text` as a terminal may print it: control characters escaped, cut at `limit`."""
    cut = text if limit is None else text[: limit + 1]
    shown = cut if cut.isprintable() else "".join(_escaped(ch) for ch in cut)
    if limit is not None and len(shown) > limit:
        return shown[: limit - 1] + "…"
    return shown


def _escaped(ch: str) -> str:
    return ch if ch.isprintable() else repr(ch)[1:-1]
