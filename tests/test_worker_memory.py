"""The worker hands freed heap back to the system on a timer (glibc's malloc_trim)."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from dondoc import worker
from dondoc.config import Settings
from tests.helpers import eventually


async def test_trims_on_its_period_and_stops_with_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    class Libc:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda _name: Libc())
    async with worker.trimming_memory(0.01):
        await asyncio.sleep(0.1)
    trimmed = len(calls)
    await asyncio.sleep(0.05)

    assert trimmed >= 3
    assert calls == [0] * trimmed  # nothing after the worker stopped


async def test_zero_never_trims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: pytest.fail("loaded libc"))
    async with worker.trimming_memory(0):
        await asyncio.sleep(0.02)


class FakeLibc:
    """glibc as the worker sees it: every load and every trim recorded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.loads: list[str] = []
        self.trims: list[int] = []
        monkeypatch.setattr(ctypes.util, "find_library", lambda _name: "libc.so.6")
        monkeypatch.setattr(ctypes, "CDLL", self._load)

    def _load(self, name: str) -> FakeLibc:
        self.loads.append(name)
        return self

    def malloc_trim(self, pad: int) -> int:
        self.trims.append(pad)
        return 1


@pytest.fixture
async def worker_env(
    monkeypatch: pytest.MonkeyPatch, skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """`dondoc worker`'s environment, pointed at the test server and a fresh database."""
    monkeypatch.setenv("TEMPORAL_ADDRESS", skipping_env.client.service_client.config.target_host)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'dondoc.sqlite'}")
    monkeypatch.setenv("DONDOC_TASK_QUEUE", f"tq-{tmp_path.name}")
    # run_worker stops on SIGINT/SIGTERM; here it must not take them from pytest.
    monkeypatch.setattr(asyncio.get_running_loop(), "add_signal_handler", lambda *_: None)


@pytest.mark.usefixtures("worker_env")
async def test_the_worker_trims_every_dondoc_malloc_trim_s_until_it_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DONDOC_MALLOC_TRIM_S", "0.01")
    libc = FakeLibc(monkeypatch)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_worker(Settings(), stop))

    async def trimmed_thrice() -> bool:
        return len(libc.trims) >= 3

    await eventually(trimmed_thrice)
    stop.set()
    await running
    trimmed = len(libc.trims)
    await asyncio.sleep(0.05)

    assert (libc.loads, libc.trims) == (["libc.so.6"], [0] * trimmed)


@pytest.mark.usefixtures("worker_env")
async def test_the_worker_never_trims_when_dondoc_malloc_trim_s_is_0(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DONDOC_MALLOC_TRIM_S", "0")
    libc = FakeLibc(monkeypatch)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_worker(Settings(), stop))

    await asyncio.sleep(0.3)
    stop.set()
    await running

    assert (libc.loads, libc.trims) == ([], [])
