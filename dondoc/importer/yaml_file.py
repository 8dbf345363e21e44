"""A directive's YAML text (or file) read into a checked `DirectiveFile`, every problem with its
line; `parse_directive` and `load_directive` also resolve it into the plan that gets started."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import ValidationError

from dondoc.importer import file_rules, yaml_guard
from dondoc.importer.problems import DirectiveFileError, Loc, Problem, capped, safe
from dondoc.importer.resolve import resolve
from dondoc.schemas import words
from dondoc.schemas.directive import DirectiveFile, DirectivePlan
from dondoc.schemas.overrides import CalendarOverrides
from dondoc.schemas.timing import UNION_TAGS

Locate = Callable[[list[Problem]], list[Problem]]


def load_directive(
    path: Path, today: date | None = None, site: CalendarOverrides | None = None
) -> DirectivePlan:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DirectiveFileError(str(path), [Problem((), "no such file")]) from None
    except OSError as exc:
        raise DirectiveFileError(str(path), [Problem((), exc.strerror or str(exc))]) from None
    return parse_directive(data, str(path), today, site)


def parse_directive(
    text: str | bytes,
    source: str = "<directive>",
    today: date | None = None,
    site: CalendarOverrides | None = None,
) -> DirectivePlan:
    """Validate a directive and resolve it; relative deadlines count from `issued_on`, else from
    `today` (by default the wall clock's date in the directive's timezone: this edge reads it).

    `site`: the site's calendar overrides (`importer.calendar_file`), under the directive's own."""
    file, locate = _read(text, source)
    day = today or datetime.now(ZoneInfo(file.timezone)).date()
    try:
        return resolve(file, day, site, source)
    except DirectiveFileError as exc:
        raise DirectiveFileError(source, locate(exc.problems)) from None


def read_directive_file(text: str | bytes, source: str = "<directive>") -> DirectiveFile:
    """The file's content, checked as a whole; raises `DirectiveFileError` listing every problem
    (each with its line) and nothing else, whatever the input."""
    return _read(text, source)[0]


def _read(data: str | bytes, source: str) -> tuple[DirectiveFile, Locate]:
    text, problems = yaml_guard.decode(data)
    if problems:
        raise DirectiveFileError(source, problems)
    try:
        node, raw, duplicates = yaml_guard.compose(text)
    except yaml.MarkedYAMLError as exc:
        raise DirectiveFileError(source, [_yaml_problem(exc)]) from None
    except yaml.YAMLError as exc:
        raise DirectiveFileError(source, [_reader_problem(exc, text)]) from None
    if not isinstance(raw, dict):
        raise DirectiveFileError(source, [Problem((), "expected a mapping with code, title, …")])

    def locate(found: list[Problem]) -> list[Problem]:
        located = _with_lines(_dedupe(found), node, raw)
        return capped(sorted(located, key=lambda p: p.line or 0))

    if duplicates:  # the data holds only the last value: what else is wrong there would mislead
        raise DirectiveFileError(source, locate(duplicates))
    problems = file_rules.check(raw) + file_rules.control_characters(raw)
    try:
        parsed = DirectiveFile.model_validate(raw)
    except ValidationError as exc:
        problems = [Problem(loc, msg) for loc, msg in words.problems(exc, skip=UNION_TAGS)] + (
            problems
        )
    if problems:
        raise DirectiveFileError(source, locate(problems))
    return parsed, locate


def _yaml_problem(exc: yaml.MarkedYAMLError) -> Problem:
    # An unclosed quote is reported where the file ends; its context is where it opened.
    scanning = exc.context is not None and "scanning a quoted scalar" in exc.context
    mark = (exc.context_mark if scanning else exc.problem_mark) or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    if isinstance(exc, yaml_guard.Refused):
        return Problem((), f"refused: {exc.problem}", line, column)
    kind = (
        "YAML error" if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error"
    )
    return Problem((), f"{kind}: {exc.problem or exc.context}", line, column)


def _reader_problem(exc: yaml.YAMLError, text: str) -> Problem:
    """A YAMLError without a mark (a reader's); placed by its character offset when it has one."""
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return Problem((), f"YAML error: {exc}")
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    return Problem((), f"YAML error: {getattr(exc, 'reason', exc)}", line, column)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Loc, str]] = set()
    out = []
    for p in problems:
        if (p.loc, p.message) not in seen:
            seen.add((p.loc, p.message))
            out.append(p)
    return out


def _with_lines(
    problems: list[Problem], root: yaml.Node | None, data: dict[str, Any]
) -> list[Problem]:
    return [
        Problem(_named_items(p.loc, data), p.message, p.line or _line_of(root, p.loc), p.column)
        for p in problems
    ]


def _named_items(loc: Loc, data: dict[str, Any]) -> Loc:
    """`items[3]` becomes `items[3 "6.1"]`-style: people know items by number, not position."""
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        items = data.get("items")
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            number = items[loc[1]].get("number")
            if number is not None:
                return (f'item "{safe(str(number), 40)}" (#{loc[1] + 1})', *loc[2:])
    return loc


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line of the deepest YAML node along `loc`."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


__all__ = [
    "DirectiveFileError",
    "Problem",
    "load_directive",
    "parse_directive",
    "read_directive_file",
]
