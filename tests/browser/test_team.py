"""The team page in a real Chromium (issue 20): a manager invites a rep with a one-time link,
the rep joins (once), the manager assigns a scenario, the rep sees it and picking it sets the
scenario and difficulty; the manager resets the rep's password (their session ends) and sees
who signed in when."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
import pytest
from playwright.async_api import Page

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role
from tests.browser.pages import artifact, chromium
from voices.engines import Engines


@pytest_asyncio.fixture(scope="module")
async def base(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("team"))
    app = create_app(settings, engines)
    async with serve_in_process(app) as url:
        app.state.store.accounts.create("maria", Role.MANAGER, "manager-pass")
        yield url


async def sign_in(page: Page, base: str, name: str, password: str, next_path: str) -> None:
    await page.goto(f"{base}/login?next={next_path}")
    await page.fill("#name", name)
    await page.fill("#password", password)
    await page.click("#login-submit")
    await page.wait_for_url(f"{base}{next_path}")


async def test_invite_join_assign_and_reset_a_password(base: str) -> None:
    async with chromium() as browser:
        manager = await (await browser.new_context()).new_page()
        await sign_in(manager, base, "maria", "manager-pass", "/team")
        await manager.wait_for_selector("body[data-ready=true]")
        # a one-time link for a rep
        await manager.fill("#invite-name", "casey")
        await manager.click("#invite-submit")
        await manager.wait_for_selector("#invite-result:not([hidden])")
        link = await manager.input_value("#invite-link")
        assert "/invite#wi_" in link

        rep = await (await browser.new_context()).new_page()
        await rep.goto(link)
        await rep.wait_for_selector("#invite-form:not([hidden])")
        assert await rep.input_value("#name") == "casey"
        await rep.fill("#password", "casey-password")
        await rep.click("#invite-submit")
        await rep.wait_for_url(f"{base}/")
        await rep.goto(link)  # the link is used up
        await rep.wait_for_selector("#invite-bad:not([hidden])")
        assert "used, expired or wrong" in await rep.inner_text("#invite-bad")

        # the manager assigns price-pressure on normal to casey
        await manager.reload()
        await manager.wait_for_selector("body[data-ready=true]")
        await manager.select_option("#assign-scenario", "price-pressure")
        await manager.select_option("#assign-difficulty", "normal")
        await manager.fill("#assign-pass", "40")
        await manager.check("#assign-reps label.rep:has-text('casey') input")
        await manager.click("#assign-submit")
        await manager.wait_for_selector("#progress-rows tr")
        assert "not started" in await manager.inner_text("#progress-rows")

        # the rep sees it and picking it sets the scenario and difficulty (the call itself
        # and the score on this page: tests/browser/test_scenario_editor.py)
        await rep.goto(f"{base}/")
        item = rep.locator("#assigned-list li")
        await item.wait_for()
        assert "not started" in await item.inner_text()
        await rep.select_option("#difficulty", "hard")
        await item.click()
        assert await rep.input_value("#difficulty") == "normal"
        await rep.wait_for_selector(".scenarios li[data-id=price-pressure][aria-selected=true]")
        await rep.screenshot(path=str(artifact("team-rep-assignment.png")), full_page=True)
        await manager.screenshot(path=str(artifact("team-page.png")), full_page=True)

        # reset casey's password; the sign-in log names casey's invite
        casey = manager.locator("#people-rows tr", has_text="casey")
        await casey.locator("button", has_text="Reset password").click()
        await manager.fill("#reset-password", "casey-new-pass")
        await manager.click("#reset-submit")
        await manager.wait_for_selector("#user-panel:has-text('password is changed')")
        assert "invite" in await manager.inner_text("#signin-rows")
        await rep.goto(f"{base}/calls")
        await rep.wait_for_url("**/login?next=*")  # the reset ended casey's session
