"""`dondoc summary`: counts per category and on-time rates at a cut-off, per unit, directive or
item, from the ledger (grouped in the database, `db/asof_facts.py`; the status rule is
`status --as-of`'s own)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.db.asof import ItemAt
from dondoc.db.asof_facts import standing_at
from dondoc.db.models import Directive, Item, Unit
from dondoc.db.session import SessionFactory
from dondoc.errors import UnknownDirective
from dondoc.schemas.summary import Category, Counts, Cutoff, Period, Summary, SummaryRow

By = Literal["unit", "directive", "item"]


@dataclass(frozen=True)
class Standing:
    """One item at the cut-off, with what the summary counts."""

    directive: str
    number: str
    title: str
    state: ItemAt
    category: Category
    due_counted: bool  # due in the period (or by the cut-off, without a period)
    overdue_days: int


def standings(
    s: Session, cutoff: Cutoff, period: Period | None, directive: str | None
) -> tuple[list[Standing], datetime, str]:
    """Every item in scope at the cut-off, and the cut-off's instant (in the first directive's
    timezone; a date cut-off ends in each directive's own)."""
    stmt = select(Directive.id, Directive.code, Directive.timezone).order_by(Directive.code)
    if directive is not None:
        stmt = stmt.where(Directive.code == directive)
    directives = s.execute(stmt).all()
    if directive is not None and not directives:
        raise UnknownDirective(directive)
    zones: dict[str, list[Any]] = defaultdict(list)
    for d in directives:
        zones[d.timezone].append(d)
    out: list[Standing] = []
    zone = directives[0].timezone if directives else "UTC"
    for name, group in zones.items():
        at, tz = cutoff.resolve(name), ZoneInfo(name)
        codes = {d.id: d.code for d in group}
        ids = select(Item.id).where(Item.directive_id.in_(codes))
        states = standing_at(s, ids, at)
        meta = s.connection().execute(
            select(Item.id, Item.directive_id, Item.number, Item.title)
            .where(Item.directive_id.in_(codes))
            .order_by(Item.directive_id, Item.position)
        )
        for m in meta:
            st = states.get(m.id)
            if st is None:
                continue
            standing = _standing(codes[m.directive_id], m.number, m.title, st, at, tz, period)
            if standing is not None:
                out.append(standing)
    return out, cutoff.resolve(zone), zone


def _standing(
    code: str,
    number: str,
    title: str,
    st: ItemAt,
    at: datetime,
    tz: ZoneInfo,
    period: Period | None,
) -> Standing | None:
    """The item's standing, or None when a period leaves it out: in scope are the items due in
    the period, those completed or recalled in it, and those still open at the cut-off that
    fell due before it (carried over)."""
    category = st.category(at)
    due_day = _day(st.due, tz)
    closed_at = st.completed_at if category.completed else st.recalled_at
    closed_day = _day(closed_at, tz) if closed_at is not None else None
    if period is None:
        due_counted = st.due <= at
    else:
        due_counted = period.start <= due_day <= period.end
        closed_in = closed_day is not None and period.start <= closed_day <= period.end
        carried = closed_day is None and due_day < period.start
        if not (due_counted or closed_in or carried):
            return None
    late_until = None
    if category == Category.COMPLETED_LATE and st.done_at is not None:
        late_until = _day(st.done_at, tz)
    elif category == Category.IN_PROGRESS_OVERDUE:
        late_until = _day(at, tz)
    days = max(1, (late_until - due_day).days) if late_until is not None else 0
    return Standing(code, number, title, st, category, due_counted, days)


def _day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


class _Tally:
    def __init__(self) -> None:
        self.n: dict[str, int] = defaultdict(int)

    def add(self, st: Standing) -> None:
        self.n[st.category.value] += 1
        self.n["due_in_period"] += int(st.due_counted)
        self.n["overdue_days"] += st.overdue_days
        self.n["max_overdue_days"] = max(self.n["max_overdue_days"], st.overdue_days)

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


def summarize(
    sessions: SessionFactory,
    *,
    now: datetime,
    cutoff: Cutoff | None = None,
    period: Period | None = None,
    directive: str | None = None,
    by: By = "unit",
) -> Summary:
    """Counts at the cut-off (default: the period's last day, else now)."""
    if cutoff is None:
        cutoff = Cutoff(day=period.end) if period is not None else Cutoff(instant=now)
    with sessions() as s:
        found, at, zone = standings(s, cutoff, period, directive)
        names = _names(s, by, directive)
    total = _Tally()
    groups: dict[tuple[str, str | None], _Tally] = defaultdict(_Tally)
    for st in found:
        total.add(st)
        if by == "unit":
            for u in st.state.units.values():
                if u.active:
                    groups[(u.code, u.role)].add(st)
        elif by == "directive":
            groups[(st.directive, None)].add(st)
        else:
            key = f"{st.directive}/{st.number}"
            names[key] = f"{st.number}. {st.title}"
            groups[(key, None)].add(st)
    order = list(groups)
    if by == "unit":  # leads first, then support, each by unit code
        order.sort(key=lambda k: (k[1] != "lead", k[0]))
    return Summary(
        as_of=at,
        timezone=zone,
        start=period.start if period else None,
        end=period.end if period else None,
        directive=directive,
        by=by,
        total=total.row("*", "Tổng số"),
        rows=[groups[k].row(k[0], names.get(k[0], k[0]), k[1]) for k in order],
    )


def _names(s: Session, by: By, directive: str | None) -> dict[str, str]:
    if by == "directive":
        return {d.code: d.title for d in s.scalars(select(Directive))}
    if by == "item":
        return {}
    stmt = select(Unit.code, Unit.name).join(Directive, Unit.directive_id == Directive.id)
    if directive is not None:
        stmt = stmt.where(Directive.code == directive)
    names: dict[str, str] = {}
    for code, name in s.execute(stmt):
        names.setdefault(code, name)
    return names
