"""Synthesise scenarios' fixed prospect lines ahead of time, only while no call is live."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

from dialog.scenario import Persona, Scenario
from server.call.catalog import fixed_lines, voice_style
from voices.tts.base import TextToSpeech, TextToSpeechError

_LOGGER = logging.getLogger(__name__)

# How often a paused warm-up looks again whether the calls have ended.
IDLE_POLL_S = 0.25


class LinePrefetcher:
    """Fills the voice cache with scenarios' fixed lines while the server has no call.

    Lines are finite, so after warm-up the prospect's answer starts playing as soon as the
    dialog has chosen it instead of after a synthesis. A scenario's lines take about 15 s of
    both cores to make (80 lines on the 2-core machine), and made beside a call they slowed its
    transcripts fourfold (bench/README.md): so a warm-up makes one line at a time and waits
    while `busy()` says a call is live. A line a call needs first is made on demand, as before.
    """

    def __init__(self, tts: TextToSpeech, busy: Callable[[], bool] = lambda: False) -> None:
        self._tts = tts
        self._busy = busy
        self._queued: set[tuple[str, str]] = set()
        self._queue: asyncio.Queue[tuple[Scenario, Persona]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self.finished: list[tuple[str, str]] = []  # warmed (scenario id, persona name), in order

    def request(self, scenario: Scenario, persona: Persona | None = None) -> None:
        """Queue a warm-up of `scenario` in `persona`'s voice (default: its first persona's)
        unless it is done or queued. Each persona has a voice of its own, so only the persona
        a call met is warmed: the others may never be drawn."""
        persona = persona or scenario.personas[0]
        key = (scenario.id, persona.name)
        if key in self._queued:
            return
        self._queued.add(key)
        self._queue.put_nowait((scenario, persona))
        if self._worker is None:
            self._worker = asyncio.create_task(self._run(), name="voice-warm-up")

    def request_all(self, scenarios: Iterable[Scenario]) -> None:
        """Queue every scenario in its first persona's voice (at start-up)."""
        for scenario in scenarios:
            self.request(scenario)

    async def _run(self) -> None:
        while True:
            scenario, persona = await self._queue.get()
            await self._warm(scenario, persona)

    async def _warm(self, scenario: Scenario, persona: Persona) -> None:
        started = time.perf_counter()
        style = voice_style(persona)
        made = 0
        try:
            for line in fixed_lines(scenario):
                while self._busy():
                    await asyncio.sleep(IDLE_POLL_S)
                made += await self._tts.prefetch([line], style)
        except TextToSpeechError as err:
            _LOGGER.warning("voice warm-up for %s (%s) stopped: %s", scenario.id, persona.name,
                            err)
            return
        _LOGGER.info("voice warm-up for %s (%s): %d sentences, done %.1fs after it was asked",
                     scenario.id, persona.name, made, time.perf_counter() - started)
        self.finished.append((scenario.id, persona.name))

    async def close(self) -> None:
        """Stop the warm-up (at shutdown)."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
