"""`dondoc start --dry-run FILE`: the whole check of `start`, and nothing stored or started."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.local.devserver import free_port

EXAMPLE = Path(__file__).parents[2] / "examples" / "dan-van-kheo-2024.yaml"


class TestDryRun:
    def test_a_valid_directive_is_shown_and_nothing_is_stored_or_started(
        self, runner: CliRunner, env: dict[str, str], tmp_path: Path
    ) -> None:
        """No server runs at TEMPORAL_ADDRESS and the database file is never created."""
        env["TEMPORAL_ADDRESS"] = f"127.0.0.1:{free_port()}"
        result = runner.invoke(app, ["start", "--dry-run", str(EXAMPLE)], env=env)
        assert (result.exit_code, "chưa khởi chạy" in result.stdout) == (0, True), result.output
        assert "127-KH/ĐU-DVK-D2" in result.stdout
        assert not (tmp_path / "dondoc.sqlite").exists()

    def test_an_invalid_directive_lists_its_problems_and_exits_2(
        self, runner: CliRunner, env: dict[str, str], tmp_path: Path
    ) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(
            "code: X\ntitle: T\ncommittee: A\nunits: [{code: A, name: A}]\n"
            "items:\n  - {number: '1', title: t, lead: [B], due: 31/02/2024}\n",
            encoding="utf-8",
        )
        result = runner.invoke(app, ["start", "--dry-run", str(bad)], env=env)
        assert result.exit_code == 2
        assert "unknown unit or group code 'B'" in result.stderr
        assert "not a real date" in result.stderr
