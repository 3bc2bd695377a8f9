"""Credentials that can be cut off, and sign-in that slows a guesser without locking the real
user out (docs/security.md): a password change ends the other sessions; API tokens expire and
are revoked by id (API and CLI); a removed user holds nothing and their calls stay; failed
sign-ins wait per name and address pair, growing, and a browser that signed in before is
not held up; the logs never get the typed name; the schema migration keeps old tokens."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest
import pytest_asyncio
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from server.cli.main import app as cli
from server.http.app import create_app
from server.http.auth import DEVICE_COOKIE
from server.http.inprocess import serve_in_process
from server.http.throttle import GrowingDelays
from server.settings import Settings
from server.storage import CallStatus, CallStore, Role, TokenKind, User
from server.storage.accounts import Accounts
from server.storage.db import _MIGRATIONS
from tests.support.storage_fixtures import new_call_id
from voices.engines import Engines


@dataclass
class Site:
    base: str
    app: FastAPI
    store: CallStore
    manager_token: str

    def client(self, token: str | None = None, address: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if address:  # uvicorn takes the client's address from a loopback proxy's header
            headers["X-Forwarded-For"] = address
        return httpx.AsyncClient(base_url=self.base, headers=headers, timeout=60)


@pytest_asyncio.fixture
async def site(engines: Engines, tmp_path: Path) -> AsyncIterator[Site]:
    settings = Settings(data_dir=tmp_path, signin_failures_per_name=3,
                        signin_failures_per_address=50)
    app = create_app(settings, engines)
    async with serve_in_process(app) as base:
        store: CallStore = app.state.store
        boss = store.accounts.create("boss", Role.MANAGER, "boss-pass-1")
        yield Site(base, app, store, store.accounts.issue_token(boss.id, TokenKind.API))


async def _sign_in(client: httpx.AsyncClient, name: str, password: str) -> httpx.Response:
    return await client.post("/api/login", json={"name": name, "password": password})


async def test_a_password_change_ends_the_other_sessions(site: Site) -> None:
    site.store.accounts.create("pia", Role.REP, "pia-pass-1")
    async with site.client() as laptop, site.client() as phone:
        assert (await _sign_in(laptop, "pia", "pia-pass-1")).status_code == 200
        assert (await _sign_in(phone, "pia", "pia-pass-1")).status_code == 200
        wrong = await laptop.post("/api/password", json={"current": "nope", "new": "pia-pass-2"})
        assert wrong.status_code == 403
        changed = await laptop.post("/api/password", json={"current": "pia-pass-1",
                                                           "new": "pia-pass-2"})
        assert changed.status_code == 204, changed.text
        assert (await laptop.get("/api/me")).status_code == 200  # the one that changed it
        assert (await phone.get("/api/me")).status_code == 401  # a stolen session ends here
    async with site.client() as other:
        assert (await _sign_in(other, "pia", "pia-pass-1")).status_code == 401
        assert (await _sign_in(other, "pia", "pia-pass-2")).status_code == 200


async def test_api_tokens_expire_and_are_revoked_by_id(engines: Engines, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, api_token_days=2 / 86_400), engines)  # 2 s
    async with serve_in_process(app) as base:
        store: CallStore = app.state.store
        user = store.accounts.create("ted", Role.REP, "ted-pass-1")
        async with httpx.AsyncClient(base_url=base) as browser:
            await _sign_in(browser, "ted", "ted-pass-1")
            made = (await browser.post("/api/tokens")).json()
            expires = datetime.fromisoformat(made["expires_at"])
            assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(seconds=2)
            kept = (await browser.post("/api/tokens")).json()
            listed = (await browser.get("/api/tokens")).json()
            assert {t["id"] for t in listed} == {made["id"], kept["id"]}
            assert all("token" not in t for t in listed)  # never the value
            async with httpx.AsyncClient(base_url=base, headers={
                    "Authorization": f"Bearer {made['token']}"}) as script:
                assert (await script.get("/api/me")).status_code == 200
                await asyncio.sleep(2.2)
                assert (await script.get("/api/me")).status_code == 401  # expired
            assert (await browser.delete(f"/api/tokens/{kept['id']}")).status_code == 204
            assert (await browser.delete(f"/api/tokens/{kept['id']}")).status_code == 404
        assert store.accounts.user_for_token(kept["token"]) is None
        assert Settings().api_token_days == 90  # the default
        assert store.accounts.tokens(user.id)[0].id == made["id"]  # expired, still listed


async def _a_call_of(store: CallStore, user: User) -> str:
    call_id = new_call_id()
    recorder = await store.open_call(call_id=call_id, user_id=user.id, scenario="send-info",
                                     difficulty="normal")
    recorder.rep_audio(np.full(8000, 0.2, dtype=np.float32))
    await recorder.finish({"call_id": call_id, "overall": 61, "turns": []}, CallStatus.COMPLETE)
    return call_id


async def test_a_manager_revokes_a_reps_tokens_and_removes_the_rep(site: Site) -> None:
    rep = site.store.accounts.create("rex", Role.REP, "rex-pass-1")
    first = site.store.accounts.issue_token(rep.id, TokenKind.API)
    second = site.store.accounts.issue_token(rep.id, TokenKind.API)
    call_id = await _a_call_of(site.store, rep)
    async with site.client(site.manager_token) as manager, site.client(first) as leaked, \
            site.client() as browser:
        assert (await _sign_in(browser, "rex", "rex-pass-1")).status_code == 200
        listed = (await manager.get(f"/api/users/{rep.id}/tokens")).json()
        assert len(listed) == 2
        async with site.client(second) as rep_script:  # a rep may not revoke another's
            assert (await rep_script.get(f"/api/users/{rep.id}/tokens")).status_code == 403
        first_id = site.store.accounts.tokens(rep.id)[0].id  # oldest first: `first`
        assert first_id in {t["id"] for t in listed}
        assert (await manager.delete(f"/api/tokens/{first_id}")).status_code == 204
        assert (await leaked.get("/api/me")).status_code == 401
        assert (await manager.delete(f"/api/users/{rep.id}/tokens")).status_code == 204
        assert (await browser.get("/api/me")).status_code == 401  # the session too
        async with site.client(second) as rep_script:
            assert (await rep_script.get("/api/me")).status_code == 401
        assert (await browser.post("/api/login", json={"name": "rex", "password": "rex-pass-1"})
                ).status_code == 200  # revoking is not removing
        assert (await manager.delete(f"/api/users/{rep.id}")).status_code == 204
        assert (await browser.get("/api/me")).status_code == 401
        assert (await _sign_in(browser, "rex", "rex-pass-1")).status_code == 401
        call = (await manager.get(f"/api/calls/{call_id}")).json()["call"]
        assert call["rep_name"] == "rex"  # their calls stay, under their name
        assert rep.id not in {u["id"] for u in (await manager.get("/api/reps")).json()}
        me = (await manager.get("/api/me")).json()
        assert (await manager.delete(f"/api/users/{me['id']}")).status_code == 409


def test_the_cli_lists_revokes_and_removes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setenv("WALKAWAY_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    made = runner.invoke(cli, ["users", "add", "sam", "--password", "sam-pass-1"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("wk_") and "expires" in made.stderr
    labelled = runner.invoke(cli, ["users", "token", "sam", "--label", "ci", "--days", "7"])
    assert labelled.exit_code == 0, labelled.output
    store = CallStore(Settings(data_dir=tmp_path).storage())
    store.start_sync()
    accounts = store.accounts
    sam = accounts.by_name("sam")
    listing = runner.invoke(cli, ["users", "tokens", "sam"]).stdout
    ci = next(t for t in accounts.tokens(sam.id) if t.label == "ci")
    assert ci.id in listing and "ci" in listing and token not in listing
    assert abs((ci.expires_at - ci.created_at) - timedelta(days=7)) < timedelta(seconds=1)
    assert runner.invoke(cli, ["users", "revoke-token", ci.id]).exit_code == 0
    assert runner.invoke(cli, ["users", "revoke-token", ci.id]).exit_code == 1  # gone
    assert accounts.user_for_token(token, TokenKind.API) is not None
    assert runner.invoke(cli, ["users", "revoke-token", token]).exit_code == 0  # by value
    assert accounts.user_for_token(token, TokenKind.API) is None
    session = accounts.issue_token(sam.id, TokenKind.SESSION, timedelta(days=1))
    password = runner.invoke(cli, ["users", "password", "sam", "--password", "sam-pass-2"])
    assert password.exit_code == 0 and "1 browser session(s) ended" in password.stderr
    assert accounts.user_for_token(session) is None
    again = accounts.issue_token(sam.id, TokenKind.API)
    removed = runner.invoke(cli, ["users", "remove", "sam", "--yes"])
    assert removed.exit_code == 0, removed.output
    assert accounts.user_for_token(again) is None and accounts.check_password(
        "sam", "sam-pass-2") is None
    assert runner.invoke(cli, ["users", "remove", "sam", "--yes"]).exit_code == 1
    clash = runner.invoke(cli, ["users", "add", "sam"])
    assert clash.exit_code == 1 and "removed" in clash.stderr


# --- sign-in throttling ---------------------------------------------------------------------

async def test_a_guesser_waits_longer_each_time_and_the_real_user_does_not(site: Site) -> None:
    site.store.accounts.create("ada", Role.REP, "ada-pass-1")
    async with site.client(address="10.0.0.7") as own_browser:  # signed in here before
        assert (await _sign_in(own_browser, "ada", "ada-pass-1")).status_code == 200
        assert own_browser.cookies.get(DEVICE_COOKIE)
        await own_browser.post("/api/logout")
    waits = []
    async with site.client(address="203.0.113.9") as guesser:
        for attempt in range(6):
            answer = await _sign_in(guesser, "ada", f"guess-{attempt}")
            if answer.status_code == 429:
                waits.append(int(answer.headers["retry-after"]))
                await asyncio.sleep(waits[-1])
                answer = await _sign_in(guesser, "ada", f"guess-{attempt}")
            assert answer.status_code == 401
    assert waits == [1, 2, 4], waits  # free tries, then each wait doubles
    async with site.client(address="203.0.113.9") as guesser:
        assert (await _sign_in(guesser, "ada", "ada-pass-1")).status_code == 429
    # the same name from another address, and the user's own browser: no wait
    async with site.client(address="198.51.100.4") as elsewhere:
        assert (await _sign_in(elsewhere, "ada", "ada-pass-1")).status_code == 200
    async with site.client(address="203.0.113.9") as same_address:  # even behind the guesser's
        same_address.cookies.set(DEVICE_COOKIE, own_browser.cookies[DEVICE_COOKIE],
                                 path="/api/login")
        assert (await _sign_in(same_address, "ada", "ada-pass-1")).status_code == 200


def test_growing_delays_double_to_the_cap_and_are_forgotten() -> None:
    now = [0.0]
    delays = GrowingDelays(free=2, max_s=10, window_s=100, clock=lambda: now[0])
    seen = []
    for _ in range(7):
        delays.failed("pair:x|a")
        seen.append(delays.retry_after("pair:x|a"))
    assert seen == [0, 1, 2, 4, 8, 10, 10]
    now[0] += 101
    assert delays.retry_after("pair:x|a") == 0
    delays.failed("pair:x|a")
    assert delays.retry_after("pair:x|a") == 0  # counting starts again


async def test_a_failed_sign_in_logs_neither_the_name_nor_the_password(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    typed = "correct-horse-battery"  # a password typed into the name box
    async with site.client() as browser:
        assert (await _sign_in(browser, typed, "whatever-else")).status_code == 401
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "failed sign-in" in logged and typed not in logged and "whatever-else" not in logged


def test_the_setup_link_goes_to_the_console_not_the_log(
    engines: Engines, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture
) -> None:
    from server.http.auth import prepare_setup

    caplog.set_level(logging.DEBUG)
    app = create_app(Settings(data_dir=tmp_path), engines)
    app.state.store.start_sync()
    code = prepare_setup(app.state)
    assert code and f"/setup?code={code}" in capsys.readouterr().err
    assert all(code not in r.getMessage() for r in caplog.records)


# --- the migration ---------------------------------------------------------------------------

def test_the_migration_keeps_old_tokens_working_and_gives_them_an_expiry(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))

    def upgrade(to: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, to)

    upgrade("0001")
    token = "wk_" + "a" * 43
    from server.storage.accounts import hash_token

    with engine.begin() as db:
        db.execute(text("INSERT INTO users VALUES ('u1', 'old', 'rep', NULL, :at)"),
                    {"at": datetime(2025, 1, 1, tzinfo=UTC)})
        db.execute(text("INSERT INTO tokens VALUES (:h, 'u1', 'api', :at, NULL)"),
                   {"h": hash_token(token), "at": datetime(2025, 1, 1, tzinfo=UTC)})
    upgrade("head")
    accounts = Accounts(engine)
    assert accounts.user_for_token(token, TokenKind.API).name == "old"
    (info,) = accounts.tokens("u1")
    assert info.id == hash_token(token)[:16]
    assert timedelta(days=89) < info.expires_at - datetime.now(UTC) <= timedelta(days=90)
    assert accounts.revoke_token_id(info.id) and accounts.user_for_token(token) is None
