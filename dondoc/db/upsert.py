"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike: the idempotency primitive."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dondoc.db.models import Base


def insert_ignore(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose unique keys are new; returns how many were inserted."""
    return len(insert_new(session, model, rows, whole=False))


def insert_new(
    session: Session, model: type[Base], rows: list[dict[str, Any]], whole: bool = True
) -> list[Row[Any]]:
    """Insert the rows whose unique keys are new; returns those rows as inserted (every column,
    or only the id), so the caller acts on exactly what this statement added."""
    if not rows:
        return []
    table = model.__table__
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    # RETURNING tells what was really inserted; rowcount is -1 on psycopg for this statement.
    returned = table.c if whole else [table.c.id]
    stmt = module.insert(table).values(rows).on_conflict_do_nothing().returning(*returned)
    return list(session.execute(stmt).all())
