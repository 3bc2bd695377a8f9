"""A scripted rep: plays audio turns through the real `/ws/call` protocol, like a microphone.

Used by `walkaway call`, by the tests and by teams' own CI. The client behaves like a person on
a phone: it listens while the prospect's audio plays (streaming silence for that long), then
says its next turn, then streams silence until the prospect answers.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import websockets

from server.protocol import SERVER_EVENT
from voices.audio import SAMPLE_RATE, float_to_pcm16

_CHUNK_S = 0.02  # 20 ms frames, what a browser AudioWorklet sends


class CallClientError(Exception):
    """The server refused the call or stopped answering."""


@dataclass
class CallTiming:
    """Client-side clock readings (time.monotonic) for measuring how fast the prospect answers."""

    voice_ends: list[float] = field(default_factory=list)  # last voiced frame of each rep turn sent
    line_received: dict[int, float] = field(default_factory=dict)  # prospect turn -> its event
    first_audio: dict[int, float] = field(default_factory=dict)  # prospect turn -> first audio
    murmurs: list[float] = field(default_factory=list)  # first audio of each "mm" received
    end_sent: float | None = None
    scorecard_received: float | None = None
    max_send_lag: float = 0.0  # how far the real-time microphone fell behind its schedule

    def voice_to_voice(self) -> list[float]:
        """Seconds from each rep turn's last voiced frame to the prospect's first audio in
        reply: its murmur ("Mm.") if it made one, else its answer."""
        out = []
        for sent, answered in zip(self.voice_ends, self._answers()):
            if answered is None:
                continue
            murmured = [t for t in self.murmurs if sent < t < answered]
            out.append(min([answered, *murmured]) - sent)
        return out

    def answer_latency(self) -> list[float]:
        """Seconds from each rep turn's last voiced frame to the first audio of the answer line."""
        return [answered - sent for sent, answered in zip(self.voice_ends, self._answers())
                if answered is not None]

    def _answers(self) -> list[float | None]:
        out: list[float | None] = []
        for sent in self.voice_ends:
            replies = sorted(t for t, at in self.line_received.items() if at > sent)
            out.append(self.first_audio.get(replies[0]) if replies else None)
        return out


@dataclass
class CallResult:
    """Everything a scripted call received."""

    events: list[dict[str, Any]] = field(default_factory=list)
    prospect_audio: dict[int, bytearray] = field(default_factory=dict)
    sample_rate: int = 0
    scorecard: dict[str, Any] | None = None
    timing: CallTiming = field(default_factory=CallTiming)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        """The received events of one type, in order."""
        return [e for e in self.events if e["type"] == kind]


@dataclass(frozen=True)
class ScriptOptions:
    """How the scripted rep behaves."""

    scenario: str
    difficulty: str = "normal"
    seed: int | None = 0
    fast: bool = False  # send as fast as the server takes it instead of in real time
    # ask the server to decide on the call clock alone (docs/protocol.md): a script then
    # gives the same call on a busy machine as on an idle one
    deterministic: bool = False
    gap_s: float = 0.4  # the rep's pause after the prospect stops talking
    # Silence after a turn, longer than the longest the server waits to end one (1.5 s for a
    # turn that sounds unfinished, docs/turns.md): sent fast, nothing more follows until the
    # prospect answers, so a shorter one would leave the turn open.
    trailing_silence_s: float = 2.0
    reply_timeout_s: float = 60.0
    extra_start: dict[str, Any] = field(default_factory=dict)
    token: str | None = None  # an API token, for a server that needs sign-in


class _Listener:
    """Collects server frames into a CallResult and wakes whoever waits for a condition."""

    def __init__(self, result: CallResult, on_event: Callable[[dict[str, Any]], None] | None):
        self.result = result
        self._on_event = on_event
        self._changed = asyncio.Condition()
        self._audio_turn: int | None = None
        self._murmur_pending = False  # a "backchannel" event came; its audio is next
        self.audio_seconds: dict[int, float] = {}
        self.line_started: dict[int, float] = {}  # mic clock when each prospect line arrived
        self.clock: Callable[[], float] = lambda: 0.0

    async def run(self, ws: websockets.ClientConnection) -> None:
        async for frame in ws:
            async with self._changed:
                if isinstance(frame, bytes):
                    if self._murmur_pending:
                        self._murmur_pending = False
                        self.result.timing.murmurs.append(time.monotonic())
                    elif self._audio_turn is not None:
                        self.result.timing.first_audio.setdefault(self._audio_turn, time.monotonic())
                        self.result.prospect_audio.setdefault(self._audio_turn, bytearray()).extend(
                            frame
                        )
                else:
                    event = SERVER_EVENT.validate_python(json.loads(frame)).model_dump(mode="json")
                    self._record(event)
                self._changed.notify_all()
        async with self._changed:
            self._changed.notify_all()

    def _record(self, event: dict[str, Any]) -> None:
        self.result.events.append(event)
        kind = event["type"]
        if kind == "ready":
            self.result.sample_rate = event["sample_rate"]
        elif kind == "prospect":
            self._audio_turn = event["turn"]
            self.result.timing.line_received[event["turn"]] = time.monotonic()
            self.line_started[event["turn"]] = self.clock()
        elif kind == "backchannel":
            self._murmur_pending = True
        elif kind == "prospect_audio_end":
            self._audio_turn = None
            self.audio_seconds[event["turn"]] = event["duration"]
        elif kind == "scorecard":
            self.result.scorecard = event
            self.result.timing.scorecard_received = time.monotonic()
        if self._on_event is not None:
            self._on_event(event)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                return False
        return True


