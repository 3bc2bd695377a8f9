"""Confidence 0-100 from lexical, vocal and behavioural signals.

Every signal has a raw value, a 0-100 sub-score and a weight. Signals that cannot be
measured (no audio, no refusals, no pressure) are left out and the remaining weights
renormalise, so a text-only call is scored on what its text shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import median

import numpy as np

from scoring import prosody
from scoring.hedges import HedgeEvent, HedgeKind, detect_hedges
from scoring.moves import Mark, TurnConcession, prospect_pressure, refusals
from scoring.tokens import tokenize_turn
from scoring.turns import Speaker, Turn


class SignalGroup(StrEnum):
    LEXICAL = "lexical"
    VOCAL = "vocal"
    BEHAVIOURAL = "behavioural"


@dataclass(frozen=True)
class Signal:
    """One measured signal: raw value, 0-100 sub-score, weight and a short reading."""

    name: str
    group: SignalGroup
    value: float
    unit: str
    score: float
    weight: float
    detail: str

    def to_dict(self) -> dict:
        return {
            "group": str(self.group),
            "value": round(self.value, 3),
            "unit": self.unit,
            "score": round(self.score, 1),
            "weight": self.weight,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Confidence:
    score: float  # 0-100
    signals: tuple[Signal, ...] = field(default=())
    hedges: tuple[HedgeEvent, ...] = field(default=())

    def signal(self, name: str) -> Signal | None:
        return next((s for s in self.signals if s.name == name), None)

    def to_dict(self) -> dict:
        return {
            "score": round(self.score),
            "signals": {s.name: s.to_dict() for s in self.signals},
            "hedges": [h.to_dict() for h in self.hedges],
        }


# Weights live here rather than in the rubric: they define what "confidence" means.
WEIGHTS: dict[str, float] = {
    "hedges": 0.15,
    "apologies": 0.05,
    "permission_seeking": 0.07,
    "tag_questions": 0.05,
    "minimisers": 0.04,
    "pace_wpm": 0.10,
    "pause_ratio": 0.06,
    "long_pauses": 0.06,
    "pitch_range": 0.08,
    "rising_ends": 0.03,  # low: rising statements are also a regional/cultural habit
    "loudness_steadiness": 0.05,
    "response_delay": 0.08,
    "held_position": 0.14,
}
RISE_SEMITONES = 2.0  # an end this much above the preceding second counts as rising


def _ramp(value: float, good: float, bad: float) -> float:
    """100 at `good`, 0 at `bad`, linear between (either direction), clamped."""
    if good == bad:
        return 100.0 if value == good else 0.0
    frac = (value - good) / (bad - good)
    return float(100.0 * min(1.0, max(0.0, 1.0 - frac)))


def _band(value: float, lo_bad: float, lo_good: float, hi_good: float, hi_bad: float) -> float:
    """100 inside [lo_good, hi_good], falling to 0 at lo_bad and hi_bad."""
    if value < lo_good:
        return _ramp(value, lo_good, lo_bad)
    if value > hi_good:
        return _ramp(value, hi_good, hi_bad)
    return 100.0


def _sig(
    name: str, group: SignalGroup, value: float, unit: str, score: float, detail: str
) -> Signal:
    return Signal(name, group, float(value), unit, score, WEIGHTS[name], detail)


def lexical_signals(rep_turns: Sequence[Turn]) -> tuple[list[Signal], list[HedgeEvent]]:
    """Hedging language per 100 words and counts of apologies, permission and tag questions."""
    words = sum(len(tokenize_turn(t)) for t in rep_turns)
    events = [h for t in rep_turns for h in detect_hedges(t)]
    if words == 0:
        return [], events
    by = {k: [e for e in events if e.kind == k] for k in HedgeKind}
    hedge_rate = 100.0 * (len(by[HedgeKind.HEDGE]) + len(by[HedgeKind.QUALIFIER])) / words
    just_rate = 100.0 * len(by[HedgeKind.MINIMISER]) / words
    n_apol, n_perm = len(by[HedgeKind.APOLOGY]), len(by[HedgeKind.PERMISSION])
    n_tag = len(by[HedgeKind.TAG_QUESTION])
    L = SignalGroup.LEXICAL
    return [
        _sig("hedges", L, hedge_rate, "per 100 words", _ramp(hedge_rate, 0.0, 8.0),
             "softeners like 'I think', 'maybe', 'a little'"),
        _sig("apologies", L, n_apol, "count", _ramp(n_apol, 0, 3), "apologising for the ask"),
        _sig("permission_seeking", L, n_perm, "count", _ramp(n_perm, 0, 3),
             "asking leave to hold a position ('if that's ok')"),
        _sig("tag_questions", L, n_tag, "count", _ramp(n_tag, 0, 3.5),
             "statements turned into questions ('..., right?')"),
        _sig("minimisers", L, just_rate, "per 100 words", _ramp(just_rate, 0.0, 6.0),
             "'just' shrinking the request"),
    ], events


def _spoken_span(turn: Turn) -> float:
    if turn.words:
        return max(0.0, turn.words[-1].end - turn.words[0].start)
    return turn.duration


def pace_signal(rep_turns: Sequence[Turn]) -> Signal | None:
    """Words per minute over the rep's speaking time (from word timings, not audio)."""
    words = sum(len(tokenize_turn(t)) for t in rep_turns)
    seconds = sum(_spoken_span(t) for t in rep_turns)
    if words < 3 or seconds <= 0:
        return None
    wpm = 60.0 * words / seconds
    return _sig("pace_wpm", SignalGroup.VOCAL, wpm, "words per minute",
                _band(wpm, 60.0, 120.0, 175.0, 250.0), "steady is 120-175 wpm")


