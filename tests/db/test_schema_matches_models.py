"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dondoc.db.models import Base
from dondoc.db.session import SessionFactory


def test_the_migrated_schema_has_no_difference_from_the_models(sessions: SessionFactory) -> None:
    with sessions() as s:
        differences = compare_metadata(MigrationContext.configure(s.connection()), Base.metadata)
    assert differences == []
