"""Synthesise a scenario's fixed prospect lines ahead of time, once per process."""

from __future__ import annotations

import asyncio
import logging
import time

from dialog.scenario import Scenario
from server.call.catalog import fixed_lines
from voices.tts.base import TextToSpeech, TextToSpeechError

_LOGGER = logging.getLogger(__name__)


class LinePrefetcher:
    """The first call of a scenario warms the voice cache for it, in the background.

    Lines are finite, so after warm-up the prospect's answer starts playing as soon as the
    dialog has chosen it instead of after a synthesis.
    """

    def __init__(self, tts: TextToSpeech) -> None:
        self._tts = tts
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def request(self, scenario: Scenario) -> None:
        """Start warming `scenario` unless it is already done or under way."""
        if scenario.id not in self._tasks:
            self._tasks[scenario.id] = asyncio.create_task(
                self._warm(scenario), name=f"prefetch-{scenario.id}"
            )

    async def _warm(self, scenario: Scenario) -> None:
        started = time.perf_counter()
        try:
            count = await self._tts.prefetch(fixed_lines(scenario))
        except TextToSpeechError as err:
            _LOGGER.warning("voice warm-up for %s stopped: %s", scenario.id, err)
            return
        _LOGGER.info("voice warm-up for %s: %d sentences in %.1fs", scenario.id, count,
                     time.perf_counter() - started)

    async def close(self) -> None:
        """Stop warm-ups still running (at shutdown)."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
