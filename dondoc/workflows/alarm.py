"""A workflow timer without a task of its own: what the item's run loop sleeps on.

The item used to run each timer as `asyncio.ensure_future(workflow.sleep(wait))`: a task with
two coroutines, a future, two callbacks and a name of ~300 characters, ~2 KiB kept by every
cached open item. An `Alarm` is the same Temporal timer on the workflow's event loop
(`call_later`, as `asyncio.sleep` does). It starts where that task took its first step (the
step was queued with `call_soon` when the task was made) and is cancelled where cancelling that
task cancelled the timer (the sleep's future queued its callbacks with `call_soon`), so a run
issues the same StartTimer and CancelTimer commands in the same order, and recorded histories
replay. The timer carries no summary or event group, as `workflow.sleep(wait)` gave none: it is
only made by the run loop, which has no handler's event group and never waits with a timeout
(which leaves its timer options in the task's context).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class Alarm:
    """Rings once at `at` (`fired`), unless cancelled first."""

    __slots__ = ("_start", "_timer", "at", "fired")

    def __init__(self, at: datetime, wait: timedelta) -> None:
        self.at = at
        self.fired = False
        self._timer: asyncio.TimerHandle | None = None
        loop = asyncio.get_running_loop()
        self._start: asyncio.Handle | None = loop.call_soon(self._arm, wait.total_seconds())

    def _arm(self, seconds: float) -> None:
        self._start = None
        self._timer = asyncio.get_running_loop().call_later(seconds, self._ring)

    def _ring(self) -> None:
        self.fired, self._timer = True, None

    def cancel(self) -> None:
        """Cancel the timer (a CancelTimer command, on the loop's next turn); before it has
        started, it never starts."""
        if self._start is not None:
            self._start.cancel()
            self._start = None
        elif self._timer is not None:
            asyncio.get_running_loop().call_soon(self._timer.cancel)
            self._timer = None
