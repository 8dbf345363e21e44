"""Migration 0005: delivery states on the outbox and the contacts table, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from dondoc.db.migrate import alembic_config, upgrade
from tests.conftest import scratch_pg_schema

OLD_ROW = (
    "INSERT INTO notifications (key, directive_code, item_number, unit_code, kind, body, data,"
    " channel, created_at, sent_at) VALUES ('k', 'D', '1', 'U', 'reminder', 'b', '{}', 'log',"
    " '2026-01-01 00:00:00', SENT)"
)


def _check(url: str) -> None:
    engine = create_engine(url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        sent = "'2026-01-01 00:00:01'"
        conn.execute(text(OLD_ROW.replace("SENT", sent).replace("'k'", "'a'")))
        conn.execute(text(OLD_ROW.replace("SENT", "NULL").replace("'k'", "'b'")))
    upgrade(engine)
    with engine.connect() as conn:
        states = conn.execute(text("SELECT key, state, attempts FROM notifications ORDER BY key"))
        assert [tuple(r) for r in states] == [("a", "sent", 0), ("b", "pending", 0)]
        assert {"contacts"} <= set(inspect(conn).get_table_names())
    engine.dispose()


def test_old_outbox_rows_keep_their_delivery_on_sqlite(tmp_path: Path) -> None:
    """A row logged before delivery existed is `sent`; one never stamped is `pending`."""
    _check(f"sqlite:///{tmp_path / 'old.sqlite'}")


@pytest.mark.postgres
def test_old_outbox_rows_keep_their_delivery_on_postgresql() -> None:
    with scratch_pg_schema("dondoc_mig") as url:
        _check(url)
