"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike: the idempotency primitive."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dondoc.db.models import Base

# One statement object per (dialect, table, returned columns): the rows go in as parameters, so
# SQLAlchemy compiles it once per process; rows spelled into `.values([...])` are compiled anew
# on every call (most of a recording activity's CPU).
_STATEMENTS: dict[tuple[str, str, bool], Insert] = {}


def table_of(model: type[Base]) -> Table:
    """The model's Core table, for statements built once (at import) and run with parameters."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


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
    table = table_of(model)
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    # RETURNING tells what was really inserted; rowcount is -1 on psycopg for this statement.
    returned = table.c if whole else [table.c.id]
    keys = rows[0].keys()
    if any(r.keys() != keys for r in rows):
        # Rows naming different columns: the multi-row VALUES of old, whatever SQLAlchemy makes
        # of them (parameters would be bound by the first row's columns alone).
        stmt = module.insert(table).values(rows).on_conflict_do_nothing().returning(*returned)
        return list(session.execute(stmt).all())
    key = (dialect, table.name, whole)
    cached = _STATEMENTS.get(key)
    if cached is None:
        cached = module.insert(table).on_conflict_do_nothing().returning(*returned)
        _STATEMENTS[key] = cached
    # Several rows: SQLAlchemy's "insertmanyvalues" sends them as one multi-row INSERT.
    return list(session.connection().execute(cached, rows).all())
