"""The text-to-speech interface."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Protocol


class TextToSpeechError(Exception):
    """The voice failed on this text; the call goes on with the line's text only."""


@dataclass(frozen=True)
class VoiceStyle:
    """How one prospect sounds through the shared voice model (a persona's voice).

    The defaults are the model's own delivery; a style only moves it.
    """

    length_scale: float = 1.0
    """Speaking time: above 1 slower, below 1 faster."""
    noise_scale: float | None = None
    """Variation in the voice's sound (piper's noise_scale); None: the model's default."""
    noise_w: float | None = None
    """Variation in the rhythm (piper's noise_w); None: the model's default."""
    pitch_semitones: float = 0.0
    """Pitch shift; positive is higher. Speaking time is kept."""

    def __post_init__(self) -> None:
        if not 0.5 <= self.length_scale <= 2.0:
            raise ValueError(f"length_scale {self.length_scale} is outside 0.5-2.0")
        for name in ("noise_scale", "noise_w"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.5:
                raise ValueError(f"{name} {value} is outside 0-1.5")
        if not -6.0 <= self.pitch_semitones <= 6.0:
            raise ValueError(f"pitch_semitones {self.pitch_semitones} is outside -6 to 6")


DEFAULT_STYLE = VoiceStyle()


class TextToSpeech(Protocol):
    """A loaded voice shared by all calls; each call may speak in its own style."""

    sample_rate: int

    def synthesize(self, text: str, style: VoiceStyle = DEFAULT_STYLE) -> AsyncIterator[bytes]:
        """PCM16 mono audio at `sample_rate`, one chunk per sentence as soon as it is ready."""
        ...

    async def prefetch(self, texts: Iterable[str], style: VoiceStyle = DEFAULT_STYLE) -> int:
        """Synthesise what is not cached yet, so these lines later play without delay."""
        ...
