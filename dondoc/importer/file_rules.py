"""A directive file's cross-field rules, read leniently from the raw data so that they are reported
alongside the type errors (units and groups that exist, one number per item, a lead per item)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dondoc.importer.problems import Problem
from dondoc.schemas.dates import quoted
from dondoc.schemas.directive import printable


def check(data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    units = _list(data.get("units"))
    unit_codes: set[str] = set()
    for i, u in enumerate(units):
        code = u.get("code") if isinstance(u, dict) else None
        if isinstance(code, str):
            if code in unit_codes:
                msg = f"unit code {quoted(code)} is listed twice"
                problems.append(Problem(("units", i, "code"), msg))
            unit_codes.add(code)
    tz = data.get("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.append(Problem(("timezone",), f"unknown timezone {quoted(tz)}"))
    committee = data.get("committee")
    if isinstance(committee, str) and unit_codes and committee not in unit_codes:
        msg = f"committee {quoted(committee)} is not one of the units"
        problems.append(Problem(("committee",), msg))
    raw_groups = data.get("groups")
    groups: dict[Any, Any] = raw_groups if isinstance(raw_groups, dict) else {}
    for g, members in groups.items():
        if g in unit_codes:
            problems.append(Problem(("groups", g), f"group {quoted(g)} has the code of a unit"))
        if not members:
            problems.append(Problem(("groups", g), f"group {quoted(g)} has no members"))
        for j, m in enumerate(_list(members)):
            if isinstance(m, str) and m not in unit_codes:
                msg = f"{quoted(m)} in group {quoted(g)} is not a unit"
                problems.append(Problem(("groups", g, j), msg))

    seen: dict[str, int] = {}
    for i, item in enumerate(_list(data.get("items"))):
        if not isinstance(item, dict):
            continue
        number = item.get("number")
        if isinstance(number, int | str) and not isinstance(number, bool):
            key = str(number).strip()
            if key in seen:
                msg = f"item number {quoted(key)} is used twice (first as item #{seen[key] + 1})"
                problems.append(Problem(("items", i, "number"), msg))
            seen.setdefault(key, i)
        problems += _check_item(item, i, unit_codes, groups)
    return problems


def control_characters(data: Any, path: tuple[str | int, ...] = ()) -> list[Problem]:
    """A control character in any text of the file, keys included (PostgreSQL refuses a NUL).

    The models refuse them in every field they know; this also covers text they pass on as it is
    (calendar reasons) with the same message, so each is reported once."""
    problems: list[Problem] = []
    if isinstance(data, str):
        try:
            printable(data)
        except ValueError as exc:
            problems.append(Problem(path, str(exc)))
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                problems += control_characters(key, (*path, key))
            problems += control_characters(value, (*path, str(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            problems += control_characters(value, (*path, i))
    return problems


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_item(
    item: dict[str, Any], i: int, unit_codes: set[str], groups: dict[Any, Any]
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
                msg = f"unknown unit or group code {quoted(code)}"
                problems.append(Problem(("items", i, role, j), msg))
        expanded[role] = members
    for code in sorted(expanded["lead"] & expanded["support"]):
        msg = f"unit {quoted(code)} is both lead and support"
        problems.append(Problem(("items", i, "support"), msg))
    return problems
