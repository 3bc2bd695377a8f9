"""faster-whisper on the bundled tiny.en model (or any local CTranslate2 model directory)."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from faster_whisper import WhisperModel

from scoring.turns import Word
from voices.audio import SAMPLE_RATE, loud_frames
from voices.stt.base import SpeechToTextError, Transcription
from voices.stt.guard import LoopGuardOptions, TimedWord, collapse_repeats, loop_signs, outside
from voices.stt.models import resolve_model_path
from voices.stt.short_window import MAX_SHORT_S, ShortWindowDecoder

_LOGGER = logging.getLogger(__name__)

# Whisper writes clean prose unless its context shows disfluencies; a prompt dense with them
# keeps most "um"/"uh"/"er" that reps say, which the filler score depends on. Measured on the
# labelled set (scripts/measure_fillers.py, docs/scoring.md): hesitation recall 0.89 with this
# prompt, 0.67 with the sparser PROSE_FILLER_PROMPT, 0 with none; WER within a point of no prompt.
FILLER_PROMPT = "Um, uh, so, like, I mean, you know, umm, we, uh, er, hmm, it's, um, fine."
PROSE_FILLER_PROMPT = "Umm, let me think like, hmm... Okay, uh, so, you know, I mean, er, ah."


@dataclass(frozen=True)
class WhisperOptions:
    """Decoding options; greedy decoding keeps a turn's transcription fast on a CPU."""

    model: str = "tiny.en"
    cpu_threads: int = 2
    num_workers: int = 1
    beam_size: int = 1
    initial_prompt: str | None = FILLER_PROMPT
    hotwords: str | None = None  # faster-whisper puts these before the prompt
    compute_type: str = "int8"
    short_window: bool = True  # encode a short turn's own length, not 30 s (short_window.py)
    guard: LoopGuardOptions = field(default_factory=LoopGuardOptions)


LIVE_OPTIONS = WhisperOptions()
# The scorecard's main decoder (voices/stt/accurate.py): Whisper base joined from its PyPI
# parts (models.py); chosen by the measured WER and real-time factor in docs/transcripts.md.
ACCURATE_OPTIONS = WhisperOptions(model="base", beam_size=5, cpu_threads=1)


@dataclass
class GuardStats:
    """How often the loop guard fell back to the 30 s window, and what that cost."""

    decodes: int = 0
    fallbacks: int = 0
    fallback_s: float = 0.0
    trimmed: int = 0  # decodes the fallback did not fix: repeats cut, stray words dropped
    # looped short decodes whose first pass, repeats cut, covered all the speech: no fallback
    short_trimmed: int = 0

    def __add__(self, other: GuardStats) -> GuardStats:
        return GuardStats(self.decodes + other.decodes, self.fallbacks + other.fallbacks,
                          self.fallback_s + other.fallback_s, self.trimmed + other.trimmed,
                          self.short_trimmed + other.short_trimmed)


# The short window's token budget: 12 and 8 a second of audio (speech runs at 2-5 words,
# about 3-7 tokens, a second), so a looping decode stops after a repeat or two instead of
# running to 224 tokens (about 0.5 s of CPU on 2 cores) before the loop guard sees it.
_TOKENS = 12
_TOKENS_PER_S = 8


def token_budget(seconds: float) -> int:
    """Most tokens the short window generates for `seconds` of audio."""
    return _TOKENS + int(_TOKENS_PER_S * seconds)


# how far before the last loud frame a kept transcript may end: a word's quiet tail
_SPEECH_END_SLACK_S = 0.35


def _reaches_speech_end(words: list[TimedWord], audio: np.ndarray,
                       guard: LoopGuardOptions) -> bool:
    """Whether the last word ends near the audio's last loud 32 ms (a loop that began before
    the rep's last words would leave them out)."""
    loud = np.flatnonzero(loud_frames(audio, 512, guard.energy_floor_db))
    if not words or loud.size == 0:
        return False
    return words[-1].end >= (loud[-1] + 1) * 512 / SAMPLE_RATE - _SPEECH_END_SLACK_S


