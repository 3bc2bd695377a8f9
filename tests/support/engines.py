"""Scripted speech engines: the model boundary replaced by hand-written, instant stand-ins.

The rep's audio is scripted as loud stretches (speech) and silence; `ScriptedVAD` hears
loudness, `ScriptedSTT` returns the words the script says were spoken in the audio it is
given, `ScriptedTTS` speaks a tone whose length follows the text. Everything above them
(listener, endpointing, the prospect's voice, the dialog, scoring) is the real code.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

import numpy as np

from scoring.turns import Word
from voices.audio import SAMPLE_RATE
from voices.engines import Engines
from voices.stt.base import Transcription
from voices.tts.base import DEFAULT_STYLE, VoiceStyle

FRAME = 512  # samples per VAD frame, as Silero at 16 kHz


class _LoudnessStream:
    frame_samples = FRAME

    def probabilities(self, audio: np.ndarray) -> list[float]:
        frames = audio.reshape(-1, FRAME)
        return [1.0 if float(np.sqrt(np.mean(f * f))) > 0.05 else 0.0 for f in frames]


class ScriptedVAD:
    """Speech wherever the rep's audio is loud (the script's tone), silence elsewhere."""

    frame_samples = FRAME

    def stream(self) -> _LoudnessStream:
        return _LoudnessStream()


@dataclass(frozen=True)
class Utterance:
    """Words the script says the rep spoke from `start` to `end` (call-clock seconds)."""

    text: str
    start: float
    end: float


@dataclass
class ScriptedSTT:
    """Returns the scripted words whose middle falls inside the audio it is asked about.

    `hold` (when set) keeps every transcription waiting until the test releases it, so a
    test can see an early transcript still running when the rep goes on.
    """

    said: list[Utterance] = field(default_factory=list)
    hold: asyncio.Event | None = None
    in_flight: int = 0
    calls: list[tuple[float, float]] = field(default_factory=list)  # (start, end) asked
    cancelled: int = 0

    async def transcribe(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        end = offset + len(audio) / SAMPLE_RATE
        self.calls.append((offset, end))
        self.in_flight += 1
        try:
            if self.hold is not None:
                await self.hold.wait()
            else:
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1
        return self._words_between(offset, end)

    async def preview(self, audio: np.ndarray) -> Transcription | None:
        return None  # the scripted recogniser is never idle enough for live captions

    async def retranscribe(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        """The scorecard's second pass (voices/stt/accurate.py) asks the same way."""
        return await self.transcribe(audio, offset)

    def _words_between(self, start: float, end: float) -> Transcription:
        words: list[Word] = []
        for said in self.said:
            if start <= (said.start + said.end) / 2 <= end:
                tokens = said.text.split()
                step = (said.end - said.start) / len(tokens)
                words.extend(Word(token, said.start + i * step, said.start + (i + 1) * step, 0.9)
                             for i, token in enumerate(tokens))
        return Transcription(" ".join(w.text for w in words), tuple(words))


@dataclass
class ScriptedTTS:
    """Speaks every text as a tone of `seconds_per_word` a word, one chunk per sentence."""

    sample_rate: int = 16_000
    seconds_per_word: float = 0.25
    spoken: list[str] = field(default_factory=list)
    styles: list[VoiceStyle] = field(default_factory=list)  # the voice each text was said in
    prepared: list[str] = field(default_factory=list)  # texts made ahead (prefetch)

    async def synthesize(self, text: str, style: VoiceStyle = DEFAULT_STYLE) -> AsyncIterator[bytes]:
        self.spoken.append(text)
        self.styles.append(style)
        for sentence in filter(None, (s.strip() for s in text.replace("?", ".").split("."))):
            await asyncio.sleep(0)
            yield tone(len(sentence.split()) * self.seconds_per_word, self.sample_rate)

    async def prefetch(self, texts: Iterable[str], style: VoiceStyle = DEFAULT_STYLE) -> int:
        self.prepared.extend(texts)
        return 0


def tone(seconds: float, rate: int = SAMPLE_RATE) -> bytes:
    """A loud 220 Hz tone as PCM16: speech to the scripted VAD."""
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * 220 * t) * 12_000).astype("<i2").tobytes()


def scripted_engines(said: Iterable[Utterance] = ()) -> tuple[Engines, ScriptedSTT, ScriptedTTS]:
    """Engines for one test, with handles on the recogniser and the voice."""
    stt = ScriptedSTT(list(said))
    tts = ScriptedTTS()
    return Engines(stt=stt, tts=tts, vad=ScriptedVAD()), stt, tts
