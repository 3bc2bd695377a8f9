"""The REST API over real HTTP (uvicorn on loopback), on SQLite and PostgreSQL: access rules,
ranges, peaks, export, delete, upload, sign-in and the socket's authentication."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
import pytest_asyncio
import soundfile as sf
import websockets
from fastapi import FastAPI, WebSocket

from server.http.app import create_app
from server.http.auth import SESSION_COOKIE, authenticate_socket
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import CallStatus, CallStore, Role, TokenKind, User
from tests.support.call_helpers import Rep, stored
from tests.support.helpers import FIXTURES
from tests.support.storage_fixtures import BACKENDS, database_url_for, record_demo_call, wav_path
from voices.audio import SAMPLE_RATE, read_audio
from voices.engines import Engines


@dataclass
class Site:
    base: str
    app: FastAPI
    store: CallStore
    data_dir: Path
    manager: User
    rep_a: User
    rep_b: User
    tokens: dict[str, str]
    call_a: str  # rep A's call
    call_b: str  # rep B's call

    def client(self, who: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.AsyncClient(base_url=self.base, headers=headers, timeout=60)


@pytest.fixture(scope="module", params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from database_url_for(request.param)


@pytest_asyncio.fixture(scope="module")
async def site(db_url: str | None, engines: Engines,
               tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    data_dir = tmp_path_factory.mktemp("api")
    settings = Settings(data_dir=data_dir, database_url=db_url, upload_max_bytes=2_000_000)
    app = create_app(settings, engines)
    async with serve_in_process(app) as base:
        store: CallStore = app.state.store
        assert app.state.setup_code  # no users yet: the one-time link exists
        accounts = store.accounts
        manager = accounts.create("maria", Role.MANAGER, "manager-pass")
        rep_a = accounts.create("alex", Role.REP, "alex-pass-1")
        rep_b = accounts.create("blake", Role.REP, "blake-pass")
        tokens = {name: accounts.issue_token(user.id, TokenKind.API)
                  for name, user in (("manager", manager), ("a", rep_a), ("b", rep_b))}
        call_a = (await record_demo_call(store, engines, user_id=rep_a.id))["call_id"]
        call_b = (await record_demo_call(store, engines, user_id=rep_b.id,
                                         scenario="send-info"))["call_id"]
        yield Site(base, app, store, data_dir, manager, rep_a, rep_b, tokens, call_a, call_b)


def _routes(call_id: str) -> list[str]:
    return [f"/api/calls/{call_id}", f"/api/calls/{call_id}/audio",
            f"/api/calls/{call_id}/peaks", f"/api/calls/{call_id}/export"]


async def test_unauthenticated_requests_are_refused(site: Site) -> None:
    async with site.client() as anon:
        for path in ["/api/calls", "/api/me", f"/api/reps/{site.rep_a.id}/trend",
                     *_routes(site.call_a)]:
            assert (await anon.get(path)).status_code == 401, path
        assert (await anon.delete(f"/api/calls/{site.call_a}")).status_code == 401
        assert (await anon.post("/api/calls/upload", content=b"RIFF")).status_code == 401
        bad = {"Authorization": "Bearer wk_not-a-real-token"}
        assert (await anon.get("/api/calls", headers=bad)).status_code == 401
        page = await anon.get(f"/calls/{site.call_a}")
        assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


async def test_a_rep_sees_only_their_own_calls(site: Site) -> None:
    async with site.client("a") as rep:
        listed = (await rep.get("/api/calls")).json()
        assert {c["id"] for c in listed["calls"]} == {site.call_a} and listed["total"] == 1
        for path in _routes(site.call_a):
            assert (await rep.get(path)).status_code == 200, path
        for path in _routes(site.call_b):
            assert (await rep.get(path)).status_code in (403, 404), path
        assert (await rep.get("/api/calls", params={"rep": site.rep_b.id})).status_code == 403
        assert (await rep.get(f"/api/reps/{site.rep_b.id}/trend")).status_code == 403
        assert (await rep.delete(f"/api/calls/{site.call_a}")).status_code == 403
    async with site.client("manager") as manager:
        listed = (await manager.get("/api/calls")).json()
        assert {site.call_a, site.call_b} <= {c["id"] for c in listed["calls"]}
        only_b = (await manager.get("/api/calls", params={"rep": site.rep_b.id})).json()
        assert [c["id"] for c in only_b["calls"]] == [site.call_b]
        assert only_b["calls"][0]["rep_name"] == "blake"


async def test_path_like_ids_never_reach_the_disk(site: Site) -> None:
    async with site.client("manager") as manager:
        for bad in ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", site.call_a.upper(),
                    site.call_a + "0", "a" * 31 + "%2F"]:
            for suffix in ("", "/audio", "/peaks", "/export"):
                response = await manager.get(f"/api/calls/{bad}{suffix}", follow_redirects=True)
                assert response.status_code in (404, 422), (bad, suffix, response.status_code)
                assert b"root:" not in response.content


async def test_detail_has_scorecard_turns_with_word_timings_events_and_markers(site: Site) -> None:
    async with site.client("a") as rep:
        detail = (await rep.get(f"/api/calls/{site.call_a}")).json()
    assert detail["call"]["status"] == "complete" and detail["call"]["rep_name"] == "alex"
    assert detail["scorecard"]["call_id"] == site.call_a
    rep_turns = [t for t in detail["turns"] if t["speaker"] == "rep"]
    assert rep_turns and all(t["words"] for t in rep_turns)
    assert all(w["end"] >= w["start"] >= t["start"] - 0.5 for t in rep_turns for w in t["words"])
    assert [e["event"]["type"] for e in detail["events"]] == ["ready", "prospect", "scorecard"]
    kinds = {m["kind"] for m in detail["markers"]}
    assert "concession" in kinds  # "I can give you ten percent off"


async def test_audio_supports_ranges_and_peaks_show_both_channels(site: Site) -> None:
    path = wav_path(site.data_dir, site.call_a)
    size = path.stat().st_size
    async with site.client("a") as rep:
        whole = await rep.get(f"/api/calls/{site.call_a}/audio")
        assert whole.status_code == 200 and whole.headers["content-type"] == "audio/wav"
        assert whole.headers["accept-ranges"] == "bytes" and len(whole.content) == size
        part = await rep.get(f"/api/calls/{site.call_a}/audio", headers={"Range": "bytes=44-143"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes 44-143/{size}"
        assert part.content == path.read_bytes()[44:144]
        audio, rate = sf.read(io.BytesIO(whole.content))
        assert rate == 16_000 and audio.ndim == 2 and audio.shape[1] == 2
        peaks = (await rep.get(f"/api/calls/{site.call_a}/peaks", params={"buckets": 50})).json()
    assert peaks["buckets"] == 50 and peaks["duration"] == pytest.approx(len(audio) / rate, 0.01)
    rep_peaks, prospect_peaks = peaks["channels"]["rep"], peaks["channels"]["prospect"]
    assert len(rep_peaks) == len(prospect_peaks) == 50
    assert max(prospect_peaks[:10]) > 0.05 and max(prospect_peaks[-10:]) == 0  # asks first
    assert max(rep_peaks[-25:]) > 0.05


async def test_export_downloads_the_whole_call(site: Site) -> None:
    async with site.client("manager") as manager:
        response = await manager.get(f"/api/calls/{site.call_b}/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    body = response.json()
    assert body["call"]["id"] == site.call_b and body["scorecard"] and body["turns"]


async def test_filters_narrow_the_list(site: Site) -> None:
    async with site.client("manager") as manager:
        async def ids(**params: object) -> set[str]:
            listed = (await manager.get("/api/calls", params=params)).json()
            return {c["id"] for c in listed["calls"]}

        assert await ids(scenario="send-info") == {site.call_b}
        assert site.call_a in await ids(outcome="conceded")
        assert not await ids(outcome="no-such-outcome")
        overall = site.store.calls.get(site.call_a).overall  # type: ignore[union-attr]
        assert site.call_a in await ids(min_score=overall, max_score=overall)
        assert site.call_a not in await ids(min_score=min(100, overall + 1))
        assert site.call_a in await ids(date_from="2000-01-01", date_to="2999-12-31")
        assert not await ids(date_to="2000-01-01")
        bad = await manager.get("/api/calls", params={"min_score": 500})
        assert bad.status_code == 422


async def test_trend_lists_a_reps_scores_in_time_order(site: Site) -> None:
    async with site.client("a") as rep:
        trend = (await rep.get(f"/api/reps/{site.rep_a.id}/trend")).json()
    assert trend["rep"]["name"] == "alex"
    assert site.call_a in [p["call_id"] for p in trend["points"]]
    times = [p["started_at"] for p in trend["points"]]
    assert times == sorted(times)


async def test_browser_sign_in_sets_a_safe_cookie_and_sign_out_revokes_it(site: Site) -> None:
    async with site.client() as browser:
        wrong = await browser.post("/api/login", json={"name": "alex", "password": "nope"})
        assert wrong.status_code == 401
        response = await browser.post("/api/login",
                                      json={"name": "alex", "password": "alex-pass-1"})
        assert response.status_code == 200 and response.json()["role"] == "rep"
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
        assert "secure" not in cookie.lower()  # plain http, cookie_secure off
        token = browser.cookies[SESSION_COOKIE]
        assert (await browser.get("/api/me")).json()["name"] == "alex"
        assert (await browser.get(f"/calls/{site.call_a}")).status_code == 200
        # a session token is not an API token
        bearer = await browser.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert bearer.status_code == 401
        assert (await browser.post("/api/logout")).status_code == 204
    async with site.client() as stolen:
        stolen.cookies.set(SESSION_COOKIE, token)
        assert (await stolen.get("/api/me")).status_code == 401


async def test_manager_deletes_a_call_and_its_recording(site: Site, engines: Engines) -> None:
    doomed = (await record_demo_call(site.store, engines, user_id=site.rep_b.id))["call_id"]
    assert wav_path(site.data_dir, doomed).exists()
    async with site.client("manager") as manager:
        assert (await manager.delete(f"/api/calls/{doomed}")).status_code == 204
        assert (await manager.get(f"/api/calls/{doomed}")).status_code == 404
        assert (await manager.delete(f"/api/calls/{doomed}")).status_code == 404
    assert not wav_path(site.data_dir, doomed).exists()


async def test_an_uploaded_real_call_is_scored_and_stored(site: Site) -> None:
    body = (FIXTURES / "price_cave_piper.wav").read_bytes()
    async with site.client("b") as rep:
        response = await rep.post("/api/calls/upload", content=body,
                                  params={"filename": "call.wav", "scenario": "real-call"},
                                  headers={"Content-Type": "audio/wav"})
        assert response.status_code == 201, response.text
        call = response.json()
        assert call["source"] == "upload" and call["rep_id"] == site.rep_b.id
        assert call["overall"] is not None and call["status"] == "complete"
        detail = (await rep.get(f"/api/calls/{call['id']}")).json()
        assert "percent" in detail["scorecard"]["transcript"].lower() or \
            "10" in detail["scorecard"]["transcript"]
        too_big = await rep.post("/api/calls/upload", content=b"\0" * 2_000_001)
        assert too_big.status_code == 413
        junk = await rep.post("/api/calls/upload", content=b"not audio at all" * 10)
        assert junk.status_code == 415
    assert not list((site.data_dir / "uploads").iterdir())  # spooled files are removed


async def test_first_manager_setup_link_works_once(site: Site) -> None:
    site.app.state.setup_code = "known-code"  # as if no users existed yet
    async with site.client() as browser:
        form = {"name": "first", "password": "long-enough", "code": "wrong"}
        assert (await browser.post("/api/setup", json=form)).status_code == 403
        form["code"] = "known-code"
        # users exist already, so even the right code is refused
        assert (await browser.post("/api/setup", json=form)).status_code == 403
    assert (await site.client().get("/setup", params={"code": "x"})).status_code == 200


async def test_openapi_documents_the_calls_api(site: Site) -> None:
    async with site.client() as anon:
        spec = (await anon.get("/openapi.json")).json()
    for path in ("/api/calls", "/api/calls/{call_id}", "/api/calls/{call_id}/audio",
                 "/api/calls/{call_id}/peaks", "/api/calls/{call_id}/export",
                 "/api/calls/upload", "/api/me", "/api/login", "/api/logout",
                 "/api/reps/{rep_id}/trend"):
        assert path in spec["paths"], path


# --- the socket's caller ---------------------------------------------------------------------

async def test_authenticate_socket_takes_a_header_a_start_token_or_a_same_origin_cookie(
    site: Site,
) -> None:
    probe = FastAPI()
    probe.state.store = site.store

    @probe.websocket("/probe")
    async def who(websocket: WebSocket) -> None:
        await websocket.accept()
        token = await websocket.receive_text()
        user = await authenticate_socket(websocket, token or None)
        await websocket.send_text(user.name if user else "-")
        await websocket.close()

    session = site.store.accounts.issue_token(site.rep_a.id, TokenKind.SESSION)
    async with serve_in_process(probe) as base:
        url = base.replace("http://", "ws://") + "/probe"
        host = base.removeprefix("http://")

        async def ask(token: str = "", **kwargs: object) -> str:
            async with websockets.connect(url, **kwargs) as ws:  # type: ignore[arg-type]
                await ws.send(token)
                return str(await ws.recv())

        assert await ask() == "-"
        assert await ask(site.tokens["b"]) == "blake"
        assert await ask(additional_headers={"Authorization": f"Bearer {site.tokens['a']}"}) \
            == "alex"
        cookie = {"Cookie": f"{SESSION_COOKIE}={session}"}
        assert await ask(additional_headers=cookie, origin=f"http://{host}") == "alex"
        assert await ask(additional_headers=cookie, origin="http://evil.example") == "-"
        assert await ask("wk_forged") == "-"


def test_the_recorded_wav_is_stereo_and_as_long_as_the_rep_audio(site: Site) -> None:
    audio, rate = sf.read(str(wav_path(site.data_dir, site.call_a)), dtype="float32")
    record = site.store.calls.get(site.call_a)
    assert record is not None and record.duration == pytest.approx(len(audio) / rate, abs=0.01)
    assert np.abs(audio[:, 0]).max() > 0.05 and np.abs(audio[:, 1]).max() > 0.05


# --- calls over /ws/call are stored --------------------------------------------------------


async def test_a_call_over_the_socket_is_stored_with_its_stereo_wav(site: Site) -> None:
    turn = read_audio(FIXTURES / "price_hold_piper.wav")
    url = site.base.replace("http://", "ws://") + "/ws/call"
    async with websockets.connect(url, max_size=None) as ws:
        rep = Rep(ws)
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure",
                                  "token": site.tokens["a"]}))
        call_id = (await rep.until("ready"))["call_id"]
        opening = await rep.until("prospect_audio_end")
        await rep.say(np.zeros(int((opening["duration"] + 0.5) * SAMPLE_RATE), np.float32))
        await rep.say(turn)
        await rep.say(np.zeros(int(1.5 * SAMPLE_RATE), np.float32))
        reply = await rep.until("prospect_audio_end", 2)
        await rep.say(np.zeros(int((reply["duration"] + 0.5) * SAMPLE_RATE), np.float32))
        await ws.send(json.dumps({"type": "end"}))
        card = await rep.until("scorecard")
    record = await stored(site.store.calls, call_id)
    assert record.status is CallStatus.COMPLETE and record.rep_id == site.rep_a.id
    audio, rate = sf.read(str(wav_path(site.data_dir, call_id)), dtype="float32")
    prospect_end = max(t["end"] for t in card["turns"] if t["speaker"] == "prospect")
    expected = max(rep.sent_samples / SAMPLE_RATE, prospect_end)
    assert audio.shape[1] == 2 and abs(len(audio) / rate - expected) <= 0.2
    assert record.duration == pytest.approx(len(audio) / rate, abs=0.01)
    # the left channel is exactly what the rep streamed, on the call clock
    start = int((opening["duration"] + 0.5) * SAMPLE_RATE)
    np.testing.assert_allclose(audio[start : start + len(turn), 0], turn, atol=2 / 32768)
    assert np.abs(audio[:start, 0]).max() == 0
    assert np.abs(audio[: int(opening["duration"] * rate), 1]).max() > 0.05  # the opening line
    assert [t.speaker for t in site.store.calls.turns(call_id)] == \
        [t["speaker"] for t in card["turns"]]
    assert site.store.calls.scorecard(call_id)["overall"] == card["overall"]
    kinds = [e.data["type"] for e in site.store.calls.events(call_id)]
    assert kinds[0] == "ready" and kinds[-1] == "scorecard" and "transcript" in kinds


async def test_a_socket_closed_mid_turn_still_leaves_a_playable_call(site: Site) -> None:
    turn = read_audio(FIXTURES / "price_cave_piper.wav")
    url = site.base.replace("http://", "ws://") + "/ws/call"
    async with websockets.connect(url, max_size=None) as ws:
        rep = Rep(ws)
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure"}))
        assert (await rep.until("error"))["code"] == "unauthorized"  # no token, no call
    async with websockets.connect(
        url, max_size=None, additional_headers={"Authorization": f"Bearer {site.tokens['b']}"}
    ) as ws:
        rep = Rep(ws)
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure"}))
        call_id = (await rep.until("ready"))["call_id"]
        await rep.say(turn[: len(turn) // 2])  # mid-sentence, then the line drops
    record = await stored(site.store.calls, call_id)
    assert record.status is CallStatus.INTERRUPTED and record.rep_id == site.rep_b.id
    audio, rate = sf.read(str(wav_path(site.data_dir, call_id)), dtype="float32")
    assert len(audio) >= rep.sent_samples and audio.shape[1] == 2
    np.testing.assert_allclose(audio[: rep.sent_samples, 0], turn[: rep.sent_samples], atol=2 / 32768)
    async with site.client("manager") as manager:
        assert (await manager.get(f"/api/calls/{call_id}/audio")).status_code == 200
        detail = (await manager.get(f"/api/calls/{call_id}")).json()
    assert detail["call"]["status"] == "interrupted"
