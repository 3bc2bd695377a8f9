"""The lines the scorecard tells a rep to say instead: firm, grammatical, never a give-away."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from dialog.scenario import BUILTIN_DIR, ScenarioFileError, builtin_catalog, load_scenario
from scoring.coaching import (
    Coach,
    CoachingError,
    GiveAway,
    Tactic,
    amount_text,
    default_coaching,
    parse_coaching,
    sentence_problem,
)
from scoring.fillers import detect_fillers
from scoring.hedges import detect_hedges
from scoring.rep_moves import MoveKind, classify
from scoring.rewrite import cleaned, quote_moment, said_turn
from scoring.tokens import tokenize_turn
from scoring.turns import Speaker, Turn, Word

SCENARIOS = list(builtin_catalog())
KINDS = ("price", "time", "info", "scope")
# A give-away of each kind with the rep's own number, as a rep says it.
NUMBERS = {"price": (10.0, "percent"), "time": (20.0, "minutes"), "info": (None, None),
           "scope": (3.0, "months")}


def assert_sayable(line: str, needed_minutes: float = 45) -> None:
    """What a rep should be told to say: sentences, no filler or hedge, gives nothing away."""
    for sentence in re.findall(r"[^.?!]+[.?!]+", line):
        sentence = sentence.strip()
        assert sentence[0].isupper() or sentence[0].isdigit() or sentence[0] == "$", line
    assert line.rstrip()[-1] in ".?!", line
    words = re.findall(r"[a-z0-9']+", line.lower())
    assert not [a for a, b in pairwise(words) if a == b], f"doubled word: {line}"
    assert sentence_problem(line) is None, sentence_problem(line)  # has a verb, no stray commas
    turn = Turn(0, Speaker.REP, line, 0.0, 6.0)
    assert detect_fillers(turn) == [], line
    assert detect_hedges(turn) == [], line
    moves = classify(line, needed_minutes=needed_minutes)
    assert MoveKind.CONCEDE not in {m.kind for m in moves}, f"gives something away: {line}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_every_scenario_has_its_own_lines_for_its_pressure(scenario) -> None:
    lines = scenario.coaching_lines()
    kind = str(scenario.demand.kind)
    for tactic in Tactic:
        assert lines.get(kind, tactic), f"{scenario.id}: no {kind}/{tactic} lines"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
@pytest.mark.parametrize("kind", KINDS)
def test_each_tactic_gives_a_sayable_line_with_and_without_the_reps_number(scenario, kind) -> None:
    coach = Coach(scenario.coaching_lines(), needed_minutes=scenario.needed_minutes)
    amount, unit = NUMBERS[kind]
    for turn, (a, u) in enumerate([(amount, unit), (None, None)]):
        for tactic in Tactic:
            give = GiveAway(kind, a, u, turn, f"moment {turn} {tactic}")
            line = coach.firm_line(give, tactic)
            assert line is not None, (scenario.id, kind, tactic)
            assert_sayable(line.text, scenario.needed_minutes)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_every_shipped_line_is_sayable(scenario) -> None:
    """Each template, filled with a number, passes: authors cannot ship a broken line."""
    for source in (scenario.coaching_lines(), default_coaching()):
        for kind, tactics in source.lines.items():
            amount = amount_text(*NUMBERS[kind]) or "10%"
            for lines in tactics.values():
                for template in lines:
                    need = f"{scenario.needed_minutes:g} minutes"
                    text = template.format(amount=amount, need=need)
                    assert_sayable(text[:1].upper() + text[1:], scenario.needed_minutes)


def test_the_reps_own_number_fills_the_line() -> None:
    scenario = builtin_catalog().get("price-pressure")
    coach = Coach(scenario.coaching_lines())
    line = coach.firm_line(GiveAway("price", 15.0, "percent", 3, "I can do 15% off."), Tactic.HOLD)
    assert line is not None and "15%" in line.text and "{" not in line.text
    assert_sayable(line.text)


def test_no_line_is_suggested_twice_in_one_call() -> None:
    coach = Coach(builtin_catalog().get("price-pressure").coaching_lines())
    seen = []
    for turn in range(6):
        line = coach.firm_line(GiveAway("price", 10.0, "percent", turn, "I can do 10% off."))
        if line is not None:
            seen.append(line.text)
    assert len(seen) >= 5 and len(seen) == len(set(seen))


def test_the_same_moment_gets_the_same_line_back() -> None:
    coach = Coach()
    give = GiveAway("time", 20.0, "minutes", 1, "Twenty minutes works.")
    assert coach.firm_line(give, Tactic.HOLD) == coach.firm_line(give, Tactic.HOLD)


@pytest.mark.parametrize("raw, problem", [
    ({"discount": {"hold": ["Hold it."]}}, "not a concession kind"),
    ({"price": {"cave": ["Fine."]}}, "not a tactic"),
    ({"price": {"hold": ["Keep {amount} and {margin}."]}}, "unknown placeholder {margin}"),
    ({"price": {"hold": ["Not {amount} off."]}}, "needs one line without {amount}"),
])
def test_a_bad_coaching_block_names_what_is_wrong(raw, problem) -> None:
    with pytest.raises(CoachingError, match=re.escape(problem)):
        parse_coaching(raw)


def test_a_scenario_file_with_a_bad_coaching_block_is_refused(tmp_path: Path) -> None:
    text = (BUILTIN_DIR / "price-pressure.yaml").read_text(encoding="utf-8")
    bad = text.replace("{amount} off, let me show", "{amont} off, let me show")
    assert bad != text
    path = tmp_path / "price-pressure.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as err:
        load_scenario(path)
    assert err.value.field == "coaching" and "{amont}" in str(err.value)


# ---------------------------------------------------------------- cleaned sentences


def clean(text: str, drop_words: set[str]) -> str:
    """`text` cleaned of the words in `drop_words` (by position in the tokenizer's timing)."""
    tokens = tokenize_turn(Turn(0, Speaker.REP, text, 0.0, 10.0))
    spans = [(t.start, t.end) for t in tokens if t.norm in drop_words]
    return cleaned(tokens, spans)


@pytest.mark.parametrize("text, drop, expected", [
    ("I can, um, do that.", {"um"}, "I can do that."),
    ("Okay, um, so we hold the price.", {"um"}, "Okay, so we hold the price."),
    ("Um, like, we save your team ten hours a week.", {"um", "like"},
     "We save your team ten hours a week."),
    ("It pays for itself, right?", {"right"}, "It pays for itself."),
    ("What, um, would you need to see?", {"um"}, "What would you need to see?"),
    ("I, I can walk you through it.", set(), "I can walk you through it."),
    ("Should we, maybe, match their price then?", {"maybe"}, "Should we match their price then?"),
])
def test_a_cleaned_sentence_reads_as_said_by_a_person(
    text: str, drop: set[str], expected: str
) -> None:
    assert clean(text, drop) == expected
    assert sentence_problem(expected) is None


def test_a_percent_timed_as_its_own_word_stays_with_its_number() -> None:
    words = tuple(Word(w, 0.3 * i, 0.3 * i + 0.25)
                  for i, w in enumerate(["I", "can", "give", "you", "10", "%", "off."]))
    turn = Turn(1, Speaker.REP, "I can give you 10% off.", 0.0, 2.1, words)
    assert [w.text for w in said_turn(turn).words][-2:] == ["10%", "off."]
    said, start, end = quote_moment(turn, "I can give you 10% off.")
    assert said == "I can give you 10% off." and (start, end) == (0.0, pytest.approx(2.05))


@pytest.mark.parametrize("text", [
    "Okay, I can, do 10 off.", "we hold the price.", "The price is is fixed.", "Twenty minutes",
    "Okay , we hold.", "The price.",
])
def test_broken_sentences_are_caught(text: str) -> None:
    assert sentence_problem(text) is not None
