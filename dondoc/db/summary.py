"""`dondoc summary`: counts per category and on-time rates at a cut-off, per unit, directive or
item, counted in the database from the standing segments in force then (`db/standing.py`, kept
from the ledger by `status --as-of`'s own rule); only the counts come back."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, true
from sqlalchemy.orm import Session

from dondoc.db.models import Directive, Item, Unit
from dondoc.db.session import SessionFactory
from dondoc.db.standing import S, in_force, units_of
from dondoc.errors import UnknownDirective
from dondoc.schemas.summary import Category, Counts, Cutoff, Period, Summary, SummaryRow

By = Literal["unit", "directive", "item"]
Key = tuple[Any, ...]


def _at_least_one(x: ColumnElement[Any]) -> ColumnElement[Any]:
    expr: ColumnElement[Any] = case((x > 1, x), else_=literal(1))
    return expr


def _count(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((cond, literal(1)), else_=literal(0)))


def tally(
    keys: list[Any], at: datetime, tz: ZoneInfo, period: Period | None, scope: Any
) -> Select[Any]:
    """(keys…, category, items, due in period, overdue days, max overdue days) of the segments
    in force at `at`. In scope with a period: the items due in it, those completed or recalled
    in it, and those still open at the cut-off that fell due before it (carried over)."""
    at_day = at.astimezone(tz).date().toordinal()
    cat = case((S.due < at, S.after), else_=S.before)
    late = case(
        (
            and_(cat == Category.COMPLETED_LATE.value, S.done_day.is_not(None)),
            _at_least_one(S.done_day - S.due_day),
        ),
        (cat == Category.IN_PROGRESS_OVERDUE.value, _at_least_one(literal(at_day) - S.due_day)),
        else_=literal(0),
    )
    where = [in_force(at), scope]
    if period is None:
        due_counted: ColumnElement[bool] = S.due <= at
    else:
        start, end = period.start.toordinal(), period.end.toordinal()
        due_counted = S.due_day.between(start, end)
        where.append(
            or_(
                due_counted,
                S.closed_day.between(start, end),
                and_(S.closed_day.is_(None), S.due_day < start),
            )
        )
    return (
        select(
            *keys,
            cat.label("category"),
            func.count().label("n"),
            _count(due_counted).label("due"),
            func.sum(late).label("days"),
            func.max(late).label("most"),
        )
        .where(*where)
        .group_by(*keys, cat)
    )


class _Tally:
    def __init__(self) -> None:
        self.n: dict[str, int] = defaultdict(int)

    def add(self, r: Any) -> None:
        self.n[r.category] += r.n
        self.n["due_in_period"] += int(r.due or 0)
        self.n["overdue_days"] += int(r.days or 0)
        self.n["max_overdue_days"] = max(self.n["max_overdue_days"], int(r.most or 0))

    def row(self, key: str, name: str, role: str | None = None) -> SummaryRow:
        counts = Counts(**self.n)
        return SummaryRow(
            key=key,
            name=name,
            role=role,
            counts=counts,
            rate_of_completed=counts.rate_of_completed,
            rate_of_due=counts.rate_of_due,
        )


# What the rows are grouped by (with the category); every grouping covers each item once, so
# the total is their sum. Per unit, items with the same units are counted together, then each
# group is added to each of its units in its role.
_KEYS: dict[By, Any] = {"unit": S.units, "directive": S.directive_id, "item": S.item_id}


def summarize(
    sessions: SessionFactory,
    *,
    now: datetime,
    cutoff: Cutoff | None = None,
    period: Period | None = None,
    directive: str | None = None,
    by: By = "unit",
) -> Summary:
    """Counts at the cut-off (default: the period's last day, else now); a date cut-off ends in
    each directive's own timezone, the summary shows it in the first directive's."""
    if cutoff is None:
        cutoff = Cutoff(day=period.end) if period is not None else Cutoff(instant=now)
    total = _Tally()
    groups: dict[Key, _Tally] = defaultdict(_Tally)
    with sessions() as s:
        stmt = select(Directive.id, Directive.code, Directive.timezone).order_by(Directive.code)
        if directive is not None:
            stmt = stmt.where(Directive.code == directive)
        directives = s.execute(stmt).all()
        conn = s.connection()  # Core rows: only the counts come back
        if directive is not None and not directives:
            raise UnknownDirective(directive)
        zones: dict[str, list[int]] = defaultdict(list)
        for d in directives:
            zones[d.timezone].append(d.id)
        for name, ids in zones.items():
            at, tz = cutoff.resolve(name), ZoneInfo(name)
            scope = true() if directive is None and len(zones) == 1 else S.directive_id.in_(ids)
            for r in conn.execute(tally([_KEYS[by]], at, tz, period, scope)):
                total.add(r)
                if by != "unit":
                    groups[(r[0],)].add(r)
                    continue
                for code_role in units_of(r[0]):
                    groups[code_role].add(r)
        names, order = _names(s, by, directive, list(groups))
    zone = directives[0].timezone if directives else "UTC"
    return Summary(
        as_of=cutoff.resolve(zone),
        timezone=zone,
        start=period.start if period else None,
        end=period.end if period else None,
        directive=directive,
        by=by,
        total=total.row("*", "Tổng số"),
        rows=[groups[k].row(*names[k]) for k in order],
    )


Label = tuple[str, str, str | None]  # a row's key, name and role


def _names(
    s: Session, by: By, directive: str | None, keys: list[Key]
) -> tuple[dict[Key, Label], list[Key]]:
    """Each group's (key, name, role) and the groups in the order shown: leads first, then
    support, each by unit code; directives by code; items by directive and position."""
    present = set(keys)
    found: dict[Key, Label] = {}
    if by == "unit":
        stmt = select(Unit.code, Unit.name).join(Directive, Unit.directive_id == Directive.id)
        if directive is not None:
            stmt = stmt.where(Directive.code == directive)
        units: dict[Any, str] = {}
        for code, name in s.execute(stmt):
            units.setdefault(code, name)
        found = {k: (k[0], units.get(k[0]) or k[0], k[1]) for k in keys}
        return found, sorted(keys, key=lambda k: (k[1] != "lead", k[0]))
    if by == "directive":
        for r in s.execute(select(Directive.id, Directive.code, Directive.title)):
            if (r.id,) in present:
                found[(r.id,)] = (r.code, r.title, None)
        return found, sorted(found, key=lambda k: found[k][0])
    items = (
        select(Item.id, Item.number, Item.title, Directive.code)
        .join(Directive, Directive.id == Item.directive_id)
        .order_by(Directive.code, Item.position)
    )
    if directive is not None:
        items = items.where(Directive.code == directive)
    for i in s.execute(items):
        if (i.id,) in present:
            found[(i.id,)] = (f"{i.code}/{i.number}", f"{i.number}. {i.title}", None)
    return found, list(found)
