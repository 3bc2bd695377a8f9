"""Personas: three or more per built-in scenario, one drawn per call by the seed, each with its
own knobs and voice; and the prospect cutting in on a rep who talks too long (text level)."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest

from dialog import Prospect, builtin_catalog
from dialog.machine import draw_persona
from dialog.scenario import Scenario
from scoring.rep_moves import MoveKind
from server.call.catalog import persona_summary, scenario_summary, voice_style
from voices.tts.base import DEFAULT_STYLE

CATALOG = builtin_catalog()
SCENARIOS = list(CATALOG)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_three_personas_each_with_a_voice_of_their_own(scenario: Scenario) -> None:
    personas = scenario.personas
    assert len(personas) >= 3
    assert len({p.name for p in personas}) == len({p.role for p in personas}) == len(personas)
    for a, b in combinations(personas, 2):
        va, vb = a.voice, b.voice
        # told apart by ear: a semitone of pitch or a tenth of speaking time at least
        assert (abs(va.pitch_semitones - vb.pitch_semitones) >= 1
                or abs(va.length_scale - vb.length_scale) >= 0.1), (a.name, b.name)
    assert any(voice_style(p) != DEFAULT_STYLE for p in personas)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_the_seed_draws_the_persona(scenario: Scenario) -> None:
    drawn = [Prospect(scenario, seed=seed).persona.name for seed in range(30)]
    assert drawn == [Prospect(scenario, seed=seed).persona.name for seed in range(30)]
    counts = Counter(drawn)
    assert set(counts) == {p.name for p in scenario.personas}, counts
    assert draw_persona(scenario, 5) == Prospect(scenario, seed=5).persona


def test_a_persona_can_be_named_and_an_unknown_one_is_refused() -> None:
    s = CATALOG.get("price-pressure")
    second = s.personas[1].name
    assert all(Prospect(s, seed=n, persona=second).persona.name == second for n in range(5))
    with pytest.raises(ValueError, match="no persona 'Nobody' in price-pressure"):
        Prospect(s, persona="Nobody")


def test_persona_knobs_change_how_the_prospect_plays() -> None:
    s = CATALOG.get("price-pressure")
    marta, dev, sam = (p.name for p in s.personas)
    demands = {}
    for name in (marta, sam):
        p = Prospect(s, "normal", seed=1, persona=name)
        p.opening()
        p.respond("Okay, I can do ten percent.", at=5)
        demands[name] = p.demand
    assert demands == {marta: 15, sam: 20}  # Sam pushes harder after a give-away
    # Dev has more patience for small talk than Marta
    talk = ["How was your weekend?", "Lovely weather this week.", "How is the family doing?"]
    ended = {}
    for name in (marta, dev):
        p = Prospect(s, "normal", seed=1, persona=name)
        p.opening()
        for i, text in enumerate(talk):
            if p.respond(text, at=5.0 * (i + 1)).ends_call:
                ended[name] = i + 1
                break
    assert ended == {marta: 3}


def test_the_scenario_list_and_ready_name_the_personas() -> None:
    s = CATALOG.get("send-info")
    summary = scenario_summary(s)
    assert [p["name"] for p in summary["personas"]] == [p.name for p in s.personas]
    assert summary["persona"] == summary["personas"][0]  # older clients read one
    assert persona_summary(s.personas[2]) == {
        "name": s.personas[2].name, "role": s.personas[2].role,
        "company": s.personas[2].company, "temperament": s.personas[2].temperament}


def test_voice_style_carries_the_persona_voice() -> None:
    p = CATALOG.get("time-pressure").personas[2]
    style = voice_style(p)
    assert (style.length_scale, style.noise_scale, style.noise_w, style.pitch_semitones) == (
        p.voice.length_scale, p.voice.noise_scale, p.voice.noise_w, p.voice.pitch_semitones)


# --- cutting in -----------------------------------------------------------------------------

MONOLOGUE = ("Let me tell you about our company. We were founded in nineteen ninety and we "
             "have grown every year since, with offices in three countries and a team that "
             "really cares about service, and our platform has many features.")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_cut_in_only_on_normal_and_hard(scenario: Scenario) -> None:
    for persona in scenario.personas:
        easy, normal, hard = (Prospect(scenario, level, persona=persona.name).cut_in_after_s
                              for level in ("easy", "normal", "hard"))
        assert easy is None
        assert normal is not None and hard is not None
        assert 15 <= hard <= normal <= 30 and hard < 30  # a 30 s monologue is cut on hard


def test_a_cut_in_stops_the_monologue_and_makes_no_point() -> None:
    s = CATALOG.get("price-pressure")
    p = Prospect(s, "hard", seed=2, persona=s.personas[0].name)
    p.opening()
    line = p.respond(MONOLOGUE, at=25, cut_in=True)
    assert line.cut_in and not line.ends_call and line.state == "opening"
    assert line.text in [ln.replace("{demand}", "ten") for ln in s.cut_in_lines]
    # the next cut-in on hard (patience 2) loses the prospect
    again = p.respond(MONOLOGUE, at=60, cut_in=True)
    assert again.cut_in and again.ends_call and str(p.outcome) == "lost"
    assert again.text in s.impatient_lines


def test_a_give_away_inside_a_monologue_is_taken_at_once() -> None:
    s = CATALOG.get("price-pressure")
    p = Prospect(s, "normal", seed=2, persona=s.personas[0].name)
    p.opening()
    line = p.respond(MONOLOGUE + " And I can do ten percent off.", at=25, cut_in=True)
    assert line.cut_in and line.state == "squeeze"
    assert [c.amount for c in p.concessions] == [10]
    assert any(m.kind is MoveKind.CONCEDE for m in line.moves)


def test_a_firm_monologue_does_not_count_as_holding() -> None:
    s = CATALOG.get("price-pressure")
    firm = "I'm not going to discount it. The cost to use us is lower."
    talked = Prospect(s, "normal", seed=3, persona=s.personas[1].name)
    talked.opening()
    for i in range(3):
        talked.respond(firm, at=30.0 * (i + 1), cut_in=True)
    assert talked.outcome is None  # three cut-off speeches win nothing
    held = Prospect(s, "normal", seed=3, persona=s.personas[1].name)
    held.opening()
    for i in range(3):
        held.respond(firm, at=30.0 * (i + 1))
    assert str(held.outcome) == "won"
