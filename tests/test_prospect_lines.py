"""The prospect's lines: outcomes that follow its words, variety without repeats, lines that
pick up what the rep said, and the bad-fit buyer (issue 17, docs/scenarios.md)."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import pytest
import yaml

from dialog import Outcome, Prospect, builtin_catalog
from dialog.line_meaning import LineMeaning, fits, read_meaning
from dialog.scenario import BUILTIN_DIR, ScenarioFileError, line_groups, load_scenario
from scoring.concessions import ConcessionKind
from scoring.moves import last_pushed
from scoring.rep_moves import MoveKind, classify
from tests.test_dialog import CAVE3, CAVES, HOLD3, HOLDS, _scored_call
from tests.test_scenarios import _plain

CATALOG = builtin_catalog()
SCENARIOS = list(CATALOG)


def _filled(text: str) -> bool:
    """No placeholder left empty or unfilled: 'believe  percent' or '{offered}' is not."""
    return "{" not in text and not re.search(r"^\s|\s{2}|\s[.?!,]|^[.?!,]", text)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_every_state_has_six_variants_in_its_own_words(scenario) -> None:
    for name, state in scenario.states.items():
        assert len(set(state.lines)) >= 6, f"{scenario.id}.{name}: {len(state.lines)} lines"
    assert len(set(scenario.unclear_lines)) >= 6
    # the persona's own lines: no line is shared with another scenario's states
    others = {ln for s in SCENARIOS if s.id != scenario.id for st in s.states.values()
              for ln in st.lines}
    assert not others & {ln for st in scenario.states.values() for ln in st.lines}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_each_end_line_means_its_outcome(scenario) -> None:
    for where, lines, outcome in line_groups(scenario):
        for line in lines:
            meaning = read_meaning(line)
            assert fits(meaning, outcome), f"{where}: {line!r} {meaning} vs {outcome}"
    for name, state in scenario.states.items():
        if not state.end:
            continue
        for line in state.lines:  # an end line says clearly where the call ended
            meaning = read_meaning(line)
            assert meaning is not LineMeaning.OPEN, f"{scenario.id}.{name}: {line!r}"
            if state.outcome in (Outcome.WON, Outcome.WON_WITH_CONCESSIONS):
                assert meaning is LineMeaning.AGREES, line
            else:
                assert meaning is not LineMeaning.AGREES, line


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_a_line_that_pushes_pushes_for_the_scenarios_demand(scenario) -> None:
    """The scorer reads what a bare "okay" gave away from the prospect's last line."""
    for name, state in scenario.states.items():
        for line in [] if state.end else state.lines:
            pushed = last_pushed(line)
            assert pushed in (None, scenario.demand.kind), f"{name}: {line!r} pushes {pushed}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_an_outcome_is_reachable_from_every_state(scenario) -> None:
    def reaches_an_outcome(start: str) -> bool:
        seen, todo = {start}, deque([start])
        while todo:
            state = scenario.states[todo.popleft()]
            if state.outcome is not None:
                return True
            for options in state.on.values():
                for t in options:
                    if t.to not in seen:
                        seen.add(t.to)
                        todo.append(t.to)
        return False

    stuck = [name for name in scenario.states if not reaches_an_outcome(name)]
    assert stuck == []
    # both a win and a way out of the call exist
    outcomes = {s.outcome for s in scenario.states.values() if s.end}
    assert outcomes & {Outcome.WON} and outcomes & {Outcome.WALKED, Outcome.LOST,
                                                     Outcome.NO_DECISION}


def _call(scenario_id: str, seed: int, script: list[str]) -> list[str]:
    p = Prospect(CATALOG.get(scenario_id), "normal", seed=seed)
    said = [p.opening().text]
    for i, text in enumerate(script):
        if p.finished:
            break
        said.append(p.respond(text, at=10.0 * (i + 1)).text)
        if not p.finished and i == 0:  # a pause after the first answer
            said.append(p.silence(at=10.0 * (i + 1) + 6).text)
    return said


