"""Who signs in: accounts and their roles, as the web and the CLI see them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from dondoc.schemas import Frozen


class UserRole(StrEnum):
    UNIT = "unit"  # acts for its unit on the items it is assigned
    COMMITTEE = "committee"  # decides on the directives whose committee is its unit
    CLERK = "clerk"  # văn thư: starts directives, manages users and contacts
    VIEWER = "viewer"  # reads everything, acts on nothing


class Account(Frozen):
    """A signed-in user: what every authorization decision is made on."""

    username: str
    name: str
    unit: str
    role: UserRole
    disabled: bool = False


class TokenInfo(Frozen):
    id: int
    username: str
    label: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
