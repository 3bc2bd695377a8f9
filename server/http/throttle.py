"""Sign-in throttling: too many wrong passwords for one name, or from one address, and the
next tries wait. Kept in memory: a restart forgets it, which only costs an attacker a restart
they cannot cause."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

_MAX_KEYS = 10_000  # names and addresses tracked at once; the oldest are forgotten first


class SignInThrottle:
    """Counts failed sign-ins per key ("name:ann", "addr:10.0.0.7") in a sliding window."""

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()  # sign-ins run in FastAPI's thread pool

    def retry_after(self, keys: dict[str, int]) -> float:
        """Seconds until a sign-in may be tried; `keys` maps each key to its allowance."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key, allowed in keys.items():
                times = self._recent(key, now)
                if len(times) >= allowed:
                    wait = max(wait, times[len(times) - allowed] + self.window_s - now)
        return wait

    def failed(self, keys: dict[str, int]) -> None:
        """Count one failed sign-in against every key."""
        now = self._clock()
        with self._lock:
            for key in keys:
                times = self._failures.setdefault(key, deque())
                self._failures.move_to_end(key)
                times.append(now)
                while len(times) > keys[key]:  # older ones no longer decide anything
                    times.popleft()
            while len(self._failures) > _MAX_KEYS:
                self._failures.popitem(last=False)

    def forget(self, key: str) -> None:
        """A successful sign-in clears the name's count (not the address's)."""
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times
