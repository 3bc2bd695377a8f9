"""Security review as tests: every route refuses strangers, reps stay apart from managers and
from each other, the cookie is safe, paths stay inside data_dir, secrets stay out of logs.

The route checks enumerate `app.routes`: adding a route that forgets its sign-in check, or a
public route nobody reviewed, fails here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
import pytest_asyncio
import websockets
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import Mount, Route

from server.http.app import create_app
from server.http.auth import SESSION_COOKIE, require_manager
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import CallStatus, CallStore, Role, TokenKind, User
from server.http.throttle import SignInThrottle
from tests.support.call_helpers import START
from tests.support.storage_fixtures import new_call_id
from voices.engines import Engines

# reviewed: what each public route gives a stranger, and why that is fine
PUBLIC = {
    "/": "the practice page (static HTML; its socket needs sign-in)",
    "/static": "page assets",
    "/login": "the sign-in page", "/setup": "the set-up page (POST /api/setup checks the code)",
    "/api/login": "signing in", "/api/logout": "signing out (harmless without a session)",
    "/api/setup": "the first manager, with the one-time code only",
    "/api/scenarios": "scenario briefs for the practice page (signed out: built-in and file "
                      "ones only, not the team's own); no call or user data",
    "/healthz": "liveness probe",
    "/favicon.ico": "the site's icon",
    "/api/access": "whether calls need sign-in, so the page can say so before the microphone",
    "/openapi.json": "the API's schema (no /docs: see docs/security.md)",
    "/invite": "the invite page (static HTML; the code stays in the fragment)",
    "/api/invites/check": "what a one-time invite code is for, only with the code",
    "/api/invites/accept": "signing up, only with an unused, unexpired invite code",
}
PARAM = re.compile(r"\{(\w+)\}")


@dataclass
class Site:
    base: str
    app: FastAPI
    store: CallStore
    rep_a: User
    rep_b: User
    tokens: dict[str, str]
    call_a: str

    def client(self, who: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.AsyncClient(base_url=self.base, headers=headers, timeout=60)

    def url_of(self, path: str) -> str:
        values = {"call_id": self.call_a, "rep_id": self.rep_a.id, "user_id": self.rep_a.id,
                  "token_id": "0" * 16, "assignment_id": "0" * 32, "invite_id": "0" * 16,
                  "scenario_id": "price-pressure"}
        missing = set(PARAM.findall(path)) - set(values)
        assert not missing, f"{path}: give the security test a real value for {missing}"
        return PARAM.sub(lambda m: values[m.group(1)], path)


async def _short_call(store: CallStore, user_id: str) -> str:
    call_id = new_call_id()
    recorder = await store.open_call(call_id=call_id, user_id=user_id, scenario="send-info",
                                     difficulty="normal")
    recorder.rep_audio(np.full(8000, 0.2, dtype=np.float32))
    await recorder.finish({"call_id": call_id, "overall": 50, "turns": []}, CallStatus.COMPLETE)
    return call_id


@pytest_asyncio.fixture(scope="module")
async def site(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("sec")), engines)
    async with serve_in_process(app) as base:
        store: CallStore = app.state.store
        manager = store.accounts.create("mgr", Role.MANAGER, "manager-pass")
        rep_a = store.accounts.create("ann", Role.REP, "ann-pass-1")
        rep_b = store.accounts.create("bob", Role.REP, "bob-pass-1")
        tokens = {who: store.accounts.issue_token(user.id, TokenKind.API)
                  for who, user in (("manager", manager), ("a", rep_a), ("b", rep_b))}
        call_a = await _short_call(store, rep_a.id)
        yield Site(base, app, store, rep_a, rep_b, tokens, call_a)


@dataclass(frozen=True)
class Endpoint:
    path: str  # with the prefixes of the routers it was included through
    methods: frozenset[str]
    route: object  # the route as declared (APIRoute, Route, APIWebSocketRoute, Mount)
    dependant: Dependant | None


def _endpoints(app: FastAPI) -> list[Endpoint]:
    """Every route the app serves, included routers flattened (FastAPI >= 0.13x keeps them
    as one entry per router; older versions copy their routes up)."""
    out = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for item in contexts() if contexts is not None else [route]:
            original = getattr(item, "original_route", item)
            out.append(Endpoint(str(item.path), frozenset(getattr(item, "methods", None) or ()),
                                original, getattr(item, "dependant", None)))
    return out


def _http_routes(app: FastAPI) -> list[tuple[str, str, Endpoint]]:
    return [(method, e.path, e) for e in _endpoints(app) if isinstance(e.route, APIRoute | Route)
            for method in sorted(e.methods) if method not in ("HEAD", "OPTIONS")]


def _needs(dependant: Dependant | None, call: object) -> bool:
    return dependant is not None and any(d.call is call or _needs(d, call)
                                         for d in dependant.dependencies)


def _is_public(path: str) -> bool:
    return path in PUBLIC or any(path.startswith(p + "/") for p in PUBLIC if p != "/")


async def test_every_route_refuses_an_anonymous_caller(site: Site) -> None:
    checked = 0
    async with site.client() as anon:
        for endpoint in _endpoints(site.app):
            kinds = (APIRoute, Route, APIWebSocketRoute, Mount)
            assert isinstance(endpoint.route, kinds), f"unreviewed kind of route: {endpoint}"
        for method, path, _ in _http_routes(site.app):
            if _is_public(path):
                continue
            response = await anon.request(method, site.url_of(path), content=b"{}",
                                          headers={"Content-Type": "application/json"})
            to_login = response.status_code == 303 and \
                response.headers["location"].startswith("/login")
            assert response.status_code == 401 or to_login, (method, path, response.status_code)
            checked += 1
    for endpoint in _endpoints(site.app):
        if isinstance(endpoint.route, Mount):
            assert endpoint.path in PUBLIC, f"unreviewed mount {endpoint.path}"
        if isinstance(endpoint.route, APIWebSocketRoute):
            url = site.base.replace("http://", "ws://") + endpoint.path
            for start in (START, START | {"token": "wk_" + "x" * 43}):  # none, forged
                async with websockets.connect(url) as ws:
                    await ws.send(json.dumps(start))
                    answer = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    assert answer["type"] == "error" and answer["code"] == "unauthorized"
            checked += 1
    assert checked >= 12  # the calls API, the pages and the socket


async def test_manager_routes_refuse_reps(site: Site) -> None:
    guarded = [(m, p) for m, p, e in _http_routes(site.app)
               if _needs(e.dependant, require_manager)]
    assert {("DELETE", "/api/calls/{call_id}"), ("POST", "/api/users")} <= set(guarded)
    async with site.client("a") as rep:
        for method, path in guarded:
            body = {"name": "sneaky", "role": "manager", "password": "long-enough-1"}
            response = await rep.request(method, site.url_of(path), json=body)
            assert response.status_code == 403, (method, path, response.status_code)
        assert [u["id"] for u in (await rep.get("/api/reps")).json()] == [site.rep_a.id]
    assert site.store.accounts.by_name("sneaky") is None
    assert site.store.calls.get(site.call_a) is not None


async def test_a_rep_cannot_reach_another_reps_call_or_trend(site: Site) -> None:
    async with site.client("b") as other:
        for method, path, _ in _http_routes(site.app):
            if not path.startswith("/api/") or not PARAM.search(path) or method != "GET":
                continue
            response = await other.get(site.url_of(path))
            assert response.status_code in (403, 404), (path, response.status_code)
            assert site.call_a not in response.text or response.status_code == 403
        listed = (await other.get("/api/calls")).json()
        assert site.call_a not in {c["id"] for c in listed["calls"]}


async def test_the_session_cookie_is_httponly_lax_and_secure_when_asked(
    engines: Engines, tmp_path: Path
) -> None:
    app = create_app(Settings(data_dir=tmp_path, cookie_secure=True), engines)
    async with serve_in_process(app) as base:
        app.state.store.accounts.create("cat", Role.REP, "cat-pass-1")
        async with httpx.AsyncClient(base_url=base) as browser:
            response = await browser.post("/api/login", json={"name": "cat",
                                                              "password": "cat-pass-1"})
    cookie = response.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert cookie.startswith(f"{SESSION_COOKIE}=wk_")
    assert {"httponly", "secure", "path", "max-age", "samesite"} <= attributes
    assert "samesite=lax" in cookie.lower()


async def test_no_path_leaves_the_data_and_web_directories(site: Site) -> None:
    async with site.client("manager") as manager:
        for path in ("/static/../server/settings.py", "/static/%2e%2e/server/settings.py",
                     "/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static//etc/passwd"):
            response = await manager.get(path)
            assert response.status_code in (400, 404), (path, response.status_code)
            assert b"BaseSettings" not in response.content and b"root:" not in response.content
        escape = site.store.settings.data_dir.parent / "escaped.wav"
        response = await manager.post("/api/calls/upload", content=b"junk" * 100,
                                      params={"filename": "../../escaped.wav",
                                              "scenario": "../etc"})
        assert response.status_code in (415, 422) and not escape.exists()


# --- secrets never reach the logs ----------------------------------------------------------------

_CLIENT_LOGGERS = ("httpx", "httpcore", "websockets.client")


async def test_setup_code_passwords_and_tokens_never_reach_the_logs(
    engines: Engines, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(Settings(data_dir=tmp_path, partial_interval_s=0), engines)
    async with serve_in_process(app) as base:
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # they do not propagate
            logging.getLogger(name).addHandler(caplog.handler)
            logging.getLogger(name).setLevel(logging.DEBUG)
        try:
            code = app.state.setup_code
            password = "s3cret-manager-pass"
            async with httpx.AsyncClient(base_url=base) as browser:
                assert (await browser.get("/setup", params={"code": code})).status_code == 200
                made = await browser.post("/api/setup", json={"name": "boss", "code": code,
                                                              "password": password})
                assert made.status_code == 200, made.text
                session = browser.cookies[SESSION_COOKIE]
                token = (await browser.post("/api/tokens")).json()["token"]
                assert (await browser.post("/api/login", json={
                    "name": "boss", "password": "wrong-" + password})).status_code == 401
                assert (await browser.post("/api/login", json={
                    "name": "boss", "password": password})).status_code == 200
            async with httpx.AsyncClient(base_url=base, headers={
                    "Authorization": f"Bearer {token}"}) as script:
                assert (await script.get("/api/me")).status_code == 200
            async with websockets.connect(base.replace("http://", "ws://") + "/ws/call") as ws:
                await ws.send(json.dumps(START | {"token": token}))
                await ws.send(json.dumps({"type": "end"}))
                async for frame in ws:
                    if isinstance(frame, str) and json.loads(frame)["type"] == "scorecard":
                        break
        finally:
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
                logging.getLogger(name).removeHandler(caplog.handler)
    secrets = {"set-up code": code, "password": password, "session": session, "token": token}
    server_records = [r for r in caplog.records if not r.name.startswith(_CLIENT_LOGGERS)]
    assert len(server_records) > 10  # the server did log: a login, a call, request lines
    for record in server_records:
        text = record.getMessage() + (record.exc_text or "")
        for what, secret in secrets.items():
            assert secret not in text, f"{what} in a log record of {record.name}: {text[:200]}"
    print(f"\n{len(server_records)} server log records checked for 4 secrets: none found")


async def test_wrong_passwords_make_the_next_sign_ins_wait(
    engines: Engines, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, signin_failures_per_name=3,
                        signin_failures_per_address=5)
    app = create_app(settings, engines)
    async with serve_in_process(app) as base:
        app.state.store.accounts.create("dan", Role.REP, "dan-pass-1")
        app.state.store.accounts.create("eve", Role.REP, "eve-pass-1")
        async with httpx.AsyncClient(base_url=base) as guesser:
            for guess in ("a-guess-1", "a-guess-2", "a-guess-3"):
                wrong = await guesser.post("/api/login", json={"name": "dan", "password": guess})
                assert wrong.status_code == 401
            # even the right password waits now: the guesser cannot tell which was right
            blocked = await guesser.post("/api/login", json={"name": "Dan ",
                                                             "password": "dan-pass-1"})
            assert blocked.status_code == 429
            assert 0 < int(blocked.headers["retry-after"]) <= settings.signin_window_s
            assert "too many failed sign-ins" in blocked.json()["detail"]
            # another name from the same address still signs in, until the address's allowance
            ok = await guesser.post("/api/login", json={"name": "eve", "password": "eve-pass-1"})
            assert ok.status_code == 200
            guesser.cookies.clear()  # else this browser is one eve signed in from: not held up
            for guess in ("b-guess-1", "b-guess-2"):
                assert (await guesser.post("/api/login", json={
                    "name": "eve", "password": guess})).status_code == 401
            refused = await guesser.post("/api/login", json={"name": "eve",
                                                             "password": "eve-pass-1"})
            assert refused.status_code == 429  # 5 failures from this address


async def test_a_right_password_clears_the_names_failures(engines: Engines, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, signin_failures_per_name=3), engines)
    async with serve_in_process(app) as base:
        app.state.store.accounts.create("fay", Role.REP, "fay-pass-1")
        async with httpx.AsyncClient(base_url=base) as typo_prone:
            for _ in range(3):
                for password in ("fay-pass-l", "fay-pass-1"):  # a typo, then the password
                    response = await typo_prone.post("/api/login", json={"name": "fay",
                                                                         "password": password})
                assert response.status_code == 200


async def test_state_changing_requests_from_another_site_are_refused(site: Site) -> None:
    delete = f"/api/calls/{site.call_a}"
    async with site.client("manager") as client:
        for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                        {"Origin": "http://evil.example"}):
            refused = await client.delete(delete, headers=headers)
            assert refused.status_code == 403, headers
            assert refused.json()["detail"] == "cross-site request refused"
            login = await client.post("/api/login", headers=headers,
                                      json={"name": "mgr", "password": "manager-pass"})
            assert login.status_code == 403  # no signing a victim into our account either
        # reading is not changing anything: a cross-site GET reaches the route
        listed = await client.get("/api/calls", headers={"Sec-Fetch-Site": "cross-site"})
        assert listed.status_code == 200
        # our own pages, and scripts that send no browser headers, get through
        own_page = await client.post("/api/tokens", headers={"Sec-Fetch-Site": "same-origin",
                                                             "Origin": site.base})
        assert own_page.status_code == 200
        script = await client.post("/api/tokens")
        assert script.status_code == 200
    assert await asyncio.to_thread(site.store.calls.get, site.call_a) is not None


def test_failed_sign_ins_stop_counting_after_the_window() -> None:
    now = [1000.0]
    throttle = SignInThrottle(window_s=300, clock=lambda: now[0])
    keys = {"name:gus": 2, "addr:10.0.0.9": 10}
    throttle.failed(keys)
    now[0] += 100
    throttle.failed(keys)
    assert throttle.retry_after(keys) == pytest.approx(200)  # the first failure ages out first
    now[0] += 200
    assert throttle.retry_after(keys) == 0
    throttle.failed(keys)
    assert throttle.retry_after(keys) == pytest.approx(100)
    throttle.forget("name:gus")
    assert throttle.retry_after(keys) == 0  # the address has 3 of its 10
