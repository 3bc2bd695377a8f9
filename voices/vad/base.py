"""The voice-activity interface: a per-call stream that scores fixed frames."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class SpeechProbabilityStream(Protocol):
    """Stateful per-call detector; feed consecutive frames of `frame_samples`."""

    frame_samples: int

    def probabilities(self, audio: np.ndarray) -> list[float]:
        """Speech probability of each whole frame in `audio` (length a multiple of a frame)."""
        ...


class VoiceActivityModel(Protocol):
    """A loaded VAD model shared by every call; each call opens its own stream."""

    frame_samples: int

    def stream(self) -> SpeechProbabilityStream:
        """A fresh stream with its own recurrent state."""
        ...
