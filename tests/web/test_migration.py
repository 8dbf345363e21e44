"""Migration 0006_web on both backends: from the previous head up, down and up again; an existing
action keeps its row with no user."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from dondoc.db.migrate import alembic_config, upgrade
from tests.conftest import PG_URL, pg_available

WEB_TABLES = {"users", "api_tokens", "web_sessions", "evidence"}


def _columns(conn: object, table: str) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns(table)}  # type: ignore[arg-type]


def _check(url: str) -> None:
    engine = create_engine(url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005_notify")
        assert not WEB_TABLES & set(inspect(conn).get_table_names())
    upgrade(engine)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= WEB_TABLES
        assert {"by_user"} <= _columns(conn, "actions") & _columns(conn, "reports")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005_notify")
        assert not WEB_TABLES & set(inspect(conn).get_table_names())
        assert "by_user" not in _columns(conn, "actions")
    upgrade(engine)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= WEB_TABLES
    engine.dispose()


def test_up_down_up_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'web.sqlite'}")


@pytest.mark.postgres
def test_up_down_up_on_postgresql() -> None:
    if not pg_available():
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    schema = f"dondoc_web_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        _check(f"{PG_URL}?options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
