"""Issue 19, socket probes: a flood of bad frames, a peer that never reads, a rep who drops
and calls again at once, a 5,000-digit integer (docs/security.md says what each proves)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.call.admission import CallRegistry
from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.http.socket import WebSocketSink
from server.protocol import ErrorCode, ProtocolError, parse_client_message
from server.settings import Settings
from server.storage import CallStatus, CallStore, Role, TokenKind
from tests.support.call_helpers import START, Rep, stored
from tests.support.helpers import FIXTURES, until
from tests.support.storage_fixtures import chunks
from voices.audio import SAMPLE_RATE, float_to_pcm16, read_audio
from voices.engines import Engines

HOLD = read_audio(FIXTURES / "price_hold_piper.wav")
FLOOD_S = 20.0  # the issue's probe: twenty seconds of one-byte frames
HUGE = "9" * 5_000  # past Python's 4,300-digit limit on turning text into an int


@dataclass
class Server:
    ws_url: str
    base: str
    store: CallStore
    calls: CallRegistry
    tokens: dict[str, str]


@asynccontextmanager
async def serving(engines: Engines, tmp_path: Path, **settings: Any) -> AsyncIterator[Server]:
    app = create_app(Settings(data_dir=tmp_path, partial_interval_s=0, **settings), engines)
    async with serve_in_process(app) as base:
        store: CallStore = app.state.store
        manager = store.accounts.create("mgr", Role.MANAGER, "manager-pass")
        rep = store.accounts.create("ann", Role.REP, "ann-pass-1")
        tokens = {who: store.accounts.issue_token(user.id, TokenKind.API)
                  for who, user in (("manager", manager), ("rep", rep))}
        yield Server(base.replace("http://", "ws://") + "/ws/call", base, store,
                     app.state.calls, tokens)


# --- a flood of bad frames --------------------------------------------------------------------

async def test_twenty_seconds_of_one_byte_frames_store_a_bounded_call(
    engines: Engines, tmp_path: Path
) -> None:
    async with serving(engines, tmp_path, auth_required=False) as server:
        # no keepalive pings: this client shares the server's event loop, which it floods
        rep = await Rep.connect(server.ws_url, ping_interval=None)
        call_id = await rep.start()
        sent = 0
        deadline = time.monotonic() + FLOOD_S
        while time.monotonic() < deadline:
            await rep.ws.send(b"\x00")  # odd length: an error event each
            sent += 1
            await asyncio.sleep(0)
        await rep.end()
        await rep.until("scorecard", timeout=120)
        took = time.monotonic() - deadline + FLOOD_S
        told = sum(1 for e in rep.of("error") if e["code"] == ErrorCode.ODD_LENGTH_AUDIO)
        await rep.close()
        record = await stored(server.store.calls, call_id)
        assert record.status is CallStatus.COMPLETE  # the flood did not end the call

        events = server.store.calls.events(call_id)
        kinds = [e.data["type"] for e in events]
        assert len(events) <= 1_000, f"{len(events)} event rows"
        assert kinds[0] == "ready" and "scorecard" in kinds
        kept = [e.data for e in events if e.data["type"] == "error"]
        assert all(e["code"] == ErrorCode.ODD_LENGTH_AUDIO for e in kept[:50])
        summary = [e.data for e in events if e.data["type"] == "events_dropped"]
        assert len(summary) == 1
        # every frame was counted; the rep was told the first 50 times, then once a second
        assert summary[0]["errors"][ErrorCode.ODD_LENGTH_AUDIO] == sent
        assert 50 < told <= 50 + took + 1

        headers = {"Authorization": f"Bearer {server.tokens['manager']}"}
        async with httpx.AsyncClient(base_url=server.base, headers=headers) as client:
            replay = await client.get(f"/api/calls/{call_id}")
        assert replay.status_code == 200
        assert len(replay.content) < 1_000_000
        print(f"\n{sent} one-byte frames in {FLOOD_S:.0f} s: {len(events)} event rows, "
              f"replay answer {len(replay.content)} bytes")


# --- a client that never reads ----------------------------------------------------------------

class NeverReadingPeer:
    """The far side of a socket whose buffers are full: no send ever completes."""

    def __init__(self) -> None:
        self.tried = 0

    async def send_text(self, _text: str) -> None:
        self.tried += 1
        await asyncio.Event().wait()

    send_bytes = send_text


async def test_a_peer_that_never_reads_blocks_no_caller_and_is_dropped() -> None:
    peer = NeverReadingPeer()
    sink = WebSocketSink(peer, send_timeout_s=1.0)  # type: ignore[arg-type]
    started = time.monotonic()
    async with asyncio.timeout(0.5):  # the old sink waited here for ever, holding its lock
        for _ in range(200):
            await sink.error(ErrorCode.ODD_LENGTH_AUDIO, "audio frames are 16-bit PCM")
            await sink.send_audio(b"\x00\x00" * 320)
    dropped_after = await until(lambda: sink.closed, timeout=3)
    assert 0.9 <= time.monotonic() - started <= 2.5, dropped_after
    assert peer.tried == 1  # one frame was tried; nothing after the drop
    async with asyncio.timeout(0.5):
        await sink.flush()  # what _close waits for: it does not wait on the peer either
        await sink.stop()


async def test_a_rep_whose_socket_dropped_is_admitted_again_at_once(
    engines: Engines, tmp_path: Path
) -> None:
    async with serving(engines, tmp_path, max_calls_per_user=1) as server:
        token = server.tokens["rep"]
        first = await Rep.connect(server.ws_url)
        first_id = await first.start(token=token)
        await first.until("prospect_audio_end")
        for piece in chunks(HOLD):  # as a microphone sends it, so the server keeps up
            await first.ws.send(float_to_pcm16(piece))
            await asyncio.sleep(len(piece) / SAMPLE_RATE)
        await asyncio.sleep(0.3)  # the turn has ended: the server is transcribing it
        first.ws.transport.abort()  # the network went away, no close frame

        again = await Rep.connect(server.ws_url)
        await again.ws.send(json.dumps({**START, "token": token}))
        answer = await _first_answer(again)
        assert answer["type"] == "ready", answer
        await again.close()
        record = await stored(server.store.calls, first_id)  # scoring may finish after
        assert record.status is CallStatus.INTERRUPTED
        assert server.store.calls.scorecard(first_id) is not None


async def _first_answer(rep: Rep) -> dict[str, Any]:
    """The server's answer to a start: `ready`, or the error it refused with."""
    async with asyncio.timeout(30):
        while not rep.events:
            await asyncio.sleep(0.01)
    return rep.events[0]


