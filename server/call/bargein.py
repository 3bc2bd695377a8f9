"""When the rep's voice interrupts the prospect: a named strategy, not an if in a loop."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MinSpeechBargeIn:
    """Interrupt the prospect once the rep has spoken for `min_speech_s` without a break.

    A short threshold lets a rep cut in naturally; a cough or a "mm-hm" stays under it.
    """

    min_speech_s: float = 0.3

    def should_interrupt(self, prospect_playing: bool, rep_voiced_s: float) -> bool:
        """True when the prospect's audio must stop now."""
        return prospect_playing and rep_voiced_s >= self.min_speech_s
