"""Public entry points: a live per-turn score and the end-of-call scorecard (JSON-ready).

`score_turn` is a pure function of one turn, for the WebSocket "score" event.
`build_scorecard` gathers every module over the whole call (docs/scorecard.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from scoring.coaching import Coach, CoachingLines
from scoring.confidence import assess_confidence
from scoring.fillers import FillerEvent, detect_fillers, summarize_fillers
from scoring.hedges import detect_hedges
from scoring.metrics import conversation_metrics
from scoring.moves import (
    last_pushed,
    next_steps,
    pressure_kinds,
    refusals,
    said_concessions,
    turn_concessions,
    value_statements,
)
from scoring.restated import distinct
from scoring.rubric import CallEvidence, Rubric, evaluate_rubric, load_rubric
from scoring.timeline import markers
from scoring.tokens import tokenize_turn
from scoring.turns import Speaker, Turn, Word
from scoring.view import build_view

SCORECARD_VERSION = 1
# Criteria that judge a whole conversation, not one answer: a practice moment is scored
# without them (docs/scorecard.md, "practice").
WHOLE_CALL_CRITERIA = frozenset({"asked_questions", "talk_ratio"})


def _r(x: float) -> float:
    return round(float(x), 3)


def turn_to_dict(turn: Turn) -> dict:
    return {
        "index": turn.index,
        "speaker": str(turn.speaker),
        "text": turn.text,
        "start": _r(turn.start),
        "end": _r(turn.end),
        "words": [
            {
                "text": w.text,
                "start": _r(w.start),
                "end": _r(w.end),
                "probability": _r(w.probability),
            }
            for w in turn.words
        ],
        "cut": turn.cut,
    }


def turn_from_dict(data: Mapping) -> Turn:
    """A turn as `turn_to_dict` wrote it (docs/scorecard.md, `turns[]`)."""
    return Turn(int(data["index"]), Speaker(data["speaker"]), str(data["text"]),
                float(data["start"]), float(data["end"]),
                tuple(Word(**w) for w in data.get("words") or ()), bool(data.get("cut", False)))


def score_turn(turn: Turn, *, prior: Sequence[Turn] = (), needed_minutes: float = 45,
               people: Sequence[str] = ()) -> dict:
    """Live evidence for one turn: its fillers, concessions and hedges (rep turns only).

    `prior` are the call's turns before it: what the prospect last pushed for makes a bare
    "okay" a concession, as in the scorecard (scoring/moves.py `call_concessions`)."""
    rep = turn.speaker == Speaker.REP
    said = [t for t in prior if t.speaker == Speaker.PROSPECT]
    asked = last_pushed(said[-1].text) if said else None
    fillers = detect_fillers(turn) if rep else []
    counts: dict[str, int] = {}
    for f in fillers:
        counts[f.word] = counts.get(f.word, 0) + 1
    hedges = detect_hedges(turn) if rep else []
    words = len(tokenize_turn(turn)) if rep else 0
    return {
        "turn": turn.index,
        "speaker": str(turn.speaker),
        "start": _r(turn.start),
        "end": _r(turn.end),
        "words": words,
        "wpm": round(60.0 * words / turn.duration, 1) if rep and turn.duration > 0 else None,
        "fillers": {
            "total": len(fillers),
            "counts": counts,
            "events": [f.to_dict() for f in fillers],
        },
        "concessions": [c.to_dict() for c in turn_concessions(
            turn, asked=asked, needed_minutes=needed_minutes, people=people)],
        "hedges": {"total": len(hedges), "events": [h.to_dict() for h in hedges]},
    }


def build_scorecard(
    *,
    call_id: str,
    scenario: str | None,
    outcome: str | None,
    turns: Sequence[Turn],
    rep_audio: np.ndarray | None = None,
    sample_rate: int = 16000,
    audio_fillers: Sequence[FillerEvent] = (),
    coaching: CoachingLines | None = None,
    needed_minutes: float = 45,
    people: Sequence[str] = (),
    prospect_states: Mapping[int, str] | None = None,
    practice: Mapping[str, object] | None = None,
    prospect_offers: Mapping[int, float] | None = None,
) -> dict:
    """The whole-call scorecard. `rep_audio` is the rep's mic track on the call clock.

    `audio_fillers` are filler sounds found in the audio that no word covers; they are
    merged with the transcript's fillers (overlaps dropped). `coaching` is the scenario's
    lines (`Scenario.coaching_lines()`), `prospect_states` the dialog state each prospect
    turn was said in and `prospect_offers` what the rep had given by then; they feed the
    `coaching` view (docs/coaching.md). `practice` is the moment a practice call opened on:
    it is scored on the rep's answer alone. `needed_minutes` (the meeting length the rep
    needs) and `people` (the names on the call) are the scenario's: every rep turn is read
    with them, as the prospect read it.
    """
    reading = {"needed_minutes": needed_minutes, "people": tuple(people)}
    ordered = sorted(turns, key=lambda t: (t.start, t.index))
    fillers = summarize_fillers(ordered, audio_fillers)
    said = said_concessions(ordered, **reading)
    concessions = distinct(said)
    refused = refusals(ordered, **reading)
    confidence = assess_confidence(ordered, concessions, rep_audio, sample_rate, refused)
    metrics = conversation_metrics(ordered)
    evidence = CallEvidence(
        turns=tuple(ordered),
        fillers=fillers,
        concessions=tuple(concessions),
        confidence=confidence,
        metrics=metrics,
        pressure=frozenset(pressure_kinds(ordered)),
        refusals=tuple(refused),
        next_steps=tuple(next_steps(ordered, **reading)),
        value_statements=tuple(value_statements(ordered, **reading)),
        coach=Coach(coaching, needed_minutes=needed_minutes, people=people),
        restated=tuple(c for c in said if c not in concessions),
    )
    rubric = evaluate_rubric(_moment_rubric() if practice else load_rubric(), evidence)
    view = build_view(
        scenario=scenario, outcome=outcome, rubric=rubric, confidence=confidence,
        fillers=fillers, concessions=concessions, turns=ordered,
        markers=markers(ordered, concessions, fillers.events, metrics.interruptions,
                        rep_audio, sample_rate),
        prospect_states=prospect_states, prospect_offers=prospect_offers, coach=evidence.coach,
        practice=bool(practice),
    )
    rep_lines = [t.text.strip() for t in ordered if t.speaker == Speaker.REP]
    rep_text = " ".join(line for line in rep_lines if line)
    first = min((t.start for t in ordered), default=0.0)
    duration = max((t.end for t in ordered), default=0.0) - first
    if rep_audio is not None and sample_rate > 0:
        duration = max(duration, len(rep_audio) / sample_rate)
    return {
        "version": SCORECARD_VERSION,
        "call_id": call_id,
        "scenario": scenario,
        "outcome": outcome,
        "duration": _r(max(0.0, duration)),
        "transcript": rep_text,
        "turns": [turn_to_dict(t) for t in ordered],
        "fillers": fillers.to_dict(),
        "concessions": [c.to_dict() for c in concessions],
        "confidence": confidence.to_dict(),
        "metrics": metrics.to_dict(),
        "rubric": rubric.to_dict(),
        "overall": rubric.overall,
        "coaching": view.to_dict(),
        "practice": dict(practice) if practice else None,
    }


def _moment_rubric() -> Rubric:
    rubric = load_rubric()
    return replace(rubric, criteria=tuple(
        c for c in rubric.criteria if c.id not in WHOLE_CALL_CRITERIA))
