"""A directive's timeline read back from the database: what was sent, reported, decided, when."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy import select

from dondoc.db.models import Action, Directive, Item, Notification, Report
from dondoc.db.session import SessionFactory
from dondoc.labels import ACTION_DETAIL_VN, DONE_VN, level_label
from dondoc.schemas import Frozen
from dondoc.schemas.lifecycle import ActionKind


class EventKind(StrEnum):
    """Timeline entries that are not lifecycle actions (those carry an `ActionKind` value)."""

    ASSIGNMENT = "assignment"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    COMPLETION = "completion"
    REPORT = "report"
    REPORT_REJECTED = "report_rejected"
    STATUS = "status"


class TimelineEvent(Frozen):
    at: datetime
    item: str | None = None
    kind: str  # an EventKind or an ActionKind value
    units: list[str] = Field(default_factory=list)
    detail: str = ""


class Timeline(Frozen):
    directive: str
    start: date
    until: date
    events: list[TimelineEvent]


# Actions told from the actions table, whose data says more than their notification would.
FROM_ACTIONS = frozenset(ACTION_DETAIL_VN)


def timeline_events(
    sessions: SessionFactory, code: str, tz: ZoneInfo, shift: timedelta = timedelta(0)
) -> list[TimelineEvent]:
    """Every notification (one entry per moment and kind, listing its units), report, detailed
    action and completion of the directive, at local time; `shift` is taken off each instant
    (a time-skipping server runs the dates later than written)."""

    def local(t: datetime) -> datetime:
        return (t - shift).astimezone(tz)

    events: dict[tuple[datetime, str | None, str, str], TimelineEvent] = {}
    with sessions() as s:
        directive = s.scalars(select(Directive).where(Directive.code == code)).one()
        items = {i.id: i for i in s.scalars(select(Item).where(Item.directive_id == directive.id))}
        for n in s.scalars(
            select(Notification).where(
                Notification.directive_code == code, Notification.kind.not_in(FROM_ACTIONS)
            )
        ):
            level = n.data.get("level") if n.data else None
            detail = level_label(level) if level else ""
            key = (local(n.created_at), n.item_number, n.kind, detail)
            ev = events.get(key) or TimelineEvent(
                at=key[0], item=n.item_number, kind=n.kind, detail=detail
            )
            events[key] = ev.model_copy(update={"units": [*ev.units, n.unit_code]})
        for r in s.scalars(select(Report).where(Report.item_id.in_(items))):
            at, number = local(r.reported_at), items[r.item_id].number
            events[(at, number, EventKind.REPORT, r.unit_code)] = TimelineEvent(
                at=at,
                item=number,
                kind=EventKind.REPORT,
                units=[r.unit_code],
                detail=DONE_VN if r.done else f"{r.progress}%",
            )
        for a in s.scalars(
            select(Action).where(Action.item_id.in_(items), Action.kind.in_(FROM_ACTIONS))
        ):
            at, kind = local(a.at), ActionKind(a.kind)
            events[(at, items[a.item_id].number, kind, "")] = TimelineEvent(
                at=at,
                item=items[a.item_id].number,
                kind=kind,
                units=[directive.committee] if kind != ActionKind.PERIOD_CUTOFF else [],
                detail=ACTION_DETAIL_VN[kind].format_map(a.data),
            )
        for i in items.values():
            if i.completed_at is not None:
                at = local(i.completed_at)
                events[(at, i.number, EventKind.STATUS, i.status)] = TimelineEvent(
                    at=at, item=i.number, kind=EventKind.STATUS, detail=i.status
                )
    return sorted(events.values(), key=lambda e: (e.at, e.item or "", e.kind))
