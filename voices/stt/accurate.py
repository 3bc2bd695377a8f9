"""The scorecard's transcript: each rep turn decoded again by the accurate model.

The live pass (tiny.en) answers the rep fast; this pass re-transcribes each finished rep turn
with Whisper base and with tiny.en at beam 5, and keeps the transcript whose words the models
were surer of, in the background while the prospect speaks, on one low-priority thread so the
live call keeps the CPU first. At hang-up `SecondPass.collect` waits a bounded time for
what is still running and keeps the live transcript for any turn not done (docs/transcripts.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from scoring.turns import Speaker, Turn
from voices.stt.base import Transcription
from voices.stt.whisper import (
    ACCURATE_OPTIONS,
    LIVE_OPTIONS,
    GuardStats,
    WhisperOptions,
    WhisperSTT,
)

_LOGGER = logging.getLogger(__name__)
_BACKGROUND_NICE = 10  # below the live call's threads, which stay at the process's priority
# Two decoders whose errors differ. On the tune part (docs/transcripts.md): base at beam 5
# WER 0.150, tiny.en at beam 5 0.151, the surer of the two per turn 0.128.
ACCURATE_PASSES = (ACCURATE_OPTIONS, replace(LIVE_OPTIONS, beam_size=5, cpu_threads=1))


def _lower_priority() -> None:
    # Linux threads are tasks with their own nice value; CTranslate2's threads, created from
    # this one when the model loads here, inherit it.
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _BACKGROUND_NICE)


def mean_probability(result: Transcription) -> float:
    """How sure the model was of its words, on average (0 for no words)."""
    return sum(w.probability for w in result.words) / len(result.words) if result.words else 0.0


class AccurateTranscriber:
    """The decoders of `passes`, loaded on first use on their own thread: a low-priority one
    (`background`, for live calls), or one at the process's priority."""

    def __init__(self, passes: Sequence[WhisperOptions] = ACCURATE_PASSES, *,
                 background: bool = True) -> None:
        self._stts = [WhisperSTT(options) for options in passes]
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="accurate-stt",
            initializer=_lower_priority if background else None)
        self._loaded = False
        self.in_flight = 0

    @property
    def stats(self) -> GuardStats:
        """The loop guard's counters, summed over the decoders."""
        return sum((stt.stats for stt in self._stts), GuardStats())

    def _ensure_loaded(self) -> list[WhisperSTT]:
        if not self._loaded:
            for stt in self._stts:
                stt.load()
            self._loaded = True
        return self._stts

    async def warm(self) -> None:
        """Load the model now (on the worker), so the first turn does not pay for it."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._ensure_loaded)

    def transcribe_sync(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        """Blocking accurate transcription (`walkaway score`, the evaluation): each decoder's
        transcript, and the one with the highest mean word probability (the first on a tie)."""
        results = [stt.transcribe_sync(audio, offset) for stt in self._ensure_loaded()]
        return max(results, key=mean_probability)

    async def retranscribe(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        """One rep turn (mono float32 16 kHz, starting at `offset` call seconds), accurately.

        Cancelling the awaiting task drops a turn still queued; one already decoding
        finishes on the worker and its result is discarded.
        """
        self.in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self.transcribe_sync, audio,
                                              offset)
        finally:
            self.in_flight -= 1

    async def transcribe(self, audio: np.ndarray, offset: float = 0.0) -> Transcription:
        """The SpeechToText interface (uploads): the same as `retranscribe`."""
        return await self.retranscribe(audio, offset)

    async def preview(self, audio: np.ndarray) -> Transcription | None:
        """Never: live captions come from the live pass."""
        return None


class SecondPass:
    """One call's background re-transcriptions, by rep turn index."""

    def __init__(self, accurate: AccurateTranscriber) -> None:
        self._accurate = accurate
        self._tasks: dict[int, asyncio.Task[Transcription]] = {}

    @property
    def transcriber(self) -> AccurateTranscriber:
        """The decoders this call's turns go to."""
        return self._accurate

    def submit(self, turn: int, audio: np.ndarray, offset: float) -> None:
        """Start re-transcribing rep turn `turn`; a newer submission for it replaces the old."""
        if (old := self._tasks.pop(turn, None)) is not None:
            old.cancel()
        self._tasks[turn] = asyncio.create_task(self._accurate.retranscribe(audio, offset),
                                                name=f"second-pass-{turn}")

    async def collect(self, timeout_s: float) -> dict[int, Transcription]:
        """The finished accurate transcripts, waiting at most `timeout_s` for the rest.

        Turns not done by then, or that failed, are left out (the live transcript stands)
        and their tasks cancelled.
        """
        pending = [t for t in self._tasks.values() if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout_s)
        out: dict[int, Transcription] = {}
        for turn, task in self._tasks.items():
            if not task.done():
                task.cancel()
                _LOGGER.info("second pass: turn %d not done in %.1f s; live transcript kept",
                             turn, timeout_s)
            elif task.cancelled():
                continue
            elif (err := task.exception()) is not None:
                # the second pass only improves a transcript the call already has: whatever
                # broke it, the scorecard goes out with the live one rather than not at all
                _LOGGER.warning("second pass: turn %d failed (%r); live transcript kept",
                                turn, err)
            else:
                out[turn] = task.result()
        self._tasks.clear()
        return out

    @staticmethod
    def apply(turns: Sequence[Turn], done: Mapping[int, Transcription]) -> list[Turn]:
        """`turns` with each rep turn in `done` (by `Turn.index`) given its accurate words."""
        out = []
        for turn in turns:
            result = done.get(turn.index) if turn.speaker == Speaker.REP else None
            if result is None:
                out.append(turn)
                continue
            start = result.words[0].start if result.words else turn.start
            end = result.words[-1].end if result.words else turn.end
            out.append(replace(turn, text=result.text, words=result.words, start=start, end=end))
        return out

    def cancel(self) -> None:
        """Drop everything (the call was abandoned)."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
