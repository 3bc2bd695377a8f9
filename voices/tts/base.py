"""The text-to-speech interface."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Protocol


class TextToSpeechError(Exception):
    """The voice failed on this text; the call goes on with the line's text only."""


class TextToSpeech(Protocol):
    """A loaded voice shared by all calls."""

    sample_rate: int

    def synthesize(self, text: str) -> AsyncIterator[bytes]:
        """PCM16 mono audio at `sample_rate`, one chunk per sentence as soon as it is ready."""
        ...

    async def prefetch(self, texts: Iterable[str]) -> int:
        """Synthesise what is not cached yet, so these lines later play without delay."""
        ...
