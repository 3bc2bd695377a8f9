"""A sales floor (issue 21): SeaweedFS, two walkaway servers on PostgreSQL and HAProxy with
deploy/haproxy.cfg in front. Four calls through the proxy land on both servers (two each:
each admits two); every call replays through the proxy, by range, from both servers; a
server killed mid-call has its call closed as interrupted by the other, its audio up to the
last part sent playable. Skips, saying why, only without haproxy or the `weed` binary."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf
import websockets

from server.calltest.client import ScriptOptions, run_scripted_call
from server.settings import Settings
from server.storage import CallStore, Role, TokenKind
from server.storage.db import make_engine
from server.storage.leases import Leases
from server.storage.objects import latest_parts
from server.storage.s3 import S3Store
from tests.support.cluster import Server, haproxy, walkaway_servers
from tests.support.helpers import FIXTURES
from tests.support.seaweed import SeaweedS3, free_ports, seaweed  # noqa: F401 - a fixture
from tests.support.storage_fixtures import database_url_for, new_call_id
from voices.audio import SAMPLE_RATE, float_to_pcm16, read_audio

def _log(line: str) -> None:
    """A phase's time, shown with a failure (pytest keeps stderr for it)."""
    print(line, file=sys.stderr, flush=True)


MAX_CALLS = 2  # per server: in each server's settings and in the proxy's maxconn
LEASE_S = 5.0  # renewed every 1.7 s
TURN = read_audio(FIXTURES / "price_hold_piper.wav")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    urls = database_url_for("postgres")
    url = next(urls)
    assert url is not None
    yield url
    for _ in urls:  # drops the schema
        pass


def _token(pg_url: str, data_dir: Path) -> str:
    """A manager and an API token, made before the servers start (migrations included)."""
    store = CallStore(Settings(data_dir=data_dir, database_url=pg_url).storage())
    store.start_sync()
    try:
        manager = store.accounts.create("floor-manager", Role.MANAGER, "a long passphrase")
        return store.accounts.issue_token(manager.id, TokenKind.API)
    finally:
        store.engine.dispose()


class LeaseWatch:
    """Polls the leases while calls run: which server held each call, and how many at once."""

    def __init__(self, pg_url: str) -> None:
        self._engine = make_engine(Settings(database_url=pg_url).storage())
        self.leases = Leases(self._engine, "observer", LEASE_S)
        self.holder: dict[str, str] = {}
        self.most_at_once: dict[str, int] = {}

    def look(self) -> None:
        held = self.leases.held()
        for lease in held:
            self.holder[lease.call_id] = lease.server_id
        for server in {lease.server_id for lease in held}:
            count = sum(lease.server_id == server for lease in held)
            self.most_at_once[server] = max(self.most_at_once.get(server, 0), count)

    async def watch(self, until: asyncio.Future[object]) -> None:
        while not until.done():
            await asyncio.to_thread(self.look)
            await asyncio.sleep(0.1)

    def close(self) -> None:
        self._engine.dispose()


async def _four_calls(proxy: str, token: str, watch: LeaseWatch) -> list[str]:
    options = ScriptOptions(scenario="price-pressure", fast=True, token=token,
                            reply_timeout_s=60)
    calls = asyncio.gather(*(run_scripted_call(f"ws://{proxy}/ws/call", [TURN], options)
                             for _ in range(4)))
    watching = asyncio.create_task(watch.watch(calls))
    results = await asyncio.wait_for(calls, 240)
    await watching
    ids = []
    for result in results:
        assert result.scorecard is not None, result.of_type("error")
        ids.append(result.of_type("ready")[0]["call_id"])
    return ids


def _replay_everywhere(client: httpx.Client, call_id: str) -> dict[str, bytes]:
    """The call's first KiB through the proxy until both servers have answered (round
    robin: two requests), each a 206 with the same bytes; then the whole WAV."""
    answered: dict[str, bytes] = {}
    for _ in range(4):
        part = client.get(f"/api/calls/{call_id}/audio", headers={"Range": "bytes=0-1023"})
        assert part.status_code == 206, part.text
        assert part.headers["content-range"].startswith("bytes 0-1023/")
        answered[part.headers["x-walkaway-server"]] = part.content
        if len(answered) == 2:
            break
    return answered


def _wav(body: bytes) -> tuple[np.ndarray, int]:
    return sf.read(io.BytesIO(body), dtype="float32")


def _stored_seconds(store: S3Store, call_id: str, upload_id: str) -> float:
    """Seconds of the call the store holds in its unfinished upload."""
    parts = latest_parts(store.list_parts(f"calls/{call_id}.wav", upload_id))
    return max(0, sum(p.size for p in parts) - 44) / (SAMPLE_RATE * 4)


