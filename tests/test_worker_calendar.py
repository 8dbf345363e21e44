"""The worker reads the site's calendar file once, at start, and refuses to start on a bad one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.config import Settings, get_settings
from dondoc.errors import InvalidSetting
from dondoc.worker import run_worker

BROKEN = 'days_off: {"31/02/2026": "nghỉ riêng"}\nworking_days: {"2026-01-10": "  "}\n'
NO_SERVER = "127.0.0.1:9"  # nothing listens there: a worker that got past the check would fail


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    path = tmp_path / "lich-rieng.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_a_worker_with_a_broken_calendar_file_refuses_to_start(
    broken_file: Path, tmp_path: Path
) -> None:
    """Before the database or the server: the file and each of its problems, on one line."""
    settings = Settings(
        calendar_file=broken_file,
        database_url=f"sqlite:///{tmp_path / 'dondoc.sqlite'}",
        temporal_address=NO_SERVER,
    )

    with pytest.raises(InvalidSetting) as err:
        await asyncio.wait_for(run_worker(settings), timeout=30)

    message = str(err.value)
    assert "\n" not in message
    assert str(broken_file) in message
    assert "days_off -> 31/02/2026" in message
    assert "working_days -> 2026-01-10" in message
    assert not (tmp_path / "dondoc.sqlite").exists()


def test_dondoc_worker_with_a_broken_calendar_file_prints_one_line_and_exits_2(
    broken_file: Path, tmp_path: Path, fresh_settings: None
) -> None:
    env = {
        "DONDOC_CALENDAR_FILE": str(broken_file),
        "DONDOC_DATABASE_URL": f"sqlite:///{tmp_path / 'dondoc.sqlite'}",
        "TEMPORAL_ADDRESS": NO_SERVER,
    }

    result = CliRunner().invoke(app, ["worker"], env=env)

    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"dondoc: DONDOC_CALENDAR_FILE={broken_file}: ")
