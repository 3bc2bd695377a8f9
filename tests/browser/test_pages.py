"""The rough edges a new user hit, in a real Chromium: the practice page's Sign out and My
scores, an unknown scenario named on the page, Call when signed out (says why, never opens the
microphone), a practice moment the scenario cannot play (says why, back to the picker), 'no
such call' without a player or Export, the replay transcript's cue for lines below its edge,
and a prospect line lit word by word."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Page

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role
from tests.browser.pages import artifact, chromium
from tests.browser.test_practice import fake_mic_file, mic_args
from tests.support.storage_fixtures import record_demo_call
from voices.engines import Engines

# counts the page's requests for the microphone (the browser's boundary, not our code)
_COUNT_MIC = """navigator.mediaDevices.getUserMedia = async () => {
  window.micAsked = (window.micAsked || 0) + 1; throw new DOMException('no', 'NotAllowedError'); };"""


@dataclass(frozen=True)
class Site:
    base: str
    call_id: str
    rep_id: str


@pytest_asyncio.fixture(scope="module")
async def site(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("pages")), engines)
    async with serve_in_process(app) as base:
        rep = app.state.store.accounts.create("riley", Role.REP, "riley-password")
        call = await record_demo_call(app.state.store, engines, user_id=rep.id)
        yield Site(base, call["call_id"], rep.id)


async def _notice_says(page: Page, text: str) -> None:
    """Wait (15 s at most) for the page's notice, written once the scenarios are loaded."""
    await page.wait_for_function(
        "(text) => document.querySelector('#notice').innerText.includes(text)",
        arg=text, timeout=15_000)


async def _sign_in(page: Page, base: str, next_path: str) -> None:
    await page.goto(f"{base}/login?next={next_path}")
    await page.fill("#name", "riley")
    await page.fill("#password", "riley-password")
    await page.click("#login-submit")


async def test_signed_out_call_says_why_and_never_opens_the_microphone(site: Site) -> None:
    async with chromium() as browser:
        page = await browser.new_page()
        await page.add_init_script(_COUNT_MIC)
        await page.goto(f"{site.base}/?scenario=price-pressure")
        await page.wait_for_selector(".scenarios li[aria-selected=true]")
        await page.click("#call")
        notice = page.locator("#notice")
        await notice.wait_for()
        assert "Sign in to practise" in await notice.inner_text()
        assert await page.evaluate("window.micAsked || 0") == 0
        assert page.url.endswith("/?scenario=price-pressure")  # no jump: the rep decides
        await notice.locator("button", has_text="Sign in").click()
        await page.wait_for_url("**/login?next=*")
        assert "scenario%3Dprice-pressure" in page.url


async def test_practice_page_has_sign_out_and_my_scores_and_names_an_unknown_scenario(
    site: Site,
) -> None:
    async with chromium() as browser:
        page = await browser.new_page()
        await _sign_in(page, site.base, "/%3Fscenario%3Dno-such-prospect")
        await page.wait_for_selector("#logout:not([hidden])")
        await _notice_says(page, "There is no scenario called")
        notice = await page.inner_text("#notice")
        assert "There is no scenario called “no-such-prospect”" in notice
        picked = await page.inner_text(".scenarios li[aria-selected=true] h3")
        assert f"“{picked}” is picked instead" in notice
        assert await page.get_attribute("#my-scores", "href") == f"/reps/{site.rep_id}"
        await page.click("#my-scores")
        await page.wait_for_url(f"**/reps/{site.rep_id}")
        await page.goto(f"{site.base}/")
        await page.wait_for_selector("#logout:not([hidden])")
        await page.click("#logout")
        await page.wait_for_url("**/login")
        assert (await page.request.get(f"{site.base}/api/me")).status == 401


@pytest.mark.parametrize("call_id", ["not-a-call", "0" * 32])
async def test_no_such_call_shows_no_player_and_no_export(site: Site, call_id: str) -> None:
    async with chromium() as browser:
        page = await browser.new_page()
        await _sign_in(page, site.base, f"/calls/{call_id}")
        await page.wait_for_selector("#missing:not([hidden])")
        assert "No such call" in await page.inner_text("main")
        for hidden in ("#play", "#export-link", "#timeline", "#replay-scorecard"):
            assert not await page.is_visible(hidden), hidden
        assert not await page.is_visible("#notice")  # no raw '404' or 422 beside it


async def test_replay_transcript_cues_hidden_lines_and_lights_a_prospect_line_word_by_word(
    site: Site,
) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1100, "height": 700})
        # the demo call has three turns: a box this short hides the last, as a long call's does
        # (set through the CSSOM: the page's CSP refuses an added <style> element)
        await page.add_init_script("""addEventListener('DOMContentLoaded', () => {
          document.getElementById('replay-transcript').style.maxHeight = '90px'; });""")
        await _sign_in(page, site.base, f"/calls/{site.call_id}")
        await page.wait_for_selector(".replay-transcript li.prospect .word")
        cue = page.locator("#more-below")
        await cue.wait_for()
        assert await page.get_attribute("#transcript-box", "data-more") == "true"
        await page.locator("#transcript-box").screenshot(
            path=str(artifact("replay-transcript-cue.png")))
        await cue.click()
        await page.wait_for_selector("#transcript-box[data-more=false]")
        assert not await cue.is_visible()

        starts = [float(s) for s in await page.eval_on_selector_all(
            ".replay-transcript li.prospect .word", "(ws) => ws.map((w) => w.dataset.start)")]
        assert len(starts) >= 5 and starts == sorted(starts) and starts[-1] > starts[0]
        lit = []
        for t in (starts[1] + 0.01, starts[-2] + 0.01):
            await page.evaluate(f"window.walkawayReplay.seek({t})")
            lit.append(await page.inner_text(".replay-transcript li.prospect .word.current"))
        words = await page.eval_on_selector_all(".replay-transcript li.prospect .word",
                                                "(ws) => ws.map((w) => w.innerText)")
        assert lit == [words[1], words[-2]]


async def test_a_moment_the_scenario_cannot_play_is_refused_on_the_page(
    site: Site, tmp_path: Path
) -> None:
    mic = fake_mic_file(tmp_path, lead_s=1.0, fixture="price_hold_piper", tail_s=5.0)
    async with chromium(mic_args(mic)) as browser:
        page = await browser.new_page()
        await _sign_in(page, site.base, "/%3Fscenario%3Dprice-pressure%26practice_state%3D"
                       "haggling%26practice_line%3DMake%2520it%2520twenty.%26practice_turn%3D2")
        await page.wait_for_selector("#logout:not([hidden])")
        await _notice_says(page, "Make it twenty.")
        assert "Make it twenty." in await page.inner_text("#notice")
        await page.click("#call")
        notice = page.locator("#notice", has_text="The call did not start")
        await notice.wait_for()
        text = await notice.inner_text()
        assert "no state 'haggling' to practise in price-pressure" in text and "squeeze" in text
        assert await page.is_visible("#picker") and not await page.is_visible("#call-view")
        assert await page.evaluate(
            "window.walkaway.events.filter((e) => e.type === 'ready').length") == 0
        # the next Call is an ordinary call from the scenario's start
        await page.click("#call")
        await page.wait_for_selector(".transcript li.prospect")
        first = await page.evaluate("window.walkaway.events.find((e) => e.type === 'prospect')")
        assert first["state"] == "opening"
        await page.click("#hangup")
        await page.wait_for_selector("#scorecard:not([hidden])", timeout=30_000)
