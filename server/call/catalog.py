"""The scenarios this server offers: the built-in ones plus an operator's own directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dialog.machine import Prospect
from dialog.scenario import Persona, Scenario, ScenarioCatalog, builtin_catalog, load_scenarios
from server.protocol import PracticeMoment
from voices.tts.base import VoiceStyle


def load_catalog(extra_dir: Path | None = None) -> ScenarioCatalog:
    """Built-in scenarios, then `extra_dir`'s (an id there replaces the built-in one)."""
    catalog = builtin_catalog()
    if extra_dir is None:
        return catalog
    extra = load_scenarios(extra_dir)
    return ScenarioCatalog({**catalog.scenarios, **extra.scenarios}, catalog.errors + extra.errors)


def start_problem(catalog: ScenarioCatalog, scenario_id: str, difficulty: str) -> str | None:
    """Why a call with this scenario and difficulty cannot start, or None if it can."""
    if scenario_id not in catalog:
        return f"unknown scenario {scenario_id!r}; choose one of {', '.join(catalog.ids())}"
    levels = list(catalog.get(scenario_id).difficulties)
    if difficulty not in levels:
        return f"unknown difficulty {difficulty!r} for {scenario_id}; choose one of {', '.join(levels)}"
    return None


def practice_problem(scenario: Scenario, practice: PracticeMoment) -> str | None:
    """Why the prospect cannot open on this practice moment, or None if it can."""
    try:
        Prospect(scenario).open_at(practice.state, practice.line, practice.offered)
    except ValueError as err:
        return f"practice: {err}"
    return None


def voice_style(persona: Persona) -> VoiceStyle:
    """The persona's voice as the text-to-speech takes it (dialog/ keeps it as plain data)."""
    v = persona.voice
    return VoiceStyle(length_scale=v.length_scale, noise_scale=v.noise_scale, noise_w=v.noise_w,
                      pitch_semitones=v.pitch_semitones)


def persona_summary(persona: Persona) -> dict[str, str]:
    """Who the rep is talking to, as `ready` and the scorecard name them (docs/protocol.md)."""
    return {"name": persona.name, "role": persona.role, "company": persona.company,
            "temperament": persona.temperament}


def fixed_lines(scenario: Scenario) -> list[str]:
    """Every line the prospect may say that has no placeholder: worth synthesising ahead."""
    lines = [line for state in scenario.states.values() for line in state.lines]
    lines += [*scenario.unclear_lines, *scenario.silence_lines, *scenario.hangup_lines,
              *scenario.impatient_lines, *scenario.limit_lines, *scenario.acknowledgements,
              *scenario.cut_in_lines]
    lines += [line for state in scenario.states.values() for line in state.cut_in_lines]
    return [line for line in dict.fromkeys(lines) if "{" not in line]


def scenario_summary(scenario: Scenario) -> dict[str, Any]:
    """What a rep needs to pick a scenario."""
    return {
        "id": scenario.id,
        "title": scenario.title,
        "brief": scenario.brief,
        "rep_goal": scenario.rep_goal,
        # one of `personas` is drawn per call; `persona` (the first) is kept for old clients
        "persona": persona_summary(scenario.personas[0]),
        "personas": [persona_summary(p) for p in scenario.personas],
        "difficulties": list(scenario.difficulties),
    }
