"""Sign-in throttling that slows a guesser without locking the real user out.

Wrong passwords for one name from one address make that pair's next try wait, longer after
each failure (`GrowingDelays`); too many failures from one address, whatever the names, make
that address wait (`SignInThrottle`). Nothing is counted per name alone, so a stranger cannot
lock a known user out from elsewhere, and a browser the user signed in from before is counted
on its own (docs/security.md). Kept in memory: a restart forgets it, which only costs an
attacker a restart they cannot cause.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

_MAX_KEYS = 10_000  # names and addresses tracked at once; the oldest are forgotten first
_PAIR_MEMORY_S = 3600.0  # a pair's failures count this long after its last one


class SignInThrottle:
    """Counts failed sign-ins per key ("addr:10.0.0.7") in a sliding window; `pairs` holds
    the growing waits of name and address pairs."""

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic,
                 pair_free: int = 5) -> None:
        self.window_s = window_s
        self._clock = clock
        # name and address pairs (or known browsers): waits grow up to the window
        self.pairs = GrowingDelays(pair_free, max_s=window_s, window_s=_PAIR_MEMORY_S,
                                   clock=clock)
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
        """Clear a key's count."""
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times


class GrowingDelays:
    """Per key ("pair:ann|10.0.0.7"): after `free` failures, each further one makes the next
    try wait twice as long as the last (1 s, 2 s, 4 s ... `max_s`); a key is forgotten
    `window_s` after its last failure, or on a success."""

    def __init__(self, free: int, max_s: float, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.max_s, self.window_s = free, max_s, window_s
        self._clock = clock
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # count, last
        self._lock = threading.Lock()

    def delay_after(self, failures: int) -> float:
        """How long the next try waits after this many failures in a row."""
        return 0.0 if failures < self.free else min(self.max_s, 2.0 ** (failures - self.free))

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again."""
        now = self._clock()
        with self._lock:
            count, last = self._failures.get(key, (0, now))
            if now - last > self.window_s:
                self._failures.pop(key, None)
                return 0.0
            return max(0.0, last + self.delay_after(count) - now)

    def failed(self, key: str) -> None:
        """Count one failure against `key`."""
        now = self._clock()
        with self._lock:
            count, last = self._failures.pop(key, (0, now))
            self._failures[key] = (1 if now - last > self.window_s else count + 1, now)
            while len(self._failures) > _MAX_KEYS:
                self._failures.popitem(last=False)

    def forget(self, key: str) -> None:
        """A successful sign-in clears the key."""
        with self._lock:
            self._failures.pop(key, None)
