"""`dondoc simulate`'s first and last day, decided before any server starts; the file read once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.db.timeline import Timeline
from dondoc.errors import InvalidFile, InvalidInput
from dondoc.importer.resolve import resolve as real_resolution
from dondoc.importer.yaml_file import read_directive_file
from dondoc.local import simulate as sim
from dondoc.schemas.directive import DirectiveFile, DirectivePlan

EXAMPLES = Path(__file__).parents[2] / "examples"
SEED = EXAMPLES / "dan-van-kheo-2024.yaml"  # no issued_on
TODAY = date(2026, 12, 1)


def report(day: date) -> sim.ScriptedReport:
    return sim.ScriptedReport(date=day, item="1", unit="KHOI_VAN", progress=10)


def issued(tmp_path: Path, day: str) -> Path:
    path = tmp_path / "issued.yaml"
    path.write_text(
        SEED.read_text(encoding="utf-8").replace("\ncode:", f"\nissued_on: {day}\ncode:", 1),
        encoding="utf-8",
    )
    return path


class TestStart:
    def test_start_is_the_option_when_given(self) -> None:
        _, first = sim.read_directive(SEED, date(2024, 4, 15), [report(date(2024, 5, 2))], TODAY)
        assert (first.day, first.source, first.guessed) == (date(2024, 4, 15), "--start", False)

    def test_else_the_issue_date(self, tmp_path: Path) -> None:
        plan, first = sim.read_directive(issued(tmp_path, "10/04/2024"), None, [], TODAY)
        assert (first.day, first.source, plan.issued_on) == (
            date(2024, 4, 10),
            "issued_on",
            date(2024, 4, 10),
        )

    def test_else_the_first_scripted_report_said_as_a_guess(self) -> None:
        _, first = sim.read_directive(SEED, None, [report(date(2024, 5, 2))], TODAY)
        assert (first.day, first.guessed, first.said()) == (
            date(2024, 5, 2),
            True,
            "02/05/2024 (the first scripted report: no --start, and no issued_on in the file)",
        )

    def test_else_today(self) -> None:
        _, first = sim.read_directive(SEED, None, [], TODAY)
        assert first.said() == "01/12/2026 (today: no --start, and no issued_on in the file)"

    def test_the_file_is_read_and_validated_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """simulate read and validated the directive twice (once as of today, once as of start)."""
        reads: list[Path] = []
        checks: list[str] = []
        resolved: list[date] = []
        real_read, real_check, real_resolve = Path.read_bytes, read_directive_file, real_resolution

        def read_bytes(self: Path) -> bytes:
            reads.append(self)
            return real_read(self)

        def check(data: bytes, source: str) -> DirectiveFile:
            checks.append(source)
            return real_check(data, source)

        def resolve(file: DirectiveFile, today: date, *rest: Any) -> DirectivePlan:
            resolved.append(today)
            return real_resolve(file, today, *rest)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        monkeypatch.setattr(sim, "read_directive_file", check)
        monkeypatch.setattr(sim, "resolve", resolve)
        sim.read_directive(SEED, None, [report(date(2024, 5, 2))], TODAY)
        assert (reads, checks, resolved) == ([SEED], [str(SEED)], [date(2024, 5, 2)])

    def test_a_missing_file_is_one_clear_error(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidFile, match=r"missing\.yaml: file: no such file"):
            sim.read_directive(tmp_path / "missing.yaml", None, [], TODAY)


class TestLastDay:
    def test_until_before_the_start_is_an_error_naming_both(self) -> None:
        plan, first = sim.read_directive(SEED, None, [], TODAY)
        with pytest.raises(InvalidInput) as caught:
            sim.last_day(plan, first, date(2024, 12, 31))
        assert str(caught.value) == (
            "--until 31/12/2024 is before the simulation's start, 01/12/2026 (today: no --start,"
            " and no issued_on in the file); give --start DATE or a later --until"
        )

    def test_without_until_30_days_after_the_last_deadline(self) -> None:
        plan, first = sim.read_directive(SEED, date(2024, 4, 15), [], TODAY)
        assert sim.last_day(plan, first, None) == date(2024, 11, 14)


class TestCommand:
    def test_until_before_today_exits_2_before_any_server_starts(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`dondoc simulate SEED --until 31/12/2024` printed "0 sự kiện" and exited 0."""

        async def no_server(*_: object) -> Timeline:
            raise AssertionError("the simulation must not start")

        monkeypatch.setattr(sim, "simulate", no_server)
        result = runner.invoke(app, ["simulate", str(SEED), "--until", "31/12/2024"])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("dondoc: --until 31/12/2024 is before the simulation's")
        assert "(today: no --start, and no issued_on in the file)" in result.stderr

    def test_a_guessed_start_is_said_on_stderr(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async def played(plan: DirectivePlan, first: sim.Start, last: date, _: object) -> Timeline:
            return Timeline(directive=plan.code, start=first.day, until=last, events=[])

        monkeypatch.setattr(sim, "simulate", played)
        reports = EXAMPLES / "dan-van-kheo-2024-reports.yaml"
        result = runner.invoke(
            app, ["simulate", str(SEED), "--reports", str(reports), "--until", "31/12/2024"]
        )
        assert (result.exit_code, result.stderr) == (
            0,
            "dondoc: the simulation starts on 02/05/2024 (the first scripted report: no --start,"
            " and no issued_on in the file)\n",
        )
        assert result.stdout.startswith("127-KH/ĐU-DVK-D2: 02/05/2024 → 31/12/2024, 0 sự kiện")
