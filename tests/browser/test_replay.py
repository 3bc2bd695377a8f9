"""The replay pages in a real Chromium: sign in, find the call, play it, watch the lit word
move, jump with a marker. Leaves a screenshot in test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import CallStore, Role
from tests.browser.pages import wait_until
from tests.support.storage_fixtures import record_demo_call
from voices.engines import Engines

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="no /usr/bin/chromium")


@dataclass(frozen=True)
class ReplaySite:
    base: str
    call_id: str


@pytest_asyncio.fixture(scope="module")
async def replay_site(engines: Engines,
                      tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ReplaySite]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("replay"))
    app = create_app(settings, engines)
    async with serve_in_process(app) as base:
        store: CallStore = app.state.store
        rep = store.accounts.create("riley", Role.REP, "riley-password")
        store.accounts.create("morgan", Role.MANAGER, "morgan-password")
        call = await record_demo_call(store, engines, user_id=rep.id)
        yield ReplaySite(base, call["call_id"])


_CURRENT_START = "() => Number(document.querySelector('.word.current')?.dataset.start ?? -1)"


async def test_replay_page_plays_lights_the_spoken_word_and_seeks_by_marker(
    replay_site: ReplaySite,
) -> None:
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--autoplay-policy=no-user-gesture-required"],
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda err: errors.append(str(err)))

            # signing in from the login page lands on the call list
            await page.goto(f"{replay_site.base}/calls")
            assert "/login" in page.url
            await page.fill("#name", "morgan")
            await page.fill("#password", "morgan-password")
            await page.click("#login-submit")
            await page.wait_for_url("**/calls")
            link = page.locator(f'a[href="/calls/{replay_site.call_id}"]')
            await link.wait_for()
            assert "riley" in await page.locator("#call-rows").inner_text()
            await link.click()

            await page.wait_for_url(f"**/calls/{replay_site.call_id}")
            await wait_until(page, "window.walkawayReplay?.peaks != null")
            await page.wait_for_selector(".marker.concession")
            await page.click("#play")
            await wait_until(page, "!document.getElementById('audio').paused")
            await page.wait_for_selector(".word.current")  # the prospect's opening line
            first = await page.evaluate(_CURRENT_START)

            # jump to the rep's first word: it lights up, then the light moves on as it plays
            rep_word = page.locator(".replay-transcript li.rep .word").first
            await rep_word.click()
            word_start = float(await rep_word.get_attribute("data-start") or 0)
            await wait_until(page, f"({_CURRENT_START})() >= {word_start}")
            await wait_until(page, f"({_CURRENT_START})() > {word_start}", timeout=10_000)
            assert await page.evaluate(_CURRENT_START) > first

            # a marker seeks to the moment it marks
            marker = page.locator(".marker.concession").first
            at = float(await marker.get_attribute("data-start") or 0)
            await page.evaluate("document.getElementById('audio').currentTime = 0")
            await marker.click()
            await wait_until(page, 
                f"Math.abs(document.getElementById('audio').currentTime - {at}) < 1.0")
            await wait_until(page, f"({_CURRENT_START})() >= {at} - 1.0")
            await page.screenshot(path=str(ARTIFACTS / "replay-call.png"), full_page=True)
            assert not errors, errors
        finally:
            await browser.close()
