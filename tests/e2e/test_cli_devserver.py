"""The CLI end to end on the real dev server: server, worker, start, report, status, list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dondoc.local.devserver import free_port, port_open

pytestmark = pytest.mark.devserver
DONDOC = [sys.executable, "-m", "dondoc"]


class Engine:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port, self.ui_port = free_port(), free_port()
        self.env = {
            **os.environ,
            "TEMPORAL_ADDRESS": f"127.0.0.1:{self.port}",
            "DONDOC_DATABASE_URL": f"sqlite:///{tmp / 'dondoc.sqlite'}",
            "DONDOC_LOG_FORMAT": "json",
        }
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def start_server(self) -> None:
        self.server = subprocess.Popen(
            [
                *DONDOC,
                "server",
                "--port",
                str(self.port),
                "--ui-port",
                str(self.ui_port),
                "--db-file",
                str(self.tmp / "temporal.sqlite"),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not port_open(self.port):
            assert time.monotonic() < deadline, "dondoc server did not open its port"
            time.sleep(0.1)

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [*DONDOC, "worker"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / "worker.log", "ab"),  # noqa: SIM115
        )

    def stop(self) -> None:
        for proc in (self.worker, self.server):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
        self.worker = self.server = None

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*DONDOC, *args], env=self.env, capture_output=True, text=True, timeout=60
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = Engine(tmp_path)
    eng.start_server()
    eng.start_worker()
    yield eng
    eng.stop()


def directive_file(tmp: Path, code: str) -> Path:
    now = datetime.now(UTC)
    past = (now - timedelta(days=2)).astimezone().isoformat(timespec="seconds")
    soon = (now + timedelta(days=30)).strftime("%d/%m/%Y")
    text = f"""
code: "{code}"
title: "Chỉ thị thử nghiệm đầu cuối"
committee: DANG_UY
units:
  - {{code: DANG_UY, name: "Đảng ủy phường"}}
  - {{code: KHOI_VAN, name: "Khối vận"}}
  - {{code: UBND, name: "Ủy ban nhân dân phường"}}
  - {{code: MTTQ, name: "Ủy ban MTTQ Việt Nam phường"}}
items:
  - {{number: "1", title: "Nhiệm vụ đã quá hạn", lead: [UBND], support: [MTTQ], due: "{past}"}}
  - {{number: "2", title: "Nhiệm vụ còn hạn", lead: [KHOI_VAN], support: [MTTQ], due: "{soon}"}}
"""
    path = tmp / "directive.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def wait_for(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():  # type: ignore[operator]
                return
        except AssertionError:
            pass
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.3)


def test_cli_end_to_end(engine: Engine, tmp_path: Path) -> None:
    """start → report → status --json → list --overdue, then the state survives a server restart."""
    code = "E2E-01/ĐU"
    path = directive_file(tmp_path, code)
    started = engine.run("start", str(path))
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == f"dondoc/{code}"
    assert "already past due" in started.stderr

    again = engine.run("start", str(path))
    assert (again.returncode, "already started" in again.stderr) == (2, True)

    def item_started() -> bool:
        return engine.run("report", code, "2", "--unit", "MTTQ", "--progress", "10").returncode == 0

    wait_for(item_started)
    engine.ok("report", code, "2", "--unit", "KHOI_VAN", "--progress", "60", "--note", "Đang làm")
    done = engine.ok("report", code, "2", "--unit", "KHOI_VAN", "--done", "--report-id", "kv-1")
    assert "completed_on_time" in done
    # The report id is also the update id: a retry is answered with the first acknowledgement,
    # even after the report completed the item.
    repeat = engine.ok("report", code, "2", "--unit", "KHOI_VAN", "--done", "--report-id", "kv-1")
    assert repeat == done

    rejected = engine.run("report", code, "1", "--unit", "KHOI_VAN", "--progress", "5")
    assert rejected.returncode == 2
    assert "not assigned" in rejected.stderr
    assert "Traceback" not in rejected.stderr

    def escalated_and_completed() -> bool:
        status = json.loads(engine.ok("status", code, "--json"))
        items = {i["number"]: i for i in status["items"]}
        return bool(items["1"]["escalations"]) and items["2"]["status"] == "completed_on_time"

    wait_for(escalated_and_completed)
    status = json.loads(engine.ok("status", code, "--json"))
    assert status["directive"]["code"] == code
    assert status["directive"]["workflow_id"] == f"dondoc/{code}"
    assert status["directive"]["status"] == "in_progress"
    items = {i["number"]: i for i in status["items"]}
    assert items["1"]["status"] == "overdue"
    assert [e["level"] for e in items["1"]["escalations"]] == [1]
    assert items["1"]["due"].endswith("+07:00")
    units2 = {u["code"]: u for u in items["2"]["units"]}
    assert (units2["KHOI_VAN"]["role"], units2["KHOI_VAN"]["done"]) == ("lead", True)
    assert (units2["MTTQ"]["role"], units2["MTTQ"]["progress"]) == ("support", 10)
    assert units2["KHOI_VAN"]["last_report_at"].endswith("+07:00")

    overdue = json.loads(engine.ok("list", "--overdue", "--json"))
    assert [(r["directive_code"], r["number"]) for r in overdue["items"]] == [(code, "1")]
    by_unit = json.loads(engine.ok("list", "--unit", "KHOI_VAN", "--json"))
    assert [r["number"] for r in by_unit["items"]] == ["2"]
    table = engine.ok("status", code)
    assert "quá hạn" in table
    assert "hoàn thành đúng hạn" in table

    # Durable: stop everything, start again, and the open item still takes reports.
    engine.stop()
    engine.start_server()
    engine.start_worker()
    finish = engine.ok("report", code, "1", "--unit", "UBND", "--done")
    assert "completed_late" in finish

    def directive_completed() -> bool:
        return json.loads(engine.ok("status", code, "--json"))["directive"]["status"] == "completed"

    wait_for(directive_completed)


def test_cli_expected_errors_exit_2_without_traceback(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: X\ntitle: T\ncommittee: NOPE\nunits: [{code: A, name: A}]\n"
        "items:\n  - {number: '1', title: t, lead: [B], due: 31/02/2024}\n",
        encoding="utf-8",
    )
    cases = [
        (("start", str(bad)), "committee 'NOPE' is not one of the units"),
        (("start", str(tmp_path / "missing.yaml")), "no such file"),
        (("status", "NO-SUCH"), "no directive with code 'NO-SUCH'"),
        (("report", "NO-SUCH", "1", "--unit", "A", "--progress", "5"), "unknown directive"),
        (("report", "X", "1", "--unit", "A"), "exactly one of --progress N or --done"),
    ]
    for args, message in cases:
        result = engine.run(*args)
        assert (result.returncode, message in result.stderr) == (2, True), (args, result.stderr)
        assert "Traceback" not in result.stderr
    problems = engine.run("start", str(bad)).stderr
    assert ":6:" in problems
    assert "unknown unit or group code 'B'" in problems
    assert "not a real date" in problems

    unreachable = subprocess.run(
        [*DONDOC, "start", str(directive_file(tmp_path, "U-1"))],
        env={**engine.env, "TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unreachable.returncode == 2
    assert "cannot reach the Temporal server" in unreachable.stderr
