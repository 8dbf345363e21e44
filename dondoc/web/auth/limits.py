"""Login failures, counted per username and per address: the sixth in a window is refused."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from threading import Lock

from dondoc.errors import DondocError


class TooManyAttempts(DondocError):
    kind = "too_many_attempts"
    http_status = 429

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(
            "too many failed sign-ins; wait a minute and try again"
            " (Đăng nhập sai quá nhiều lần, vui lòng thử lại sau một phút)"
        )
        self.retry_after_s = retry_after_s


class LoginLimiter:
    """In memory, per web process (one process serves a ward); keys are never logged."""

    def __init__(
        self, failures: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures, self.window_s, self.clock = failures, window_s, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        found = self._seen.setdefault(key, deque())
        while found and found[0] <= now - self.window_s:
            found.popleft()
        return found

    def check(self, keys: Iterable[str]) -> None:
        """Refuse (before the password is even checked) while a key is over its limit."""
        now = self.clock()
        with self._lock:
            for key in keys:
                recent = self._recent(key, now)
                if len(recent) >= self.failures:
                    raise TooManyAttempts(recent[0] + self.window_s - now)

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._seen) > 100_000:  # a flood of names: forget the stale ones
                self._seen = {k: v for k, v in self._seen.items() if self._recent(k, now)}


def login_keys(username: str, address: str) -> list[str]:
    return [f"user:{username.casefold()}", f"addr:{address}"]
