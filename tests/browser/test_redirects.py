"""The sign-in page's `next` in a real Chromium: every form that a browser reads as another
host (backslash, tab, newline, `//`, a scheme) ends on this site, and a path on this site is
still followed (docs/security.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Route

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role
from tests.browser.pages import chromium
from voices.engines import Engines

# as typed into the address bar: percent-encoded, as the probe sent them
OFF_SITE = ["/%5Cevil.example/", "/%09/evil.example/", "/%0A/evil.example/",
            "/%5C%5Cevil.example/", "//evil.example/", "https://evil.example/",
            "/%0D%0A/evil.example/", "%2F%2Fevil.example/", "javascript:alert(1)"]


@dataclass(frozen=True)
class Site:
    base: str


@pytest_asyncio.fixture(scope="module")
async def site(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("redirects")), engines)
    async with serve_in_process(app) as base:
        app.state.store.accounts.create("rita", Role.REP, "rita-password")
        yield Site(base)


async def _sign_in_with_next(browser: Browser, base: str, next_value: str,
                             login_path: str = "/login") -> tuple[str, list[str]]:
    """Where the browser ends up, and every request it made off this site."""
    context = await browser.new_context()
    off_site: list[str] = []

    async def refuse(route: Route) -> None:
        if not route.request.url.startswith(base):
            off_site.append(route.request.url)
            await route.abort()
        else:
            await route.continue_()

    await context.route("**/*", refuse)
    page = await context.new_page()
    await page.goto(f"{base}{login_path}?next={next_value}")
    await page.fill("#name", "rita")
    await page.fill("#password", "rita-password")
    await page.click("#login-submit")
    for _ in range(100):  # until the browser has left the sign-in page, or tried to
        if off_site or "/login" not in page.url:
            break
        await asyncio.sleep(0.1)
    if not off_site:
        await page.wait_for_load_state("load")
    url = page.url
    await context.close()
    return url, off_site


async def test_off_site_next_values_end_on_this_site(site: Site) -> None:
    async with chromium() as browser:
        for form in OFF_SITE:
            url, off_site = await _sign_in_with_next(browser, site.base, form)
            assert off_site == [], (form, off_site)
            assert url == f"{site.base}/calls", (form, url)
        # the page's static copy reads the same `next`: it goes through the server too
        url, off_site = await _sign_in_with_next(browser, site.base, OFF_SITE[0],
                                                 login_path="/static/login.html")
        assert off_site == [] and url == f"{site.base}/calls", url


async def test_a_path_on_this_site_is_followed(site: Site) -> None:
    async with chromium() as browser:
        url, off_site = await _sign_in_with_next(browser, site.base,
                                                 "/%3Fscenario%3Dsend-info")
    assert off_site == [] and url == f"{site.base}/?scenario=send-info", url
