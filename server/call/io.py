"""Where a call's output goes: events and prospect audio to the rep (the socket, which also
keeps every event it sends in the call's recording), and both voices to the recording."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from pydantic import BaseModel


class EventSink(Protocol):
    """Where a call's events and prospect audio go, and its events are kept (the WebSocket)."""

    async def send_event(self, event: BaseModel) -> None: ...

    async def send_audio(self, pcm: bytes) -> None: ...


class Recording(Protocol):
    """Where a call's audio is kept: both voices on the call clock, as they happen."""

    def rep_audio(self, samples: np.ndarray) -> None: ...

    def prospect_audio(self, samples: np.ndarray, at: float) -> None: ...

    def prospect_cut(self, at: float) -> None: ...


class NoRecording:
    """For calls nobody keeps (scripted checks with storage switched off)."""

    def rep_audio(self, samples: np.ndarray) -> None:
        pass

    def prospect_audio(self, samples: np.ndarray, at: float) -> None:
        pass

    def prospect_cut(self, at: float) -> None:
        pass
