"""Reads a directive YAML file, reports every problem with its line, and resolves it into a plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import ValidationError

from dondoc.deadlines.planner import Planner
from dondoc.schemas.dates import end_of_day, to_utc
from dondoc.schemas.directive import DirectiveFile, DirectivePlan, ItemDef, ItemPlan, RelativeDue
from dondoc.schemas.messages import Milestone
from dondoc.schemas.timing import UNION_TAGS, Rules, SupportDue

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    loc: Loc
    message: str
    line: int | None = None


class DirectiveFileError(Exception):
    """Every problem found in a directive file, each with its place."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{self.source}: {len(self.problems)} problem(s); nothing was started"]
        for p in self.problems:
            where = f"{self.source}:{p.line}" if p.line else self.source
            lines.append(f"  {where}: {_describe(p.loc)}: {p.message}")
        return "\n".join(lines)


class _Loader(yaml.SafeLoader):
    """Safe loading, but dates stay text: our parser gives clear errors (31/02, 2024-02-31)."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_directive(path: Path, today: date | None = None) -> DirectivePlan:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DirectiveFileError(str(path), [Problem((), "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise DirectiveFileError(
            str(path), [Problem((), f"not UTF-8 text ({exc.reason})")]
        ) from None
    except OSError as exc:
        raise DirectiveFileError(str(path), [Problem((), exc.strerror or str(exc))]) from None
    return parse_directive(text, str(path), today)


def parse_directive(
    text: str, source: str = "<directive>", today: date | None = None
) -> DirectivePlan:
    """Validate a directive; relative deadlines count from `issued_on`, else from `today`."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # An unclosed quote is reported where the file ends; its context is where it opened.
        scanning = exc.context is not None and "scanning a quoted scalar" in exc.context
        mark = (exc.context_mark if scanning else exc.problem_mark) or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = f"YAML syntax error: {exc.problem or exc.context}"
        raise DirectiveFileError(source, [Problem((), msg, line)]) from None
    except yaml.YAMLError as exc:
        raise DirectiveFileError(source, [Problem((), f"YAML error: {exc}")]) from None
    if not isinstance(data, dict):
        raise DirectiveFileError(source, [Problem((), "expected a mapping with code, title, …")])

    problems = _check(data)
    try:
        parsed = DirectiveFile.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(tuple(p for p in e["loc"] if p not in UNION_TAGS), _pydantic_message(e))
            for e in exc.errors()
        ] + problems
    if problems:
        located = _with_lines(_dedupe(problems), node, data)
        located.sort(key=lambda p: p.line or 0)
        raise DirectiveFileError(source, located)
    return _resolve(parsed, today)


def _pydantic_message(err: Any) -> str:
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling)"
    if err["type"] in ("time_delta_parsing", "time_delta_type"):
        return f"{msg}: write an ISO 8601 duration such as P3D, PT12H or PT30S"
    return msg


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Loc, str]] = set()
    out = []
    for p in problems:
        if (p.loc, p.message) not in seen:
            seen.add((p.loc, p.message))
            out.append(p)
    return out


