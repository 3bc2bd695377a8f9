"""A growing mono audio track on the call clock, kept in memory for the call's lifetime."""

from __future__ import annotations

import numpy as np


class AudioTrack:
    """Append-only float32 samples with amortised growth and cheap slicing."""

    def __init__(self, sample_rate: int, initial_seconds: float = 30.0) -> None:
        self.sample_rate = sample_rate
        self._data = np.zeros(int(sample_rate * initial_seconds), dtype=np.float32)
        self._length = 0

    def __len__(self) -> int:
        return self._length

    @property
    def seconds(self) -> float:
        return self._length / self.sample_rate

    def append(self, samples: np.ndarray) -> None:
        """Add samples at the end, growing the buffer by doubling."""
        needed = self._length + len(samples)
        if needed > len(self._data):
            grown = np.zeros(max(needed, 2 * len(self._data)), dtype=np.float32)
            grown[: self._length] = self._data[: self._length]
            self._data = grown
        self._data[self._length : needed] = samples
        self._length = needed

    def slice(self, start: int, end: int) -> np.ndarray:
        """A copy of samples [start, end), clamped to what exists."""
        start = max(0, min(start, self._length))
        end = max(start, min(end, self._length))
        return self._data[start:end].copy()

    def samples(self) -> np.ndarray:
        """A copy of the whole track."""
        return self._data[: self._length].copy()