# --- a 5,000-digit integer --------------------------------------------------------------------

def test_a_5000_digit_integer_is_a_bad_frame() -> None:
    with pytest.raises(ProtocolError) as raised:
        parse_client_message(f'{{"type": "start", "scenario": "send-info", "seed": {HUGE}}}')
    assert raised.value.code is ErrorCode.BAD_FRAME
    assert "digits" in raised.value.message


async def test_a_5000_digit_integer_gets_an_error_and_the_call_goes_on(
    engines: Engines, tmp_path: Path
) -> None:
    async with serving(engines, tmp_path, auth_required=False) as server:
        rep = await Rep.connect(server.ws_url)
        await rep.ws.send(f'{{"type": "start", "scenario": "price-pressure", "seed": {HUGE}}}')
        before = await rep.until("error")
        assert before["code"] == ErrorCode.BAD_FRAME
        call_id = await rep.start()  # another chance, as for any bad frame
        await rep.until("prospect_audio_end")
        await rep.ws.send(f'{{"type": "end", "reason": {HUGE}}}')
        during = await rep.until("error", count=2)
        assert during["code"] == ErrorCode.BAD_FRAME
        await rep.silence(0.3)
        await rep.say(HOLD)
        await rep.silence(1.5)
        await rep.end()
        card = await rep.until("scorecard", timeout=120)
        assert card["call_id"] == call_id
        await rep.close()
        record = await stored(server.store.calls, call_id)
        assert record.status is CallStatus.COMPLETE
