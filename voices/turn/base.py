"""The turn-model interface: how likely a turn heard so far is finished, from its audio."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class TurnModelError(Exception):
    """The turn model is missing, unreadable or failed on its input."""


class TurnModel(Protocol):
    """A loaded end-of-turn model shared by every call (stateless per decision)."""

    def probability_sync(self, audio: np.ndarray) -> float:
        """P(the speaker is done) for a turn's mono float32 16 kHz audio up to now (blocking)."""
        ...

    async def probability(self, audio: np.ndarray) -> float:
        """The same off the event loop, on the model's own worker."""
        ...
