"""The prospect cutting in on a rep who talks too long: counted by the scorecard, marked on the
replay's timeline, said in the coaching; and over a call (scripted engines)."""

from __future__ import annotations

from scoring.scorecard import build_scorecard
from scoring.turns import Speaker, Turn

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
