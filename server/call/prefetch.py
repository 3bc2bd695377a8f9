"""Synthesise a scenario's fixed prospect lines ahead of time, once per process."""

from __future__ import annotations

import asyncio
import logging
import time

from dialog.scenario import Persona, Scenario
from server.call.catalog import fixed_lines, voice_style
from voices.tts.base import TextToSpeech, TextToSpeechError

_LOGGER = logging.getLogger(__name__)


class LinePrefetcher:
    """The first call of a scenario and persona warms the voice cache for it, in the background.

    Lines are finite, so after warm-up the prospect's answer starts playing as soon as the
    dialog has chosen it instead of after a synthesis.
    """

    def __init__(self, tts: TextToSpeech) -> None:
        self._tts = tts
        self._tasks: dict[tuple[str, str], asyncio.Task[None]] = {}

    def request(self, scenario: Scenario, persona: Persona | None = None) -> None:
        """Start warming `scenario` in `persona`'s voice (default: its first persona's) unless
        it is already done or under way. Each persona has a voice of its own, so only the
        persona a call met is warmed: the others may never be drawn."""
        persona = persona or scenario.personas[0]
        key = (scenario.id, persona.name)
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(
                self._warm(scenario, persona), name=f"prefetch-{scenario.id}-{persona.name}"
            )

    async def _warm(self, scenario: Scenario, persona: Persona) -> None:
        started = time.perf_counter()
        try:
            count = await self._tts.prefetch(fixed_lines(scenario), voice_style(persona))
        except TextToSpeechError as err:
            _LOGGER.warning("voice warm-up for %s (%s) stopped: %s", scenario.id, persona.name,
                            err)
            return
        _LOGGER.info("voice warm-up for %s (%s): %d sentences in %.1fs", scenario.id,
                     persona.name, count, time.perf_counter() - started)

    async def close(self) -> None:
        """Stop warm-ups still running (at shutdown)."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
