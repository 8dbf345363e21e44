"""A checked directive file resolved into the plan that gets started: groups expanded, every
deadline a UTC instant, relative ones counted from `issued_on` or from the `today` handed in."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import ValidationError

from dondoc.deadlines.planner import Planner
from dondoc.importer.problems import DirectiveFileError, Problem
from dondoc.schemas.dates import end_of_day, to_utc
from dondoc.schemas.directive import DirectiveFile, DirectivePlan, ItemDef, ItemPlan, RelativeDue
from dondoc.schemas.messages import Milestone
from dondoc.schemas.overrides import CalendarOverrides, combined
from dondoc.schemas.timing import Rules, SupportDue


def resolve(
    d: DirectiveFile,
    today: date,
    site: CalendarOverrides | None = None,
    source: str = "<directive>",
) -> DirectivePlan:
    """The plan of `d` as of `today` (the day it is started, in its timezone), on the site's
    calendar overrides with the directive's own on top. Reads no clock, setting or file.

    Raises `DirectiveFileError` (places without lines) for an item whose deadlines fall past the
    calendar (its years end in 2100).
    """
    planner = Planner(d.timezone, combined(site, d.calendar))
    base = d.issued_on or today
    items: list[ItemPlan] = []
    problems: list[Problem] = []
    for pos, item in enumerate(d.items):
        try:
            items.append(_item(d, item, pos, planner, base, today))
        except ValidationError:
            raise  # a plan the models refuse is a bug here, not a problem of the file
        except (OverflowError, ValueError) as exc:  # a day past the calendar (OutsideCalendar)
            msg = f"its deadlines cannot be planned: {exc}"
            problems.append(Problem(("items", pos, "due"), msg))
    if problems:
        raise DirectiveFileError(source, problems)
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


def _item(
    d: DirectiveFile, item: ItemDef, pos: int, planner: Planner, base: date, today: date
) -> ItemPlan:
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
    every = rules.escalate_every
    return ItemPlan(
        number=item.number,
        position=pos,
        title=item.title,
        description=item.description,
        lead=_expand(d, item.lead),
        support=_expand(d, item.support),
        schedule=planner.schedule(due, rules),
        escalate_every=every if isinstance(every, timedelta) else timedelta(days=1),
        rules=rules,
        due_explanation=explanation,
        review=d.defaults.review if item.review is None else item.review,
        max_extensions=d.defaults.max_extensions
        if item.max_extensions is None
        else item.max_extensions,
        receipt_remind_at=receipt[0],
        receipt_escalate_at=receipt[1],
        milestones=milestones,
        periods=planner.periods(today, due, item.reporting) if item.reporting else [],
    )


def _expand(d: DirectiveFile, codes: list[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        for unit in d.groups.get(code, [code]):
            if unit not in out:
                out.append(unit)
    return out


def _instant(value: date | datetime, planner: Planner) -> datetime:
    if isinstance(value, datetime):
        return to_utc(value)
    return to_utc(end_of_day(value, planner.tz))


def _due(item: ItemDef, planner: Planner, base: date) -> tuple[datetime, list[str]]:
    """The item's deadline as a UTC instant, and how a relative one was counted."""
    if isinstance(item.due, RelativeDue):
        if item.due.working_days is not None:
            counted = planner.calendar.add_working_days(base, item.due.working_days)
        else:
            assert item.due.days is not None
            counted = planner.calendar.add_days(base, item.due.days)
        return _instant(counted.deadline, planner), counted.explanation
    return _instant(item.due, planner), []
