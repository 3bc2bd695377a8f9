"""The scenario editor end to end in a real Chromium (issue 20, "Done when"): a manager writes a
scenario from scratch, gets a validation error at a bad transition, fixes it, hears a line and
assigns it; the rep signs in, sees the assignment and makes the call with a fake microphone;
the team page shows the attempt and its score; an edit after the call leaves its replay on
the version it was played on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role
from tests.browser.pages import artifact, chromium, wait_until
from tests.browser.test_csp import _RECORD_VIOLATIONS
from tests.browser.test_practice import fake_mic_file, mic_args
from tests.browser.test_team import sign_in
from voices.engines import Engines

OPENING = 'states.opening.lines[0]'
CONCEDE_TO = 'states.opening.on.concede[0].to'


@pytest_asyncio.fixture(scope="module")
async def base(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("editor"), partial_interval_s=1.0)
    app = create_app(settings, engines)
    async with serve_in_process(app) as url:
        app.state.store.accounts.create("maria", Role.MANAGER, "manager-pass")
        app.state.store.accounts.create("riley", Role.REP, "riley-password")
        yield url


async def test_a_manager_writes_assigns_and_sees_the_reps_score(base: str, tmp_path: Path) -> None:
    mic = fake_mic_file(tmp_path, lead_s=7.0, fixture="price_hold_piper", tail_s=30.0)
    async with chromium(mic_args(mic)) as browser:
        manager = await (await browser.new_context()).new_page()
        await manager.add_init_script(_RECORD_VIOLATIONS)
        await sign_in(manager, base, "maria", "manager-pass", "/scenarios")
        await manager.wait_for_selector("body[data-ready=true]")
        await manager.click("#new-scenario")
        await manager.wait_for_selector('[data-path="id"]')
        await manager.fill('[data-path="id"]', "tough-buyer")
        await manager.fill('[data-path="title"]', "A tough buyer")
        await manager.fill('[data-path="persona.name"]', "Jordan Blake")
        await manager.fill('[data-path="persona.company"]', "Acme")
        await manager.fill(f'[data-path="{OPENING}"]',
                           "I'm {name} at {company}. We need {demand} percent off to sign.")
        await manager.fill(f'[data-path="{CONCEDE_TO}"]', "cavedd")
        await manager.click("#save")
        await manager.wait_for_selector("#problem:not([hidden])")
        assert CONCEDE_TO in await manager.inner_text("#problem")
        bad = manager.locator(f'[data-path="{CONCEDE_TO}"]')
        assert await bad.get_attribute("aria-invalid") == "true"
        assert "'cavedd' does not exist" in await manager.inner_text(".field-error")
        await manager.screenshot(path=str(artifact("editor-error.png")), full_page=True)

        await bad.fill("caved")
        await manager.click("#save")
        await manager.wait_for_selector("#saved:has-text('version 1')")
        assert await manager.locator(".field-error").count() == 0

        await manager.locator(f'[data-path="{OPENING}"] + button.hear').click()
        await wait_until(manager, "window.walkaway.heard === 1", timeout=20_000)
        assert await manager.evaluate("window.walkaway.heardLine") == (
            "I'm Jordan Blake at Acme. We need ten percent off to sign.")
        assert await manager.evaluate("window.walkaway.heardSeconds") > 1.0
        await manager.screenshot(path=str(artifact("editor-saved.png")), full_page=True)
        assert await manager.evaluate("window.cspViolations") == []

        await manager.click("#assign-it")
        await manager.wait_for_selector("body[data-ready=true]")
        assert await manager.input_value("#assign-scenario") == "tough-buyer"
        await manager.fill("#assign-pass", "30")
        await manager.check("#assign-reps label.rep:has-text('riley') input")
        await manager.click("#assign-submit")
        await manager.wait_for_selector("#progress-rows tr:has-text('A tough buyer')")

        rep = await (await browser.new_context()).new_page()
        await sign_in(rep, base, "riley", "riley-password", "/")
        item = rep.locator("#assigned-list li", has_text="A tough buyer")
        await item.wait_for()
        await item.click()
        await rep.wait_for_selector(".scenarios li[data-id=tough-buyer][aria-selected=true]")
        await rep.click("#call")
        first = rep.locator(".transcript li.prospect").first
        await first.wait_for(timeout=30_000)
        assert "Jordan Blake at Acme" in await first.inner_text()
        await rep.wait_for_selector(".transcript li.rep", timeout=60_000)
        await wait_until(rep, "document.querySelectorAll('.transcript li.prospect').length >= 2",
                         timeout=30_000)
        await rep.click("#hangup")
        await rep.wait_for_selector("#scorecard:not([hidden])", timeout=30_000)
        call_id = await rep.evaluate(
            "window.walkaway.events.find(e => e.type === 'ready').call_id")
        await rep.screenshot(path=str(artifact("editor-rep-call.png")), full_page=True)

        row = manager.locator("#progress-rows tr", has_text="A tough buyer")
        for _ in range(20):  # the call is stored just after its scorecard went out
            await manager.goto(f"{base}/team")
            await manager.wait_for_selector("body[data-ready=true]")
            if (await row.locator(".attempts").inner_text()).strip() == "1":
                break
            await asyncio.sleep(0.5)
        assert (await row.locator(".attempts").inner_text()).strip() == "1"
        assert (await row.locator(".best").inner_text()).strip().isdigit()
        await manager.screenshot(path=str(artifact("editor-team-score.png")), full_page=True)
        assert await manager.evaluate("window.cspViolations") == []

        # an edit after the call: the call still replays on the version it was played on
        await manager.goto(f"{base}/scenarios?edit=tough-buyer")
        await manager.wait_for_selector('[data-path="title"]')
        await manager.fill('[data-path="title"]', "A tougher buyer")
        await manager.click("#save")
        await manager.wait_for_selector("#saved:has-text('version 2')")
        await manager.goto(f"{base}/calls/{call_id}")
        await manager.wait_for_selector("#call-meta:has-text('scenario version 1')")
        assert (await manager.inner_text("#call-title")).startswith("A tough buyer ")
        assert await manager.evaluate("window.cspViolations") == []

        # "Try it" saves the draft and opens the practice page on it
        await manager.goto(f"{base}/scenarios?edit=tough-buyer")
        await manager.wait_for_selector('[data-path="title"]')
        await manager.fill('[data-path="title"]', "The toughest buyer")
        await manager.click("#try-it")
        await manager.wait_for_url(f"{base}/?scenario=tough-buyer")
        picked = manager.locator(".scenarios li[aria-selected=true]")
        await picked.wait_for()
        assert "The toughest buyer" in await picked.inner_text()
