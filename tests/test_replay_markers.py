"""The replay's markers: the scorecard's own list, and for a scorecard stored before it had one,
the same list from the same scoring code over what was stored."""

from __future__ import annotations

from scoring.scorecard import build_scorecard
from scoring.turns import Speaker, Turn, Word
from server.http.api import TurnOut, call_markers


def _words(text: str, start: float, step: float = 0.3, gap_after: int = -1) -> tuple[Word, ...]:
    out, t = [], start
    for i, w in enumerate(text.split()):
        out.append(Word(w, t, t + step - 0.05))
        t += step + (1.2 if i == gap_after else 0.0)
    return tuple(out)


def _card() -> dict:
    said = "Um, uh, okay, I can give you ten percent off."
    turns = [
        Turn(0, Speaker.PROSPECT, "The other vendor is ten percent cheaper. Match it.", 0.0, 4.0),
        # answers 3 s after the prospect stopped, stumbles, and pauses mid-answer
        Turn(1, Speaker.REP, said, 7.0, 11.0, _words(said, 7.0, gap_after=3)),
        Turn(2, Speaker.PROSPECT, "Ten percent? Make it fifteen and we're done.", 11.5, 14.0,
             cut=True),
        Turn(3, Speaker.REP, "Fine, fifteen.", 12.5, 13.5, _words("Fine, fifteen.", 12.5)),
    ]
    return build_scorecard(call_id="c", scenario="price-pressure", outcome="no_decision",
                           turns=turns)


def _turns(card: dict) -> list[TurnOut]:
    return [TurnOut(**t) for t in card["turns"]]


def test_the_replay_uses_the_scorecards_own_markers() -> None:
    card = _card()
    found = call_markers(card, _turns(card))
    assert found == card["coaching"]["markers"]
    assert {m["kind"] for m in found} == {"concession", "fillers", "pause", "interruption"}


def test_an_older_scorecard_gets_the_same_markers_from_the_scoring_code() -> None:
    card = _card()
    older = {k: v for k, v in card.items() if k != "coaching"}
    found = call_markers(older, _turns(card))
    assert found == card["coaching"]["markers"]
    assert sum(m["kind"] == "concession" for m in found) == len(card["concessions"]) == 2


def test_a_call_with_no_scorecard_still_marks_its_pauses() -> None:
    card = _card()
    found = call_markers(None, _turns(card))
    assert {m["kind"] for m in found} == {"pause", "interruption"}
