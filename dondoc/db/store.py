"""Storing a validated directive before its workflow starts: all rows in one transaction."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.config import directive_workflow_id, item_workflow_id
from dondoc.db.models import Assignment, Directive, Item, Unit
from dondoc.db.session import SessionFactory
from dondoc.schemas.directive import DirectivePlan


class StoreOutcome(StrEnum):
    CREATED = "created"
    SAME = "same"  # stored before with identical content (an earlier start that did not finish)
    CONFLICT = "conflict"  # the code is taken by different content


def store_directive(sessions: SessionFactory, plan: DirectivePlan, now: datetime) -> StoreOutcome:
    digest = plan.content_hash()
    with sessions.begin() as s:
        existing = s.scalars(select(Directive).where(Directive.code == plan.code)).one_or_none()
        if existing is not None:
            return StoreOutcome.SAME if existing.content_hash == digest else StoreOutcome.CONFLICT
        _insert(s, plan, digest, now)
    return StoreOutcome.CREATED


def _insert(s: Session, plan: DirectivePlan, digest: str, now: datetime) -> None:
    directive = Directive(
        code=plan.code,
        title=plan.title,
        committee=plan.committee,
        issued_on=plan.issued_on,
        timezone=plan.timezone,
        note=plan.note,
        calendar=plan.calendar.model_dump(mode="json") if plan.calendar else None,
        content_hash=digest,
        workflow_id=directive_workflow_id(plan.code),
        status="in_progress",
        created_at=now,
    )
    directive.units = [Unit(code=u.code, name=u.name, emails=u.email or None) for u in plan.units]
    directive.items = [
        Item(
            number=i.number,
            position=i.position,
            title=i.title,
            description=i.description,
            workflow_id=item_workflow_id(plan.code, i.number),
            due=i.schedule.due,
            remind_at=i.schedule.remind_at,
            escalate_every_s=int(i.escalate_every.total_seconds()),
            status="in_progress",
            due_soon_at=i.schedule.due_soon_at,
            support_due=i.schedule.support_due,
            rules=i.rules.model_dump(mode="json"),
            extras=plan.extras(i),
            assignments=[Assignment(unit_code=c, role="lead") for c in i.lead]
            + [Assignment(unit_code=c, role="support") for c in i.support],
        )
        for i in plan.items
    ]
    s.add(directive)
