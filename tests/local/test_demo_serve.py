"""`dondoc demo --serve`: after the story the web serves it with demo accounts until Ctrl-C,
then everything it started is stopped."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dondoc.local.devserver import free_port, port_open

pytestmark = pytest.mark.devserver
ACCOUNT = re.compile(r"^\s+(donvi|capuy) / (\S+)\s+\((\w+), (\w+)\)")


def test_serve_prints_address_and_accounts_then_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "DONDOC_WEB_PORT": str(port), "DONDOC_LOG_FORMAT": "json"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dondoc", "demo", "--seconds", "20", "--serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "demo.log").open("w"),
        text=True,
    )
    try:
        assert proc.stdout is not None
        accounts: dict[str, tuple[str, str, str]] = {}
        deadline = time.monotonic() + 120
        address = None
        for line in proc.stdout:
            assert time.monotonic() < deadline, "the demo did not start serving"
            if found := re.search(r"The web is at (http://\S+/)", line):
                address = found.group(1)
            if found := ACCOUNT.match(line):
                accounts[found.group(1)] = (found.group(2), found.group(3), found.group(4))
            if "press Ctrl-C" in line:
                break
        assert address == f"http://127.0.0.1:{port}/", (tmp_path / "demo.log").read_text()[-2000:]
        password, role, unit = accounts["donvi"]
        with httpx.Client(base_url=address, timeout=30) as http:
            token = http.post(
                "/api/v1/session", json={"username": "donvi", "password": password}
            ).json()["token"]
            me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
            inbox = http.get(
                "/api/v1/items",
                params={"unit": unit, "status": "all"},
                headers={"Authorization": f"Bearer {token}"},
            ).json()
        assert (me["role"], me["unit"], role) == ("unit", unit, "unit")
        assert inbox["total"] > 0
        assert accounts["capuy"][1:] == ("committee", "DANG_UY")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        assert not port_open(port)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
