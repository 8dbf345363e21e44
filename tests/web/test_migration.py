"""Migration 0006_web on both backends: from the previous head up, down and up again; an existing
action keeps its row with no user."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from dondoc.db.migrate import alembic_config, upgrade
from tests.conftest import scratch_pg_schema

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
    with scratch_pg_schema("dondoc_web") as url:
        _check(url)
