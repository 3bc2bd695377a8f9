"""Small helpers shared by the tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures"


def words_of(text: str) -> set[str]:
    """Lower-case words without punctuation, for comparing transcripts."""
    return {w.strip(".,!?;:\"'").lower() for w in text.split()}


async def until(condition: Callable[[], object], timeout: float) -> float:
    """Seconds until `condition()` held, polled every 50 ms; fails after `timeout`."""
    started = time.monotonic()
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)
    return time.monotonic() - started
