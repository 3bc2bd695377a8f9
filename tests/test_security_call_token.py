"""`walkaway call --url` reaches a server that needs sign-in: with --token, or the token in
WALKAWAY_TOKEN; without one the command says the call was refused and why
(docs/security.md, docs/cli.md)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.http.app import create_app
from server.http.threaded import serve_in_thread
from server.settings import Settings
from server.storage import Role, TokenKind
from tests.support.helpers import FIXTURES
from tests.test_cli import run_cli
from voices.engines import Engines


@pytest.fixture(scope="module")
def signed_in_server(engines: Engines, tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[tuple[str, str]]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("token")), engines)
    with serve_in_thread(app) as base:
        rep = app.state.store.accounts.create("cal", Role.REP, "cal-pass-1")
        token = app.state.store.accounts.issue_token(rep.id, TokenKind.API)
        yield base.replace("http://", "ws://") + "/ws/call", token


def _call(url: str, *extra: str) -> tuple[int, str, str]:
    done = run_cli("call", "--url", url, "--scenario", "price-pressure", "--turn",
                   str(FIXTURES / "price_hold_piper.wav"), "--fast", "--json", *extra)
    return done.returncode, done.stdout, done.stderr


def test_call_url_with_a_token_reaches_a_signed_in_server(
    signed_in_server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, token = signed_in_server
    code, _, err = _call(url)
    assert code == 1 and "call refused" in err and "sign in" in err.lower(), err
    code, out, err = _call(url, "--token", token)
    assert code == 0, err
    assert json.loads(out)["turns"][0]["speaker"] in ("rep", "prospect")
    monkeypatch.setenv("WALKAWAY_TOKEN", token)
    code, out, err = _call(url)
    assert code == 0 and json.loads(out)["overall"] is not None, err