def _last_voiced_sample(audio: np.ndarray, floor: float = 0.02) -> int:
    """Index of the last sample loud enough to be speech (a 10 ms frame above `floor` peak)."""
    frames = len(audio) // 160
    if frames == 0:
        return 0
    loud = np.flatnonzero(np.abs(audio[: frames * 160]).reshape(frames, 160).max(axis=1) > floor)
    return int(loud[-1] * 160 + 159) if loud.size else 0


class _Mic:
    """Sends audio in 20 ms frames, paced to real time unless `fast`."""

    def __init__(self, ws: websockets.ClientConnection, fast: bool, timing: CallTiming) -> None:
        self._ws = ws
        self._fast = fast
        self._timing = timing
        self._t0 = time.monotonic()
        self.sent_s = 0.0

    async def send(self, audio: np.ndarray, on_voice_end: Callable[[float], None] | None = None) -> None:
        """Send `audio`; `on_voice_end(t)` gets the moment its last voiced frame went out."""
        step = int(SAMPLE_RATE * _CHUNK_S)
        last_voiced = _last_voiced_sample(audio)
        for start in range(0, len(audio), step):
            await self._ws.send(float_to_pcm16(audio[start : start + step]))
            if on_voice_end is not None and start <= last_voiced < start + step:
                on_voice_end(time.monotonic())
            self.sent_s += min(step, len(audio) - start) / SAMPLE_RATE
            if self._fast:
                await asyncio.sleep(0)
            else:
                ahead = self._t0 + self.sent_s - time.monotonic()
                self._timing.max_send_lag = max(self._timing.max_send_lag, -ahead)
                await asyncio.sleep(max(0.0, ahead))

    async def silence(self, seconds: float) -> None:
        await self.send(np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32))

    async def silence_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Stream silence (in real time) or idle (fast) until `done()` or the timeout."""
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                return False
            if self._fast:
                await asyncio.sleep(0.01)
            else:
                await self.silence(0.1)
        return True


async def run_scripted_call(
    url: str,
    turns: Sequence[np.ndarray],
    options: ScriptOptions,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> CallResult:
    """Play `turns` (mono float32 16 kHz) as the rep and return what the server sent."""
    result = CallResult()
    async with websockets.connect(url, max_size=None) as ws:
        listener = _Listener(result, on_event)
        listening = asyncio.create_task(listener.run(ws))
        try:
            await _play(ws, listener, turns, options)
        except websockets.ConnectionClosed as err:
            # the server closes right after a call the prospect ended; that call is complete
            if result.scorecard is None:
                raise CallClientError(f"the server closed the call early: {err}") from err
        finally:
            await ws.close()
            await asyncio.wait_for(listening, 5)
    return result


async def _play(
    ws: websockets.ClientConnection,
    listener: _Listener,
    turns: Sequence[np.ndarray],
    options: ScriptOptions,
) -> None:
    result = listener.result
    start = {"type": "start", "scenario": options.scenario, "sample_rate": SAMPLE_RATE,
             "difficulty": options.difficulty, "seed": options.seed, **options.extra_start}
    if options.token:
        start["token"] = options.token
    if options.deterministic:
        start["deterministic"] = True
    await ws.send(json.dumps(start))
    if not await listener.wait_for(lambda: bool(result.of_type("ready") or result.of_type("error")),
                                   options.reply_timeout_s):
        raise CallClientError("the server did not answer the 'start' message")
    if not result.of_type("ready"):
        raise CallClientError(f"call refused: {result.of_type('error')[0]['message']}")
    mic = _Mic(ws, options.fast, result.timing)
    listener.clock = lambda: mic.sent_s

    def finished() -> bool:
        return result.scorecard is not None

    for turn in turns:
        if not await _listen_to_prospect(mic, listener, options):
            break
        if finished():
            return
        answered = len(result.of_type("prospect"))
        await mic.send(turn, result.timing.voice_ends.append)
        await mic.silence(options.trailing_silence_s)
        await mic.silence_until(
            lambda: len(result.of_type("prospect")) > answered or finished(),
            options.reply_timeout_s,
        )
    await _listen_to_prospect(mic, listener, options)
    if not finished():
        result.timing.end_sent = time.monotonic()
        await ws.send(json.dumps({"type": "end"}))
    await listener.wait_for(finished, options.reply_timeout_s)


async def _listen_to_prospect(mic: _Mic, listener: _Listener, options: ScriptOptions) -> bool:
    """Wait until the prospect's latest line has been heard out, as a listener would."""
    result = listener.result

    def line_done() -> bool:
        lines = result.of_type("prospect")
        ends = result.of_type("prospect_audio_end")
        return result.scorecard is not None or (bool(lines) and len(ends) >= len(lines))

    if not await mic.silence_until(line_done, options.reply_timeout_s):
        return False
    if result.scorecard is None and listener.audio_seconds:
        last = max(listener.audio_seconds)
        # Fast, nothing is sent while the answer is made, so the line is taken to start where
        # the rep's audio stopped (the server's start is never later): the silence before the
        # next turn is then the same on every run, whenever the line came.
        started = mic.sent_s if options.fast else listener.line_started.get(last, mic.sent_s)
        plays_until = started + listener.audio_seconds[last]
        await mic.silence(max(0.0, plays_until - mic.sent_s) + options.gap_s)
    return True
