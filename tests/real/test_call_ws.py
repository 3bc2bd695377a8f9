"""A real spoken call over `/ws/call` against a running app, and the protocol's errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import websockets

from server.http.app import create_app
from server.calltest.client import ScriptOptions, run_scripted_call
from server.http.inprocess import serve_in_process
from server.protocol import ProtocolError, parse_client_message
from server.settings import Settings
from tests.support.call_helpers import next_event
from tests.support.helpers import FIXTURES, words_of
from voices.audio import read_audio
from voices.engines import Engines


async def test_spoken_call_end_to_end(live_url: str, manifest: dict[str, dict[str, Any]]) -> None:
    audio = read_audio(FIXTURES / "price_hold_piper.wav")
    result = await run_scripted_call(live_url, [audio], ScriptOptions("price-pressure", fast=True))

    ready = result.of_type("ready")
    assert len(ready) == 1 and ready[0]["call_id"] and result.sample_rate == 22_050
    transcripts = result.of_type("transcript")
    assert transcripts, result.events
    assert set(manifest["price_hold_piper"]["expect"]) <= words_of(transcripts[0]["text"])
    assert transcripts[0]["words"] and transcripts[0]["end"] > transcripts[0]["start"]
    assert result.of_type("score")[0]["turn"] == transcripts[0]["turn"]

    prospect = result.of_type("prospect")
    assert len(prospect) >= 2  # the opening demand and the answer to the rep
    assert all(p["text"].strip() for p in prospect)
    for line in prospect:
        audio_bytes = result.prospect_audio.get(line["turn"], b"")
        assert len(audio_bytes) / 2 / result.sample_rate >= 0.5, line
    ends = {e["turn"] for e in result.of_type("prospect_audio_end")}
    assert {p["turn"] for p in prospect} <= ends

    card = result.scorecard
    assert card is not None and card["call_id"] == ready[0]["call_id"]
    assert card["scenario"] == "price-pressure"
    speakers = [t["speaker"] for t in card["turns"]]
    assert speakers[0] == "prospect" and "rep" in speakers
    for key in ("fillers", "concessions", "confidence", "overall", "outcome"):
        assert key in card
    assert result.events[-1]["type"] == "scorecard"


async def test_bad_frames_get_errors_and_the_call_can_still_start(live_url: str) -> None:
    async with websockets.connect(live_url) as ws:
        await ws.send("this is not json")
        assert (await next_event(ws, "error"))["code"] == "bad_frame"
        await ws.send(b"\x00\x01" * 320)
        assert (await next_event(ws, "error"))["code"] == "not_started"
        await ws.send(json.dumps({"type": "start", "scenario": "no-such-scenario"}))
        error = await next_event(ws, "error")
        assert error["code"] == "unknown_scenario" and "no-such-scenario" in error["message"]
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure",
                                  "sample_rate": 3}))
        assert (await next_event(ws, "error"))["code"] == "bad_sample_rate"
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure"}))
        ready = await next_event(ws, "ready")
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure"}))
        assert (await next_event(ws, "error"))["code"] == "already_started"
        await ws.send(b"\x01\x02\x03")
        assert (await next_event(ws, "error"))["code"] == "odd_length_audio"
        await ws.send(json.dumps({"type": "end"}))
        card = await next_event(ws, "scorecard")
        assert card["call_id"] == ready["call_id"]


async def test_server_keeps_serving_after_a_dropped_call(live_url: str) -> None:
    async with websockets.connect(live_url) as ws:
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure"}))
        await next_event(ws, "ready")
        await ws.send(b"\x00\x00" * 16_000)
    # the first socket vanished without 'end'; a new call still works end to end
    audio = read_audio(FIXTURES / "price_cave_piper.wav")
    result = await run_scripted_call(live_url, [audio], ScriptOptions("price-pressure", fast=True))
    assert result.scorecard is not None
    assert "10" in " ".join(t["text"] for t in result.of_type("transcript"))


async def test_caving_and_holding_reps_reach_different_outcomes(live_url: str) -> None:
    def turns(*names: str) -> list:
        return [read_audio(FIXTURES / f"{name}.wav") for name in names]

    options = ScriptOptions("price-pressure", difficulty="normal", seed=0, fast=True)
    caving = await run_scripted_call(
        live_url, turns("price_cave_piper", "price_cave_espeak"), options)
    holding = await run_scripted_call(
        live_url, turns("price_hold_piper", "price_hold_espeak", "value_question_piper"), options)
    assert caving.scorecard is not None and holding.scorecard is not None
    assert caving.scorecard["outcome"] == "won_with_concessions"
    assert holding.scorecard["outcome"] == "won"
    # the prospect pushed harder after the first cave than after the first refusal
    cave_reply = caving.of_type("prospect")[1]["text"].lower()
    assert "fifteen" in cave_reply or "15" in cave_reply
    assert caving.scorecard["overall"] < holding.scorecard["overall"]
    # the call ended itself: the prospect's last line closed it before the rep hung up
    assert caving.of_type("prospect")[-1]["ends_call"] and holding.of_type("prospect")[-1]["ends_call"]


async def test_prospect_speaks_into_a_long_silence(live_url: str) -> None:
    async with websockets.connect(live_url) as ws:
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure", "seed": 1}))
        opening = await next_event(ws, "prospect_audio_end")
        # a silent microphone while the opening plays, then past the scenario's six-second wait
        for _ in range(int(opening["duration"]) + 8):
            await ws.send(b"\x00\x00" * 16_000)
        line = await next_event(ws, "prospect")
        assert line["turn"] == 1 and line["text"]
        await ws.send(json.dumps({"type": "end"}))
        card = await next_event(ws, "scorecard")
        assert [t["speaker"] for t in card["turns"]] == ["prospect", "prospect"]


async def test_a_mid_sentence_pause_does_not_cut_the_rep_off(
    live_url: str, manifest: dict[str, dict[str, Any]]
) -> None:
    for fixture in ("pause_mid_sentence_piper", "pause_mid_sentence_espeak"):
        audio = read_audio(FIXTURES / f"{fixture}.wav")
        result = await run_scripted_call(live_url, [audio], ScriptOptions("time-pressure", fast=True))
        transcripts = result.of_type("transcript")
        assert len(transcripts) == 1, [t["text"] for t in transcripts]
        assert set(manifest[fixture]["expect"]) <= words_of(transcripts[0]["text"])


def test_deeply_nested_json_is_a_bad_frame_not_a_crash() -> None:
    with pytest.raises(ProtocolError, match="nested too deeply") as caught:
        parse_client_message("[" * 100_000)
    assert caught.value.code == "bad_frame"


async def test_the_prospect_murmurs_into_pauses_without_taking_the_turn(
    live_url: str, engines: Engines, tmp_path: Path
) -> None:
    # three sentences with 0.3-0.4 s between them, as a rep says them
    audio = read_audio(FIXTURES / "price_hold_piper.wav")
    result = await run_scripted_call(live_url, [audio], ScriptOptions("price-pressure", fast=True))
    kinds = [e["type"] for e in result.events]
    murmurs = result.of_type("backchannel")
    assert murmurs, kinds
    assert all(m["text"] in ("Mm.", "Right.", "Uh-huh.", "Hm.") for m in murmurs)
    assert all(0.1 < m["duration"] < 0.7 for m in murmurs)  # cut to the voice
    # the first came in a pause between sentences, before the turn was over
    assert kinds.index("backchannel") < kinds.index("transcript")
    assert len(result.of_type("transcript")) == 1  # the rep kept the turn
    answer = result.of_type("prospect")[1]
    assert len(result.prospect_audio[answer["turn"]]) / 2 / result.sample_rate > 0.5
    card = result.scorecard
    assert card is not None
    assert [t["speaker"] for t in card["turns"]] == ["prospect", "rep", "prospect"]
    assert not any(t["text"] in ("Mm.", "Right.", "Uh-huh.", "Hm.") for t in card["turns"])

    # switched off, the prospect listens in silence and answers the same way
    settings = Settings(data_dir=tmp_path, auth_required=False, murmur_after_s=0)
    async with serve_in_process(create_app(settings, engines)) as base:
        quiet = await run_scripted_call(base.replace("http://", "ws://") + "/ws/call", [audio],
                                        ScriptOptions("price-pressure", fast=True))
    assert not quiet.of_type("backchannel")
    assert [p["text"] for p in quiet.of_type("prospect")] == \
        [p["text"] for p in result.of_type("prospect")]


async def test_a_rep_who_goes_on_has_the_hasty_answer_taken_back(
    live_url: str, manifest: dict[str, dict[str, Any]]
) -> None:
    # In real time: "I can't go lower on the list price." reads finished, so the prospect
    # answers 0.5 s into the 0.9 s pause; the rep goes on over it ("But I can take five
    # percent off ...") and the prospect stops, takes that answer back and answers both
    # sentences at once (docs/turns.md, "Taking an answer back").
    audio = read_audio(FIXTURES / "went_on_piper.wav")
    result = await run_scripted_call(live_url, [audio], ScriptOptions("price-pressure"))
    [stop] = result.of_type("stop_audio")
    assert stop["taken_back"] is True, result.events
    transcripts = result.of_type("transcript")
    assert len(transcripts) == 2, [t["text"] for t in transcripts]
    heard = words_of(" ".join(t["text"] for t in transcripts))
    assert set(manifest["went_on_piper"]["expect"]) <= heard
    prospect = result.of_type("prospect")
    assert [p["turn"] for p in prospect] == [0, 2, 4]  # opening, taken back, the answer
    assert prospect[1]["turn"] == stop["turn"]
    card = result.scorecard
    assert card is not None
    assert [(t["speaker"], t["cut"]) for t in card["turns"]] == [
        ("prospect", False), ("rep", False), ("prospect", True), ("rep", False),
        ("prospect", False)]
