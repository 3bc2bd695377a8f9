"""Drive the real `CallSession` with scripted engines, faster than real time but exact.

The call clock is seconds of rep audio received, so feeding audio chunk by chunk and letting
the event loop run between chunks plays a call exactly as a real one would, in milliseconds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np
from pydantic import BaseModel

from dialog.scenario import builtin_catalog
from server.call.settings import CallSettings
from server.call.session import CallSession
from server.protocol import PracticeMoment, StartMessage
from tests.support.engines import FRAME, ScriptedSTT, Utterance, scripted_engines, tone
from voices.audio import SAMPLE_RATE

_Event = TypeVar("_Event", bound=BaseModel)
_CHUNK_S = FRAME / SAMPLE_RATE  # one VAD frame per chunk
_SETTLE = 12  # event-loop turns after each chunk: enough for a whole reply with instant engines


@dataclass
class CollectingSink:
    """The socket's place: every event and audio chunk, with the call clock it was sent at."""

    clock: list[float] = field(default_factory=lambda: [0.0])
    events: list[tuple[float, BaseModel]] = field(default_factory=list)
    audio: list[bytes] = field(default_factory=list)

    async def send_event(self, event: BaseModel) -> None:
        self.events.append((self.clock[0], event))

    async def send_audio(self, pcm: bytes) -> None:
        self.audio.append(pcm)

    def of(self, kind: type[_Event]) -> list[_Event]:
        """The events of one kind, in order."""
        return [e for _, e in self.events if isinstance(e, kind)]

    def at(self, kind: type[BaseModel]) -> list[float]:
        """Call-clock seconds at which the events of one kind were sent."""
        return [t for t, e in self.events if isinstance(e, kind)]


@dataclass
class RecordingLog:
    """The recording's place: where each piece of prospect audio and each cut landed."""

    rep_seconds: float = 0.0
    prospect: list[tuple[float, float]] = field(default_factory=list)  # (at, seconds)
    cuts: list[float] = field(default_factory=list)

    def rep_audio(self, samples: np.ndarray) -> None:
        self.rep_seconds += len(samples) / SAMPLE_RATE

    def prospect_audio(self, samples: np.ndarray, at: float) -> None:
        self.prospect.append((at, len(samples) / SAMPLE_RATE))

    def prospect_cut(self, at: float) -> None:
        self.cuts.append(at)


class ScriptedCall:
    """One call of the real session with scripted engines; the test plays the rep."""

    def __init__(self, scenario: str = "price-pressure",
                 settings: CallSettings | None = None,
                 practice: PracticeMoment | None = None,
                 accurate: ScriptedSTT | None = None, live_calls: int = 1,
                 difficulty: str = "normal", seed: int = 1) -> None:
        engines, self.stt, self.tts = scripted_engines()
        self.accurate = accurate  # the scorecard's second pass, when the test gives one
        engines = replace(engines, accurate=accurate)
        self.sink = CollectingSink()
        self.recording = RecordingLog()
        self.session = CallSession(
            call_id="scripted", start=StartMessage(type="start", scenario=scenario, seed=seed,
                                                  difficulty=difficulty, practice=practice),
            scenario=builtin_catalog().get(scenario), engines=engines,
            settings=settings or CallSettings(), sink=self.sink, recording=self.recording,
            live_calls=lambda: live_calls)
        self._task: asyncio.Task[dict[str, object]] | None = None

    @property
    def clock(self) -> float:
        return self.session.clock

    async def __aenter__(self) -> ScriptedCall:
        self._task = asyncio.create_task(self.session.run())
        await self._settle()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def say(self, text: str, seconds: float, *, accurately: str | None = None) -> None:
        """The rep speaks `text` for `seconds` (a tone the scripted engines hear as it);
        the second pass, if any, hears it as `accurately` (default: the same)."""
        self.stt.said.append(Utterance(text, self.clock, self.clock + seconds))
        if self.accurate is not None:
            self.accurate.said.append(Utterance(accurately or text, self.clock,
                                                self.clock + seconds))
        await self._feed(np.frombuffer(tone(seconds), dtype="<i2"))

    async def pause(self, seconds: float) -> None:
        """The rep says nothing for `seconds`."""
        await self._feed(np.zeros(int(seconds * SAMPLE_RATE), dtype="<i2"))

    async def hang_up(self) -> dict[str, object]:
        """Hang up and wait for the scorecard."""
        assert self._task is not None
        self.session.hang_up()
        return await asyncio.wait_for(self._task, 10)

    async def _feed(self, samples: np.ndarray) -> None:
        step = int(_CHUNK_S * SAMPLE_RATE)
        for offset in range(0, len(samples), step):
            self.session.feed_audio(samples[offset : offset + step].tobytes())
            await self._settle()

    async def _settle(self) -> None:
        for _ in range(_SETTLE):
            await asyncio.sleep(0)
            self.sink.clock[0] = self.clock
