"""`/ws/call`: translates between the socket and a CallSession; no call logic lives here."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, WebSocket, WebSocketDisconnect
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.websockets import WebSocketState

from dialog.scenario import Scenario, ScenarioCatalog
from server.call.catalog import persona_summary, practice_problem, start_problem
from server.call.session import CallSession
from server.http.auth import authenticate_socket
from server.http.state import Catalog, Store, app_state, get_engines, get_settings
from server.protocol import (
    EndMessage,
    ErrorCode,
    ErrorEvent,
    ProtocolError,
    ReadyEvent,
    StartMessage,
    parse_client_message,
)
from server.settings import Settings
from server.storage import CallRecorder, CallStatus, CallStore, StorageError
from voices.engines import Engines

_LOGGER = logging.getLogger(__name__)
_MAX_ERRORS_BEFORE_START = 20  # a client that cannot start a call is not kept forever
_ERRORS_SENT = 50  # of one code per call before the rest are sent at most once a second


class WebSocketSink:
    """Sends events and audio on one socket through one writer task: callers queue a frame and
    go on, so none of them waits on (or holds a lock across) a peer that does not read. A peer
    that has not taken a frame within `send_timeout_s` is dropped: `gone` is set, and the call
    is finished and scored without it (docs/security.md)."""

    def __init__(self, websocket: WebSocket, send_timeout_s: float) -> None:
        self._ws = websocket
        self.send_timeout_s = send_timeout_s
        self._outbox: asyncio.Queue[str | bytes] = asyncio.Queue()
        self._writer = asyncio.get_running_loop().create_task(self._write(), name="ws-writer")
        self._repeats: Counter[ErrorCode] = Counter()
        self._repeat_sent_at: dict[ErrorCode, float] = {}
        self.gone = asyncio.Event()  # the peer left, or stopped reading
        self.recorder: CallRecorder | None = None  # set once the call is open

    @property
    def closed(self) -> bool:
        return self.gone.is_set()

    def peer_left(self) -> None:
        """The peer closed the socket; nothing more is sent."""
        self._let_go()

    async def send_event(self, event: BaseModel) -> None:
        """Keep the event in the call's recording (even if the peer has left), then send it."""
        if self.recorder is not None:
            self.recorder.event(event.model_dump(mode="json"))
        self._queue(event.model_dump_json())

    async def send_audio(self, pcm: bytes) -> None:
        self._queue(pcm)

    async def error(self, code: ErrorCode, message: str) -> None:
        """Report bad input. The same code is sent _ERRORS_SENT times, then once a second, so
        a flood of bad frames is not echoed back; the recording counts every one."""
        event = ErrorEvent(code=code, message=message)
        self._repeats[code] += 1
        now = time.monotonic()
        if (self._repeats[code] <= _ERRORS_SENT
                or now - self._repeat_sent_at.get(code, 0.0) >= 1.0):
            self._repeat_sent_at[code] = now
            await self.send_event(event)
        elif self.recorder is not None:
            self.recorder.event(event.model_dump(mode="json"))

    async def flush(self) -> None:
        """Wait until every queued frame is sent, or the peer is dropped for not reading."""
        if self.closed:
            return
        waiting = asyncio.ensure_future(self._outbox.join())
        gone = asyncio.ensure_future(self.gone.wait())
        await asyncio.wait({waiting, gone}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        gone.cancel()

    async def stop(self) -> None:
        """End the writer task (the socket is closed or closing)."""
        self._let_go()
        self._writer.cancel()
        await asyncio.gather(self._writer, return_exceptions=True)

    def _queue(self, frame: str | bytes) -> None:
        if not self.closed:
            self._outbox.put_nowait(frame)

    async def _write(self) -> None:
        while True:
            frame = await self._outbox.get()
            try:
                async with asyncio.timeout(self.send_timeout_s):
                    if isinstance(frame, str):
                        await self._ws.send_text(frame)
                    else:
                        await self._ws.send_bytes(frame)
            except TimeoutError:
                _LOGGER.warning("a peer took no frame for %.0f s; dropping it",
                                self.send_timeout_s)
                self._let_go()
            except (WebSocketDisconnect, RuntimeError, OSError):
                self._let_go()  # the peer left; the call itself carries on to its scorecard
            finally:
                self._outbox.task_done()

    def _let_go(self) -> None:
        """Send nothing more: forget what is queued and tell the call the peer is gone."""
        self.gone.set()
        while not self._outbox.empty():
            self._outbox.get_nowait()
            self._outbox.task_done()


async def call_socket(
    websocket: WebSocket,
    engines: Annotated[Engines, Depends(get_engines)],
    catalog: Catalog,
    settings: Annotated[Settings, Depends(get_settings)],
    store: Store,
) -> None:
    """Serve one call on one socket."""
    await websocket.accept()
    sink = WebSocketSink(websocket, settings.send_timeout_s)
    try:
        await _answer(websocket, sink, engines, catalog, settings, store)
    finally:
        await _close(websocket, sink)


async def _answer(websocket: WebSocket, sink: WebSocketSink, engines: Engines,
                  catalog: ScenarioCatalog, settings: Settings, store: CallStore) -> None:
    """Wait for `start`, admit the rep and run the call."""
    start = await _await_start(websocket, sink, catalog)
    if start is None:
        return
    try:
        user = await authenticate_socket(websocket, start.token, store)
    except SQLAlchemyError:
        # the database is down: nobody can be signed in, but the server stays up
        _LOGGER.exception("sign-in check failed")
        user = None
        if settings.auth_required:
            await sink.error(ErrorCode.INTERNAL, "sign-in is unavailable right now; try again")
            return
    if settings.auth_required and user is None:
        await sink.error(ErrorCode.UNAUTHORIZED, "sign in first: a session cookie, an "
                         "'Authorization: Bearer' header or the start message's 'token'")
        return
    call_id = uuid.uuid4().hex
    registry = app_state(websocket).calls
    try:
        registry.admit(call_id, user.id if user else None)
    except ProtocolError as err:
        await sink.error(err.code, err.message)
        return
    recorder: CallRecorder | None = None
    try:
        recorder = await store.open_call(call_id=call_id, user_id=user.id if user else None,
                                         scenario=start.scenario, difficulty=start.difficulty)
    except (StorageError, OSError, SQLAlchemyError):
        # the call still runs and is scored; only its recording is missing
        _LOGGER.exception("call %s will not be recorded", call_id)
    if recorder is not None:
        await _note_version(websocket, call_id, catalog.get(start.scenario))
    session = CallSession(
        call_id=call_id,
        start=start,
        scenario=catalog.get(start.scenario),
        engines=engines,
        settings=settings.call(),
        sink=sink,
        recording=recorder,
        live_calls=lambda: len(registry),
    )
    sink.recorder = recorder
    _LOGGER.info("call %s started: %s/%s", call_id, start.scenario, start.difficulty)
    app_state(websocket).prefetcher.request(session.scenario, session.prospect.persona)
    status = CallStatus.INTERRUPTED
    try:
        await sink.send_event(ReadyEvent(call_id=call_id, sample_rate=engines.tts.sample_rate,
                                         scenario=start.scenario, difficulty=start.difficulty,
                                         persona=persona_summary(session.prospect.persona)))
        # the slot is freed as soon as no more of the rep's audio is taken: a rep whose
        # socket dropped may call again at once while this one is still scored
        if await _serve(websocket, sink, session, settings, lambda: registry.release(call_id)):
            status = CallStatus.COMPLETE
    finally:
        registry.release(call_id)
        _LOGGER.info("call %s ended (%s)", call_id, status)
        if recorder is not None:
            await recorder.finish(session.scorecard, status)


async def _note_version(websocket: WebSocket, call_id: str, scenario: Scenario) -> None:
    """A call on a stored scenario names the version it is played on, so its replay stays
    true after the scenario is edited (docs/admin.md)."""
    stored = app_state(websocket).stored
    version = stored.version_of(scenario)
    if version is None:
        return
    try:
        await asyncio.to_thread(stored.link_call, call_id, scenario.id, version)
    except SQLAlchemyError:
        _LOGGER.exception("call %s: the scenario version it is played on was not stored",
                          call_id)


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
        if parsed.practice is not None and (
            problem := practice_problem(catalog.get(parsed.scenario), parsed.practice)
        ):
            await sink.error(ErrorCode.BAD_PRACTICE, problem)
            continue
        return parsed
    await sink.error(ErrorCode.BAD_FRAME, "too many bad frames before 'start'; closing")
    return None


async def _serve(
    websocket: WebSocket, sink: WebSocketSink, session: CallSession, settings: Settings,
    stopped_listening: Callable[[], None],
) -> bool:
    """Feed frames to the session until it has delivered its scorecard; True when the call
    ended as calls should (hang-up or the prospect closing it), not by a drop or a limit.
    `stopped_listening` is called once no more frames are read, before the scoring ends."""
    max_bytes = int(settings.max_frame_seconds * session.input_rate) * 2
    run = asyncio.create_task(session.run(), name=f"call-{session.call_id}")
    gone = asyncio.create_task(sink.gone.wait())
    received_s = 0.0  # audio the client sent; the session may still be working through it
    receiving = True
    cut_short = False
    hung_up = False  # the rep sent 'end': leaving before the scorecard is still a proper end
    receive: asyncio.Task[Any] | None = None
    try:
        while receiving and not run.done():
            if receive is None:
                receive = asyncio.create_task(websocket.receive())
            done, _ = await asyncio.wait({receive, run, gone}, timeout=settings.idle_timeout_s,
                                         return_when=asyncio.FIRST_COMPLETED)
            if not done and session.working:
                continue  # the client waits on us (a slow machine), it is not idle
            if not done:  # nothing from the client for too long: keep what we have, hang up
                receive.cancel()
                cut_short = True
                await sink.error(ErrorCode.IDLE, f"no audio or message for "
                                                 f"{settings.idle_timeout_s:.0f}s; hanging up")
                break
            if receive not in done:
                receive.cancel()
                cut_short = cut_short or gone in done  # dropped for not reading
                break
            message = receive.result()
            receive = None
            if message["type"] == "websocket.disconnect":
                sink.peer_left()
                receiving = False
                cut_short = not hung_up
            elif (data := message.get("bytes")) is not None:
                await _on_audio(sink, session, data, max_bytes)
                received_s += len(data) / 2 / session.input_rate
                if received_s > settings.max_call_seconds:
                    cut_short = True
                    await sink.error(ErrorCode.CALL_TOO_LONG, "the call reached its time limit "
                                     f"of {settings.max_call_seconds / 60:.0f} minutes")
                    break
            else:
                hung_up = await _on_text(sink, session, message.get("text") or "") or hung_up
    finally:
        gone.cancel()
        if receive is not None:
            receive.cancel()
        stopped_listening()
        session.hang_up()
        await run
    return not cut_short and session.scorecard is not None


async def _on_audio(sink: WebSocketSink, session: CallSession, data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        await sink.error(ErrorCode.FRAME_TOO_LARGE,
                         f"audio frame of {len(data)} bytes is over the 1 s limit ({max_bytes})")
    elif len(data) % 2:
        await sink.error(ErrorCode.ODD_LENGTH_AUDIO,
                         "audio frames are 16-bit PCM: an even number of bytes")
    else:
        session.feed_audio(data)


async def _on_text(sink: WebSocketSink, session: CallSession, text: str) -> bool:
    """Handle a text frame during the call; True when it was the rep's 'end'."""
    try:
        parsed = parse_client_message(text)
    except ProtocolError as err:
        await sink.error(err.code, err.message)
        return False
    if isinstance(parsed, StartMessage):
        await sink.error(ErrorCode.ALREADY_STARTED, "this call has already started")
        return False
    session.hang_up()
    return True


async def _close(websocket: WebSocket, sink: WebSocketSink) -> None:
    """Send what is queued (the scorecard), then close; bounded for a peer that never reads."""
    await sink.flush()
    await sink.stop()
    if websocket.client_state is WebSocketState.CONNECTED:
        try:
            async with asyncio.timeout(sink.send_timeout_s):
                await websocket.close()
        except (WebSocketDisconnect, RuntimeError, OSError, TimeoutError):
            pass  # already closing from the other side, or not reading
