"""The speech-to-text interface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from scoring.turns import Word


class SpeechToTextError(Exception):
    """The recogniser failed on this audio; the call goes on without this turn's text."""


@dataclass(frozen=True)
class Transcription:
    """Text of one utterance and its words, timed on the clock given by `offset`."""

    text: str
    words: tuple[Word, ...]


class SpeechToText(Protocol):
    """A loaded recogniser shared by all calls."""

    in_flight: int  # transcriptions running now

    async def transcribe(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        """Transcribe mono float32 16 kHz audio; word times are shifted by `offset` seconds."""
        ...

    async def preview(self, audio: np.ndarray) -> Transcription | None:
        """Optional work (live captions): a transcription only if the recogniser is idle."""
        ...
