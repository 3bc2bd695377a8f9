"""Coaching on sentences the coaching rules never saw: the labelled rep sentences and the
scorer's utterances (tests/data/rep_sentences.yaml, scored_utterances.yaml), written by
others for the detectors. Each becomes a two-turn call in the scenario of its give-away.

Measured: of the sentences labelled as give-aways, how many are offered back as a cleaner
copy of themselves (the issue's "Try: Okay, I can, do 10 off."; must be none), and how many
get a firm line instead; every line shown passes the sayable checks. Figures: docs/coaching.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dialog.scenario import builtin_catalog
from scoring.scorecard import build_scorecard
from scoring.turns import Speaker, Turn
from tests.test_coaching import assert_sayable

DATA = Path(__file__).parent / "data"
SCENARIO_OF = {"price": "price-pressure", "time": "time-pressure", "info": "send-info",
               "scope": "renewal-threat"}
PUSH = {
    "price-pressure": "The other vendor is ten percent cheaper. Match it and the deal is yours.",
    "time-pressure": "I can give you twenty minutes on Tuesday.",
    "send-info": "Just send me some information and I'll take a look.",
    "renewal-threat": "Give us three free months, or we walk.",
}


def _sentences() -> list[tuple[str, list[str]]]:
    """(text, kinds given away) from both never-seen sets."""
    out = []
    for name, key in (("rep_sentences.yaml", "items"), ("scored_utterances.yaml", "utterances")):
        for item in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))[key]:
            kinds = [c["kind"] if isinstance(c, dict) else str(c) for c in item["concessions"]]
            out.append((item["text"], kinds))
    return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9%']+", text.lower()))


@pytest.fixture(scope="module")
def coached() -> list[tuple[str, list[str], list[str]]]:
    catalog = builtin_catalog()
    out = []
    for text, kinds in _sentences():
        scenario = catalog.get(SCENARIO_OF.get(kinds[0], "price-pressure") if kinds
                               else "price-pressure")
        turns = [Turn(0, Speaker.PROSPECT, PUSH[scenario.id], 0.0, 4.0),
                 Turn(1, Speaker.REP, text, 4.5, 4.5 + 0.35 * len(text.split()))]
        card = build_scorecard(call_id="eval", scenario=scenario.id, outcome=None, turns=turns,
                               coaching=scenario.coaching_lines(),
                               needed_minutes=scenario.needed_minutes)
        out.append((text, kinds, [s["say"] for s in card["coaching"]["say_instead"]]))
    return out


def test_a_give_away_is_never_coached_as_a_cleaner_give_away(coached) -> None:
    give_aways = [(text, lines) for text, kinds, lines in coached if kinds]
    copies = [(text, line) for text, lines in give_aways for line in lines
              if _words(line) <= _words(text)]
    firm = sum(any(not _words(line) <= _words(text) for line in lines) for text, lines in give_aways)
    print(f"\ncoaching, never-seen sentences: {len(coached)} sentences, {len(give_aways)} "
          f"give-aways; cleaner copies of a give-away offered: {len(copies)}; "
          f"give-aways with a firm line: {firm}/{len(give_aways)}")
    assert copies == []
    assert firm >= 0.9 * len(give_aways)


def test_every_line_shown_is_sayable_and_shown_once(coached) -> None:
    for _, _, lines in coached:
        assert len(lines) == len(set(lines))
        for line in lines:
            assert_sayable(line)
