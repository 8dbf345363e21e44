"""CLI tests run the typer app in-process: fresh settings and logging for each test."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from dondoc import logs
from dondoc.config import get_settings


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each invocation reads the environment again and sets up logging as a new process would;
    afterwards the root logger is as it was (its handler wrote to the runner's captured stderr)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    monkeypatch.setattr(logs, "_configured", False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    root.handlers[:], root.level = handlers, level
    structlog.reset_defaults()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A database of the test's own, and logs as JSON (never a terminal in tests)."""
    return {
        "DONDOC_DATABASE_URL": f"sqlite:///{tmp_path / 'dondoc.sqlite'}",
        "DONDOC_LOG_FORMAT": "json",
    }
