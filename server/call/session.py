"""One call: rep audio in, rep turns out, the prospect's voice back, a scorecard at the end.

Two tasks share the call. The *listener* turns audio into frames, frames into voice activity
and end-of-turn decisions, and handles barge-in and silence; it never waits on a model
longer than one VAD batch. The *responder* takes finished turns in order: transcribe, score,
let the prospect answer, speak the answer. Both read the same call clock: seconds of rep audio
received, so a call streamed faster than real time behaves exactly like a real one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import numpy as np
import soxr
from pydantic import BaseModel

from dialog.machine import Prospect, ProspectLine
from dialog.scenario import Scenario
from scoring.fillers import FillerEvent
from scoring.scorecard import build_scorecard, score_turn
from scoring.turns import Speaker, Turn
from server.call.bargein import MinSpeechBargeIn
from server.call.io import EventSink, NoRecording, Recording
from server.call.murmur import murmur_pcm
from server.protocol import (
    BackchannelEvent,
    ErrorCode,
    ErrorEvent,
    PartialEvent,
    ProspectAudioEndEvent,
    ProspectEvent,
    ScorecardEvent,
    ScoreEvent,
    StartMessage,
    StopAudioEvent,
    TranscriptEvent,
)
from server.settings import Settings
from server.call.track import AudioTrack
from voices.audio import SAMPLE_RATE, pcm16_to_float, resample
from voices.engines import Engines
from voices.fillers_audio import find_audio_fillers
from voices.stt.base import SpeechToTextError, Transcription
from voices.tts.base import TextToSpeechError
from voices.vad.endpoint import Completeness, Endpointer, EndpointEvent, judge_completeness

_LOGGER = logging.getLogger(__name__)
_PAD_S = 0.2  # audio kept before speech onset and after its end, so no word is clipped
_AUDIO_FRAME_S = 0.2  # prospect audio goes out in pieces this long, so barge-in stops it fast
_MURMUR_MIN_TURN_S = 0.8  # from the padded onset to the pause: a word, not a cough


_Timed = tuple[Transcription, float]  # a transcription and the milliseconds it took


@dataclass(frozen=True)
class _RepSpeech:
    start_sample: int
    end_sample: int
    # a transcription started at the rep's pause, still valid: no speech since
    early: asyncio.Task[_Timed] | None = None


@dataclass(frozen=True)
class _Silence:
    at: float


@dataclass(frozen=True)
class _Opening:
    pass


_Job = _RepSpeech | _Silence | _Opening


class CallSession:
    """The state of one call; one per WebSocket."""

    def __init__(
        self,
        *,
        call_id: str,
        start: StartMessage,
        scenario: Scenario,
        engines: Engines,
        settings: Settings,
        sink: EventSink,
        recording: Recording | None = None,
    ) -> None:
        self.call_id = call_id
        self.scenario = scenario
        self.settings = settings
        self._engines = engines
        self._sink = sink
        self._recording: Recording = recording or NoRecording()
        self.prospect = Prospect(scenario, start.difficulty, start.seed or 0)
        self._resampler = (
            soxr.ResampleStream(start.sample_rate, SAMPLE_RATE, 1, dtype="float32")
            if start.sample_rate != SAMPLE_RATE
            else None
        )
        self.input_rate = start.sample_rate
        self.rep_track = AudioTrack(SAMPLE_RATE)
        self.turns: list[Turn] = []
        self._audio_fillers: list[FillerEvent] = []
        self._vad = engines.vad.stream()
        self._frame = engines.vad.frame_samples
        self._leftover = np.zeros(0, dtype=np.float32)
        self._endpointer = Endpointer(
            silence_s=settings.endpoint.silence_seconds,
            early_s=settings.early_transcribe_s,
            question_silence_s=settings.question_silence_s,
            statement_silence_s=settings.statement_silence_s,
            heard_s=settings.murmur_after_s,
        )
        self._barge_in = MinSpeechBargeIn(settings.barge_in_min_speech_s)
        self._audio_in: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._jobs: asyncio.Queue[_Job | None] = asyncio.Queue()
        self._speech_start: int | None = None
        self._last_voiced = 0  # sample where the rep's latest voiced frame ended
        self._early: asyncio.Task[_Timed] | None = None
        self._busy = False
        self._hanging_up = False
        self._prospect_until = 0.0  # call-clock second when the prospect's audio stops playing
        self._speaking_turn: int | None = None
        self._interrupted = asyncio.Event()
        self._voice = asyncio.Lock()  # one of murmur or line sends audio at a time
        self._murmur_task: asyncio.Task[None] | None = None
        self._murmured_at = -float("inf")
        self._murmur_until = 0.0  # call-clock second when the latest murmur stops playing
        self._quiet_since = 0.0
        self._last_partial = 0.0
        self._partial_task: asyncio.Task[None] | None = None
        self.scorecard: dict[str, object] | None = None

    @property
    def clock(self) -> float:
        """Seconds of rep audio received so far: the call's clock."""
        return len(self.rep_track) / SAMPLE_RATE

    # --- input, called by the transport ---------------------------------------------------

    def feed_audio(self, pcm: bytes) -> None:
        """Queue one binary frame of rep audio (already size-checked by the transport)."""
        if not self._hanging_up:
            self._audio_in.put_nowait(pcm)

    def hang_up(self) -> None:
        """The rep hung up (or the socket closed): finish what was said, then score."""
        if not self._hanging_up:
            self._hanging_up = True
            self._audio_in.put_nowait(None)

    # --- the call ---------------------------------------------------------------------------

    async def run(self) -> dict[str, object]:
        """Run the call until hang-up or the prospect ends it; returns the scorecard."""
        self._jobs.put_nowait(_Opening())
        listener = asyncio.create_task(self._listen(), name=f"listen-{self.call_id}")
        responder = asyncio.create_task(self._respond(), name=f"respond-{self.call_id}")
        try:
            await listener
            self._jobs.put_nowait(None)
            await responder
        finally:
            for task in (listener, responder, self._partial_task, self._murmur_task):
                if task is not None and not task.done():
                    task.cancel()
        return await self._finish()

    async def _finish(self) -> dict[str, object]:
        outcome = self.prospect.outcome
        scorecard = await asyncio.wait_for(
            asyncio.to_thread(
                build_scorecard,
                call_id=self.call_id,
                scenario=self.scenario.id,
                outcome=str(outcome) if outcome is not None else "no_decision",
                turns=list(self.turns),
                rep_audio=self.rep_track.samples(),
                sample_rate=SAMPLE_RATE,
                audio_fillers=tuple(self._audio_fillers),
            ),
            timeout=self.settings.scorecard_timeout_s,
        )
        self.scorecard = scorecard
        await self._sink.send_event(ScorecardEvent(**scorecard))
        return scorecard

    # --- listener: audio -> frames -> voice activity -> turns ------------------------------

    async def _listen(self) -> None:
        while (pcm := await self._audio_in.get()) is not None:
            samples = pcm16_to_float(pcm)
            if self._resampler is not None:
                samples = self._resampler.resample_chunk(samples)
            await self._process(samples)
        if self._speech_start is not None:  # the rep hung up mid-sentence: keep their words
            self._jobs.put_nowait(_RepSpeech(self._speech_start, len(self.rep_track)))
            self._speech_start = None

    async def _process(self, samples: np.ndarray) -> None:
        base = len(self.rep_track) - len(self._leftover)
        self.rep_track.append(samples)
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
            self._on_frame(frame_end, frame_s, probability >= self.settings.vad_threshold)
        self._maybe_partial()
        self._maybe_prompt_silence()

    def _on_frame(self, frame_end: int, frame_s: float, is_speech: bool) -> None:
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
            audio = self.rep_track.slice(self._speech_start, frame_end)
            offset = self._speech_start / SAMPLE_RATE
            self._early = asyncio.create_task(self._timed_transcribe(audio, offset))
            self._early.add_done_callback(self._early_done)
        elif event is EndpointEvent.RESUMED and self._early is not None:
            # The rep went on: that transcript is only part of the turn. Cancelling drops it
            # from the recogniser's queue if it has not started.
            self._early.cancel()
            self._early = None
        elif event is EndpointEvent.TURN_ENDED:
            self._end_turn(frame_end)
        prospect_playing = self._speaking_turn is not None or now < self._prospect_until
        if event is EndpointEvent.HEARD and not prospect_playing:
            self._maybe_murmur(now)
        if self._barge_in.should_interrupt(prospect_playing, self._endpointer.voiced_run_s):
            self._interrupt(now)

    def _maybe_murmur(self, now: float) -> None:
        """A pause in the rep's turn: answer it with "mm" at once, as a listener does.

        The prospect's answer still waits for the end of the turn; if the rep goes on, the
        murmur was a listener's nod. Not while the prospect is busy with an earlier turn.
        """
        if (self._busy or not self._jobs.empty() or self.prospect.finished
                or (self._murmur_task is not None and not self._murmur_task.done())
                or self._speech_start is None
                or now - self._speech_start / SAMPLE_RATE < _MURMUR_MIN_TURN_S
                or now - self._murmured_at < self.settings.murmur_gap_s):
            return
        self._murmured_at = now
        self._murmur_task = asyncio.create_task(self._murmur())

    async def _murmur(self) -> None:
        text = self.prospect.acknowledgement()
        try:
            pcm = await murmur_pcm(self._engines.tts, text)
        except TextToSpeechError as err:  # a murmur is optional: the call goes on without it
            _LOGGER.warning("call %s: murmur %r not synthesised: %s", self.call_id, text, err)
            return
        if self._voice.locked() or self._busy or self._hanging_up:
            return  # the answer got there first
        async with self._voice:
            rate = self._engines.tts.sample_rate
            duration = len(pcm) / 2 / rate
            start = max(self.clock, self._prospect_until, self._murmur_until)
            self._murmur_until = start + duration
            self._recording.prospect_audio(resample(pcm16_to_float(pcm), rate, SAMPLE_RATE),
                                           start)
            await self._sink.send_event(BackchannelEvent(text=text, duration=round(duration, 3)))
            await self._sink.send_audio(pcm)

    def _interrupt(self, now: float) -> None:
        """The rep talked over the prospect: stop its audio and mark its line as cut."""
        turn_index = self._speaking_turn if self._speaking_turn is not None else self._last_prospect()
        self._interrupted.set()
        self._prospect_until = now
        self._recording.prospect_cut(now)
        if turn_index is None:
            return
        _LOGGER.info("call %s: rep barged in on prospect turn %d at %.2fs", self.call_id,
                     turn_index, now)
        for i, turn in enumerate(self.turns):
            if turn.index == turn_index and not turn.cut:
                # a line still being sent has no end yet; a sent one may still be playing
                end = now if turn.end <= turn.start else min(turn.end, now)
                self.turns[i] = Turn(turn.index, turn.speaker, turn.text, turn.start,
                                     max(turn.start, end), turn.words, cut=True)
        self._send_soon(StopAudioEvent(turn=turn_index))

    def _end_turn(self, at_sample: int) -> None:
        """Hand the finished turn to the responder, with its early transcript if still valid."""
        if self._speech_start is None:
            return
        end = min(at_sample, self._last_voiced + int(_PAD_S * SAMPLE_RATE))
        self._jobs.put_nowait(
            _RepSpeech(self._speech_start, max(end, self._speech_start), self._early)
        )
        self._speech_start = None
        self._early = None
        self._quiet_since = at_sample / SAMPLE_RATE

    def _early_done(self, task: asyncio.Task[_Timed]) -> None:
        if not task.cancelled():
            task.exception()  # a failure is reported by whoever awaits it; never left unread
        # Between audio frames: if the rep is still silent and said a whole sentence, answer now.
        if task is self._early and self._endpointer.transcript_ready(self._early_reading()):
            self._end_turn(len(self.rep_track))

    def _early_reading(self) -> Completeness:
        """How the early transcript of this turn reads, once it is back."""
        early = self._early
        if early is None or not early.done() or early.cancelled() or early.exception():
            return Completeness.UNKNOWN
        return judge_completeness(early.result()[0].text)

    def _last_prospect(self) -> int | None:
        for turn in reversed(self.turns):
            if turn.speaker is Speaker.PROSPECT:
                return turn.index
        return None

    def _maybe_prompt_silence(self) -> None:
        """The rep has said nothing for the scenario's wait: the prospect speaks into it."""
        if self._busy or not self._jobs.empty() or self._speech_start is not None:
            return
        quiet_from = max(self._quiet_since, self._prospect_until)
        if self.clock - quiet_from >= self.prospect.wait_for_rep_s:
            self._quiet_since = self.clock
            self._jobs.put_nowait(_Silence(self.clock))

    def _maybe_partial(self) -> None:
        interval = self.settings.partial_interval_s
        if interval <= 0 or self._speech_start is None:
            return
        if self.clock - self._last_partial < interval:
            return
        if self._partial_task is not None and not self._partial_task.done():
            return
        self._last_partial = self.clock
        audio = self.rep_track.slice(self._speech_start, len(self.rep_track))
        self._partial_task = asyncio.create_task(self._send_partial(audio))

    async def _send_partial(self, audio: np.ndarray) -> None:
        try:
            result = await self._engines.stt.preview(audio)
        except SpeechToTextError as err:
            _LOGGER.warning("call %s: partial transcription failed: %s", self.call_id, err)
            return
        if result is not None and result.text:
            await self._sink.send_event(PartialEvent(text=result.text))

    def _send_soon(self, event: BaseModel) -> None:
        asyncio.get_running_loop().create_task(self._sink.send_event(event))

    # --- responder: turns -> transcript, score, prospect line, prospect audio --------------

    async def _respond(self) -> None:
        while (job := await self._jobs.get()) is not None:
            self._busy = True
            try:
                line = await self._handle(job)
                if line is not None and not self._hanging_up:
                    await self._speak(line)
                    if line.ends_call:
                        self.hang_up()
            finally:
                self._busy = False

    async def _handle(self, job: _Job) -> ProspectLine | None:
        if isinstance(job, _Opening):
            return self.prospect.opening()
        if isinstance(job, _Silence):
            return None if self.prospect.finished else self.prospect.silence(job.at)
        turn = await self._transcribe(job)
        if turn is None or self.prospect.finished:
            return None
        return self.prospect.respond(turn.text, turn.end)

    async def _transcribe(self, job: _RepSpeech) -> Turn | None:
        audio = self.rep_track.slice(job.start_sample, job.end_sample)
        offset = job.start_sample / SAMPLE_RATE
        try:
            if job.early is not None:  # transcribed at the pause; nothing was said since
                result, stt_ms = await job.early
            else:
                result, stt_ms = await self._timed_transcribe(audio, offset)
        except SpeechToTextError as err:
            await self._sink.send_event(
                ErrorEvent(code=ErrorCode.SPEECH_TO_TEXT_FAILED, message=str(err))
            )
            return None
        if not result.text:
            return None
        start = result.words[0].start if result.words else offset
        end = result.words[-1].end if result.words else job.end_sample / SAMPLE_RATE
        turn = Turn(len(self.turns), Speaker.REP, result.text, start, end, result.words)
        self.turns.append(turn)
        if self.settings.audio_fillers:
            self._audio_fillers.extend(await asyncio.to_thread(
                find_audio_fillers, audio, result.words, turn=turn.index, offset=offset,
                vad=self._engines.vad))
        await self._sink.send_event(
            TranscriptEvent(
                turn=turn.index, text=turn.text, start=turn.start, end=turn.end,
                stt_ms=round(stt_ms, 1),
                words=[{"text": w.text, "start": w.start, "end": w.end,
                        "probability": w.probability} for w in turn.words],
            )
        )
        await self._sink.send_event(ScoreEvent(**score_turn(turn)))
        return turn

    async def _timed_transcribe(self, audio: np.ndarray, offset: float) -> _Timed:
        started = time.perf_counter()
        result = await self._engines.stt.transcribe(audio, offset)
        return result, (time.perf_counter() - started) * 1000

    async def _speak(self, line: ProspectLine) -> None:
        """Send the line's text, then its audio piece by piece until done or interrupted."""
        async with self._voice:
            await self._speak_line(line)

    async def _speak_line(self, line: ProspectLine) -> None:
        index = len(self.turns)
        self._interrupted.clear()
        self._speaking_turn = index
        start = max(self.clock, self._prospect_until, self._murmur_until)
        turn = Turn(index, Speaker.PROSPECT, line.text, start, start)
        self.turns.append(turn)
        await self._sink.send_event(
            ProspectEvent(turn=index, text=line.text, state=line.state, ends_call=line.ends_call)
        )
        sent = 0
        asked = time.perf_counter()
        tts_ms: float | None = None
        rate = self._engines.tts.sample_rate
        piece = int(rate * _AUDIO_FRAME_S) * 2
        try:
            async for pcm in self._engines.tts.synthesize(line.text):
                if tts_ms is None:
                    tts_ms = (time.perf_counter() - asked) * 1000
                self._recording.prospect_audio(
                    resample(pcm16_to_float(pcm), rate, SAMPLE_RATE), start + sent / rate
                )
                for offset in range(0, len(pcm), piece):
                    if self._interrupted.is_set():
                        break
                    chunk = pcm[offset : offset + piece]
                    await self._sink.send_audio(chunk)
                    sent += len(chunk) // 2
                    self._prospect_until = start + sent / rate
                if self._interrupted.is_set():
                    break
        except TextToSpeechError as err:
            await self._sink.send_event(
                ErrorEvent(code=ErrorCode.TEXT_TO_SPEECH_FAILED, message=str(err))
            )
        finally:
            self._speaking_turn = None
        duration = sent / rate
        if not self.turns[index].cut:
            self.turns[index] = Turn(index, Speaker.PROSPECT, line.text, start, start + duration)
        await self._sink.send_event(ProspectAudioEndEvent(
            turn=index, duration=round(duration, 3),
            tts_ms=None if tts_ms is None else round(tts_ms, 1)))
