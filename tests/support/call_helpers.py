"""A minimal rep client over `/ws/call` and checks that a call was stored, for the
robustness tests (faults, fuzzing, soak)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import websockets
from websockets.exceptions import ConnectionClosed

from server.storage import CallRecord, CallRepository, CallStatus
from tests.support.storage_fixtures import chunks
from voices.audio import float_to_pcm16

START = {"type": "start", "scenario": "price-pressure", "seed": 0}


async def next_event(ws: websockets.ClientConnection, kind: str) -> dict[str, Any]:
    """Read frames (skipping audio) until the next event of type `kind`; bounded."""
    seen: list[str] = []
    for _ in range(500):
        frame = await asyncio.wait_for(ws.recv(), timeout=30)
        if isinstance(frame, bytes):
            continue
        event = json.loads(frame)
        if event["type"] == kind:
            return dict(event)
        seen.append(event["type"])
    raise AssertionError(f"no {kind} after {seen}")


class Rep:
    """Reads every server frame in the background; sends audio as fast as the server takes it."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self.audio_frames = 0
        self.sent_samples = 0
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, url: str, **kwargs: Any) -> Rep:
        return cls(await websockets.connect(url, max_size=None, **kwargs))

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                if isinstance(frame, bytes):
                    self.audio_frames += 1
                else:
                    self.events.append(json.loads(frame))
                self._changed.set()
        except ConnectionClosed:
            pass
        finally:
            self._changed.set()

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind]

    async def until(self, kind: str, count: int = 1, timeout: float = 60.0) -> dict[str, Any]:
        """The `count`-th event of this type, waiting for it."""
        async with asyncio.timeout(timeout):
            while len(self.of(kind)) < count:
                if self._reader.done():
                    raise AssertionError(f"socket closed before {kind}: {self.events}")
                self._changed.clear()
                await self._changed.wait()
        return self.of(kind)[count - 1]

    async def until_audio(self, timeout: float = 60.0) -> None:
        async with asyncio.timeout(timeout):
            while not self.audio_frames:
                self._changed.clear()
                await self._changed.wait()

    async def start(self, **fields: Any) -> str:
        await self.ws.send(json.dumps({**START, **fields}))
        return str((await self.until("ready"))["call_id"])

    async def say(self, audio: np.ndarray) -> None:
        for piece in chunks(audio):
            await self.ws.send(float_to_pcm16(piece))
            self.sent_samples += len(piece)
            await asyncio.sleep(0)

    async def silence(self, seconds: float) -> None:
        await self.say(np.zeros(int(seconds * 16_000), dtype=np.float32))

    async def end(self) -> None:
        await self.ws.send(json.dumps({"type": "end"}))

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.wait_for(self._reader, 10)


async def stored(calls: CallRepository, call_id: str, timeout: float = 60.0) -> CallRecord:
    """The call once its recorder has finished it (the socket may close before that)."""
    async with asyncio.timeout(timeout):
        while True:
            record = await asyncio.to_thread(calls.get, call_id)
            if record is not None and record.status is not CallStatus.LIVE:
                return record
            await asyncio.sleep(0.1)


def wav_frames(data_dir: Path, call_id: str) -> np.ndarray:
    """The stored stereo WAV of a call (raises if it is not a readable WAV)."""
    audio, rate = sf.read(str(data_dir / "calls" / f"{call_id}.wav"), dtype="float32")
    assert rate == 16_000 and (audio.ndim == 2 and audio.shape[1] == 2 or audio.size == 0)
    return audio
