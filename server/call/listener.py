"""The rep's side of a call: audio in, frames, voice activity, turns out.

The listener owns everything about hearing the rep (the rep's track, the VAD stream, the
end-of-turn decision, early and partial transcripts, barge-in) and reports what it hears
through `ListenerHooks`, as LiveKit's audio recognition reports through its hooks. It never
waits on a model longer than one VAD batch. Its clock, seconds of rep audio received, is the
call's clock, so a call streamed faster than real time behaves exactly like a real one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import soxr

from server.call.bargein import MinSpeechBargeIn
from server.call.io import Recording
from server.call.settings import ListenerSettings
from server.call.track import AudioTrack
from voices.audio import SAMPLE_RATE, pcm16_to_float
from voices.stt.base import SpeechToText, SpeechToTextError, Transcription
from voices.turn.base import TurnModel, TurnModelError
from voices.vad.base import VoiceActivityModel
from voices.vad.endpoint import (Combine, Completeness, Endpointer, EndpointEvent,
                                 judge_completeness)

_LOGGER = logging.getLogger(__name__)
_PAD_S = 0.2  # audio kept before speech onset and after its end, so no word is clipped
_MURMUR_MIN_TURN_S = 0.8  # from the padded onset to the pause: a word, not a cough

Timed = tuple[Transcription, float]  # a transcription and the milliseconds it took


@dataclass(frozen=True)
class RepSpeech:
    """One finished stretch of rep speech, in samples of the rep's track."""

    start_sample: int
    end_sample: int
    # a transcription started at the rep's pause, still valid: no speech since
    early: asyncio.Task[Timed] | None = None
    # where on the call clock the turn was judged over (past end_sample by the silence)
    ended_sample: int | None = None
    # the prospect cut in: the rep talked past the prospect's limit (docs/scenarios.md)
    cut_in: bool = False


class Playback(Protocol):
    """What the listener needs to know of the prospect's voice."""

    @property
    def until(self) -> float:
        """Call-clock second when the prospect's audio stops playing."""
        ...

    def playing(self, now: float) -> bool:
        """Whether the prospect is heard at call-clock second `now`."""
        ...


class ListenerHooks(Protocol):
    """What the listener reports; the call session answers."""

    def on_turn_ended(self, speech: RepSpeech) -> None:
        """The rep finished a turn (with its early transcript, if still valid)."""

    def on_pause(self, now: float) -> None:
        """A listener's pause inside a long enough rep turn, with the prospect silent."""

    def on_barge_in(self, now: float) -> None:
        """The rep talked over the prospect long enough to stop it."""

    def on_quiet(self, quiet_s: float) -> None:
        """After each batch of audio with no rep turn open: seconds nobody has spoken."""

    async def on_partial(self, text: str) -> None:
        """A partial transcript of the turn in progress."""

    def on_early_transcript(self, result: Transcription) -> None:
        """The turn so far, transcribed at a pause; the turn has not ended (yet)."""


async def timed_transcribe(stt: SpeechToText, audio: np.ndarray, offset: float) -> Timed:
    """Transcribe `audio` (starting `offset` s into the call) and time it."""
    started = time.perf_counter()
    result = await stt.transcribe(audio, offset)
    return result, (time.perf_counter() - started) * 1000


