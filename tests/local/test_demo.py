"""`make demo`'s code path: the compressed seed directive, its script, and a short run."""

from __future__ import annotations

import ast
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

import dondoc
from dondoc.console import Renderer
from dondoc.db.timeline import EventKind
from dondoc.local.demo import EXAMPLE, compress, run_demo, script
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.messages import ItemStatus
from dondoc.schemas.views import DirectiveView
from dondoc.starter import read_plan

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def imported(node: ast.AST) -> list[str]:
    """The modules an import statement names (`from dondoc import cli` names `dondoc.cli`)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
    return []


class TestImports:
    def test_no_local_face_reaches_back_into_the_cli(self) -> None:
        """demo.py imported `dondoc.cli` (inside a function) and rewrote its module global: the
        house's one import circle. Neither local/ nor console.py imports the CLI anywhere."""
        root = Path(dondoc.__file__).parent
        found = [
            f"{path.name}: {name}"
            for path in [*sorted((root / "local").glob("*.py")), root / "console.py"]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            for name in imported(node)
            if name.split(".")[:2] == ["dondoc", "cli"]
        ]
        assert found == []


class TestCompress:
    def test_every_deadline_falls_inside_the_run_in_three_waves(self) -> None:
        plan = compress(read_plan(EXAMPLE), T0, 40)
        offsets = sorted({round((i.schedule.due - T0).total_seconds(), 3) for i in plan.items})
        assert offsets == [14.0, 18.0, 22.0]

    def test_reminders_and_escalations_come_a_step_apart(self) -> None:
        plan = compress(read_plan(EXAMPLE), T0, 40)
        step = timedelta(seconds=6)
        assert {
            (i.schedule.due - i.schedule.remind_at, i.escalate_every, i.receipt_remind_at)
            for i in plan.items
        } == {(step, step, T0 + step)}


class TestScript:
    def test_items_1_3_4_finish_on_time_and_2_late(self) -> None:
        plan = compress(read_plan(EXAMPLE), T0, 40)
        due = {i.number: (i.schedule.due - T0).total_seconds() for i in plan.items}
        lead = {i.number: i.lead for i in plan.items}
        done = {(s.item, s.unit): s.at_s for s in script(plan, 40) if s.done}
        assert {n for (n, _) in done} == {"1", "2", "3", "4"}
        assert all(done[(n, u)] < due[n] for n in ("1", "3", "4") for u in lead[n]), (done, due)
        assert all(done[("2", u)] > due["2"] for u in lead["2"])

    def test_steps_are_in_time_order(self) -> None:
        steps = script(compress(read_plan(EXAMPLE), T0, 40), 40)
        assert [s.at_s for s in steps] == sorted(s.at_s for s in steps)


@pytest.fixture(scope="module")
async def demo_run() -> tuple[DirectiveView, list[str]]:
    """One short run of the demo (20 s of compressed timeline), its view and what it printed."""
    text = io.StringIO()
    view = await run_demo(20, Renderer(Console(file=text, width=160, color_system=None)))
    return view, text.getvalue().splitlines()


@pytest.mark.devserver
class TestRun:
    def test_the_status_table_is_the_last_word(
        self, demo_run: tuple[DirectiveView, list[str]]
    ) -> None:
        """The demo printed the table, then kept printing escalations after it: now the worker
        and the server stop first, and nothing is printed after the table."""
        view, lines = demo_run
        header = next(n for n, t in enumerate(lines) if t.startswith(f"{view.directive.code} — "))
        stopped = next(n for n, t in enumerate(lines) if "Everything the demo started" in t)
        after = [t for t in lines[header:] if " · nhiệm vụ " in t]
        assert (stopped < header, after) == (True, [])

    def test_the_report_at_the_cut_off_comes_before_the_table(
        self, demo_run: tuple[DirectiveView, list[str]]
    ) -> None:
        """The summary an office files (by item, at the end of the story) is printed before the
        status table, and its total row counts what the table shows: every item, three
        completed on time, one late."""
        view, lines = demo_run
        header = next(n for n, t in enumerate(lines) if t.startswith(f"{view.directive.code} — "))
        titles = [n for n, t in enumerate(lines) if "Tổng hợp kết quả thực hiện nhiệm vụ" in t]
        total = next(t for t in lines if "Tổng số" in t)
        cells = [c.strip() for c in total.replace("│", "|").split("|") if c.strip()]
        shown = [i.status for i in view.items]
        expected = [
            str(len(shown)),
            str(shown.count(ItemStatus.COMPLETED_ON_TIME)),
            str(shown.count(ItemStatus.COMPLETED_LATE)),
        ]
        assert expected[1:] == ["3", "1"]
        assert (titles and titles[0] < header, cells[1:4]) == (True, expected)

    def test_the_story_ends_as_the_readme_tells_it(
        self, demo_run: tuple[DirectiveView, list[str]]
    ) -> None:
        """Items 1, 3 and 4 finish on time, item 2 late; the rest run overdue and escalate."""
        view, _lines = demo_run
        statuses = {i.number: i.status for i in view.items}
        finished = {n: s for n, s in statuses.items() if s.completed}
        assert finished == {
            "1": ItemStatus.COMPLETED_ON_TIME,
            "2": ItemStatus.COMPLETED_LATE,
            "3": ItemStatus.COMPLETED_ON_TIME,
            "4": ItemStatus.COMPLETED_ON_TIME,
        }
        assert {s for n, s in statuses.items() if n not in finished} == {ItemStatus.OVERDUE}
        assert all(i.escalations for i in view.items if i.number not in finished)

    def test_what_it_prints_is_vietnamese_and_names_the_refused_report(
        self, demo_run: tuple[DirectiveView, list[str]]
    ) -> None:
        _, lines = demo_run
        refused = [t for t in lines if "not assigned" in t]
        assert (len(refused), "DAI_TRUYEN_THANH" in refused[0]) == (1, True)
        codes = [k for k in (*ActionKind, *EventKind) if "_" in k]
        assert [t for t in lines if any(code in t for code in codes)] == []
