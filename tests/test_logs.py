"""`logs.configure_logging`: once per entry point, JSON off a terminal, stdlib records too."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from dondoc import logs


@pytest.fixture(autouse=True)
def new_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test configures logging as a fresh entry point; the test run's own logging returns."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    monkeypatch.setattr(logs, "_configured", False)
    yield
    root.handlers[:], root.level = handlers, level
    structlog.reset_defaults()


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    captured = capsys.readouterr()
    assert captured.out == ""
    return [json.loads(line) for line in captured.err.splitlines()]


class TestConfigureLogging:
    def test_json_lines_carry_event_level_logger_and_time(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        logs.configure_logging("json", "INFO")
        structlog.get_logger("dondoc.test").info("item_escalated", item="6.1", level=2)
        [line] = lines(capsys)
        assert line.pop("timestamp").endswith("Z")
        assert line == {
            "event": "item_escalated",
            "item": "6.1",
            "level": "info",
            "logger": "dondoc.test",
        }

    def test_vietnamese_text_stays_readable_in_json(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        logs.configure_logging("json", "INFO")
        structlog.get_logger("dondoc.test").info("notification_sent", body="Nhắc việc")
        assert '"body": "Nhắc việc"' in capsys.readouterr().err

    def test_stdlib_records_go_through_the_same_renderer(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The SDK's `workflow.logger` is stdlib logging; its ids become top-level keys."""
        logs.configure_logging("json", "INFO")
        logging.getLogger("temporalio.workflow").warning(
            "retrying", extra={"temporal_workflow": {"workflow_id": "dondoc/X/item/1"}, "unit": "U"}
        )
        [line] = lines(capsys)
        assert (line["event"], line["level"], line["workflow_id"], line["unit"]) == (
            "retrying",
            "warning",
            "dondoc/X/item/1",
            "U",
        )

    def test_the_level_filters_and_the_sdk_is_never_below_info(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        logs.configure_logging("json", "DEBUG")
        log = structlog.get_logger("dondoc.test")
        log.debug("shown")
        logging.getLogger("temporalio.worker").debug("per-poll noise")
        assert [line["event"] for line in lines(capsys)] == ["shown"]

    def test_warning_level_keeps_info_out(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Client commands print results; only warnings and errors reach stderr."""
        logs.configure_logging("json", "WARNING")
        structlog.get_logger("dondoc.test").info("quiet")
        structlog.get_logger("dondoc.test").warning("loud")
        assert [line["event"] for line in lines(capsys)] == ["loud"]

    def test_console_format_is_for_people(self, capsys: pytest.CaptureFixture[str]) -> None:
        logs.configure_logging("console", "INFO")
        structlog.get_logger("dondoc.test").info("worker_started", task_queue="dondoc")
        err = capsys.readouterr().err
        assert ("worker_started" in err, "task_queue" in err, err.lstrip().startswith("{")) == (
            True,
            True,
            False,
        )

    def test_auto_is_json_off_a_terminal(self, capsys: pytest.CaptureFixture[str]) -> None:
        logs.configure_logging("auto", "INFO")
        structlog.get_logger("dondoc.test").info("piped")
        assert [line["event"] for line in lines(capsys)] == ["piped"]

    def test_only_the_first_call_of_an_entry_point_counts(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A command sets logging up once; a later call (a library, a test) changes nothing."""
        logs.configure_logging("json", "WARNING")
        logs.configure_logging("console", "DEBUG")
        structlog.get_logger("dondoc.test").info("quiet")
        structlog.get_logger("dondoc.test").error("still_json")
        assert [line["event"] for line in lines(capsys)] == ["still_json"]
