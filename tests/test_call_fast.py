"""The call's logic, in milliseconds: the real CallSession (listener, prospect voice, dialog,
scoring) driven with scripted engines at the model boundary (tests/support/engines.py).

The price-pressure opening is 19 words: 4.75 s of the scripted voice, playing from 0 s.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import websockets

from dialog.machine import Prospect
from dialog.scenario import builtin_catalog
from server.call.settings import CallSettings
from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.http.state import AppState
from server.protocol import (
    BackchannelEvent,
    ProspectEvent,
    StopAudioEvent,
    TranscriptEvent,
)
from server.settings import Settings
from server.storage import Role, TokenKind
from tests.support.call_helpers import next_event
from tests.support.call import ScriptedCall
from tests.support.engines import ScriptedSTT, scripted_engines

OPENING_S = 4.75
FRAME_S = 0.032  # one scripted VAD frame: the granularity of every call-clock figure


async def test_barge_in_stops_the_prospect_and_cuts_its_line() -> None:
    async with ScriptedCall() as call:
        await call.pause(0.5)
        await call.say("Sorry, can I jump in here.", 1.0)
        await call.pause(1.0)
        card = await call.hang_up()
    assert [e.turn for e in call.sink.of(StopAudioEvent)] == [0]
    # after 0.3 s of unbroken rep speech, not at its first frame
    [cut] = call.recording.cuts
    assert 0.8 <= cut <= 0.8 + 2 * FRAME_S
    opening = card["turns"][0]
    assert opening["speaker"] == "prospect" and opening["cut"] is True
    assert opening["end"] == pytest.approx(cut, abs=1e-3)
    assert card["turns"][1]["text"] == "Sorry, can I jump in here."


async def test_a_short_sound_over_the_prospect_does_not_stop_it() -> None:
    async with ScriptedCall() as call:
        await call.pause(0.5)
        await call.say("Mm.", 0.2)  # a cough or a "mm-hm": under the 0.3 s threshold
        await call.pause(1.0)
        card = await call.hang_up()
    assert call.sink.of(StopAudioEvent) == [] and call.recording.cuts == []
    assert card["turns"][0]["cut"] is False
    assert card["turns"][0]["end"] == pytest.approx(OPENING_S)


async def test_murmur_answers_a_pause_without_taking_the_turn() -> None:
    async with ScriptedCall() as call:
        await call.pause(OPENING_S + 0.3)
        first_end = call.clock + 1.2
        await call.say("We could take fifteen percent off the first year,", 1.2)
        await call.pause(0.35)
        await call.say("if you sign this week,", 0.8)
        await call.pause(0.35)  # a second pause within murmur_gap_s: no second murmur
        await call.say("and commit to two years.", 0.9)
        last_end = call.clock
        await call.pause(1.0)
        await call.hang_up()
    # at the first pause, and at the last (0.3 s in, before the turn ends at 0.5 s)
    murmur, last = call.sink.of(BackchannelEvent)
    assert {murmur.text, last.text} <= set(builtin_catalog().get("price-pressure").acknowledgements)
    at, last_at = call.sink.at(BackchannelEvent)
    assert first_end + 0.3 <= at <= first_end + 0.3 + 2 * FRAME_S
    assert last_end + 0.3 <= last_at <= last_end + 0.3 + 2 * FRAME_S
    # the rep kept the turn: one transcript with all three parts, then the answer
    [rep] = call.sink.of(TranscriptEvent)
    assert rep.text.startswith("We could take") and rep.text.endswith("two years.")
    assert [e.turn for e in call.sink.of(ProspectEvent)] == [0, 2]
    # what the rep heard is in the recording, where they heard it
    assert any(abs(start - at) <= FRAME_S and seconds == pytest.approx(murmur.duration, abs=0.01)
               for start, seconds in call.recording.prospect)


async def test_silence_prompt_after_the_scenarios_wait() -> None:
    wait = builtin_catalog().get("price-pressure").wait_for_rep_s
    async with ScriptedCall() as call:
        await call.pause(OPENING_S + wait + 1.0)
        await call.hang_up()
    lines = call.sink.of(ProspectEvent)
    assert [e.turn for e in lines] == [0, 1]
    assert lines[1].text in builtin_catalog().get("price-pressure").silence_lines
    # counted from when the opening stopped playing, not from when it was sent
    prompted = call.sink.at(ProspectEvent)[1]
    assert OPENING_S + wait <= prompted <= OPENING_S + wait + 2 * FRAME_S
    assert call.sink.of(TranscriptEvent) == []


async def test_early_transcript_is_reused_for_a_finished_sentence() -> None:
    async with ScriptedCall() as call:
        await call.pause(OPENING_S + 0.3)
        await call.say("I can offer fifteen percent if you sign this week.", 2.0)
        spoke_until = call.clock
        await call.pause(1.5)
        await call.hang_up()
    # one transcription, started at the pause and reused when the turn ended
    [(start, end)] = call.stt.calls
    assert end == pytest.approx(spoke_until + 0.08, abs=2 * FRAME_S)
    [rep] = call.sink.of(TranscriptEvent)
    assert rep.text == "I can offer fifteen percent if you sign this week."
    # a finished statement hands over after 0.5 s of silence, not the 0.7 s default
    answered = call.sink.at(ProspectEvent)[1]
    assert 0.5 <= answered - spoke_until <= 0.5 + 2 * FRAME_S


async def test_the_answer_is_made_while_the_rep_pauses() -> None:
    async with ScriptedCall() as call:
        await call.pause(OPENING_S + 0.3)
        await call.say("I can offer fifteen percent if you sign this week.", 2.0)
        await call.pause(0.2)  # the early transcript is back; the turn is not over yet
        assert call.sink.of(TranscriptEvent) == []
        prepared = list(call.tts.prepared)
        await call.pause(1.3)
        await call.hang_up()
    # the line made during the pause is the one the prospect then said, made once
    answer = call.sink.of(ProspectEvent)[1]
    assert prepared[-1:] == [answer.text]
    assert call.tts.prepared.count(answer.text) == 1


async def test_a_busy_server_makes_no_answer_ahead() -> None:
    async with ScriptedCall(live_calls=3) as call:  # the default prepares with at most 2 live
        await call.pause(OPENING_S + 0.3)
        await call.say("I can offer fifteen percent if you sign this week.", 2.0)
        await call.pause(1.5)
        await call.hang_up()
    assert call.tts.prepared == []
    assert len(call.sink.of(ProspectEvent)) == 2  # it still answered


async def test_an_answer_made_at_a_pause_changes_nothing_when_the_rep_goes_on() -> None:
    scenario = builtin_catalog().get("price-pressure")
    whole = "We could look at the price. But only on a two year term."
    async with ScriptedCall() as call:
        await call.pause(OPENING_S + 0.3)
        await call.say("We could look at the price.", 1.0)
        await call.pause(0.3)
        assert len(call.tts.prepared) == 1  # an answer to the first half, made ahead
        await call.say("But only on a two year term.", 1.2)
        await call.pause(1.5)
        card = await call.hang_up()
    [rep] = call.sink.of(TranscriptEvent)
    assert rep.text == whole
    # the prospect answered the whole turn as if nothing had been made ahead
    fresh = Prospect(scenario, "normal", seed=1)
    fresh.opening()
    expected = fresh.respond(whole, rep.end)
    answer = call.sink.of(ProspectEvent)[1]
    assert (answer.text, answer.state) == (expected.text, expected.state)
    assert len(card["concessions"]) == len(fresh.concessions)


async def test_scorecard_takes_the_second_pass_transcript_and_the_live_one_stands_in() -> None:
    accurate = ScriptedSTT()
    async with ScriptedCall(accurate=accurate) as call:
        await call.pause(OPENING_S + 0.3)
        await call.say("I can offer fifty percent.", 1.5, accurately="I can offer 15 percent.")
        await call.pause(1.5)
        card = await call.hang_up()
    # the rep heard the live transcript at once; the scorecard has the accurate one
    assert [t.text for t in call.sink.of(TranscriptEvent)] == ["I can offer fifty percent."]
    rep = [t for t in card["turns"] if t["speaker"] == "rep"]
    assert [t["text"] for t in rep] == ["I can offer 15 percent."]
    assert [c["amount"] for c in card["concessions"]] == [15]


async def test_a_busy_server_leaves_the_live_transcript_and_runs_no_second_pass() -> None:
    accurate = ScriptedSTT()
    async with ScriptedCall(accurate=accurate, live_calls=3) as call:  # the default allows 2
        await call.pause(OPENING_S + 0.3)
        await call.say("I can offer fifty percent.", 1.5, accurately="I can offer 15 percent.")
        await call.pause(1.5)
        card = await call.hang_up()
    assert accurate.calls == []
    assert [t["text"] for t in card["turns"] if t["speaker"] == "rep"] == [
        "I can offer fifty percent."]


class _BrokenSecondPass(ScriptedSTT):
    async def retranscribe(self, audio: Any, offset: float = 0.0) -> Any:
        raise RuntimeError("the accurate decoder crashed")


async def test_a_broken_second_pass_still_gives_the_scorecard_with_the_live_transcript() -> None:
    async with ScriptedCall(accurate=_BrokenSecondPass()) as call:
        await call.pause(OPENING_S + 0.3)
        await call.say("I can offer fifteen percent.", 1.5)
        await call.pause(1.5)
        card = await call.hang_up()
    assert [t["text"] for t in card["turns"] if t["speaker"] == "rep"] == [
        "I can offer fifteen percent."]
    assert [c["amount"] for c in card["concessions"]] == [15]


async def test_a_second_pass_not_done_in_time_leaves_the_live_transcript() -> None:
    accurate = ScriptedSTT(hold=asyncio.Event())  # never released: the accurate pass is slow
    async with ScriptedCall(accurate=accurate, settings=CallSettings(second_pass_wait_s=0.05)) \
            as call:
        await call.pause(OPENING_S + 0.3)
        await call.say("I can offer fifteen percent.", 1.5, accurately="Something else.")
        await call.pause(1.5)
        card = await call.hang_up()
    assert [t["text"] for t in card["turns"] if t["speaker"] == "rep"] == [
        "I can offer fifteen percent."]
    assert accurate.cancelled == 1  # the unfinished re-transcription was dropped


async def test_early_transcript_is_cancelled_when_the_rep_goes_on() -> None:
    async with ScriptedCall() as call:
        await call.pause(OPENING_S + 0.3)
        call.stt.hold = asyncio.Event()  # the recogniser is slow: the early one is still running
        await call.say("We could look at the price.", 1.0)
        await call.pause(0.15)
        assert call.stt.in_flight == 1
        await call.say("But only on a two year term.", 1.2)
        assert call.stt.cancelled == 1 and call.stt.in_flight == 0
        call.stt.hold.set()
        await call.pause(1.5)
        await call.hang_up()
    [rep] = call.sink.of(TranscriptEvent)
    assert rep.text == "We could look at the price. But only on a two year term."
    # the transcript the rep got was made from the whole turn, not the cancelled half
    assert call.stt.calls[-1][1] - call.stt.calls[-1][0] > 2.2


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def capped_app(tmp_path_factory: Any) -> AsyncIterator[tuple[str, AppState]]:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("capped")), max_calls_per_user=2)
    engines, _, _ = scripted_engines()
    app = create_app(settings, engines)
    async with serve_in_process(app) as base:
        yield base.replace("http://", "ws://") + "/ws/call", app.state


async def _start(url: str, token: str) -> Any:
    ws = await websockets.connect(url)
    await ws.send(json.dumps({"type": "start", "scenario": "send-info", "token": token}))
    return ws


async def _end(ws: Any) -> None:
    await ws.send(json.dumps({"type": "end"}))
    await next_event(ws, "scorecard")
    await ws.close()


async def test_per_user_cap_refuses_a_third_call_and_frees_a_slot_on_hang_up(
    capped_app: tuple[str, AppState],
) -> None:
    url, state = capped_app
    ann = state.store.accounts.create("ann", Role.REP, "ann-pass-1")
    bob = state.store.accounts.create("bob", Role.REP, "bob-pass-1")
    ann_token = state.store.accounts.issue_token(ann.id, TokenKind.API)
    bob_token = state.store.accounts.issue_token(bob.id, TokenKind.API)
    first, second = await _start(url, ann_token), await _start(url, ann_token)
    try:
        for ws in (first, second):
            await next_event(ws, "ready")
        third = await _start(url, ann_token)
        error = await next_event(third, "error")
        assert error["code"] == "too_many_calls" and "2 call(s)" in error["message"]
        await third.close()
        other = await _start(url, bob_token)  # the cap is per user, not for the server
        await next_event(other, "ready")
        await _end(other)
        await _end(first)  # a slot comes back when a call ends
        again = await _start(url, ann_token)
        await next_event(again, "ready")
        await _end(again)
        await _end(second)
    finally:
        for ws in (first, second):
            await ws.close()


async def _went_on_after_the_answer(gap_s: float, settings: CallSettings | None = None
                                    ) -> tuple[ScriptedCall, dict[str, Any]]:
    """The rep holds the price, pauses so long the prospect answers, and goes on `gap_s`
    after the answer began ("... but I can take five percent off if you sign today.")."""
    async with ScriptedCall(settings=settings) as call:
        await call.pause(OPENING_S + 0.3)
        await call.say("I can't go lower on the list price.", 1.5)
        ended = call.clock
        await call.pause(0.5 + 2 * FRAME_S + gap_s)  # the statement's wait, then the answer
        await call.say("but I can take five percent off if you sign today.", 2.0)
        await call.pause(2.0)
        card = await call.hang_up()
    [answer] = [e for e in call.sink.of(ProspectEvent) if e.turn == 2]
    assert answer.text and ended < OPENING_S + 2.0
    return call, card


async def test_a_rep_who_goes_on_at_once_has_the_answer_taken_back() -> None:
    # The words read finished at the pause, so the prospect answered; the rep was not done
    # and talked over it within a second: the prospect stops, forgets that answer and
    # answers the whole turn once the rep ends it (docs/turns.md, "Taking an answer back").
    call, card = await _went_on_after_the_answer(0.2)
    assert [(e.turn, e.taken_back) for e in call.sink.of(StopAudioEvent)] == [(2, True)]
    prospect = call.session.prospect
    assert prospect.turns == 1  # one rep turn answered, not two
    assert [(c.amount, c.conditional) for c in prospect.concessions] == [(5.0, True)]
    answers = [e.turn for e in call.sink.of(ProspectEvent)]
    assert answers == [0, 2, 4], answers  # opening, the answer taken back, the real answer
    # the call's record keeps what was said and heard: the cut line stays in the scorecard
    assert [t["speaker"] for t in card["turns"]] == [
        "prospect", "rep", "prospect", "rep", "prospect"]
    assert card["turns"][2]["cut"] is True


async def test_talking_over_an_answer_later_is_a_new_turn() -> None:
    # a rep who lets the prospect speak for over a second and then cuts in disagrees with
    # what was said: the answer stands and the new words are a turn of their own
    call, _ = await _went_on_after_the_answer(1.5)
    assert [(e.turn, e.taken_back) for e in call.sink.of(StopAudioEvent)] == [(2, False)]
    assert call.session.prospect.turns == 2
    # and with the setting at 0 no answer is ever taken back
    call, _ = await _went_on_after_the_answer(0.2, CallSettings(take_back_within_s=0))
    assert [(e.turn, e.taken_back) for e in call.sink.of(StopAudioEvent)] == [(2, False)]
    assert call.session.prospect.turns == 2
