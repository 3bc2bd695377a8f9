"""Uploading a real call from the calls page in a real Chromium (issue 20): pick a file, see
progress, land on its scored replay; a file that is no audio says why and stays put."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role
from tests.browser.pages import artifact, chromium
from tests.browser.test_team import sign_in
from tests.support.helpers import FIXTURES
from voices.engines import Engines


@pytest_asyncio.fixture(scope="module")
async def base(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("upload")), engines)
    async with serve_in_process(app) as url:
        app.state.store.accounts.create("riley", Role.REP, "riley-password")
        yield url


async def test_a_rep_uploads_a_call_and_lands_on_its_scored_replay(
        base: str, tmp_path: Path) -> None:
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("these are my notes, not a recording")
    async with chromium() as browser:
        page = await browser.new_page()
        await sign_in(page, base, "riley", "riley-password", "/calls")
        await page.wait_for_selector("#upload-scenario option[value=price-pressure]",
                                     state="attached")
        await page.set_input_files("#upload-file", str(not_audio))
        await page.click("#upload-submit")
        await page.wait_for_selector("#upload-status:has-text('Not scored')")
        assert "readable audio" in await page.inner_text("#upload-status")
        assert page.url == f"{base}/calls"

        await page.set_input_files("#upload-file", str(FIXTURES / "price_hold_piper.wav"))
        await page.select_option("#upload-scenario", "price-pressure")
        await page.click("#upload-submit")
        await page.wait_for_url(f"{base}/calls/*", timeout=60_000)
        await page.wait_for_selector("#call-view:not([hidden])")
        await page.wait_for_selector("#replay-transcript li.rep")
        assert "discount" in (await page.inner_text("#replay-transcript")).lower()
        assert "/100" in await page.inner_text("#replay-scorecard")
        await page.screenshot(path=str(artifact("upload-replay.png")), full_page=True)
