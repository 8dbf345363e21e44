"""SQLAlchemy 2 typed ORM: the projection of directives, items and everything done about them."""

from dondoc.db.models.accounts import ApiToken, Evidence, User, WebSession
from dondoc.db.models.base import NAMING, Base, UTCDateTime
from dondoc.db.models.directives import (
    Action,
    Assignment,
    Directive,
    Escalation,
    Item,
    Reminder,
    Report,
    Unit,
)
from dondoc.db.models.ledger import LedgerEntry, StandingSegment
from dondoc.db.models.outbox import Contact, Notification

__all__ = [
    "NAMING",
    "Action",
    "ApiToken",
    "Assignment",
    "Base",
    "Contact",
    "Directive",
    "Escalation",
    "Evidence",
    "Item",
    "LedgerEntry",
    "Notification",
    "Reminder",
    "Report",
    "StandingSegment",
    "UTCDateTime",
    "Unit",
    "User",
    "WebSession",
]
