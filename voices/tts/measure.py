"""What a voice sounds like, in numbers: the personas' voices are told apart and checked by
these (scripts/measure_voices.py, tests/real/test_voices.py)."""

from __future__ import annotations

import numpy as np


def median_pitch_hz(audio: np.ndarray, rate: int) -> float:
    """Median pitch (Hz) over voiced 40 ms frames, by autocorrelation in 60-400 Hz; 0 when
    nothing is voiced. Enough to compare voices, not a pitch tracker."""
    n, found = int(0.04 * rate), []
    lo, hi = int(rate / 400), int(rate / 60)
    for i in range(0, len(audio) - n, n // 2):
        frame = audio[i:i + n] - audio[i:i + n].mean()
        if np.sqrt(np.mean(frame ** 2)) < 0.02:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1:]
        k = lo + int(np.argmax(ac[lo:hi]))
        if ac[k] > 0.5 * ac[0]:  # clearly periodic: a voiced frame
            found.append(rate / k)
    return float(np.median(found)) if found else 0.0