def test_twenty_calls_vary_and_no_call_repeats_a_line() -> None:
    distinct: set[str] = set()
    scripts = [HOLD3["price-pressure"], CAVE3["price-pressure"], HOLDS["price-pressure"][1:],
               ["What's really behind the ten percent?", *CAVES["price-pressure"][:2]]]
    for seed in range(20):
        script = scripts[seed % len(scripts)]
        said = _call("price-pressure", seed, script)
        assert len(said) == len(set(said)), said
        assert all(_filled(t) for t in said), said
        distinct.update(said)
    print(f"\n20 price-pressure calls: {len(distinct)} distinct prospect lines")
    assert len(distinct) >= 30  # 35 measured; the opening alone has six


@pytest.mark.parametrize("scenario_id", sorted(CAVES))
def test_a_long_call_says_each_line_once(scenario_id: str) -> None:
    scenario = CATALOG.get(scenario_id)
    script = ["Blue elephants dance sideways.", *HOLDS[scenario_id][:2], "Purple.",
              *CAVES[scenario_id]]
    for seed in range(6):
        p = Prospect(scenario, "hard", seed=seed)
        said = [p.opening().text]
        for i, text in enumerate(script):
            if p.finished:
                break
            said.append(p.respond(text, at=float(i)).text)
            if not p.finished and i < 3:  # a few pauses, each answered
                said.append(p.silence(at=float(i) + 0.5).text)
        assert len(said) == len(set(said)), said
        assert all(_filled(t) for t in said), said


def _answers(scenario_id: str, rep: str, before: list[str] = ()) -> list[str]:
    """The prospect's answer to `rep` over eight seeds (the first persona, whose knobs are the
    scenario's own)."""
    said = []
    scenario = CATALOG.get(scenario_id)
    for seed in range(8):
        p = Prospect(scenario, "normal", seed=seed, persona=scenario.personas[0].name)
        p.opening()
        for i, text in enumerate(before):
            p.respond(text, at=float(i))
        said.append(p.respond(rep, at=30.0).text)
    assert all(_filled(t) for t in said), said
    return [t.lower() for t in said]


def test_lines_pick_up_what_the_rep_said() -> None:
    # the amount and unit the rep gave (and the demand moved on from it)
    said = _answers("price-pressure", "Okay, I can do twelve percent.")
    assert any("twelve percent" in t for t in said) and all("seventeen" in t for t in said), said
    # the day and time the rep proposed
    said = _answers("time-pressure", "Thursday at ten works, for the full forty-five minutes.",
                    before=HOLD3["time-pressure"][:2])
    assert any("thursday at ten" in t for t in said), said
    # the rep's own question, in the prospect's words
    said = _answers("price-pressure", "What would a missed delivery cost your team?")
    assert any("what would a missed delivery cost my team?" in t for t in said), said
    # the rep's own reason, in the prospect's words
    said = _answers("renewal-threat", "I won't give away free months, because our support "
                    "team will fix your outages.")
    assert any("your support team will fix my outages" in t for t in said), said


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_an_empty_slot_gets_a_line_that_does_not_need_it(scenario) -> None:
    # turns that give no amount, day, reason or question, in every state the scripts reach
    for seed in range(8):
        for script in (HOLDS, CAVES):
            said = _call(scenario.id, seed, ["Hmm, okay, uh, well.", *script[scenario.id]])
            assert all(_filled(t) for t in said), said


def test_hanging_up_after_the_prospect_agreed_is_agreed() -> None:
    """The issue's call: held out for 45 minutes, was offered them, hung up."""
    p = Prospect(CATALOG.get("time-pressure"), "normal", seed=0)
    p.opening()
    p.respond(HOLD3["time-pressure"][0], at=5)
    line = p.respond(HOLD3["time-pressure"][1], at=15)
    assert line.state == "finds_time" and not line.ends_call and not p.finished
    states = CATALOG.get("time-pressure").states
    assert all(read_meaning(ln) is LineMeaning.AGREES
               for st in ("finds_time", "finds_time_late") for ln in states[st].lines)
    assert p.outcome is Outcome.WON  # the rep hangs up now: the meeting was agreed
    p.silence(at=21)  # a prompt into a pause takes nothing back
    assert p.outcome is Outcome.WON
    # a prospect still pushing has no outcome yet: hanging up there is no decision
    q = Prospect(CATALOG.get("time-pressure"), "normal", seed=0)
    q.respond(HOLD3["time-pressure"][0], at=5)
    assert q.outcome is None