class Listener:
    """Turns one call's rep audio into turn events for its `ListenerHooks`."""

    def __init__(
        self,
        *,
        call_id: str,
        input_rate: int,
        vad: VoiceActivityModel,
        stt: SpeechToText,
        settings: ListenerSettings,
        hooks: ListenerHooks,
        playback: Playback,
        recording: Recording,
        wait_for_early: bool = False,
        cut_in_after_s: float | None = None,
        turn_model: TurnModel | None = None,
    ) -> None:
        self._call_id = call_id
        # Hear no further audio while an early transcript is out, so the turn ends on the
        # same frame however long it took: a deterministic call (docs/protocol.md).
        self._wait_for_early = wait_for_early
        # a turn running this long is ended for the prospect to cut in (None: never)
        self._cut_in_after_s = cut_in_after_s
        self._settings = settings
        self._stt = stt
        self._hooks = hooks
        self._playback = playback
        self._recording = recording
        self._resampler = (
            soxr.ResampleStream(input_rate, SAMPLE_RATE, 1, dtype="float32")
            if input_rate != SAMPLE_RATE
            else None
        )
        self.track = AudioTrack(SAMPLE_RATE)
        self._vad = vad.stream()
        self._frame = vad.frame_samples
        self._leftover = np.zeros(0, dtype=np.float32)
        self._endpointer = Endpointer(
            silence_s=settings.turn_silence_s,
            early_s=settings.early_transcribe_s,
            question_silence_s=settings.question_silence_s,
            statement_silence_s=settings.statement_silence_s,
            heard_s=settings.murmur_after_s,
            # without a turn model (scripted engines) the early transcript alone decides
            combine=settings.turn_rule if turn_model is not None else Combine.TEXT,
            check_s=settings.turn_check_s,
            done_threshold=settings.turn_done_threshold,
            unfinished_silence_s=settings.turn_unfinished_silence_s,
        )
        self._turn = turn_model
        self._checking = False  # the turn model is judging; no further audio is heard
        self._barge_in = MinSpeechBargeIn(settings.barge_in_min_speech_s)
        self._audio_in: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.closed = False
        self._speech_start: int | None = None
        self._last_voiced = 0  # sample where the rep's latest voiced frame ended
        self._early: asyncio.Task[Timed] | None = None
        self._quiet_since = 0.0
        self._last_partial = 0.0
        self._partial_task: asyncio.Task[None] | None = None

    @property
    def clock(self) -> float:
        """Seconds of rep audio received so far: the call's clock."""
        return len(self.track) / SAMPLE_RATE

    @property
    def in_turn(self) -> bool:
        """Whether the rep is inside a turn (speech started, turn not yet ended)."""
        return self._speech_start is not None

    @property
    def working(self) -> bool:
        """Whether audio received is still waiting to be heard."""
        return (not self._audio_in.empty() or self._checking
                or (self._early is not None and not self._early.done()))

    def feed(self, pcm: bytes) -> None:
        """Queue one frame of rep audio, unless the input is closed."""
        if not self.closed:
            self._audio_in.put_nowait(pcm)

    def close(self) -> None:
        """No more audio: `run` finishes what is queued, then returns."""
        if not self.closed:
            self.closed = True
            self._audio_in.put_nowait(None)

    def quiet_from(self, at: float) -> None:
        """Count the rep's silence from call-clock second `at` (a silence was answered)."""
        self._quiet_since = at

    def cancel(self) -> None:
        """Stop a partial transcription still running (the call is over)."""
        if self._partial_task is not None and not self._partial_task.done():
            self._partial_task.cancel()

    async def run(self) -> None:
        """Hear the rep until the input closes; a turn cut off by hang-up is still reported."""
        while (pcm := await self._audio_in.get()) is not None:
            samples = pcm16_to_float(pcm)
            if self._resampler is not None:
                samples = self._resampler.resample_chunk(samples)
            await self._process(samples)
            if self._wait_for_early and self._early is not None and not self._early.done():
                # its done-callback (_early_done) runs before this wait returns
                await asyncio.wait([self._early])
        if self._speech_start is not None:  # the rep hung up mid-sentence: keep their words
            self._hooks.on_turn_ended(RepSpeech(self._speech_start, len(self.track),
                                                ended_sample=len(self.track)))
            self._speech_start = None

    async def _process(self, samples: np.ndarray) -> None:
        base = len(self.track) - len(self._leftover)
        self.track.append(samples)
        self._recording.rep_audio(samples)
        pending = np.concatenate([self._leftover, samples])
        usable = len(pending) - len(pending) % self._frame
        self._leftover = pending[usable:]
        if usable == 0:
            return
        # Inline, not in a thread: ~0.1 ms a frame, and a thread hop per 20 ms chunk would
        # queue behind transcriptions when many calls run.
        probabilities = self._vad.probabilities(pending[:usable])
        frame_s = self._frame / SAMPLE_RATE
        for i, probability in enumerate(probabilities):
            frame_end = base + (i + 1) * self._frame
            event = self._on_frame(frame_end, frame_s, probability >= self._settings.vad_threshold)
            if event is EndpointEvent.CHECK:
                await self._check(frame_end)
        self._maybe_partial()
        if self._speech_start is None:
            self._hooks.on_quiet(self.clock - max(self._quiet_since, self._playback.until))

    def _on_frame(self, frame_end: int, frame_s: float, is_speech: bool) -> EndpointEvent | None:
        event = self._endpointer.process(frame_s, is_speech, self._early_reading())
        now = frame_end / SAMPLE_RATE
        if is_speech:
            self._last_voiced = frame_end
        if event is EndpointEvent.SPEECH_STARTED:
            onset = now - self._endpointer.voiced_run_s - _PAD_S
            self._speech_start = max(0, int(onset * SAMPLE_RATE))
            self._last_partial = now
        elif event is EndpointEvent.PAUSED and self._speech_start is not None:
            # Transcribe now: if the rep has finished, the answer is ready sooner.
            audio = self.track.slice(self._speech_start, frame_end)
            offset = self._speech_start / SAMPLE_RATE
            self._early = asyncio.create_task(timed_transcribe(self._stt, audio, offset))
            self._early.add_done_callback(self._early_done)
        elif event is EndpointEvent.RESUMED and self._early is not None:
            # The rep went on: that transcript is only part of the turn. Cancelling drops it
            # from the recogniser's queue if it has not started.
            self._early.cancel()
            self._early = None
        elif event is EndpointEvent.TURN_ENDED:
            self._end_turn(frame_end)
        prospect_playing = self._playback.playing(now)
        if (event is EndpointEvent.HEARD and not prospect_playing
                and self._speech_start is not None
                and now - self._speech_start / SAMPLE_RATE >= _MURMUR_MIN_TURN_S):
            self._hooks.on_pause(now)
        if (self._cut_in_after_s is not None and is_speech and not prospect_playing
                and self._speech_start is not None
                and now - self._speech_start / SAMPLE_RATE >= self._cut_in_after_s):
            self._cut_in(frame_end)
        if self._barge_in.should_interrupt(prospect_playing, self._endpointer.voiced_run_s):
            self._hooks.on_barge_in(now)
        return event

    async def _check(self, frame_end: int) -> None:
        """Ask the judges whether the rep is done: the turn model if the rule has one, heard out
        before any further audio, and the early transcript's reading (waited for only by a
        deterministic call, whose verdict is then a function of the audio up to this frame
        alone, however long either model took; docs/turns.md).
        """
        if self._speech_start is None:
            return
        self._checking = True
        try:
            p_done: float | None = None
            if self._turn is not None and self._endpointer.combine is not Combine.TEXT:
                try:
                    p_done = await self._turn.probability(
                        self.track.slice(self._speech_start, frame_end))
                except TurnModelError as err:  # wait the long silence: never cut the rep off
                    _LOGGER.warning("call %s: turn model failed: %s", self._call_id, err)
                    p_done = 0.0
            # Only a deterministic call stops for its transcript here. A live one keeps hearing
            # the rep: a pause the rep ends drops its queued transcript, and a transcript still
            # out makes the turn wait the long silence until it is back (Completeness.PENDING).
            # Waiting here stalled every call behind its transcripts: eight at once answered at
            # p95 5.3 s.
            if (self._wait_for_early and self._endpointer.combine is not Combine.MODEL
                    and self._early is not None):
                await asyncio.wait([self._early])  # its done-callback runs before this returns
        finally:
            self._checking = False
        if self._speech_start is not None and self._endpointer.verdict(
                p_done, self._early_reading()) is EndpointEvent.TURN_ENDED:
            self._end_turn(frame_end)

    def _end_turn(self, at_sample: int) -> None:
        """Report the finished turn, with its early transcript if still valid."""
        if self._speech_start is None:
            return
        end = min(at_sample, self._last_voiced + int(_PAD_S * SAMPLE_RATE))
        speech = RepSpeech(self._speech_start, max(end, self._speech_start), self._early,
                           at_sample)
        self._speech_start = None
        self._early = None
        self._quiet_since = at_sample / SAMPLE_RATE
        self._hooks.on_turn_ended(speech)

    def _cut_in(self, at_sample: int) -> None:
        """The rep is still talking past the limit: end the turn here, marked, for the
        prospect to cut in; speech that goes on is heard as a new turn, and can barge in on
        the prospect's line as any speech can."""
        if self._speech_start is None:
            return
        if self._early is not None:  # a transcript of part of the turn only
            self._early.cancel()
            self._early = None
        speech = RepSpeech(self._speech_start, at_sample, None, at_sample, cut_in=True)
        self._speech_start = None
        self._endpointer.reset()
        self._quiet_since = at_sample / SAMPLE_RATE
        self._hooks.on_turn_ended(speech)

    def _early_done(self, task: asyncio.Task[Timed]) -> None:
        if not task.cancelled():
            task.exception()  # a failure is reported by whoever awaits it; never left unread
        # Between audio frames: if the rep is still silent and said a whole sentence, answer now.
        if task is not self._early:
            return
        if self._endpointer.transcript_ready(self._early_reading()):
            self._end_turn(len(self.track))
        elif (self._speech_start is not None and not task.cancelled()
              and task.exception() is None):
            # not over yet, but it may be: the answer can be made while the silence runs
            self._hooks.on_early_transcript(task.result()[0])

    def _early_reading(self) -> Completeness:
        """How the early transcript of this turn reads, once it is back."""
        early = self._early
        if early is not None and not early.done():
            return Completeness.PENDING
        if early is None or early.cancelled() or early.exception():
            return Completeness.UNKNOWN
        return judge_completeness(early.result()[0].text)

    def _maybe_partial(self) -> None:
        interval = self._settings.partial_interval_s
        if interval <= 0 or self._speech_start is None:
            return
        if self.clock - self._last_partial < interval:
            return
        if self._partial_task is not None and not self._partial_task.done():
            return
        self._last_partial = self.clock
        audio = self.track.slice(self._speech_start, len(self.track))
        self._partial_task = asyncio.create_task(self._send_partial(audio))

    async def _send_partial(self, audio: np.ndarray) -> None:
        try:
            result = await self._stt.preview(audio)
        except SpeechToTextError as err:
            _LOGGER.warning("call %s: partial transcription failed: %s", self._call_id, err)
            return
        if result is not None and result.text:
            await self._hooks.on_partial(result.text)
