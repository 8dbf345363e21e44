"""The worker hands freed heap back to the system on a timer (glibc's malloc_trim)."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util

import pytest

from dondoc import worker


async def test_trims_on_its_period_and_stops_with_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    class Libc:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(worker.ctypes, "CDLL", lambda _name: Libc())
    async with worker.trimming_memory(0.01):
        await asyncio.sleep(0.1)
    trimmed = len(calls)
    await asyncio.sleep(0.05)

    assert trimmed >= 3
    assert calls == [0] * trimmed  # nothing after the worker stopped


async def test_zero_never_trims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker.ctypes, "CDLL", lambda _name: pytest.fail("loaded libc"))
    async with worker.trimming_memory(0):
        await asyncio.sleep(0.02)


def test_the_real_libc_call_exists_here() -> None:
    """On this glibc machine the trim is real, not skipped."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    assert libc.malloc_trim(0) in (0, 1)
