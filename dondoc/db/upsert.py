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
    # RETURNING counts what was really inserted; rowcount is -1 on psycopg for this statement.
    stmt = module.insert(table).values(rows).on_conflict_do_nothing().returning(table.c.id)
    return len(session.execute(stmt).all())
