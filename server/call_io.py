"""Where a call's output goes: its events and prospect audio (the socket) and its recording."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel


class EventSink(Protocol):
    """Where a call's events and prospect audio go (the WebSocket, in production)."""

    async def send_event(self, event: BaseModel) -> None: ...

    async def send_audio(self, pcm: bytes) -> None: ...


class Recording(Protocol):
    """Where a call is kept: both voices on the call clock and every event, as they happen."""

    def rep_audio(self, samples: np.ndarray) -> None: ...

    def prospect_audio(self, samples: np.ndarray, at: float) -> None: ...

    def prospect_cut(self, at: float) -> None: ...

    def event(self, event: dict[str, Any]) -> None: ...


class NoRecording:
    """For calls nobody keeps (scripted checks with storage switched off)."""

    def rep_audio(self, samples: np.ndarray) -> None:
        pass

    def prospect_audio(self, samples: np.ndarray, at: float) -> None:
        pass

    def prospect_cut(self, at: float) -> None:
        pass

    def event(self, event: dict[str, Any]) -> None:
        pass