class WhisperSTT:
    """Speech-to-text with word timestamps; inference runs off the event loop."""

    def __init__(self, options: WhisperOptions | None = None) -> None:
        self.options = options or WhisperOptions()
        self._model: WhisperModel | None = None
        self._short: ShortWindowDecoder | None = None
        self.in_flight = 0  # transcriptions running now; optional work waits for zero
        self.stats = GuardStats()
        # Transcriptions queue on their own workers (as many as the model runs at once), so
        # they never hold the default pool that voice activity and file writes share.
        self._executor = ThreadPoolExecutor(max_workers=self.options.num_workers,
                                            thread_name_prefix="whisper")

    def load(self) -> WhisperSTT:
        """Load the model once; shared by every call in the process."""
        path = resolve_model_path(self.options.model)
        _LOGGER.info("loading speech model from %s", path)
        self._model = WhisperModel(
            str(path),
            device="cpu",
            compute_type=self.options.compute_type,
            cpu_threads=self.options.cpu_threads,
            num_workers=self.options.num_workers,
        )
        if self.options.short_window:
            self._short = ShortWindowDecoder(self._model, self.options.initial_prompt,
                                             self.options.hotwords, self.options.beam_size)
        return self

    async def transcribe(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        """Transcribe mono float32 16 kHz audio in a worker thread."""
        return await self._in_worker(audio, offset, fallback=True)

    async def preview(self, audio: np.ndarray) -> Transcription | None:
        """A caption of a turn in progress, only if the recogniser is idle now (None when it
        is busy). It never takes the slow path: a caption cut mid-word loops in the short
        window nearly every time, and its 30 s re-decode (about 1 s of CPU) held up the early
        transcript queued behind it, so the rep's pause went unanswered (docs/transcripts.md)."""
        if self.in_flight:  # checked and claimed in one step of the event loop
            return None
        return await self._in_worker(audio, 0.0, fallback=False)

    async def _in_worker(self, audio: np.ndarray, offset: float, *, fallback: bool
                         ) -> Transcription:
        self.in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self.transcribe_sync, audio,
                                              offset, fallback)
        finally:
            self.in_flight -= 1

    def transcribe_sync(self, audio: np.ndarray, offset: float = 0.0,
                        fallback: bool = True) -> Transcription:
        """Blocking transcription, for the CLI and worker threads; without `fallback` a looped
        short-window decode is only trimmed, never decoded again (captions)."""
        if self._model is None:
            raise RuntimeError("WhisperSTT.load() was not called")
        try:
            text, words = self._decode(audio.astype(np.float32, copy=False), fallback)
        except (RuntimeError, ValueError) as err:  # CTranslate2 reports failures as these
            raise SpeechToTextError(f"speech-to-text failed: {err}") from err
        return Transcription(text=text, words=tuple(
            Word(w.text, round(offset + w.start, 3), round(offset + w.end, 3),
                 round(w.probability, 3)) for w in words))

    def _decode(self, audio: np.ndarray, fallback: bool = True) -> tuple[str, list[TimedWord]]:
        """The short window when it does not loop, else Whisper's own 30 s decode; see
        docs/transcripts.md. Words timed outside the audio are dropped either way."""
        self.stats.decodes += 1
        duration = len(audio) / SAMPLE_RATE
        guard = self.options.guard
        if self._short is not None and duration <= MAX_SHORT_S:
            text, words = self._short_decode(audio)
            signs = loop_signs(text, words, audio, guard)
            if not signs:
                return text, words
            # Audio that stops at a word's tail (a rep's pause, heard 0.1 s in) loops the
            # short window: it writes what was said, then says it again. What it wrote first,
            # the repeats cut, is the transcript when it reaches the end of the speech; the
            # 30 s window cost 0.5-1 s of CPU there, and the early transcript and so the
            # answer waited for it (docs/transcripts.md).
            kept_text, kept = self._trimmed(words, duration)
            if not fallback:
                return kept_text, kept
            if (kept_text and not loop_signs(kept_text, kept, audio, guard)
                    and _reaches_speech_end(kept, audio, guard)):
                self.stats.short_trimmed += 1
                return kept_text, kept
            began = time.perf_counter()
            text, words = self._window_decode(audio)
            self.stats.fallbacks += 1
            self.stats.fallback_s += time.perf_counter() - began
            _LOGGER.info("short-window decode looked looped (%s); decoded again with the 30 s "
                         "window", ", ".join(signs))
        else:
            text, words = self._window_decode(audio)
        if not loop_signs(text, words, audio, guard):
            return text, words
        self.stats.trimmed += 1
        return self._trimmed(words, duration)

    def _trimmed(self, words: list[TimedWord], duration: float) -> tuple[str, list[TimedWord]]:
        """A looped decode's words without those timed outside the audio or said again."""
        kept = collapse_repeats([w for w in words if not outside(w, duration)],
                                self.options.guard.ngram)
        return " ".join(w.text for w in kept), kept

    def _short_decode(self, audio: np.ndarray) -> tuple[str, list[TimedWord]]:
        assert self._short is not None
        text, timed = self._short.decode(audio, token_budget(len(audio) / SAMPLE_RATE))
        return text, [TimedWord(w.text, w.start, w.end, w.probability) for w in timed]

    def _window_decode(self, audio: np.ndarray) -> tuple[str, list[TimedWord]]:
        """faster-whisper's own decode: timestamps and 30 s windows, at temperature 0 only:
        Whisper's sampled retry would make a turn read differently from run to run
        (docs/transcripts.md)."""
        assert self._model is not None
        segments, _info = self._model.transcribe(
            audio,
            language="en",
            beam_size=self.options.beam_size,
            initial_prompt=self.options.initial_prompt,
            hotwords=self.options.hotwords,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
            without_timestamps=False,
            temperature=0.0,
        )
        words: list[TimedWord] = []
        texts: list[str] = []
        for segment in segments:
            texts.append(segment.text.strip())
            # plain floats: faster-whisper hands back numpy scalars
            words.extend(TimedWord(w.word.strip(), float(w.start), float(w.end),
                                   float(w.probability))
                         for w in segment.words or () if w.word.strip())
        return " ".join(t for t in texts if t), words
