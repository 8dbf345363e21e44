"""`dondoc status` of a large directive: one page of items, most urgent first, with counts over
every item; `dondoc start` watches the assignment with a progress bar on a terminal."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from sqlalchemy import update

from dondoc.cli.directives import watch_assignment
from dondoc.db.migrate import upgrade
from dondoc.db.models import Assignment
from dondoc.db.queries import assigned_count, directive_view
from dondoc.db.session import SessionFactory, make_engine, session_factory
from dondoc.schemas.messages import ItemStatus
from tests.db.test_store_queries import NOW, item_id, set_item, store
from tests.helpers import item_yaml


def seven_items(sessions: SessionFactory) -> str:
    """Items 1–7 due a day apart from day -2 on; 2 and 6 completed; item 5's lead refused."""
    code = store(sessions, [item_yaml(str(n), NOW + timedelta(days=n - 3)) for n in range(1, 8)])
    set_item(sessions, code, "2", status="completed_on_time", completed_at=NOW)
    set_item(sessions, code, "6", status="completed_late", completed_at=NOW)
    with sessions.begin() as s:
        s.execute(
            update(Assignment)
            .where(Assignment.item_id == item_id(sessions, code, "5"), Assignment.role == "lead")
            .values(refused_at=NOW)
        )
    return code


class TestPagedView:
    def test_pages_hold_open_items_by_deadline_then_the_completed(
        self, sqlite_sessions: SessionFactory
    ) -> None:
        code = seven_items(sqlite_sessions)
        pages = [
            [i.number for i in directive_view(sqlite_sessions, code, NOW, limit=3, offset=o).items]
            for o in (0, 3, 6)
        ]
        assert pages == [["1", "3", "4"], ["5", "7", "2"], ["6"]]

    def test_counts_cover_every_item_as_the_full_view_derives_them(
        self, sqlite_sessions: SessionFactory
    ) -> None:
        """The counts of a page (from plain rows) equal the statuses of the full view."""
        code = seven_items(sqlite_sessions)
        full = directive_view(sqlite_sessions, code, NOW)
        page = directive_view(sqlite_sessions, code, NOW, limit=2, offset=2)
        expected = dict(Counter(i.status for i in full.items))
        assert (expected, 7, 2, 2) == (
            page.status_counts,
            page.total_items,
            page.page,
            len(page.items),
        )
        assert {ItemStatus.OVERDUE, ItemStatus.COMPLETED_LATE} <= set(page.status_counts)

    def test_without_a_limit_every_item_in_the_directive_order(
        self, sqlite_sessions: SessionFactory
    ) -> None:
        code = seven_items(sqlite_sessions)
        view = directive_view(sqlite_sessions, code, NOW)
        expected = ([str(n) for n in range(1, 8)], 7, None)
        assert expected == ([i.number for i in view.items], view.total_items, view.limit)


def test_status_command_pages_and_its_json_keeps_the_view_shape(tmp_path: Path) -> None:
    """The table is preceded by the counts and the page; --json is a DirectiveView whose
    items are that page."""
    url = f"sqlite:///{tmp_path / 'dondoc.sqlite'}"
    upgrade(make_engine(url))
    code = seven_items(session_factory(make_engine(url)))
    env = {**os.environ, "DONDOC_DATABASE_URL": url, "COLUMNS": "200"}

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "dondoc", "status", code, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "7 nhiệm vụ:" in run("--limit", "3")
    assert "Trang 2/3" in run("--limit", "3", "--page", "2")
    data = json.loads(run("--json", "--limit", "3"))
    assert (len(data["items"]), data["total_items"], data["limit"]) == (3, 7, 3)
    assert {"directive", "items"} <= set(data)
    assert [i["number"] for i in data["items"]] == ["1", "3", "4"]


class TestWatchAssignment:
    def test_bar_runs_to_the_total(self) -> None:
        seen = iter([0, 2, 5, 5])
        screen = io.StringIO()
        console = Console(file=screen, force_terminal=True, width=100)
        assert watch_assignment(lambda: next(seen), 5, console, every_s=0)
        assert "5/5" in screen.getvalue()

    def test_a_stall_stops_watching_and_says_so(self) -> None:
        screen = io.StringIO()
        console = Console(file=screen, force_terminal=True, width=200)
        assert not watch_assignment(lambda: 1, 5, console, every_s=0.01, stall_s=0.05)
        assert "1/5 items assigned so far" in screen.getvalue()

    def test_assigned_count_reads_the_items_assigned(self, sqlite_sessions: SessionFactory) -> None:
        code = seven_items(sqlite_sessions)
        set_item(sqlite_sessions, code, "3", assigned_at=NOW)
        set_item(sqlite_sessions, code, "4", assigned_at=NOW)
        assert assigned_count(sqlite_sessions, code) == 2
