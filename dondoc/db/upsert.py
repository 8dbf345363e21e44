"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike: the idempotency primitive."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dondoc.db.models import Base


def insert_ignore(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose unique keys are new; returns how many were inserted."""
    if not rows:
        return 0
    table = model.__table__
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table).values(rows).on_conflict_do_nothing()
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)