def test_running_out_of_patience_ends_lost_with_a_line_that_says_so() -> None:
    s = CATALOG.get("price-pressure")
    p = Prospect(s, "hard", seed=2)  # patience 2: a third unplaceable turn ends it
    line = None
    for i, text in enumerate(["Blue elephants.", "Purple.", "Right, so, the thing about that."]):
        line = p.respond(text, at=float(i))
    assert line is not None and line.ends_call and p.outcome is Outcome.LOST
    assert line.text in s.impatient_lines and fits(read_meaning(line.text), Outcome.LOST)


# --- the bad-fit buyer ------------------------------------------------------------------------

PROMISES = [
    "Sure, we can build that integration for you.",
    "Okay, I'll get our developers to build the custom module.",
    "We can guarantee you'll be live in six weeks.",
    "Yes, we can do an on-premise install for you.",
    "Alright, we'll add the estimating link to the roadmap and commit to it.",
]
REFUSALS = [
    "We can't integrate with your estimating system, and I won't promise something we can't "
    "deliver.",
    "I won't promise a custom build.",
    "We won't build a connector to that system.",
]


@pytest.mark.parametrize("text", PROMISES)
def test_a_promise_the_product_cannot_keep_is_a_scope_concession(text: str) -> None:
    moves = classify(text, asked=ConcessionKind.SCOPE)
    assert moves[0].kind is MoveKind.CONCEDE
    assert moves[0].concession is not None and moves[0].concession.kind is ConcessionKind.SCOPE


@pytest.mark.parametrize("text", REFUSALS)
def test_refusing_to_promise_is_holding_firm(text: str) -> None:
    kinds = {m.kind for m in classify(text, asked=ConcessionKind.SCOPE)}
    assert MoveKind.HOLD_FIRM in kinds and MoveKind.CONCEDE not in kinds


def test_bad_fit_walking_away_beats_promising() -> None:
    walk = ["Honestly, we're not the right fit for what you need. If that changes, call me."]
    walked, walked_card = _scored_call("bad-fit", walk)
    caved, caved_card = _scored_call("bad-fit", CAVE3["bad-fit"])
    held, held_card = _scored_call("bad-fit", HOLD3["bad-fit"])
    assert walked.outcome is Outcome.WALKED  # no firm turn first: the buyer lets them go
    assert held.outcome is Outcome.WON  # honest first, then the walk-away: buys what fits
    assert caved.outcome is Outcome.WON_WITH_CONCESSIONS and caved.concessions
    assert {c.kind for c in caved.concessions} == {ConcessionKind.SCOPE}
    assert walked_card["overall"] > caved_card["overall"]
    assert held_card["overall"] > caved_card["overall"]
    assert caved_card["concessions"] and walked_card["concessions"] == []


# --- loading refuses lines whose words and outcome disagree --------------------------------------


def _load_changed(tmp_path: Path, change) -> None:
    data = _plain(yaml.safe_load((BUILTIN_DIR / "time-pressure.yaml").read_text()))
    change(data)
    path = tmp_path / "time-pressure.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    load_scenario(path)


def test_an_agreeing_line_without_an_outcome_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError) as err:  # the line, in an undecided state
        _load_changed(tmp_path, lambda d: d["states"]["finds_time"].pop("outcome"))
    assert err.value.field.startswith("states.finds_time.lines[")
    assert "agrees" in err.value.message


def test_a_refusal_that_would_score_a_win_is_refused(tmp_path: Path) -> None:
    def change(d: dict) -> None:
        d["states"]["booked"]["lines"].append("Then we're done. Good luck.")
    with pytest.raises(ScenarioFileError) as err:
        _load_changed(tmp_path, change)
    assert err.value.field == "states.booked.lines[6]" and "refuses" in err.value.message


def test_a_group_that_needs_what_the_rep_said_is_refused(tmp_path: Path) -> None:
    def change(d: dict) -> None:
        d["states"]["booked"]["lines"] = ["{when} it is.", "Good, {when}."]
    with pytest.raises(ScenarioFileError) as err:
        _load_changed(tmp_path, change)
    assert err.value.field == "states.booked.lines" and "{when}" in err.value.message
