"""Who receives each outbox row: the unit's site contact, with a directive's own addresses for
that unit (its `units:` entry's `email:`) added or put first."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.db.models import Contact, Directive, Notification, Unit
from dondoc.schemas.notify import ChannelName, Recipient


def resolve(s: Session, rows: Sequence[Notification]) -> dict[int, Recipient | None]:
    """Each row's recipient, or None when its unit has no contact at all. While no contact is
    configured anywhere, everyone is logged (a trial or the demo needs no setup)."""
    if not rows:
        return {}
    units = {r.unit_code for r in rows}
    contacts = {
        c.unit_code: c for c in s.scalars(select(Contact).where(Contact.unit_code.in_(units)))
    }
    configured = bool(contacts) or s.scalar(select(Contact.id).limit(1)) is not None
    own = _directive_emails(s, {r.directive_code for r in rows if r.directive_code}, units)
    found: dict[int, Recipient | None] = {}
    for r in rows:
        contact, emails = contacts.get(r.unit_code), own.get((r.directive_code, r.unit_code))
        if contact is None and not emails:
            logged = Recipient(unit_code=r.unit_code, channels=[ChannelName.LOG])
            found[r.id] = None if configured else logged
            continue
        found[r.id] = _recipient(r.unit_code, contact, emails or [])
    return found


def _recipient(unit: str, c: Contact | None, directive_emails: list[str]) -> Recipient:
    emails = directive_emails or (list(c.emails) if c else [])
    channels = list(c.channels) if c and c.channels else []
    if c and not c.channels:
        channels = (["email"] if c.emails else []) + (["webhook"] if c.webhook_url else [])
    if directive_emails and ChannelName.EMAIL not in channels:
        channels.append(ChannelName.EMAIL)
    secret = c.webhook_secret if c else None
    return Recipient(
        unit_code=unit,
        emails=emails,
        webhook_url=c.webhook_url if c else None,
        webhook_secret=SecretStr(secret) if secret else None,
        channels=[ChannelName(ch) for ch in channels],
    )


def _directive_emails(
    s: Session, codes: set[str], units: set[str]
) -> dict[tuple[str, str], list[str]]:
    if not codes:
        return {}
    stmt = (
        select(Directive.code, Unit.code, Unit.emails)
        .join(Directive, Unit.directive_id == Directive.id)
        .where(Directive.code.in_(codes), Unit.code.in_(units))
    )
    return {(code, unit): list(emails) for code, unit, emails in s.execute(stmt) if emails}
