"""`dondoc import` as the lead will register it: a typer command, exit 2 with one line on errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dondoc.importer.text_cli import import_command

SEED = Path(__file__).parent / "texts" / "hoai-tan-dan-van-kheo-2024.txt"
UNITS = Path(__file__).parents[2] / "examples" / "units-hoai-tan.yaml"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("import")(import_command)
    app.command("other")(lambda: None)  # two commands, so "import" is a sub-command
    return app


class TestImportCommand:
    def test_a_file_is_drafted_to_stdout(self, app: typer.Typer) -> None:
        result = CliRunner().invoke(app, ["import", str(SEED), "--units", str(UNITS)])
        assert result.exit_code == 0
        assert result.stdout.startswith("# Bản nháp do `dondoc import` tạo từ")
        assert "lead: [KHOI_VAN]" in result.stdout

    def test_stdin_and_an_output_file(self, app: typer.Typer, tmp_path: Path) -> None:
        out = tmp_path / "draft.yaml"
        result = CliRunner().invoke(app, ["import", "-", "-o", str(out)], input=SEED.read_bytes())
        assert result.exit_code == 0
        assert "items need a deadline" in result.stderr
        assert 'number: "TCTH"' in out.read_text(encoding="utf-8")

    def test_an_existing_output_file_is_not_overwritten(
        self, app: typer.Typer, tmp_path: Path
    ) -> None:
        out = tmp_path / "draft.yaml"
        out.write_text("mine", encoding="utf-8")
        result = CliRunner().invoke(app, ["import", str(SEED), "-o", str(out)])
        assert (result.exit_code, out.read_text(encoding="utf-8")) == (2, "mine")

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["nope.txt"], "nope.txt: no such file"),
            (["-", "--format", "pdf"], "unknown format 'pdf'"),
            (["-", "--units", "nope.yaml"], "no such units file"),
        ],
    )
    def test_an_error_is_one_line_and_exit_code_2(
        self, app: typer.Typer, args: list[str], message: str
    ) -> None:
        result = CliRunner().invoke(app, ["import", *args], input=b"1. UBND chu tri.")
        assert result.exit_code == 2
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output
