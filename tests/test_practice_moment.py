"""'Try this moment again': the prospect opens on one moment in its dialog state, the call ends
once the rep has answered it, and the scorecard scores that answer alone; a moment the
scenario cannot play is refused with an error before the call starts."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import websockets

from dialog.machine import Prospect
from dialog.scenario import builtin_catalog
from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.protocol import PracticeMoment, ProspectEvent
from server.settings import Settings
from tests.support.call import ScriptedCall
from tests.support.call_helpers import next_event
from tests.support.engines import scripted_engines

SQUEEZE = "Ten percent? So there was room all along. Make it fifteen and we're done."


def test_the_prospect_opens_on_the_moment_and_goes_on_from_its_state() -> None:
    scenario = builtin_catalog().get("price-pressure")
    prospect = Prospect(scenario, seed=3)
    prospect.open_at("squeeze", SQUEEZE)
    assert prospect.opening().text == SQUEEZE and prospect.opening().state == "squeeze"
    # a firm answer moves on along squeeze's own transitions (doubts), not the opening's
    line = prospect.respond("No. Our price stays where it is, and here is why it pays.", 5.0)
    assert prospect.state in {t.to for t in scenario.states["squeeze"].on["firm"]}
    assert line.state == prospect.state != "opening"


def _filled(text: str) -> bool:
    """No placeholder left empty: 'Why should I believe  percent ...' is not."""
    return not re.search(r"^\s|\s{2}|\s[.?!,]", text)


@pytest.mark.parametrize("offered", [10.0, None])
def test_what_the_rep_had_given_fills_the_lines_that_follow(offered: float | None) -> None:
    scenario = builtin_catalog().get("price-pressure")
    said = []
    for seed in range(12):
        prospect = Prospect(scenario, seed=seed)
        prospect.open_at("squeeze", SQUEEZE, offered)
        line = prospect.respond("No. Our price stays where it is, and here is why it pays.", 5.0)
        assert line.state == "doubts"
        # never a hole where the number goes: without it, a line that does not name one
        assert _filled(line.text), line.text
        said.append(line.text.lower())
    if offered is None:
        assert not any("percent" in t for t in said), said
        return
    assert any("ten percent" in t for t in said), said  # the lines that name it say ten
    assert prospect.demand == 15  # the demand moved on from the ten, as after the give-away


@pytest.mark.parametrize("state", ["no-such-state", "takes_discount"])
def test_a_state_that_does_not_exist_or_ends_the_call_is_refused(state: str) -> None:
    scenario = builtin_catalog().get("price-pressure")
    with pytest.raises(ValueError, match=f"no state '{state}' to practise in price-pressure"
                                         r"; choose one of opening, .*squeeze"):
        Prospect(scenario).open_at(state, "Anything.")


async def test_a_practice_call_opens_on_the_line_and_is_scored_on_the_answer_alone() -> None:
    moment = PracticeMoment(state="squeeze", line=SQUEEZE, prospect_turn=2, offered=10)
    async with ScriptedCall(practice=moment) as call:
        await call.pause(4.0)
        await call.say("Okay, um, I can do fifteen percent off.", 2.5)
        await call.pause(2.0)
        card = await call.hang_up()
    lines = call.sink.of(ProspectEvent)
    assert (lines[0].text, lines[0].state) == (SQUEEZE, "squeeze")
    # the prospect took the answer and the call ended with that line
    assert len(lines) == 2 and lines[1].ends_call and not lines[0].ends_call
    assert card["practice"] == {"state": "squeeze", "line": SQUEEZE, "prospect_turn": 2,
                                "offered": 10}
    criteria = {c["id"] for c in card["rubric"]["criteria"]}
    assert "held_price" in criteria and not criteria & {"asked_questions", "talk_ratio"}
    view = card["coaching"]
    outcome = next(f for f in view["figures"] if f["id"] == "outcome")
    assert outcome["text"].startswith("practice moment")
    [line] = [s for s in view["say_instead"] if s["criterion"] == "held_price"]
    # the scenario's own firm line, and the moment to practise again in its state
    hold = builtin_catalog().get("price-pressure").coaching["price"]["hold"]
    assert line["say"] in {ln.replace("{amount}", "15%") for ln in hold}
    assert line["practice"]["state"] == "squeeze" and line["practice"]["line"] == SQUEEZE


async def test_a_whole_call_records_the_state_of_every_prospect_line() -> None:
    async with ScriptedCall() as call:
        await call.pause(4.0)
        await call.say("Fine, I can give you ten percent off.", 2.5)
        await call.pause(2.0)
        card = await call.hang_up()
    lines = call.sink.of(ProspectEvent)
    [item] = [s for s in card["coaching"]["say_instead"] if s["criterion"] == "held_price"]
    assert item["practice"]["state"] == lines[0].state == "opening"
    assert card["practice"] is None
    assert {c["id"] for c in card["rubric"]["criteria"]} >= {"asked_questions", "talk_ratio"}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def call_url(tmp_path_factory: Any) -> AsyncIterator[str]:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("practice")), auth_required=False)
    engines, _, _ = scripted_engines()
    async with serve_in_process(create_app(settings, engines)) as base:
        yield base.replace("http://", "ws://") + "/ws/call"


async def test_the_socket_refuses_an_unknown_state_and_then_starts_a_valid_moment(
    call_url: str,
) -> None:
    start: dict[str, Any] = {"type": "start", "scenario": "price-pressure",
                             "practice": {"state": "haggling", "line": SQUEEZE}}
    async with websockets.connect(call_url) as ws:
        await ws.send(json.dumps(start))
        error = await next_event(ws, "error")
        assert error["code"] == "bad_practice"
        assert "no state 'haggling' to practise in price-pressure" in error["message"]
        assert "squeeze" in error["message"]  # says what would do
        start["practice"]["state"] = "squeeze"
        await ws.send(json.dumps(start))  # the call was not started: a start is still welcome
        ready = await next_event(ws, "ready")
        assert ready["scenario"] == "price-pressure"
        first = await next_event(ws, "prospect")
        assert (first["text"], first["state"]) == (SQUEEZE, "squeeze")
        await ws.send(json.dumps({"type": "end"}))
        card = await next_event(ws, "scorecard")
        assert card["practice"]["state"] == "squeeze"


async def test_a_practice_moment_without_a_line_is_a_bad_frame(call_url: str) -> None:
    async with websockets.connect(call_url) as ws:
        await ws.send(json.dumps({"type": "start", "scenario": "price-pressure",
                                  "practice": {"state": "squeeze"}}))
        error = await next_event(ws, "error")
        assert error["code"] == "bad_frame" and "practice.line" in error["message"]


async def test_a_later_moment_carries_what_was_given_and_its_practice_reads_whole() -> None:
    async with ScriptedCall() as call:
        await call.pause(4.0)
        await call.say("Fine, I can give you ten percent off.", 2.5)
        await call.pause(4.0)
        await call.say("Okay, fifteen percent then.", 2.0)
        await call.pause(2.0)
        card = await call.hang_up()
    moments = [s["practice"] for s in card["coaching"]["say_instead"] if s["practice"]]
    later = next(m for m in moments if m["state"] == "squeeze")
    assert later["offered"] == 10 and later["line"] == call.sink.of(ProspectEvent)[1].text
    moment = PracticeMoment(**{k: later[k] for k in ("state", "line", "prospect_turn", "offered")})
    async with ScriptedCall(practice=moment) as again:
        await again.pause(4.0)
        await again.say("No. Our price stays where it is, and here is why it pays.", 2.5)
        await again.pause(2.0)
        await again.hang_up()
    reaction = again.sink.of(ProspectEvent)[-1]
    assert reaction.ends_call and _filled(reaction.text), reaction.text
