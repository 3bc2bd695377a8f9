"""End-of-turn decisions: a pure state machine fed (seconds, is_speech) per frame."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Sensitivity(StrEnum):
    """How long a silence ends the rep's turn, in words a person understands."""

    RELAXED = "relaxed"
    DEFAULT = "default"
    AGGRESSIVE = "aggressive"

    @property
    def silence_seconds(self) -> float:
        return {"relaxed": 1.2, "default": 0.7, "aggressive": 0.45}[self.value]


class EndpointEvent(StrEnum):
    SPEECH_STARTED = "speech_started"
    TURN_ENDED = "turn_ended"


@dataclass
class Endpointer:
    """Decides when the rep started and finished a turn; knows nothing of audio or models.

    A turn starts after `speech_start_s` of voiced frames in a row (so a click or a
    breath is not a turn) and ends after `silence_s` of unvoiced frames.
    """

    silence_s: float = Sensitivity.DEFAULT.silence_seconds
    speech_start_s: float = 0.16
    in_speech: bool = False
    _voiced_run: float = 0.0
    _silent_run: float = 0.0

    def process(self, chunk_s: float, is_speech: bool) -> EndpointEvent | None:
        """Feed one frame; returns an event when the turn starts or ends."""
        if is_speech:
            self._voiced_run += chunk_s
            self._silent_run = 0.0
            if not self.in_speech and self._voiced_run >= self.speech_start_s:
                self.in_speech = True
                return EndpointEvent.SPEECH_STARTED
            return None
        self._voiced_run = 0.0
        if not self.in_speech:
            return None
        self._silent_run += chunk_s
        if self._silent_run >= self.silence_s:
            self.reset()
            return EndpointEvent.TURN_ENDED
        return None

    @property
    def voiced_run_s(self) -> float:
        """Seconds of consecutive speech that led to the current state."""
        return self._voiced_run

    def reset(self) -> None:
        """Forget any turn in progress."""
        self.in_speech = False
        self._voiced_run = 0.0
        self._silent_run = 0.0
