"""The CLI's parsing and exit codes, without a Temporal server: every expected error is one line
on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dondoc.cli import app
from dondoc.local.devserver import free_port

EXAMPLE = Path(__file__).parents[2] / "examples" / "dan-van-kheo-2024.yaml"


def one_line_error(result: Result) -> str:
    """The error's line, after checking it is the only one and the exit code is 2."""
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


class TestSettings:
    def test_a_bad_log_format_names_the_variable_and_the_choices(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        """`DONDOC_LOG_FORMAT=xml dondoc list` printed a pydantic traceback."""
        result = runner.invoke(app, ["list"], env={**env, "DONDOC_LOG_FORMAT": "xml"})
        assert one_line_error(result) == (
            "dondoc: DONDOC_LOG_FORMAT: must be auto, json or console (got 'xml')"
        )

    def test_a_bad_number_names_the_variable(self, runner: CliRunner, env: dict[str, str]) -> None:
        result = runner.invoke(app, ["list"], env={**env, "DONDOC_ACTIVITY_THREADS": "many"})
        assert one_line_error(result) == (
            "dondoc: DONDOC_ACTIVITY_THREADS: Input should be a valid integer, unable to parse"
            " string as an integer (got 'many')"
        )

    def test_a_bad_log_level_names_the_variable(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        result = runner.invoke(app, ["worker"], env={**env, "DONDOC_LOG_LEVEL": "loud"})
        assert one_line_error(result) == (
            "dondoc: DONDOC_LOG_LEVEL: must be DEBUG, INFO, WARNING, ERROR or CRITICAL (got 'loud')"
        )

    def test_every_command_reads_the_settings_inside_the_guard(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        """Even a command that needs no server nor database refuses a bad setting cleanly."""
        result = runner.invoke(
            app, ["deadline", "20/01/2025", "--days", "3"], env={**env, "DONDOC_LOG_FORMAT": "x"}
        )
        assert one_line_error(result).startswith("dondoc: DONDOC_LOG_FORMAT: must be auto")

    def test_the_installed_command_exits_2_without_a_traceback(self, tmp_path: Path) -> None:
        """`python -m dondoc` (main(), as the `dondoc` script runs it) on a bad setting."""
        done = subprocess.run(
            [sys.executable, "-m", "dondoc", "list"],
            env={**os.environ, "DONDOC_LOG_FORMAT": "xml"},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert (done.returncode, done.stdout, done.stderr) == (
            2,
            "",
            "dondoc: DONDOC_LOG_FORMAT: must be auto, json or console (got 'xml')\n",
        )


class TestParsing:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["status"], "Missing argument 'code'"),
            (["report", "X", "1"], "Missing option '--unit'"),
            (["list", "--limit", "-1"], "Invalid value for '--limit'"),
            (["list", "--colour"], "No such option: --colour"),
            (["launch"], "No such command 'launch'"),
            (["report", "X", "1", "--unit", "A", "--progress", "lots"], "'--progress'"),
        ],
    )
    def test_usage_errors_exit_2_and_say_what_is_wrong(
        self, runner: CliRunner, env: dict[str, str], args: list[str], message: str
    ) -> None:
        result = runner.invoke(app, args, env=env)
        assert (result.exit_code, message in result.stderr) == (2, True), result.output
        assert "Traceback" not in result.stderr

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["report", "X", "1", "--unit", "A"], "give exactly one of --progress N or --done"),
            (
                ["report", "X", "1", "--unit", "A", "--progress", "5", "--done"],
                "give exactly one of --progress N or --done",
            ),
            (
                ["report", "X", "1", "--unit", "A", "--progress", "5", "--report-id", ""],
                "invalid input: report_id: String should have at least 1 character",
            ),
            (
                ["explain", "decide", "X", "1", "--as", "C", "--decision", "pardon"],
                "--decision must be one of extend, reassign, recall, note",
            ),
            (["deadline", "31/02/2024", "--days", "3"], "'31/02/2024' is not a real date"),
            (["deadline", "20/01/2025"], "give exactly one of --working-days N or --days N"),
            (["simulate", str(EXAMPLE), "--until", "soon"], "--until/--start: 'soon' is not a"),
        ],
    )
    def test_bad_values_are_one_line_and_exit_2(
        self, runner: CliRunner, env: dict[str, str], args: list[str], message: str
    ) -> None:
        line = one_line_error(runner.invoke(app, args, env=env))
        assert message in line, line


class TestWithoutServer:
    def test_an_unreachable_server_is_one_line_naming_the_address(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        address = f"127.0.0.1:{free_port()}"  # nothing listens there
        result = runner.invoke(
            app,
            ["report", "127-KH/ĐU", "1", "--unit", "UBND", "--progress", "10"],
            env={**env, "TEMPORAL_ADDRESS": address},
        )
        assert one_line_error(result).startswith(
            f"dondoc: cannot reach the Temporal server at {address} (namespace default)"
        )

    def test_status_of_an_unknown_directive_reads_only_the_database(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        result = runner.invoke(app, ["status", "NO-SUCH"], env=env)
        assert one_line_error(result) == (
            "dondoc: unknown directive: no directive with code 'NO-SUCH' has been started"
        )

    def test_list_on_an_empty_database_says_so(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        result = runner.invoke(app, ["list"], env=env)
        assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, "0 nhiệm vụ")

    def test_deadline_counts_and_explains(self, runner: CliRunner, env: dict[str, str]) -> None:
        result = runner.invoke(app, ["deadline", "20/01/2025", "--working-days", "10"], env=env)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("Hạn: ")
        assert all(line.startswith("  · ") for line in result.stdout.splitlines()[1:])
