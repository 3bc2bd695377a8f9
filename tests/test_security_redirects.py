"""Fast checks of the sign-in redirect: the parser's verdict on each off-site form, and the
server's answer to a signed-in browser at /login?next=... (the real-browser check is
tests/browser/test_redirects.py)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from server.http.app import create_app
from server.http.auth import SESSION_COOKIE
from server.http.inprocess import serve_in_process
from server.http.redirects import HOME, same_origin_path
from server.settings import Settings
from server.storage import Role, TokenKind
from voices.engines import Engines

OFF_SITE = ["/\\evil.example/", "/\t/evil.example/", "/\n/evil.example/", "/\r\n/evil.example",
            "\\\\evil.example", "//evil.example/", "///evil.example", "https://evil.example/",
            "http:/evil.example", "javascript:alert(1)", "evil.example", "", None,
            "/\x00/evil.example", "/\x7f", "//", " //evil.example"]
ON_SITE = {"/calls": "/calls", "/calls/abc?x=1#t": "/calls/abc?x=1#t", "/": "/",
           "/?scenario=send-info": "/?scenario=send-info", "/%2F/x": "/%2F/x",
           "/a//b": "/a//b"}


@pytest.mark.parametrize("raw", OFF_SITE)
def test_off_site_forms_give_the_home_page(raw: str | None) -> None:
    assert same_origin_path(raw) == HOME


@pytest.mark.parametrize(("raw", "kept"), ON_SITE.items())
def test_paths_on_this_site_are_kept(raw: str, kept: str) -> None:
    assert same_origin_path(raw) == kept


async def test_a_signed_in_login_page_redirects_only_on_site(
    engines: Engines, tmp_path: Path
) -> None:
    app = create_app(Settings(data_dir=tmp_path), engines)
    async with serve_in_process(app) as base:
        user = app.state.store.accounts.create("ria", Role.REP, "ria-pass-1")
        session = app.state.store.accounts.issue_token(user.id, TokenKind.SESSION)
        async with httpx.AsyncClient(base_url=base, cookies={SESSION_COOKIE: session}) as b:
            for raw in ("/%5Cevil.example/", "/%09/evil.example/", "/%0A/evil.example/",
                        "//evil.example", "https://evil.example"):
                answer = await b.get(f"/login?next={raw}")
                assert answer.status_code == 303 and answer.headers["location"] == HOME, raw
            kept = await b.get("/login?next=/calls/abc%3Fx%3D1")
            assert kept.headers["location"] == "/calls/abc?x=1"
        async with httpx.AsyncClient(base_url=base) as anonymous:  # not signed in: the form
            page = await anonymous.get("/login?next=/%5Cevil.example/")
            assert page.status_code == 200 and "login" in page.text
