"""The prospect's side of a call: one voice that owns its timeline.

Lines and murmurs both go out through `ProspectVoice`: it places each on the call clock after
whatever is still playing, sends lines in short pieces so `clear()` (a barge-in) stops them
within one piece, and keeps in the recording what the rep actually heard.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from server.call.io import EventSink, Recording
from server.call.murmur import murmur_pcm
from server.call.settings import VoiceSettings
from server.protocol import BackchannelEvent, ErrorCode, ErrorEvent
from voices.audio import SAMPLE_RATE, pcm16_to_float, resample
from voices.tts.base import DEFAULT_STYLE, TextToSpeech, TextToSpeechError, VoiceStyle

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Played:
    """How much of a line went out."""

    duration: float  # seconds of audio sent (less than the line's when cut)
    tts_ms: float | None  # until the first audio came back; None when none did


class ProspectVoice:
    """The prospect's voice on one call: lines, murmurs, interruption and their recording."""

    def __init__(
        self,
        *,
        call_id: str,
        tts: TextToSpeech,
        sink: EventSink,
        recording: Recording,
        settings: VoiceSettings,
        clock: Callable[[], float],
        style: VoiceStyle = DEFAULT_STYLE,
        deterministic: bool = False,
    ) -> None:
        self._call_id = call_id
        self._tts = tts
        # the persona's voice; piper's noise is random, so a deterministic call speaks
        # without it and its lines last the same on every run (docs/protocol.md)
        self._style = (replace(style, noise_scale=0.0, noise_w=0.0) if deterministic
                       else style)
        self._sink = sink
        self._recording = recording
        self._settings = settings
        self._clock = clock
        self._lock = asyncio.Lock()  # one of murmur or line sends audio at a time
        self._line_until = 0.0  # call-clock second when the latest line stops playing
        self._murmur_until = 0.0  # call-clock second when the latest murmur stops playing
        self._speaking: int | None = None  # the turn whose line is being sent
        self._interrupted = asyncio.Event()
        self._murmur_task: asyncio.Task[None] | None = None
        self._murmured_at = -float("inf")
        self._preparing: asyncio.Task[int] | None = None  # an answer made ahead of the turn end

    @property
    def until(self) -> float:
        """Call-clock second when the prospect's line stops playing."""
        return self._line_until

    @property
    def busy(self) -> bool:
        """Whether a line or a murmur holds the voice now."""
        return self._lock.locked()

    def playing(self, now: float) -> bool:
        """Whether a line is being sent or still playing at call-clock second `now`."""
        return self._speaking is not None or now < self._line_until

    def clear(self, now: float) -> int | None:
        """Stop the prospect at `now` (the rep barged in); returns the turn being sent, if any."""
        speaking = self._speaking
        self._interrupted.set()
        self._line_until = now
        self._recording.prospect_cut(now)
        return speaking

    def close(self) -> None:
        """Stop a murmur or an answer still being made (the call is over)."""
        for task in (self._murmur_task, self._preparing):
            if task is not None and not task.done():
                task.cancel()

    def prepare(self, text: str) -> None:
        """Start making the audio of a line that may be said next, so that when the rep's turn
        ends it plays at once; unused if the rep goes on. One at a time: a newer one replaces
        a line not started yet (one being synthesised finishes into the voice's cache)."""
        if self._preparing is not None and not self._preparing.done():
            self._preparing.cancel()
        self._preparing = asyncio.create_task(self._prepare(text),
                                              name=f"prepare-{self._call_id}")

    async def _prepare(self, text: str) -> int:
        try:
            return await self._tts.prefetch([text], self._style)
        except TextToSpeechError as err:  # the line itself will report it, if it is said
            _LOGGER.info("call %s: answer not prepared: %s", self._call_id, err)
            return 0

    # --- murmurs ---------------------------------------------------------------------------

    def murmur(self, now: float, pick: Callable[[], str], wanted: Callable[[], bool]) -> None:
        """Murmur `pick()` soon, unless one is under way or the last was too recent.

        `wanted` is asked again once the word is synthesised: an answer may have got there
        first.
        """
        if ((self._murmur_task is not None and not self._murmur_task.done())
                or now - self._murmured_at < self._settings.murmur_gap_s):
            return
        self._murmured_at = now
        self._murmur_task = asyncio.create_task(self._murmur(pick, wanted))

    async def _murmur(self, pick: Callable[[], str], wanted: Callable[[], bool]) -> None:
        text = pick()
        try:
            pcm = await murmur_pcm(self._tts, text, self._style)
        except TextToSpeechError as err:  # a murmur is optional: the call goes on without it
            _LOGGER.warning("call %s: murmur %r not synthesised: %s", self._call_id, text, err)
            return
        if self._lock.locked() or not wanted():
            return  # the answer got there first
        async with self._lock:
            duration = len(pcm) / 2 / self._tts.sample_rate
            start = self._next_start()
            self._murmur_until = start + duration
            self._record(pcm, start)
            await self._sink.send_event(BackchannelEvent(text=text, duration=round(duration, 3)))
            await self._sink.send_audio(pcm)

    # --- lines -----------------------------------------------------------------------------

    @asynccontextmanager
    async def line(self, turn: int, decided_at: float | None = None) -> AsyncIterator[float]:
        """Hold the voice for prospect turn `turn`; yields the call-clock second it starts.

        `decided_at` places it where the answer was decided rather than now, so a
        deterministic call's timeline does not depend on how long the answer took to make.
        """
        async with self._lock:
            self._interrupted.clear()
            self._speaking = turn
            yield self._next_start(decided_at)

    async def play(self, text: str, start: float) -> Played:
        """Synthesise `text` and send it piece by piece from `start` until done or cleared."""
        sent = 0
        asked = time.perf_counter()
        tts_ms: float | None = None
        rate = self._tts.sample_rate
        piece = int(rate * self._settings.piece_s) * 2
        try:
            async for pcm in self._tts.synthesize(text, self._style):
                if tts_ms is None:
                    tts_ms = (time.perf_counter() - asked) * 1000
                self._record(pcm, start + sent / rate)
                for offset in range(0, len(pcm), piece):
                    if self._interrupted.is_set():
                        break
                    chunk = pcm[offset : offset + piece]
                    await self._sink.send_audio(chunk)
                    sent += len(chunk) // 2
                    self._line_until = start + sent / rate
                if self._interrupted.is_set():
                    break
        except TextToSpeechError as err:
            await self._sink.send_event(
                ErrorEvent(code=ErrorCode.TEXT_TO_SPEECH_FAILED, message=str(err))
            )
        finally:
            self._speaking = None
        return Played(sent / rate, tts_ms)

    # --- the timeline ----------------------------------------------------------------------

    def _next_start(self, at: float | None = None) -> float:
        """Where new prospect audio goes: now (or `at`), or after whatever is still playing."""
        return max(self._clock() if at is None else at, self._line_until, self._murmur_until)

    def _record(self, pcm: bytes, at: float) -> None:
        """Keep `pcm` (the voice's rate) in the recording at call-clock second `at`."""
        rate = self._tts.sample_rate
        self._recording.prospect_audio(resample(pcm16_to_float(pcm), rate, SAMPLE_RATE), at)
