"""One call: rep audio in, rep turns out, the prospect's voice back, a scorecard at the end.

`CallSession` only orchestrates. Its `Listener` hears the rep and reports turns, pauses,
barge-ins and silence through `ListenerHooks`; its `ProspectVoice` owns everything the rep
hears from the prospect. Between them the *responder* takes finished turns in order:
transcribe, score, let the prospect answer, speak the answer. The call's clock is the
listener's: seconds of rep audio received.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pydantic import BaseModel

from dialog.machine import Prospect, ProspectLine
from dialog.scenario import Scenario
from dialog.speech import AudioQuality
from scoring.fillers import FillerEvent
from scoring.scorecard import build_scorecard, score_turn
from scoring.turns import Speaker, Turn, Word
from server.call.catalog import persona_summary, voice_style
from server.call.io import EventSink, NoRecording, Recording
from server.call.listener import Listener, RepSpeech, timed_transcribe
from server.call.settings import CallSettings
from server.call.voice import ProspectVoice
from server.protocol import (
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
from voices.audio import SAMPLE_RATE, level_dbfs
from voices.engines import Engines
from voices.fillers_audio import find_audio_fillers
from voices.stt.accurate import SecondPass
from voices.stt.base import SpeechToTextError, Transcription

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Silence:
    at: float


@dataclass(frozen=True)
class _Opening:
    pass


_Job = RepSpeech | _Silence | _Opening


@dataclass(frozen=True)
class _Answered:
    """The prospect as it was before it answered rep turn `rep_turn`, and what that turn said:
    what is needed to take the answer back (`CallSession._take_back`)."""

    before: Prospect
    rep_turn: int
    text: str


def second_pass(engines: Engines, wait_s: float, deterministic: bool) -> SecondPass | None:
    """The call's accurate re-transcriptions: none when the scorecard would not wait for them;
    a deterministic call's at the process's priority, so a busy machine delays them without
    leaving some turns out (the same script must score the same)."""
    if deterministic and engines.scripted_accurate is not None:
        return SecondPass(engines.scripted_accurate)
    if engines.accurate is not None and (wait_s > 0 or deterministic):
        return SecondPass(engines.accurate)
    return None


class CallSession:
    """The state of one call; one per WebSocket. Implements `ListenerHooks`."""

    def __init__(
        self,
        *,
        call_id: str,
        start: StartMessage,
        scenario: Scenario,
        engines: Engines,
        settings: CallSettings,
        sink: EventSink,
        recording: Recording | None = None,
        live_calls: Callable[[], int] = lambda: 1,
    ) -> None:
        self.call_id = call_id
        self.scenario = scenario
        self.settings = settings
        self._engines = engines
        self._sink = sink
        recording = recording or NoRecording()
        self.prospect = Prospect(scenario, start.difficulty, start.seed or 0)
        # a practice call opens on one moment and ends once the prospect has taken the
        # rep's answer (docs/scorecard.md, "practice")
        self.practice = start.practice
        if start.practice is not None:
            self.prospect.open_at(start.practice.state, start.practice.line,
                                  start.practice.offered)
        self.input_rate = start.sample_rate
        self.turns: list[Turn] = []
        self._prospect_states: dict[int, str] = {}  # prospect turn -> dialog state it was said in
        self._prospect_offers: dict[int, float] = {}  # prospect turn -> what the rep had given
        self._audio_fillers: list[FillerEvent] = []
        self._jobs: asyncio.Queue[_Job | None] = asyncio.Queue()
        self._busy = False  # the responder is handling a job
        self._scoring = False  # the call is over; its scorecard is being made
        # A scripted call asks for decisions on the call clock alone (docs/protocol.md)
        self._deterministic = start.deterministic
        self.voice = ProspectVoice(call_id=call_id, tts=engines.tts, sink=sink,
                                   recording=recording, settings=settings.voice,
                                   clock=self._clock, deterministic=start.deterministic,
                                   style=voice_style(self.prospect.persona))
        self.listener = Listener(call_id=call_id, input_rate=start.sample_rate,
                                 vad=engines.vad, stt=engines.stt, settings=settings.listener,
                                 hooks=self, playback=self.voice, recording=recording,
                                 cut_in_after_s=self.prospect.cut_in_after_s,
                                 wait_for_early=start.deterministic,
                                 turn_model=engines.turn)
        self.scorecard: dict[str, object] | None = None
        self._live_calls = live_calls  # calls on this server now, this one included
        self._answered: _Answered | None = None  # the latest answer to a rep turn
        self._carried: str | None = None  # a turn whose answer was taken back: said again next
        # each rep turn decoded again, more accurately, while the prospect speaks
        self._second = second_pass(engines, settings.second_pass_wait_s, start.deterministic)

    @property
    def clock(self) -> float:
        """Seconds of rep audio received so far: the call's clock."""
        return self.listener.clock

    def _clock(self) -> float:
        return self.listener.clock

    @property
    def working(self) -> bool:
        """Whether the call owes the rep something: audio to hear, a turn to answer, its
        scorecard."""
        return (self._busy or self._scoring or not self._jobs.empty()
                or self.listener.working)

    # --- input, called by the transport ---------------------------------------------------

    def feed_audio(self, pcm: bytes) -> None:
        """Queue one binary frame of rep audio (already size-checked by the transport)."""
        self.listener.feed(pcm)

    def hang_up(self) -> None:
        """The rep hung up (or the socket closed): finish what was said, then score."""
        self.listener.close()

    # --- the call ---------------------------------------------------------------------------

    async def run(self) -> dict[str, object]:
        """Run the call until hang-up or the prospect ends it; returns the scorecard."""
        self._jobs.put_nowait(_Opening())
        listener = asyncio.create_task(self.listener.run(), name=f"listen-{self.call_id}")
        responder = asyncio.create_task(self._respond(), name=f"respond-{self.call_id}")
        try:
            await listener
            self._jobs.put_nowait(None)
            await responder
        except BaseException:
            if self._second is not None:
                self._second.cancel()
            raise
        finally:
            for task in (listener, responder):
                if not task.done():
                    task.cancel()
            self.listener.cancel()
            self.voice.close()
        return await self._finish()

    async def _finish(self) -> dict[str, object]:
        self._scoring = True
        outcome = self.prospect.outcome
        turns = list(self.turns)
        if self._second is not None:  # the scorecard's transcript: the accurate one where done
            # a deterministic call waits for every turn, up to the scorecard's own bound
            done = await self._second.collect(
                self.settings.scorecard_timeout_s if self._deterministic
                else self.settings.second_pass_wait_s)
            turns = SecondPass.apply(turns, done)
        scorecard = await asyncio.wait_for(
            asyncio.to_thread(
                build_scorecard,
                call_id=self.call_id,
                scenario=self.scenario.id,
                outcome=str(outcome) if outcome is not None else "no_decision",
                turns=turns,
                rep_audio=self.listener.track.samples(),
                sample_rate=SAMPLE_RATE,
                audio_fillers=tuple(self._audio_fillers),
                coaching=self.scenario.coaching_lines(),
                needed_minutes=self.scenario.needed_minutes,
                people=self._people,
                prospect_states=dict(self._prospect_states),
                prospect_offers=dict(self._prospect_offers),
                practice=None if self.practice is None else self.practice.model_dump(),
            ),
            timeout=self.settings.scorecard_timeout_s,
        )
        scorecard["persona"] = persona_summary(self.prospect.persona)  # who the rep talked to
        self.scorecard = scorecard
        await self._sink.send_event(ScorecardEvent(**scorecard))
        return scorecard

    # --- what the listener reports ---------------------------------------------------------

    def on_turn_ended(self, speech: RepSpeech) -> None:
        """Hand the finished turn to the responder."""
        self._jobs.put_nowait(speech)

    def on_pause(self, now: float) -> None:
        """A pause in the rep's turn: answer it with "mm" at once, as a listener does.

        The prospect's answer still waits for the end of the turn; if the rep goes on, the
        murmur was a listener's nod. Not while the prospect is busy with an earlier turn.
        """
        # A deterministic call makes none: whether a murmur fits before the answer depends
        # on how fast the answer is made.
        if (self._busy or not self._jobs.empty() or self.prospect.finished
                or self._deterministic):
            return
        self.voice.murmur(now, self.prospect.acknowledgement, self._may_murmur)

    def _may_murmur(self) -> bool:
        return not self._busy and not self.listener.closed

    def on_barge_in(self, now: float) -> None:
        """The rep talked over the prospect: stop its audio and mark its line as cut."""
        speaking = self.voice.clear(now)
        turn_index = speaking if speaking is not None else self._last_prospect()
        if turn_index is None:
            return
        _LOGGER.info("call %s: rep barged in on prospect turn %d at %.2fs", self.call_id,
                     turn_index, now)
        started: float | None = None
        for i, turn in enumerate(self.turns):
            if turn.index == turn_index and not turn.cut:
                # a line still being sent has no end yet; a sent one may still be playing
                end = now if turn.end <= turn.start else min(turn.end, now)
                self.turns[i] = Turn(turn.index, turn.speaker, turn.text, turn.start,
                                     max(turn.start, end), turn.words, cut=True)
                started = turn.start
        taken_back = started is not None and self._take_back(turn_index, now - started)
        self._send_soon(StopAudioEvent(turn=turn_index, taken_back=taken_back))

    def _take_back(self, line: int, heard_s: float) -> bool:
        """The rep talked over the answer to their turn `heard_s` after it began: if that is
        within `take_back_within_s` they were not done (a pause mid-sentence the words read as
        finished). The prospect goes back to where it was before that answer, and the turn is
        answered together with what the rep says next (docs/turns.md, "Taking an answer
        back")."""
        answered = self._answered
        if (answered is None or line != answered.rep_turn + 1
                or heard_s > self.settings.take_back_within_s):
            return False
        _LOGGER.info("call %s: prospect turn %d taken back: rep turn %d went on", self.call_id,
                     line, answered.rep_turn)
        self.prospect = answered.before
        self._carried = answered.text
        self._answered = None
        return True

    def on_quiet(self, quiet_s: float) -> None:
        """The rep has said nothing for the scenario's wait: the prospect speaks into it."""
        if self._busy or not self._jobs.empty():
            return
        if quiet_s >= self.prospect.wait_for_rep_s:
            self.listener.quiet_from(self.clock)
            self._jobs.put_nowait(_Silence(self.clock))

    async def on_partial(self, text: str) -> None:
        """Show the rep what is heard so far."""
        await self._sink.send_event(PartialEvent(text=text))

    def on_early_transcript(self, result: Transcription) -> None:
        """The rep paused and may be done: make the answer's audio now, so it plays as soon as
        the turn ends (unused if the rep goes on). The prospect is asked what it would say,
        not changed. A deterministic call makes nothing ahead (its timeline is the audio's), nor
        a busy server (the lines made for pauses the rep talks through cost the others)."""
        if (self._deterministic or self._busy or not self._jobs.empty()
                or not result.text or not result.words
                or self._live_calls() > self.settings.prepare_max_calls):
            return
        start, end = result.words[0].start, result.words[-1].end
        said = result.text if self._carried is None else f"{self._carried} {result.text}"
        line = self.prospect.preview(said, end, audio=self._sounded(start, end, result.words))
        if line is not None:
            self.voice.prepare(line.text)

    def _offered(self) -> float | None:
        """The last amount the rep gave of what the prospect is after (10 for "ten percent")."""
        kind = self.scenario.demand.kind
        given = [c.amount for c in self.prospect.concessions
                 if c.kind == kind and c.amount is not None]
        return given[-1] if given else None

    def _last_prospect(self) -> int | None:
        for turn in reversed(self.turns):
            if turn.speaker is Speaker.PROSPECT:
                return turn.index
        return None

    def _send_soon(self, event: BaseModel) -> None:
        asyncio.get_running_loop().create_task(self._sink.send_event(event))

    # --- responder: turns -> transcript, score, prospect line, prospect audio --------------

    async def _respond(self) -> None:
        while (job := await self._jobs.get()) is not None:
            self._busy = True
            try:
                line = await self._handle(job)
                if line is not None and self.practice is not None and isinstance(job, RepSpeech):
                    line = replace(line, ends_call=True)  # the answer is in: the moment is over
                if line is not None and not self.listener.closed:
                    await self._speak(line, self._decided_at(job))
                    if line.ends_call:
                        self.hang_up()
            finally:
                self._busy = False

    async def _handle(self, job: _Job) -> ProspectLine | None:
        self._answered = None
        if isinstance(job, _Opening):
            return self.prospect.opening()
        carried, self._carried = self._carried, None
        if isinstance(job, _Silence):
            if self.prospect.finished:
                return None
            # the rep went on after an answer was taken back, but said nothing more in words
            return (self.prospect.silence(job.at) if carried is None
                    else self._answer(carried, job.at, None, None))
        turn = await self._transcribe(job)
        if self.prospect.finished:
            return None
        if turn is None:  # no words: answer the turn taken back, if there is one
            return None if carried is None else self._answer(carried, self.clock, None, None)
        said = turn.text if carried is None else f"{carried} {turn.text}"
        return self._answer(said, turn.end, turn,
                            self._sounded(turn.start, turn.end, turn.words), cut_in=job.cut_in)

    def _answer(self, said: str, at: float, turn: Turn | None, audio: AudioQuality | None,
                *, cut_in: bool = False) -> ProspectLine:
        """The prospect's answer to what the rep `said` (one turn, or a turn taken back and
        the one after it); kept so it can be taken back, unless it ends the call."""
        # a practice call ends with its one answer, so there is nothing to take back
        keep = (turn is not None and self.settings.take_back_within_s > 0
                and self.practice is None and not cut_in)
        before = self.prospect.copy() if keep else None
        line = self.prospect.respond(said, at, audio=audio, cut_in=cut_in)
        if before is not None and turn is not None and not line.ends_call:
            self._answered = _Answered(before, turn.index, said)
        return line

    @property
    def _people(self) -> tuple[str, ...]:
        """Who is on the call, for reading the rep's words: the persona met."""
        return (self.prospect.persona.name,)

    def _sounded(self, start: float, end: float, words: Sequence[Word]) -> AudioQuality:
        """How the rep sounded from `start` to `end`: the prospect says it could not hear only
        when it was poor."""
        spoken = self.listener.track.slice(int(start * SAMPLE_RATE), int(end * SAMPLE_RATE))
        return AudioQuality.from_words(max(0.0, end - start), level_dbfs(spoken),
                                       [w.probability for w in words])

    async def _transcribe(self, job: RepSpeech) -> Turn | None:
        audio = self.listener.track.slice(job.start_sample, job.end_sample)
        offset = job.start_sample / SAMPLE_RATE
        try:
            if job.early is not None:  # transcribed at the pause; nothing was said since
                result, stt_ms = await job.early
            else:
                result, stt_ms = await timed_transcribe(self._engines.stt, audio, offset)
        except SpeechToTextError as err:
            await self._sink.send_event(
                ErrorEvent(code=ErrorCode.SPEECH_TO_TEXT_FAILED, message=str(err))
            )
            return None
        if not result.text:
            return None
        start = result.words[0].start if result.words else offset
        end = result.words[-1].end if result.words else job.end_sample / SAMPLE_RATE
        turn = Turn(len(self.turns), Speaker.REP, result.text, start, end, result.words,
                    cut=job.cut_in)
        self.turns.append(turn)
        if self._second is not None and (
                self._deterministic
                or self._live_calls() <= self.settings.second_pass_max_calls):
            self._second.submit(turn.index, audio, offset)
        if self.settings.audio_fillers:
            self._audio_fillers.extend(await asyncio.to_thread(
                find_audio_fillers, audio, result.words, turn=turn.index, offset=offset,
                vad=self._engines.vad))
        await self._sink.send_event(
            TranscriptEvent(
                turn=turn.index, text=turn.text, start=turn.start, end=turn.end,
                stt_ms=round(stt_ms, 1), cut=turn.cut,
                words=[{"text": w.text, "start": w.start, "end": w.end,
                        "probability": w.probability} for w in turn.words],
            )
        )
        await self._sink.send_event(ScoreEvent(**score_turn(
            turn, prior=self.turns[:-1], needed_minutes=self.scenario.needed_minutes,
            people=self._people)))
        return turn

    def _decided_at(self, job: _Job) -> float | None:
        """Where a deterministic call places the answer to `job` (None: now, as live)."""
        if not self._deterministic:
            return None
        if isinstance(job, _Silence):
            return job.at
        if isinstance(job, RepSpeech) and job.ended_sample is not None:
            return job.ended_sample / SAMPLE_RATE
        return 0.0  # the opening line: at the start of the call

    async def _speak(self, line: ProspectLine, decided_at: float | None = None) -> None:
        """Send the line's text, then its audio piece by piece until done or interrupted."""
        index = len(self.turns)
        async with self.voice.line(index, decided_at) as start:
            self.turns.append(Turn(index, Speaker.PROSPECT, line.text, start, start))
            self._prospect_states[index] = line.state
            if (offered := self._offered()) is not None:
                self._prospect_offers[index] = offered
            await self._sink.send_event(ProspectEvent(
                turn=index, text=line.text, state=line.state, ends_call=line.ends_call,
                cut_in=line.cut_in))
            played = await self.voice.play(line.text, start)
            if not self.turns[index].cut:
                self.turns[index] = Turn(index, Speaker.PROSPECT, line.text, start,
                                         start + played.duration)
            await self._sink.send_event(ProspectAudioEndEvent(
                turn=index, duration=round(played.duration, 3),
                tts_ms=None if played.tts_ms is None else round(played.tts_ms, 1)))