def _check(data: dict[str, Any]) -> list[Problem]:
    """Cross-field rules, read leniently from the raw data so they report alongside type errors."""
    problems: list[Problem] = []
    units = _list(data.get("units"))
    unit_codes: set[str] = set()
    for i, u in enumerate(units):
        code = u.get("code") if isinstance(u, dict) else None
        if isinstance(code, str):
            if code in unit_codes:
                problems.append(
                    Problem(("units", i, "code"), f"unit code '{code}' is listed twice")
                )
            unit_codes.add(code)
    tz = data.get("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.append(Problem(("timezone",), f"unknown timezone '{tz}'"))
    committee = data.get("committee")
    if isinstance(committee, str) and unit_codes and committee not in unit_codes:
        problems.append(Problem(("committee",), f"committee '{committee}' is not one of the units"))
    raw_groups = data.get("groups")
    groups: dict[str, Any] = raw_groups if isinstance(raw_groups, dict) else {}
    for g, members in groups.items():
        if g in unit_codes:
            problems.append(Problem(("groups", g), f"group '{g}' has the code of a unit"))
        if not members:
            problems.append(Problem(("groups", g), f"group '{g}' has no members"))
        for j, m in enumerate(_list(members)):
            if isinstance(m, str) and m not in unit_codes:
                problems.append(Problem(("groups", g, j), f"'{m}' in group '{g}' is not a unit"))

    items = _list(data.get("items"))
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        number = item.get("number")
        if isinstance(number, int | str) and not isinstance(number, bool):
            key = str(number).strip()
            if key in seen:
                msg = f"item number '{key}' is used twice (first as item #{seen[key] + 1})"
                problems.append(Problem(("items", i, "number"), msg))
            seen.setdefault(key, i)
        problems += _check_item(item, i, unit_codes, groups)
    return problems


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_item(
    item: dict[str, Any], i: int, unit_codes: set[str], groups: dict[str, Any]
) -> list[Problem]:
    problems: list[Problem] = []
    if not item.get("lead"):
        problems.append(Problem(("items", i, "lead"), "no lead unit (chủ trì): name at least one"))
    expanded: dict[str, set[str]] = {}
    for role in ("lead", "support"):
        codes = _list(item.get(role))
        members: set[str] = set()
        for j, code in enumerate(codes):
            if not isinstance(code, str):
                continue  # the type check reports it
            if code in groups and isinstance(groups[code], list):
                members.update(m for m in groups[code] if isinstance(m, str))
            elif code in unit_codes:
                members.add(code)
            elif unit_codes:
                msg = f"unknown unit or group code '{code}'"
                problems.append(Problem(("items", i, role, j), msg))
        expanded[role] = members
    for code in sorted(expanded["lead"] & expanded["support"]):
        msg = f"unit '{code}' is both lead and support"
        problems.append(Problem(("items", i, "support"), msg))
    return problems


def _expand(d: DirectiveFile, codes: list[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        for unit in d.groups.get(code, [code]):
            if unit not in out:
                out.append(unit)
    return out


def _resolve(d: DirectiveFile, start: date | None) -> DirectivePlan:
    planner = Planner(d.timezone, d.calendar)
    today = start or datetime.now(planner.tz).date()
    base = d.issued_on or today
    items = []
    for pos, item in enumerate(d.items):
        due, explanation = _due(item, planner, base)
        fixed_support = (
            _instant(item.support_due, planner)
            if item.support_due is not None and not isinstance(item.support_due, SupportDue)
            else None
        )
        rules = Rules(
            remind_before=item.remind_before or d.defaults.remind_before,
            escalate_every=item.escalate_every or d.defaults.escalate_every,
            due_soon=d.defaults.due_soon,
            support_due=item.support_due
            if isinstance(item.support_due, SupportDue)
            else d.defaults.support_due,
            support_due_fixed=fixed_support,
        )
        schedule = planner.schedule(due, rules)
        support_due, support_remind_at = schedule.support_due, schedule.support_remind_at
        receipt = planner.receipt(today, d.defaults.receipt_within)
        milestones = [
            Milestone(
                title=m.title,
                due=_instant(m.date, planner),
                remind_at=planner.before(
                    _instant(m.date, planner), m.remind_before or rules.remind_before
                ),
            )
            for m in item.milestones
        ]
        periods = planner.periods(today, due, item.reporting) if item.reporting else []
        every = rules.escalate_every
        items.append(
            ItemPlan(
                number=item.number,
                position=pos,
                title=item.title,
                description=item.description,
                lead=_expand(d, item.lead),
                support=_expand(d, item.support),
                due=due,
                remind_at=schedule.remind_at,
                escalate_every=every if isinstance(every, timedelta) else timedelta(days=1),
                rules=rules,
                due_explanation=explanation,
                review=d.defaults.review if item.review is None else item.review,
                max_extensions=d.defaults.max_extensions
                if item.max_extensions is None
                else item.max_extensions,
                support_due=support_due,
                support_remind_at=support_remind_at,
                due_soon_at=schedule.due_soon_at,
                escalation_ladder=schedule.escalation_ladder,
                receipt_remind_at=receipt[0],
                receipt_escalate_at=receipt[1],
                milestones=milestones,
                periods=periods,
            )
        )
    return DirectivePlan(
        code=d.code,
        title=d.title,
        committee=d.committee,
        issued_on=d.issued_on,
        timezone=d.timezone,
        note=d.note,
        calendar=d.calendar,
        units=d.units,
        items=items,
    )


def _instant(value: date | datetime, planner: Planner) -> datetime:
    if isinstance(value, datetime):
        return to_utc(value)
    return to_utc(end_of_day(value, planner.tz))


def _due(item: ItemDef, planner: Planner, base: date | None) -> tuple[datetime, list[str]]:
    """The item's deadline as a UTC instant, and how a relative one was counted."""
    if isinstance(item.due, RelativeDue):
        assert base is not None
        if item.due.working_days is not None:
            counted = planner.calendar.add_working_days(base, item.due.working_days)
        else:
            assert item.due.days is not None
            counted = planner.calendar.add_days(base, item.due.days)
        return _instant(counted.deadline, planner), counted.explanation
    return _instant(item.due, planner), []


def _describe(loc: Loc) -> str:
    if not loc:
        return "file"
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _with_lines(
    problems: list[Problem], root: yaml.Node | None, data: dict[str, Any]
) -> list[Problem]:
    out = []
    for p in problems:
        loc = _named_items(p.loc, data)
        out.append(Problem(loc, p.message, _line_of(root, p.loc)))
    return out


def _named_items(loc: Loc, data: dict[str, Any]) -> Loc:
    """`items[3]` becomes `items[3 "6.1"]`-style: people know items by number, not position."""
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        items = data.get("items")
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            number = items[loc[1]].get("number")
            if number is not None:
                return (f'item "{number}" (#{loc[1] + 1})', *loc[2:])
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


__all__ = ["DirectiveFileError", "Problem", "load_directive", "parse_directive"]
