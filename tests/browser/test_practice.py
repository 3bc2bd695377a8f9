"""The practice page in a real browser with a fake microphone playing fixture audio."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from tests.browser.pages import artifact, chromium, wait_until
from tests.support.helpers import FIXTURES
from voices.audio import SAMPLE_RATE, read_audio, write_wav


def fake_mic_file(tmp_path: Path, lead_s: float, fixture: str, tail_s: float) -> Path:
    """A WAV the fake microphone plays once: silence, the rep's words, silence."""
    speech = read_audio(FIXTURES / f"{fixture}.wav")
    audio = np.concatenate([np.zeros(int(lead_s * SAMPLE_RATE), np.float32), speech,
                            np.zeros(int(tail_s * SAMPLE_RATE), np.float32)])
    path = tmp_path / f"mic-{fixture}.wav"
    write_wav(path, audio)
    return path


def mic_args(path: Path) -> list[str]:
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={path}%noloop", "--autoplay-policy=no-user-gesture-required"]


async def test_rep_talks_to_the_prospect_and_sees_a_scorecard(live_url: str, tmp_path: Path) -> None:
    base = live_url.replace("ws://", "http://").removesuffix("/ws/call")
    # the prospect opens for about four seconds; the rep answers after it
    mic = fake_mic_file(tmp_path, lead_s=7.0, fixture="price_hold_piper", tail_s=30.0)
    async with chromium(mic_args(mic)) as browser:
        page = await browser.new_page()
        await page.goto(f"{base}/?scenario=price-pressure")
        await page.wait_for_selector(".scenarios li[aria-selected=true]")
        await page.click("#call")
        await page.wait_for_selector(".transcript li.prospect", timeout=30_000)
        await page.wait_for_selector(".transcript li.rep", timeout=60_000)
        rep_text = (await page.inner_text(".transcript li.rep")).lower()
        assert "discount" in rep_text
        await wait_until(page, "document.querySelectorAll('.transcript li.prospect').length >= 2",
                                     timeout=30_000)
        await wait_until(page, "window.walkaway.playedSamples > 0.5 * 22050", timeout=30_000)
        await page.screenshot(path=str(artifact("practice-call.png")), full_page=True)
        await page.click("#hangup")
        await page.wait_for_selector("#scorecard:not([hidden])", timeout=30_000)
        assert "/100" in await page.inner_text("#scorecard")
        assert not await page.is_visible("#hangup")  # the call is over: no hang-up button
        await page.screenshot(path=str(artifact("practice-scorecard.png")), full_page=True)
        played = await page.evaluate("window.walkaway.playedSamples")
        assert played / 22050 >= 0.5
        # the prospect's "mm" into the rep's pauses was heard, and is not a transcript line
        assert await page.evaluate("window.walkaway.murmurs") >= 1
        lines = await page.evaluate("document.querySelectorAll('.transcript li.prospect').length")
        prospect_events = await page.evaluate(
            "window.walkaway.events.filter(e => e.type === 'prospect').length")
        assert lines == prospect_events


async def test_barge_in_stops_the_prospect(
    live_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    base = live_url.replace("ws://", "http://").removesuffix("/ws/call")
    # the rep starts talking one second into the prospect's opening line
    mic = fake_mic_file(tmp_path, lead_s=1.0, fixture="price_hold_espeak", tail_s=20.0)
    caplog.set_level(logging.INFO, logger="server.call.session")
    async with chromium(mic_args(mic)) as browser:
        page = await browser.new_page()
        await page.goto(f"{base}/?scenario=price-pressure")
        await page.wait_for_selector(".scenarios li[aria-selected=true]")
        await page.click("#call")
        await wait_until(page, "window.walkaway.stoppedAudio > 0", timeout=30_000)
        await page.wait_for_selector(".transcript li.prospect.cut", timeout=10_000)
        stop_ms = await page.evaluate("window.walkaway.stopLatencyMs")
        assert stop_ms is not None and stop_ms <= 150
        await page.click("#hangup")
        await page.wait_for_selector("#scorecard:not([hidden])", timeout=30_000)
    assert any("barged in" in r.getMessage() for r in caplog.records)
