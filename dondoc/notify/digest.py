"""The daily digest: when it is due (working days, by the Vietnamese calendar) and what it says."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.db.models import Assignment, Directive, Item, Unit
from dondoc.deadlines.vn_calendar import VnCalendar
from dondoc.notify import texts
from dondoc.notify.outbox import Message
from dondoc.schemas.notify import Digest, NextDigest
from dondoc.schemas.status import ItemStatus

URGENCY = {"overdue": 0, "due_soon": 1, "not_received": 2}


def next_digest(after: datetime, at: str, timezone: str, calendar: VnCalendar) -> NextDigest:
    """The first working day's `at` (local) strictly after `after`."""
    tz = ZoneInfo(timezone)
    clock = time.fromisoformat(at)
    day = after.astimezone(tz).date()
    for _ in range(400):
        instant = datetime.combine(day, clock, tzinfo=tz)
        if instant > after and calendar.is_working_day(day):
            return NextDigest(day=day, at=instant.astimezone(UTC))
        day += timedelta(days=1)
    raise ValueError(f"no working day within 400 days after {after:%Y-%m-%d}")


def digest_lines(
    s: Session, at: datetime, unit: str | None = None
) -> dict[str, list[texts.DigestLine]]:
    """Per unit, its open items that are overdue, due soon or not received, most urgent first."""
    stmt = (
        select(Assignment.unit_code, Assignment.received_at, Item, Directive.code)
        .join(Item, Assignment.item_id == Item.id)
        .join(Directive, Item.directive_id == Directive.id)
        .where(Item.completed_at.is_(None), Assignment.active.is_(True))
        .where(Assignment.done.is_(False))
    )
    if unit is not None:
        stmt = stmt.where(Assignment.unit_code == unit)
    found: dict[str, list[texts.DigestLine]] = defaultdict(list)
    for code, received_at, item, directive_code in s.execute(stmt):
        state = _state(item, received_at, at)
        if state is not None:
            found[code].append(
                texts.DigestLine(directive_code, item.number, item.title, item.due, state)
            )
    for lines in found.values():
        lines.sort(key=lambda li: (URGENCY[li.state], li.due, li.directive_code, li.number))
    return dict(found)


def _state(item: Item, received_at: datetime | None, at: datetime) -> str | None:
    if item.due <= at:
        return "overdue"
    if (item.due_soon_at is not None and item.due_soon_at <= at) or (
        item.status == ItemStatus.DUE_SOON.value
    ):
        return "due_soon"
    if received_at is None and item.status == ItemStatus.NOT_RECEIVED.value:
        return "not_received"
    return None


def unit_names(s: Session, codes: set[str]) -> dict[str, str]:
    rows = s.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes)).order_by(Unit.id))
    return {str(code): str(name) for code, name in rows}


def build_digests(
    s: Session, day: date, at: datetime, timezone: str, unit: str | None = None
) -> list[Digest]:
    tz = ZoneInfo(timezone)
    lines = digest_lines(s, at, unit)
    names = unit_names(s, set(lines))
    return [
        Digest(
            unit_code=code,
            subject=texts.digest_title(names.get(code, code), day),
            body=texts.digest_body(names.get(code, code), day, found, at, tz),
            items=len(found),
        )
        for code, found in sorted(lines.items())
    ]


def digest_message(d: Digest, day: date, key: str) -> Message:
    return Message(
        key=key,
        directive_code="",
        item_number=None,
        unit_code=d.unit_code,
        kind="digest",
        body=d.body,
        data={"day": day.isoformat(), "title": d.subject, "items": d.items},
    )
