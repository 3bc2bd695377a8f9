"""Property-based fuzzing of `/ws/call` against a running server: random sequences of valid
and invalid frames never crash it, every call that started is stored (complete or
interrupted, with a readable WAV), and a normal call works afterwards.

The server runs in its own thread and loop, so each hypothesis example is a plain
`asyncio.run` of a client; the examples stay short so the whole run takes about a minute.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed

from server.http.app import create_app
from server.calltest.client import ScriptOptions, run_scripted_call
from server.protocol import ErrorCode
from server.settings import Settings
from server.storage import CallFilter, CallStatus, CallStore
from server.http.threaded import serve_in_thread
from tests.support.call_helpers import Rep, wav_frames
from tests.support.helpers import FIXTURES
from voices.audio import read_audio
from voices.engines import Engines

EXAMPLES = int(os.environ.get("WALKAWAY_FUZZ_EXAMPLES", "100"))
MAX_BYTES = 32_000  # one second of 16 kHz PCM16, the frame limit
CODES = {str(code) for code in ErrorCode}
STATS = {"examples": 0, "frames": 0, "calls": 0, "errors": 0}


class _Crashes(logging.Handler):
    """Collects what the server logs at ERROR: an exception escaping a handler lands here."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Server:
    url: str
    app: FastAPI
    data_dir: Path
    crashes: _Crashes


@pytest.fixture(scope="module")
def server(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("fuzz")
    settings = Settings(data_dir=data_dir, auth_required=False, partial_interval_s=0,
                        idle_timeout_s=10)
    app = create_app(settings, engines)
    crashes = _Crashes()
    logging.getLogger("uvicorn.error").addHandler(crashes)  # "Exception in ASGI application"
    try:
        with serve_in_thread(app) as base:
            yield Server(base.replace("http://", "ws://") + "/ws/call", app, data_dir, crashes)
    finally:
        logging.getLogger("uvicorn.error").removeHandler(crashes)


# --- frames ------------------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)
_starts = st.fixed_dictionaries(
    {"type": st.just("start")},
    optional={
        "scenario": st.sampled_from(["price-pressure", "send-info", "no-such", "", "../x"])
        | st.text(max_size=120) | st.integers(),
        "sample_rate": st.sampled_from([16_000, 8_000, 48_000, 44_100, 3, 0, -1, 10**12])
        | st.floats() | st.text(max_size=5),
        "difficulty": st.sampled_from(["normal", "hard", "impossible"]) | st.integers(),
        "seed": st.integers() | st.text(max_size=5) | st.none(),
        "token": st.text(max_size=50) | st.none(),
    },
)
_valid_start = st.fixed_dictionaries({"type": st.just("start"),
                                      "scenario": st.sampled_from(["price-pressure",
                                                                   "send-info"])})
_text_frames = st.one_of(
    st.text(max_size=200),  # junk
    st.builds(lambda n, c: c * n, st.integers(10_000, 300_000), st.sampled_from("x{[\"")),
    _json_values.map(json.dumps),  # JSON of the wrong shape
    st.dictionaries(st.just("type"), st.text(max_size=10) | st.integers()).map(json.dumps),
    _starts.map(json.dumps),
    _valid_start.map(json.dumps),
    st.just(json.dumps({"type": "end"})),
)


def _pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


_binary_frames = st.one_of(
    st.binary(max_size=2_000),  # random bytes, odd lengths included
    st.integers(MAX_BYTES + 1, MAX_BYTES + 20_000).map(lambda n: b"\0" * n),  # oversize
    st.integers(1, 1600).map(lambda n: struct.pack(f"<{n}f", *([float("nan")] * n))),
    st.integers(1, 3200).map(lambda n: b"\0\0" * n),  # silence
    st.integers(1, 3200).map(lambda n: _pcm(np.random.default_rng(n).uniform(-1, 1, n))),
    st.just(b""),
)
_any_frame = st.one_of(_text_frames, _binary_frames)
# most examples start a call part-way, so the frames after it hit a live session
_frames = st.builds(
    lambda before, start, after: [*before, *start, *after],
    st.lists(_any_frame, max_size=5),
    st.lists(_valid_start.map(json.dumps), min_size=1, max_size=1) | st.just([]),
    st.lists(_any_frame, min_size=1, max_size=20),
)
_endings = st.sampled_from(["end", "close", "end-and-wait"])


async def _play(url: str, frames: list[str | bytes], ending: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Send the frames, then end as drawn; returns the call ids started and the events."""
    rep = await Rep.connect(url)
    try:
        for frame in frames:
            await rep.ws.send(frame)
            STATS["frames"] += 1
            await asyncio.sleep(0)
        if ending.startswith("end"):
            await rep.end()
        if ending == "end-and-wait" and rep.of("ready"):
            await rep.until("scorecard", timeout=60)
    except ConnectionClosed:
        pass  # the server may close first (too many bad frames, a scorecard)
    finally:
        await rep.close()
    return [e["call_id"] for e in rep.of("ready")], rep.events


async def _settled(server: Server) -> None:
    """Every call's handler has finished and no stored call is still live.

    Quiet must hold for several polls in a row: a socket the client already closed may still
    be between reading its 'start' and opening its call, when nothing looks live yet.
    """
    store: CallStore = server.app.state.store
    quiet = 0
    async with asyncio.timeout(60):
        while quiet < 5:
            live, _ = await asyncio.to_thread(store.calls.search,
                                              CallFilter(status=CallStatus.LIVE))
            quiet = quiet + 1 if not live and len(server.app.state.calls) == 0 else 0
            await asyncio.sleep(0.1)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(frames=_frames, ending=_endings)
def test_random_frames_never_crash_the_server_or_lose_a_call(
    server: Server, frames: list[str | bytes], ending: str
) -> None:
    store: CallStore = server.app.state.store
    before = {r.id for r in store.calls.search(CallFilter(limit=200))[0]}
    call_ids, events = asyncio.run(_play(server.url, frames, ending))
    asyncio.run(_settled(server))
    STATS["examples"] += 1
    assert not server.crashes.records, [r.getMessage() for r in server.crashes.records]
    for event in events:
        if event["type"] == "error":
            STATS["errors"] += 1
            assert event["code"] in CODES and event["message"], event
    # the socket may close before 'ready' arrives: look at what the database holds
    new = [r for r in store.calls.search(CallFilter(limit=200))[0] if r.id not in before]
    assert len(new) <= 1 and set(call_ids) <= {r.id for r in new}  # one socket, one call
    STATS["calls"] += len(new)
    for record in new:
        assert record.status in (CallStatus.COMPLETE, CallStatus.INTERRUPTED)
        audio = wav_frames(server.data_dir, record.id)  # a readable stereo WAV
        assert record.duration == pytest.approx(len(audio) / 16_000, abs=0.01)
        if any(e["type"] == "scorecard" for e in events):
            card = store.calls.scorecard(record.id)
            assert card is not None and card["call_id"] == record.id


def test_a_normal_call_works_after_the_fuzzing(server: Server) -> None:
    audio = read_audio(FIXTURES / "price_hold_piper.wav")
    result = asyncio.run(run_scripted_call(server.url, [audio],
                                           ScriptOptions("price-pressure", fast=True)))
    assert result.scorecard is not None and result.of_type("transcript")
    assert len(server.app.state.calls) == 0  # every fuzzed call released its slot
    print(f"\nfuzzed {STATS['examples']} examples, {STATS['frames']} frames, "
          f"{STATS['calls']} calls started and stored, {STATS['errors']} error events")
