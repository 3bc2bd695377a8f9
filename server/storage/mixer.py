"""Lays the rep's and the prospect's audio side by side on the call clock, in memory.

The rep's audio arrives contiguously and *is* the clock. The prospect's audio arrives ahead
of it, placed at a call-clock second; a barge-in may cut it later. So prospect audio waits
in `_pending` until the rep clock has passed it (plus a hold-back, so a cut decided a few
frames late still applies) and only then becomes frames that go to disk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class _Placed:
    start: int  # sample on the call clock
    samples: np.ndarray

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


class StereoMixer:
    """Rep audio left, prospect audio right; `take()` returns frames ready to write."""

    def __init__(self, rate: int, holdback_s: float = 0.25) -> None:
        self.rate = rate
        self._holdback = int(holdback_s * rate)
        self._rep: list[np.ndarray] = []
        self._rep_start = 0  # call-clock sample of the first buffered rep sample
        self._rep_len = 0  # samples buffered in _rep
        self._pending: list[_Placed] = []
        self.emitted = 0  # frames handed out by take()

    @property
    def rep_samples(self) -> int:
        """The rep clock, in samples."""
        return self._rep_start + self._rep_len

    @property
    def ready(self) -> int:
        """Frames that take() would hand out now."""
        return max(0, self.rep_samples - self._holdback - self.emitted)

    def add_rep(self, samples: np.ndarray) -> None:
        if len(samples):
            self._rep.append(np.asarray(samples, dtype=np.float32))
            self._rep_len += len(samples)

    def add_prospect(self, samples: np.ndarray, at: float) -> None:
        start = max(int(round(at * self.rate)), self.emitted)
        skip = start - int(round(at * self.rate))  # audio placed in the written past is dropped
        samples = np.asarray(samples, dtype=np.float32)[skip:]
        if len(samples):
            self._pending.append(_Placed(start, samples))

    def cut_prospect(self, at: float) -> None:
        """Drop prospect audio from call-clock second `at` on (barge-in)."""
        cut = max(int(round(at * self.rate)), self.emitted)
        kept: list[_Placed] = []
        for placed in self._pending:
            if placed.start < cut:
                kept.append(_Placed(placed.start, placed.samples[: cut - placed.start]))
        self._pending = kept

    def take(self, *, final: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Frames up to the rep clock minus the hold-back (everything, padded, if `final`)."""
        end = self.rep_samples if not final else max(
            [self.rep_samples] + [p.end for p in self._pending]
        )
        if not final:
            end -= self._holdback
        count = max(0, end - self.emitted)
        left = self._take_rep(count)
        right = np.zeros(count, dtype=np.float32)
        remaining: list[_Placed] = []
        for placed in self._pending:
            lo, hi = max(placed.start, self.emitted), min(placed.end, end)
            if hi > lo:
                right[lo - self.emitted : hi - self.emitted] += (
                    placed.samples[lo - placed.start : hi - placed.start]
                )
            if placed.end > end:
                remaining.append(placed)
        self._pending = remaining
        self.emitted += count
        return left, right

    def _take_rep(self, count: int) -> np.ndarray:
        """The next `count` rep samples from the buffer, zero-padded past the rep clock."""
        joined = np.concatenate(self._rep) if len(self._rep) > 1 else (
            self._rep[0] if self._rep else np.zeros(0, dtype=np.float32)
        )
        offset = self.emitted - self._rep_start
        left = np.zeros(count, dtype=np.float32)
        usable = max(0, min(count, len(joined) - offset))
        left[:usable] = joined[offset : offset + usable]
        rest = joined[offset + usable :]
        self._rep = [rest] if len(rest) else []
        self._rep_start = self.emitted + usable
        self._rep_len = len(rest)
        return left
