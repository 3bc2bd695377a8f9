"""The pages' rough edges over real HTTP: an icon on every page, a call page for any id (the
page says 'no such call' itself), whether calls need sign-in, for the practice page, and the bar
the signed-in pages share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from server.http.app import create_app
from server.http.auth import SESSION_COOKIE
from server.http.inprocess import serve_in_process
from server.http.pages import BAR_MARKER
from server.settings import Settings
from server.storage import Role
from tests.support.engines import scripted_engines


@pytest_asyncio.fixture(scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[str, str]]:
    engines, _, _ = scripted_engines()
    app = create_app(Settings(data_dir=Path(tmp_path_factory.mktemp("pages"))), engines)
    async with serve_in_process(app) as base:
        app.state.store.accounts.create("riley", Role.REP, "riley-password")
        async with httpx.AsyncClient(base_url=base) as client:
            signed = await client.post("/api/login", json={"name": "riley",
                                                           "password": "riley-password"})
            yield base, signed.cookies[SESSION_COOKIE]


@pytest.mark.parametrize("page", ["/", "/calls", "/login"])
async def test_every_page_names_an_icon_the_server_has(site: tuple[str, str], page: str) -> None:
    base, cookie = site
    # signed in, /login sends the visitor on (303); the sign-in page is for the signed out
    cookies = {} if page == "/login" else {SESSION_COOKIE: cookie}
    async with httpx.AsyncClient(base_url=base, cookies=cookies) as client:
        response = await client.get(page)
        assert response.status_code == 200
        assert '<link rel="icon" href="/favicon.ico"' in response.text
        icon = await client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.lstrip().startswith("<svg")


@pytest.mark.parametrize("call_id", ["not-a-call", "0" * 32])
async def test_a_call_page_for_no_call_is_the_page_not_raw_json(
    site: tuple[str, str], call_id: str
) -> None:
    base, cookie = site
    async with httpx.AsyncClient(base_url=base, cookies={SESSION_COOKIE: cookie}) as client:
        page = await client.get(f"/calls/{call_id}")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'id="missing"' in page.text and "No such call" in page.text
    async with httpx.AsyncClient(base_url=base) as stranger:  # signed out: sign in first
        page = await stranger.get(f"/calls/{call_id}")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


async def test_the_practice_page_can_ask_whether_calls_need_sign_in(
    site: tuple[str, str],
) -> None:
    base, _ = site
    async with httpx.AsyncClient(base_url=base) as stranger:
        assert (await stranger.get("/api/access")).json() == {"sign_in_required": True}


async def test_a_signed_in_page_gets_the_shared_bar(site: tuple[str, str]) -> None:
    base, cookie = site
    async with httpx.AsyncClient(base_url=base, cookies={SESSION_COOKIE: cookie}) as client:
        page = await client.get("/calls")
    assert page.status_code == 200 and BAR_MARKER not in page.text
    assert page.text.count('<header class="bar">') == 1 and 'id="logout"' in page.text
