"""`dondoc summary`, `dondoc export` and `dondoc status --as-of` on the seed's 2024 story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.db.session import open_database
from tests.cli.test_errors import one_line_error
from tests.exports.seed_history import record_seed


@pytest.fixture
def seeded(env: dict[str, str]) -> str:
    return record_seed(open_database(env["DONDOC_DATABASE_URL"]))


def test_summary_json_gives_the_totals_at_the_cutoff(
    runner: CliRunner, env: dict[str, str], seeded: str, tmp_path: Path
) -> None:
    chart, gantt = tmp_path / "rate.svg", tmp_path / "gantt.svg"
    args = ["summary", "--as-of", "2024-12-31", "--json", "--chart", str(chart)]
    result = runner.invoke(app, [*args, "--directive", seeded, "--gantt", str(gantt)], env=env)
    assert result.exit_code == 0, result.output
    total = json.loads(result.stdout)["total"]["counts"]
    assert (total["completed_on_time"], total["completed_late"], total["recalled"]) == (6, 2, 1)
    assert chart.read_text().startswith("<svg")
    assert gantt.read_text().startswith("<svg")


def test_summary_table_is_in_vietnamese(
    runner: CliRunner, env: dict[str, str], seeded: str
) -> None:
    result = runner.invoke(app, ["summary", "--period", "2024-Q2", "--by", "directive"], env=env)
    assert result.exit_code == 0, result.output
    assert "Số liệu tính đến 23:59 ngày 30/06/2024; kỳ 01/04/2024–30/06/2024" in result.stdout


def test_status_as_of_shows_the_deadline_then(
    runner: CliRunner, env: dict[str, str], seeded: str
) -> None:
    """Item 3's deadline was extended on 20/09/2024: on 19/09 the status still shows 15/10."""
    before = runner.invoke(app, ["status", seeded, "--as-of", "2024-09-19", "--json"], env=env)
    after = runner.invoke(
        app, ["status", seeded, "--as-of", "2024-09-21T00:00+07:00", "--json"], env=env
    )
    dues = [
        next(i["due"] for i in json.loads(r.stdout)["items"] if i["number"] == "3")[:10]
        for r in (before, after)
    ]
    assert dues == ["2024-10-15", "2024-10-31"]
    view = json.loads(before.stdout)
    assert (view["total_items"], sum(view["status_counts"].values())) == (14, 14)


def test_export_writes_the_workbook(
    runner: CliRunner, env: dict[str, str], seeded: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.xlsx"
    args = ["export", seeded, "--as-of", "2024-12-31", "--format", "xlsx", "-o", str(out)]
    result = runner.invoke(app, args, env=env)
    assert (result.exit_code, result.stdout.strip()) == (0, str(out))
    assert load_workbook(out)["Báo cáo"]["A4"].value == "Số liệu tính đến ngày 31/12/2024"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["summary", "--as-of", "31/02/2024"], "dondoc: --as-of: day is out of range"),
        (["summary", "--as-of", "2024-06-14T10:00"], "dondoc: --as-of: '2024-06-14T10:00': give"),
        (["summary", "--period", "2024-Q9"], "dondoc: period: '2024-Q9': a period is"),
        (["summary", "--from", "2024-01-01"], "dondoc: period: --from and --to go together"),
        (["summary", "--gantt", "g.svg"], "dondoc: --gantt draws one directive's items"),
        (["export", "KHONG-CO"], "dondoc: unknown directive"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    runner: CliRunner, env: dict[str, str], args: list[str], message: str
) -> None:
    assert one_line_error(runner.invoke(app, args, env=env)).startswith(message)
