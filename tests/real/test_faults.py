"""Faults: the rep's line drops at every phase, the recogniser or the voice fails, the server
stops mid-call. Each time the call is stored, with what was recorded so far."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio
from fastapi import FastAPI

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import CallRepository, CallStatus, CallStore
from server.storage.db import make_engine
from tests.support.call_helpers import Rep, stored, wav_frames
from tests.support.fault_engines import FailingSpeechToText, FailingTextToSpeech
from tests.support.helpers import FIXTURES
from voices.audio import SAMPLE_RATE, read_audio
from voices.engines import Engines

HOLD = read_audio(FIXTURES / "price_hold_piper.wav")
CAVE = read_audio(FIXTURES / "price_cave_piper.wav")
FAULTS_INJECTED: list[str] = []


@dataclass
class Live:
    url: str
    app: FastAPI
    data_dir: Path

    @property
    def calls(self) -> CallRepository:
        store: CallStore = self.app.state.store
        return store.calls


def _settings(data_dir: Path) -> Settings:
    # no partials: every recogniser call belongs to a turn, so injected failures are countable
    return Settings(data_dir=data_dir, auth_required=False, partial_interval_s=0)


@pytest_asyncio.fixture(scope="module")
async def live(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Live]:
    data_dir = tmp_path_factory.mktemp("faults")
    app = create_app(_settings(data_dir), engines)
    async with serve_in_process(app) as base:
        yield Live(base.replace("http://", "ws://") + "/ws/call", app, data_dir)


# --- the line drops ---------------------------------------------------------------------------

async def test_drop_while_the_rep_speaks_keeps_a_partial_scorecard(live: Live) -> None:
    rep = await Rep.connect(live.url)
    call_id = await rep.start()
    await rep.until("prospect_audio_end")
    await rep.silence(0.5)
    await rep.say(CAVE[: len(CAVE) * 2 // 3])  # mid-sentence
    await rep.close()
    FAULTS_INJECTED.append("disconnect while the rep speaks")
    record = await stored(live.calls, call_id)
    assert record.status is CallStatus.INTERRUPTED
    card = live.calls.scorecard(call_id)
    assert card is not None and card["call_id"] == call_id
    # the words said before the drop were transcribed and kept
    assert [t["speaker"] for t in card["turns"]][:2] == ["prospect", "rep"], card["turns"]
    audio = wav_frames(live.data_dir, call_id)
    assert len(audio) >= rep.sent_samples
    assert np.abs(audio[: rep.sent_samples, 0]).max() > 0.05


async def test_drop_while_the_prospect_speaks_keeps_the_call(live: Live) -> None:
    rep = await Rep.connect(live.url)
    call_id = await rep.start()
    await rep.until("prospect")
    await rep.until_audio()
    await rep.close()  # the opening line is still coming in
    FAULTS_INJECTED.append("disconnect while the prospect speaks")
    record = await stored(live.calls, call_id)
    assert record.status is CallStatus.INTERRUPTED
    card = live.calls.scorecard(call_id)
    assert card is not None and card["turns"][0]["speaker"] == "prospect"
    assert [t.speaker for t in live.calls.turns(call_id)] == ["prospect"]
    kinds = [e.data["type"] for e in live.calls.events(call_id)]
    assert kinds[:2] == ["ready", "prospect"] and kinds[-1] == "scorecard"


async def test_drop_after_end_while_scoring_is_a_complete_call(live: Live) -> None:
    rep = await Rep.connect(live.url)
    call_id = await rep.start()
    await rep.until("prospect_audio_end")
    await rep.silence(0.5)
    await rep.say(HOLD)
    await rep.silence(1.5)
    await rep.until("transcript")
    await rep.end()
    await rep.close()  # gone before the scorecard arrives
    FAULTS_INJECTED.append("disconnect during scoring")
    assert not rep.of("scorecard")
    record = await stored(live.calls, call_id)
    assert record.status is CallStatus.COMPLETE and record.overall is not None
    card = live.calls.scorecard(call_id)
    assert card is not None and any(t["speaker"] == "rep" for t in card["turns"])


# --- the engines fail -------------------------------------------------------------------------

async def test_a_failing_recogniser_gives_an_error_and_the_call_goes_on(
    engines: Engines, tmp_path: Path
) -> None:
    stt = FailingSpeechToText(engines.stt, fail_from=1)
    app = create_app(_settings(tmp_path), Engines(stt=stt, tts=engines.tts, vad=engines.vad))
    async with serve_in_process(app) as base:
        rep = await Rep.connect(base.replace("http://", "ws://") + "/ws/call")
        call_id = await rep.start()
        await rep.until("prospect_audio_end")
        await rep.silence(0.5)
        await rep.say(HOLD)
        await rep.silence(1.5)
        error = await rep.until("error")
        assert error["code"] == "stt_failed" and "injected" in error["message"]
        assert not rep.of("transcript")
        stt.heal()
        await rep.say(CAVE)
        await rep.silence(1.5)
        transcript = await rep.until("transcript")
        assert "10" in transcript["text"] or "ten" in transcript["text"].lower()
        await rep.until("prospect", 2)  # the prospect answered the turn that was heard
        await rep.end()
        card = await rep.until("scorecard")
        await rep.close()
        FAULTS_INJECTED.append(f"recogniser raised {stt.failures}x")
        record = await stored(app.state.store.calls, call_id)
    assert stt.failures >= 1
    assert record.status is CallStatus.COMPLETE
    assert [t["speaker"] for t in card["turns"]].count("rep") == 1


async def test_a_failing_voice_still_sends_the_prospects_text(
    engines: Engines, tmp_path: Path
) -> None:
    tts = FailingTextToSpeech(engines.tts, fail_on={1})  # the opening line
    app = create_app(_settings(tmp_path), Engines(stt=engines.stt, tts=tts, vad=engines.vad))
    async with serve_in_process(app) as base:
        rep = await Rep.connect(base.replace("http://", "ws://") + "/ws/call")
        call_id = await rep.start()
        opening = await rep.until("prospect")
        assert opening["text"].strip()
        error = await rep.until("error")
        assert error["code"] == "tts_failed"
        silent = await rep.until("prospect_audio_end")
        assert silent["duration"] == 0 and rep.audio_frames == 0
        await rep.silence(0.5)
        await rep.say(HOLD)
        await rep.silence(1.5)
        await rep.until("prospect_audio_end", 2)  # the next line is spoken again
        assert rep.audio_frames > 0
        await rep.end()
        card = await rep.until("scorecard")
        await rep.close()
        FAULTS_INJECTED.append("voice raised 1x")
        record = await stored(app.state.store.calls, call_id)
    assert record.status is CallStatus.COMPLETE
    assert [t["speaker"] for t in card["turns"]][:3] == ["prospect", "rep", "prospect"]


# --- the server stops -------------------------------------------------------------------------

async def test_server_shutdown_mid_call_stores_the_call_as_interrupted(
    engines: Engines, tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    app = create_app(settings, engines)
    async with serve_in_process(app) as base:
        rep = await Rep.connect(base.replace("http://", "ws://") + "/ws/call")
        call_id = await rep.start()
        await rep.until("prospect_audio_end")
        await rep.say(HOLD)
        streaming = asyncio.create_task(rep.say(np.zeros(10 * SAMPLE_RATE, np.float32)))
        await asyncio.sleep(0.2)  # the server stops while audio is still coming in
    FAULTS_INJECTED.append("server shutdown mid-call")
    streaming.cancel()
    await asyncio.gather(streaming, return_exceptions=True)
    await rep.close()
    # read the database as it was left, without the start-up recovery a restart would do
    engine = make_engine(settings.storage())
    try:
        record = CallRepository(engine).get(call_id)
        assert record is not None and record.status is CallStatus.INTERRUPTED
        audio = wav_frames(tmp_path, call_id)
        assert len(audio) >= len(HOLD)
        assert record.duration == pytest.approx(len(audio) / SAMPLE_RATE, abs=0.01)
        assert np.abs(audio[:, 0]).max() > 0.05
    finally:
        engine.dispose()


def test_report_faults() -> None:
    print(f"\nfaults injected: {len(FAULTS_INJECTED)}: {', '.join(FAULTS_INJECTED)}")
