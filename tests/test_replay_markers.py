"""The replay's markers: the scorecard's own list, and for a scorecard stored before it had one,
the same list from the same scoring code over what was stored. A recording scored for a known
scenario (an upload) gets that scenario's coaching lines."""

from __future__ import annotations

import numpy as np

from dialog.scenario import builtin_catalog
from scoring.scorecard import build_scorecard, turn_from_dict
from scoring.turns import Speaker, Turn, Word
from server.http.api import call_markers
from server.scoring_files import score_transcription
from voices.audio import SAMPLE_RATE
from voices.stt.base import Transcription


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


def _turns(card: dict) -> list[Turn]:
    return [turn_from_dict(t) for t in card["turns"]]


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


def test_a_recording_scored_for_a_known_scenario_gets_its_coaching_lines() -> None:
    said = "Okay, fine. I can give you 10% off."
    result = Transcription(said, _words(said, 0.5))
    audio = np.zeros(int(4 * SAMPLE_RATE), dtype=np.float32)
    scenario = builtin_catalog().get("price-pressure")
    lines = {line.replace("{amount}", "10%") for line in scenario.coaching["price"]["hold"]}
    known = score_transcription("upload", audio, result, scenario=scenario)
    [line] = [s for s in known["coaching"]["say_instead"] if s["criterion"] == "held_price"]
    assert known["scenario"] == "price-pressure" and line["say"] in lines
    named = score_transcription("upload", audio, result, scenario="real-call")
    [line] = [s for s in named["coaching"]["say_instead"] if s["criterion"] == "held_price"]
    assert named["scenario"] == "real-call" and line["say"] not in lines  # the generic lines
