"""Hand-written failing engines: the real recogniser and voice, wrapped at the speech
boundary so that a test decides when they fail (a real engine fails on bad input, a full
disk, a crashed worker; here the failure is injected, nothing else is faked)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import numpy as np

from voices.stt.base import SpeechToText, SpeechToTextError, Transcription
from voices.tts.base import DEFAULT_STYLE, TextToSpeech, TextToSpeechError, VoiceStyle


class FailingSpeechToText:
    """Fails every call from the `fail_from`-th on (1-based) until `heal()`; then the real one.

    Failing a stretch, not one call, matters: a turn may be transcribed several times (early,
    at each pause) and only the last attempt decides what the rep is told.
    """

    def __init__(self, inner: SpeechToText, fail_from: int = 1) -> None:
        self._inner = inner
        self.fail_from = fail_from
        self.calls = 0
        self.failures = 0
        self.healed = False

    def heal(self) -> None:
        self.healed = True

    async def transcribe(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        self.calls += 1
        if self.calls >= self.fail_from and not self.healed:
            self.failures += 1
            raise SpeechToTextError(f"injected recogniser failure (call {self.calls})")
        return await self._inner.transcribe(audio, offset)


class FailingTextToSpeech:
    """Raises on the given synthesis calls (1-based); the real voice otherwise."""

    def __init__(self, inner: TextToSpeech, fail_on: Iterable[int]) -> None:
        self._inner = inner
        self.fail_on = set(fail_on)
        self.calls = 0
        self.failures = 0

    @property
    def sample_rate(self) -> int:
        return self._inner.sample_rate

    async def synthesize(self, text: str, style: VoiceStyle = DEFAULT_STYLE) -> AsyncIterator[bytes]:
        self.calls += 1
        if self.calls in self.fail_on:
            self.failures += 1
            raise TextToSpeechError(f"injected voice failure (call {self.calls})")
        async for pcm in self._inner.synthesize(text, style):
            yield pcm

    async def prefetch(self, texts: Iterable[str], style: VoiceStyle = DEFAULT_STYLE) -> int:
        return await self._inner.prefetch(texts, style)