async def _call_until_killed(proxy: str, token: str, watch: LeaseWatch, store: S3Store,
                             servers: dict[str, Server]) -> tuple[str, str, float, float]:
    """A call streamed at real pace; once the store holds 2 s of it, its server is killed.
    Returns the call id, the killed server, the seconds in the store and those streamed."""
    ws = await websockets.connect(f"ws://{proxy}/ws/call", max_size=None)
    try:
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure",
                                  "sample_rate": SAMPLE_RATE, "token": token}))
        call_id = ""
        while not call_id:
            event = json.loads(await asyncio.wait_for(_next_text(ws), 30))
            assert event["type"] != "error", event
            call_id = event.get("call_id", "") if event["type"] == "ready" else ""
        # the rep's turn, then silence, for up to a minute, while the prospect's frames are
        # read (a peer that reads nothing is dropped after WALKAWAY_SEND_TIMEOUT_S)
        audio = np.concatenate([TURN, np.zeros(60 * SAMPLE_RATE, np.float32)])
        started = time.monotonic()
        streaming = asyncio.create_task(_stream(ws, audio))
        reading = asyncio.create_task(_read_all(ws))
        while not streaming.done():
            await asyncio.sleep(0.5)
            lease = await asyncio.to_thread(watch.leases.get, call_id)
            if lease is None or lease.upload_id is None:
                continue
            held = await asyncio.to_thread(_stored_seconds, store, call_id, lease.upload_id)
            if held >= 2.0:  # the server lags the client on a busy machine: ask the store
                servers[lease.server_id].kill()
                streaming.cancel()
                reading.cancel()
                await asyncio.gather(streaming, reading, return_exceptions=True)
                return call_id, lease.server_id, held, time.monotonic() - started
        await streaming  # raises what ended it
        raise AssertionError("the call ended before 2 s of it were in the store")
    finally:
        with contextlib.suppress(websockets.ConnectionClosed, OSError):
            await asyncio.wait_for(ws.close(), 5)


async def _stream(ws: websockets.ClientConnection, audio: np.ndarray) -> None:
    step = SAMPLE_RATE // 50
    started = time.monotonic()
    for sent, start in enumerate(range(0, len(audio), step)):
        await ws.send(float_to_pcm16(audio[start:start + step]))
        await asyncio.sleep(max(0.0, started + (sent + 1) * 0.02 - time.monotonic()))


async def _read_all(ws: websockets.ClientConnection) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for _ in ws:
            pass


async def _next_text(ws: websockets.ClientConnection) -> str:
    while isinstance(frame := await ws.recv(), bytes):
        pass
    return frame


async def test_two_servers_behind_haproxy_share_calls_replays_and_a_dead_servers_call(
    tmp_path: Path, seaweed: SeaweedS3, pg_url: str  # noqa: F811
) -> None:
    t0 = time.monotonic()
    token = _token(pg_url, tmp_path / "setup")
    env = {"WALKAWAY_DATABASE_URL": pg_url,
           "WALKAWAY_STORAGE_URL": f"s3://floor/{new_call_id()}",
           "WALKAWAY_STORAGE_ENDPOINT_URL": seaweed.endpoint,
           "WALKAWAY_STORAGE_ACCESS_KEY_ID": "floor", "WALKAWAY_STORAGE_SECRET_ACCESS_KEY": "x",
           "WALKAWAY_MAX_CALLS": str(MAX_CALLS), "WALKAWAY_LEASE_S": str(LEASE_S),
           "WALKAWAY_STORAGE_UPLOAD_EVERY_S": "0.5"}
    a_port, b_port, proxy_port = free_ports(3)
    watch = LeaseWatch(pg_url)
    with walkaway_servers([("a", a_port), ("b", b_port)], env, tmp_path) as running, \
            haproxy(proxy_port, running, MAX_CALLS, tmp_path) as proxy:
        servers = {server.name: server for server in running}
        ids = await _four_calls(proxy, token, watch)
        # both servers took calls, and none was refused busy by a full server
        assert {watch.holder[i] for i in ids} == {"a", "b"}

        with httpx.Client(base_url=f"http://{proxy}", timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            for call_id in ids:
                answered = _replay_everywhere(client, call_id)
                assert set(answered) == {"a", "b"} and answered["a"] == answered["b"]
                detail = client.get(f"/api/calls/{call_id}").json()["call"]
                audio, rate = _wav(client.get(f"/api/calls/{call_id}/audio").content)
                assert detail["status"] == "complete" and rate == SAMPLE_RATE
                assert len(audio) / rate == pytest.approx(detail["duration"], abs=0.01)

            _log(f"replays after {time.monotonic() - t0:.1f} s")
            store = S3Store(env["WALKAWAY_STORAGE_URL"], endpoint_url=seaweed.endpoint,
                            access_key_id="floor", secret_access_key="x", region=None)
            call_id, killed, held, streamed = await _call_until_killed(
                proxy, token, watch, store, servers)
            _log(f"killed after {time.monotonic() - t0:.1f} s")
            survivor = "b" if killed == "a" else "a"
            deadline = time.monotonic() + 12 * LEASE_S
            detail: dict[str, object] = {}
            while time.monotonic() < deadline:
                detail = client.get(f"/api/calls/{call_id}").json()["call"]
                if detail["status"] == "interrupted":
                    break
                await asyncio.sleep(0.5)
            assert detail["status"] == "interrupted", detail
            _log(f"interrupted after {time.monotonic() - t0:.1f} s")
            whole = client.get(f"/api/calls/{call_id}/audio")
            assert whole.status_code == 200 and whole.headers["x-walkaway-server"] == survivor
            audio, rate = _wav(whole.content)
            # what the store held at the kill plays (a send may have landed since), never
            # more than was streamed; the rep's speech is in it
            assert held <= len(audio) / rate <= streamed + 0.5
            assert len(audio) / rate == pytest.approx(float(detail["duration"]), abs=0.01)
            assert np.abs(audio[:, 0]).max() > 0.05
            tail = client.get(f"/api/calls/{call_id}/audio",
                              headers={"Range": "bytes=-400"})
            assert tail.status_code == 206 and tail.content == whole.content[-400:]
    watch.close()