def vocal_signals(rep_turns: Sequence[Turn], audio: np.ndarray, sr: int) -> list[Signal]:
    """Pauses, pitch range, rising ends and loudness from the rep's track on the call clock."""
    segs = prosody.analyse_spans(audio, sr, [(t.start, t.end) for t in rep_turns])
    pairs = [(t, s) for t, s in zip(rep_turns, segs) if s is not None and s.voiced_seconds > 0]
    if not pairs:
        return []
    V = SignalGroup.VOCAL
    out: list[Signal] = []
    voiced = sum(s.voiced_seconds for _, s in pairs)
    spans = [s.span_seconds for _, s in pairs]
    ratio = max(0.0, 1.0 - voiced / sum(spans)) if sum(spans) > 0 else 0.0
    out.append(_sig("pause_ratio", V, ratio, "fraction", _ramp(ratio, 0.25, 0.6),
                    "silence inside the rep's turns"))
    n_long = sum(len(s.long_pauses) for _, s in pairs)
    per_min = n_long / (sum(spans) / 60.0) if sum(spans) > 0 else 0.0
    out.append(_sig("long_pauses", V, n_long, "count", _ramp(per_min, 0.0, 4.0),
                    f"silences over {prosody.LONG_PAUSE_S} s mid-turn ({per_min:.1f}/min)"))
    f0 = np.concatenate([s.f0 for _, s in pairs])
    rng = prosody.pitch_range_semitones(f0)
    if rng is not None:
        out.append(_sig("pitch_range", V, rng, "semitones", _band(rng, 1.0, 5.0, 14.0, 30.0),
                        "melody; under ~3 semitones sounds flat"))
    rises = [
        prosody.end_rise_semitones(s.f0) for t, s in pairs if not t.text.rstrip().endswith("?")
    ]
    rises = [r for r in rises if r is not None]
    if rises:
        frac = sum(r > RISE_SEMITONES for r in rises) / len(rises)
        out.append(_sig("rising_ends", V, frac, "fraction of statements", _ramp(frac, 0.0, 0.8),
                        "statements ending on a rise sound like questions"))
    db = np.concatenate([s.db for _, s in pairs])
    mask = np.concatenate([s.voiced for _, s in pairs])
    spread = prosody.loudness_spread_db(db, mask)
    if spread is not None:
        out.append(_sig("loudness_steadiness", V, spread, "dB std", _ramp(spread, 3.0, 12.0),
                        "level held across the turn, not fading"))
    return out


def behavioural_signals(
    turns: Sequence[Turn], concessions: Sequence[TurnConcession],
    refused: Sequence[Mark] | None = None,
) -> list[Signal]:
    """Delay before answering pressure, and holding a position once refused (`refused`: the
    rep's refusals as the scorecard read them; read here with the defaults when None)."""
    B = SignalGroup.BEHAVIOURAL
    out: list[Signal] = []
    pressured = {m.turn for m in prospect_pressure(turns)}
    prospect = [t for t in turns if t.speaker == Speaker.PROSPECT]
    targets = [t for t in prospect if t.index in pressured] or prospect
    gaps = []
    for p in targets:
        reply = next((t for t in turns if t.speaker == Speaker.REP and t.index > p.index), None)
        if reply is not None:
            gaps.append(max(0.0, reply.start - p.end))
    if gaps:
        gap = median(gaps)
        out.append(_sig("response_delay", B, gap, "seconds", _ramp(gap, 1.0, 4.0),
                        "pause before answering the prospect's push"))
    if refused is None:
        refused = refusals(turns)
    if refused:
        free_turns = [c.turn for c in concessions if not c.conditional]
        held = sum(1 for r in refused if not any(t > r.turn for t in free_turns))
        frac = held / len(refused)
        out.append(_sig("held_position", B, frac, "fraction of refusals", 100.0 * frac,
                        "no free concession after saying no"))
    return out


def assess_confidence(
    turns: Sequence[Turn],
    concessions: Sequence[TurnConcession] = (),
    rep_audio: np.ndarray | None = None,
    sample_rate: int = 16000,
    refused: Sequence[Mark] | None = None,
) -> Confidence:
    """Weighted confidence over the rep's turns; 0 when the rep said nothing measurable."""
    rep = [t for t in turns if t.speaker == Speaker.REP]
    signals, hedges = lexical_signals(rep)
    if (pace := pace_signal(rep)) is not None:
        signals.append(pace)
    if rep_audio is not None and rep:
        signals.extend(vocal_signals(rep, rep_audio, sample_rate))
    if rep:
        signals.extend(behavioural_signals(turns, concessions, refused))
    total = sum(s.weight for s in signals)
    score = sum(s.weight * s.score for s in signals) / total if total > 0 else 0.0
    return Confidence(score=score, signals=tuple(signals), hedges=tuple(hedges))
