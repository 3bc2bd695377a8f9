"""`/ws/call`: translates between the socket and a CallSession; no call logic lives here."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Annotated

from fastapi import Depends, WebSocket, WebSocketDisconnect
from pydantic import BaseModel
from starlette.websockets import WebSocketState

from dialog.scenario import ScenarioCatalog
from server.catalog import start_problem
from server.limits import CallRegistry
from server.deps import get_catalog, get_engines, get_settings
from server.protocol import (
    EndMessage,
    ErrorCode,
    ErrorEvent,
    ProtocolError,
    ReadyEvent,
    StartMessage,
    parse_client_message,
)
from server.session import CallSession
from server.settings import Settings
from voices.engines import Engines

_LOGGER = logging.getLogger(__name__)
_MAX_ERRORS_BEFORE_START = 20  # a client that cannot start a call is not kept forever


class WebSocketSink:
    """Sends events and audio on one socket; serialises writers and ignores a gone peer."""

    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket
        self._lock = asyncio.Lock()
        self.closed = False

    async def send_event(self, event: BaseModel) -> None:
        await self._send(text=event.model_dump_json())

    async def send_audio(self, pcm: bytes) -> None:
        await self._send(data=pcm)

    async def error(self, code: ErrorCode, message: str) -> None:
        await self.send_event(ErrorEvent(code=code, message=message))

    async def _send(self, *, text: str | None = None, data: bytes | None = None) -> None:
        if self.closed:
            return
        async with self._lock:
            try:
                if text is not None:
                    await self._ws.send_text(text)
                else:
                    await self._ws.send_bytes(data or b"")
            except (WebSocketDisconnect, RuntimeError, OSError):
                # the peer left; the call itself carries on to its scorecard
                self.closed = True


async def call_socket(
    websocket: WebSocket,
    engines: Annotated[Engines, Depends(get_engines)],
    catalog: Annotated[ScenarioCatalog, Depends(get_catalog)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> None:
    """Serve one call on one socket."""
    await websocket.accept()
    sink = WebSocketSink(websocket)
    start = await _await_start(websocket, sink, catalog)
    if start is None:
        await _close(websocket)
        return
    call_id = uuid.uuid4().hex
    registry: CallRegistry = websocket.app.state.calls
    try:
        registry.admit(call_id, None)
    except ProtocolError as err:
        await sink.error(err.code, err.message)
        await _close(websocket)
        return
    session = CallSession(
        call_id=call_id,
        start=start,
        scenario=catalog.get(start.scenario),
        engines=engines,
        settings=settings,
        sink=sink,
    )
    _LOGGER.info("call %s started: %s/%s", call_id, start.scenario, start.difficulty)
    websocket.app.state.prefetcher.request(session.scenario)
    try:
        await sink.send_event(
            ReadyEvent(call_id=call_id, sample_rate=engines.tts.sample_rate,
                       scenario=start.scenario, difficulty=start.difficulty)
        )
        await _serve(websocket, sink, session, settings)
    finally:
        registry.release(call_id)
        _LOGGER.info("call %s ended", call_id)
        await _close(websocket)


async def _await_start(
    websocket: WebSocket, sink: WebSocketSink, catalog: ScenarioCatalog
) -> StartMessage | None:
    """Read frames until a valid `start`; every bad frame gets an error and another chance."""
    for _ in range(_MAX_ERRORS_BEFORE_START):
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return None
        if message.get("bytes") is not None:
            await sink.error(ErrorCode.NOT_STARTED, "send a 'start' message before any audio")
            continue
        try:
            parsed = parse_client_message(message.get("text") or "")
        except ProtocolError as err:
            await sink.error(err.code, err.message)
            continue
        if isinstance(parsed, EndMessage):
            await sink.error(ErrorCode.NOT_STARTED, "no call to end: send 'start' first")
            continue
        problem = start_problem(catalog, parsed.scenario, parsed.difficulty)
        if problem is not None:
            await sink.error(ErrorCode.UNKNOWN_SCENARIO, problem)
            continue
        return parsed
    await sink.error(ErrorCode.BAD_FRAME, "too many bad frames before 'start'; closing")
    return None


async def _serve(
    websocket: WebSocket, sink: WebSocketSink, session: CallSession, settings: Settings
) -> None:
    """Feed frames to the session until it has delivered its scorecard."""
    max_bytes = int(settings.max_frame_seconds * session.input_rate) * 2
    run = asyncio.create_task(session.run(), name=f"call-{session.call_id}")
    received_s = 0.0  # audio the client sent; the session may still be working through it
    receiving = True
    try:
        while receiving and not run.done():
            receive = asyncio.create_task(websocket.receive())
            done, _ = await asyncio.wait({receive, run}, timeout=settings.idle_timeout_s,
                                         return_when=asyncio.FIRST_COMPLETED)
            if not done:  # nothing from the client for too long: keep what we have, hang up
                receive.cancel()
                await sink.error(ErrorCode.IDLE, f"no audio or message for "
                                                 f"{settings.idle_timeout_s:.0f}s; hanging up")
                break
            if receive not in done:
                receive.cancel()
                break
            message = receive.result()
            if message["type"] == "websocket.disconnect":
                sink.closed = True
                receiving = False
            elif (data := message.get("bytes")) is not None:
                await _on_audio(sink, session, data, max_bytes)
                received_s += len(data) / 2 / session.input_rate
                if received_s > settings.max_call_seconds:
                    await sink.error(ErrorCode.CALL_TOO_LONG, "the call reached its time limit "
                                     f"of {settings.max_call_seconds / 60:.0f} minutes")
                    break
            else:
                await _on_text(sink, session, message.get("text") or "")
    finally:
        session.hang_up()
        await run


async def _on_audio(sink: WebSocketSink, session: CallSession, data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        await sink.error(ErrorCode.FRAME_TOO_LARGE,
                         f"audio frame of {len(data)} bytes is over the 1 s limit ({max_bytes})")
    elif len(data) % 2:
        await sink.error(ErrorCode.ODD_LENGTH_AUDIO,
                         "audio frames are 16-bit PCM: an even number of bytes")
    else:
        session.feed_audio(data)


async def _on_text(sink: WebSocketSink, session: CallSession, text: str) -> None:
    try:
        parsed = parse_client_message(text)
    except ProtocolError as err:
        await sink.error(err.code, err.message)
        return
    if isinstance(parsed, StartMessage):
        await sink.error(ErrorCode.ALREADY_STARTED, "this call has already started")
    else:
        session.hang_up()


async def _close(websocket: WebSocket) -> None:
    if websocket.client_state is WebSocketState.CONNECTED:
        try:
            await websocket.close()
        except (RuntimeError, OSError):
            pass  # already closing from the other side
