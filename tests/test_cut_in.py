"""The prospect cutting in on a rep who talks too long: counted by the scorecard, marked on the
replay's timeline, said in the coaching; and over a call (scripted engines)."""

from __future__ import annotations

from scoring.scorecard import build_scorecard
from scoring.turns import Speaker, Turn
from server.call.catalog import persona_summary, voice_style
from server.protocol import ProspectEvent, TranscriptEvent
from tests.support.call import ScriptedCall

OPENING_S = 4.75  # the price-pressure opening in the scripted voice (tests/test_call_fast.py)
FRAME_S = 0.032

LONG = ("Let me walk you through everything we do, because our platform covers routing, "
        "scheduling, billing, reporting and a lot more besides, and every customer we have "
        "tells us the same thing about how much time it saves them every single week.")
CUT_LINE = "Let me stop you there. What's the number?"


def _turns(cut: bool) -> list[Turn]:
    return [
        Turn(0, Speaker.PROSPECT, "Match their price and we can sign this week.", 0.0, 3.0),
        Turn(1, Speaker.REP, LONG, 3.5, 29.5, cut=cut),
        Turn(2, Speaker.PROSPECT, CUT_LINE, 29.6, 31.6),
        Turn(3, Speaker.REP, "We won't match it. What does a late delivery cost you?", 32.0, 35.0),
        Turn(4, Speaker.PROSPECT, "Hm. Go on.", 35.5, 37.0),
    ]


def test_the_scorecard_counts_a_cut_in_and_the_coaching_says_it() -> None:
    card = build_scorecard(call_id="c", scenario="price-pressure", outcome="no_decision",
                           turns=_turns(cut=True))
    metrics = card["metrics"]
    assert metrics["prospect_cut_ins"] == 1
    [event] = metrics["cut_in_events"]
    assert event == {"rep_turn": 1, "prospect_turn": 2, "at": 29.5, "talked": 26.0}
    assert metrics["longest_monologue"]["seconds"] >= event["talked"]
    talk = next(c for c in card["rubric"]["criteria"] if c["id"] == "talk_ratio")
    assert talk["result"] <= 0.5 and not talk["passed"]
    assert "the prospect cut in once, after 26 s" in talk["detail"]
    assert [m["turn"] for m in talk["misses"]] == [1]
    assert card["turns"][1]["cut"] is True
    marks = [m for m in card["coaching"]["markers"] if m["kind"] == "cut_in"]
    assert len(marks) == 1 and marks[0]["turn"] == 1
    assert marks[0]["label"] == f"the prospect cut in after 26 s of talk: \u201c{CUT_LINE}\u201d"


def test_the_same_talk_without_a_cut_in_is_not_counted() -> None:
    card = build_scorecard(call_id="c", scenario="price-pressure", outcome="no_decision",
                           turns=_turns(cut=False))
    assert card["metrics"]["prospect_cut_ins"] == 0
    assert not [m for m in card["coaching"]["markers"] if m["kind"] == "cut_in"]
    talk = next(c for c in card["rubric"]["criteria"] if c["id"] == "talk_ratio")
    assert "cut in" not in talk["detail"]


# --- over a call: the real CallSession with scripted engines (tests/support/call.py) ---------

FIRST = ("Let me tell you about our company, because we have grown every year since nineteen "
         "ninety, with offices in three countries and a team that really cares about service")
THEN = "and our platform has many features that customers love"


async def _monologue(difficulty: str) -> tuple[ScriptedCall, dict]:
    async with ScriptedCall(difficulty=difficulty) as call:
        await call.pause(OPENING_S + 0.3)
        start = call.clock
        await call.say(FIRST, 19.0)  # one unbroken stretch of speech: 30 s in all
        await call.say(THEN, 11.0)
        call.started = start  # type: ignore[attr-defined]
        await call.pause(2.0)
        card = await call.hang_up()
    return call, card


async def test_a_rep_who_talks_for_thirty_seconds_on_hard_is_cut_in_on() -> None:
    call, card = await _monologue("hard")
    prospect = call.session.prospect
    limit = prospect.cut_in_after_s
    assert limit is not None and limit < 30
    first, *rest = call.sink.of(TranscriptEvent)
    assert first.cut and first.text == FIRST
    # cut where the turn (from its padded onset) reached the limit, to a VAD frame
    assert first.end <= call.started + limit + 2 * FRAME_S  # type: ignore[attr-defined]
    lines = call.sink.of(ProspectEvent)
    cut_in = next(line for line in lines if line.cut_in)
    assert cut_in.turn == first.turn + 1
    assert cut_in.text in {ln.replace("{demand}", "ten") for ln in prospect.scenario.cut_in_lines}
    # the rep went on: what followed is a turn of its own, answered as usual
    assert [t.text for t in rest] == [THEN] and not rest[0].cut
    assert card["turns"][first.turn]["cut"] is True
    assert card["metrics"]["prospect_cut_ins"] == 1
    assert any(m["kind"] == "cut_in" for m in card["coaching"]["markers"])


async def test_on_easy_nobody_cuts_in() -> None:
    call, card = await _monologue("easy")
    [rep] = call.sink.of(TranscriptEvent)
    assert not rep.cut and rep.text == f"{FIRST} {THEN}"
    assert not any(line.cut_in for line in call.sink.of(ProspectEvent))
    assert card["metrics"]["prospect_cut_ins"] == 0


async def test_the_prospect_speaks_in_its_personas_voice_and_the_scorecard_names_it() -> None:
    async with ScriptedCall(seed=4) as call:
        await call.pause(9.0)  # past any opening line
        await call.say("What does a late delivery cost your line?", 2.0)
        await call.pause(1.5)
        card = await call.hang_up()
    persona = call.session.prospect.persona
    assert call.tts.styles and set(call.tts.styles) == {voice_style(persona)}
    assert card["persona"] == persona_summary(persona)
