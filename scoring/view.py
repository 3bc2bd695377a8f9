"""The scorecard as a rep and a manager read it: one view model, built once here and drawn by
both the live page and the replay page, so both show the same words and numbers.

Shape and meaning: docs/coaching.md. No enum names reach the page; every quote is the
sentence as said, with the moment it belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scoring.coaching import TACTIC_LABELS, Coach
from scoring.confidence import Confidence
from scoring.fillers import FillerSummary
from scoring.moves import TurnConcession
from scoring.rubric import CriterionResult, Quote, RubricResult
from scoring.timeline import Marker
from scoring.turns import Speaker, Turn

VIEW_VERSION = 1
MAX_QUOTES = 2
# Criteria whose lines are general advice, not written for the moment: a moment that also has
# a firm line for its give-away, or its own sentence cleaned, shows that one instead. Their
# quote is where to add the line, not a mistake: it is shown as context, not in red.
GENERAL_LINES = frozenset({"explained_value", "asked_questions", "talk_ratio"})


def outcome_label(outcome: str | None) -> str:
    """How an outcome reads on the page ("no decision", never "no_decision"); the call list
    spells it the same way (web/replay.js)."""
    return outcome.replace("_", " ") if outcome else "not finished"


def _outcome_text(outcome: str | None, practice: bool) -> str:
    if not practice:
        return outcome_label(outcome)
    # one answer decides no deal: only a prospect who ended the call gives it an outcome
    ended = outcome not in (None, "no_decision")
    return "practice moment" + (f", {outcome_label(outcome)}" if ended else "")


def clock(seconds: float | None) -> str:
    """m:ss, the moment's time as both pages print it."""
    s = max(0, round(seconds or 0.0))
    return f"{s // 60}:{s % 60:02d}"


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 3)


@dataclass(frozen=True)
class Figure:
    """One number at the top of the scorecard."""

    id: str
    label: str
    text: str
    value: float | int | str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "text": self.text, "value": self.value}


@dataclass(frozen=True)
class Practice:
    """What a short practice call needs to replay one moment: the prospect line the rep
    answered, and the dialog state it was said in (None when the call did not record it)."""

    scenario: str
    state: str | None
    line: str
    prospect_turn: int
    offered: float | None = None  # what the rep had given by then ("ten percent": 10)

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "state": self.state, "line": self.line,
                "prospect_turn": self.prospect_turn, "offered": self.offered}


@dataclass(frozen=True)
class QuoteView:
    text: str
    turn: int | None
    start: float | None
    end: float | None
    tone: str  # "miss" (red), "good" (green) or "context" (where a miss happened)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "turn": self.turn, "start": _r(self.start), "end": _r(self.end),
                "at": clock(self.start), "tone": self.tone}


@dataclass(frozen=True)
class CriterionView:
    id: str
    title: str
    passed: bool
    score: int  # 0-100
    cost: float  # points of the overall score this criterion lost
    why: str
    tip: str
    quotes: tuple[QuoteView, ...]
    practice: Practice | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "passed": self.passed,
            "status": "pass" if self.passed else "miss", "score": self.score,
            "cost": round(self.cost, 1), "why": self.why, "tip": "" if self.passed else self.tip,
            "quotes": [q.to_dict() for q in self.quotes],
            "practice": None if self.practice is None else self.practice.to_dict(),
        }


@dataclass(frozen=True)
class SayInstead:
    """A line for one moment: said `instead` of the quote, or to `add` after it."""

    kind: str  # "instead" | "add"
    turn: int | None
    start: float | None
    end: float | None
    said: str
    say: str
    criterion: str
    label: str
    practice: Practice | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "turn": self.turn, "start": _r(self.start), "end": _r(self.end),
            "at": clock(self.start), "said": self.said, "say": self.say,
            "criterion": self.criterion, "label": self.label,
            "practice": None if self.practice is None else self.practice.to_dict(),
        }


@dataclass(frozen=True)
class CoachingView:
    figures: tuple[Figure, ...]
    say_instead: tuple[SayInstead, ...]
    criteria: tuple[CriterionView, ...]
    markers: tuple[Marker, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VIEW_VERSION,
            "figures": [f.to_dict() for f in self.figures],
            "say_instead": [s.to_dict() for s in self.say_instead],
            "criteria": [c.to_dict() for c in self.criteria],
            "markers": [m.to_dict() for m in self.markers],
        }


def _figures(overall: int, outcome: str | None, confidence: Confidence, fillers: FillerSummary,
             concessions: Sequence[TurnConcession], practice: bool) -> tuple[Figure, ...]:
    traded = sum(c.conditional for c in concessions)
    given = len(concessions) - traded
    parts = [f"{given} given away"] if given else []
    parts += [f"{traded} traded"] if traded else []
    conf = round(confidence.score)
    return (
        Figure("overall", "Overall", f"{overall}/100", overall),
        Figure("outcome", "Outcome", _outcome_text(outcome, practice), outcome),
        Figure("confidence", "Confidence", f"{conf}/100", conf),
        Figure("fillers", "Fillers", f"{fillers.total} ({fillers.per_minute:.1f} a minute)",
               fillers.total),
        Figure("concessions", "Concessions", ", ".join(parts) or "none", len(concessions)),
    )


class _Moments:
    """Finds the prospect line a rep moment answered, for "try this moment again"."""

    def __init__(self, scenario: str | None, turns: Sequence[Turn],
                 states: Mapping[int, str], offers: Mapping[int, float]) -> None:
        self.scenario = scenario
        self.ordered = sorted(turns, key=lambda t: (t.start, t.index))
        self.states = states
        self.offers = offers

    def practice(self, turn: int | None) -> Practice | None:
        if self.scenario is None or turn is None:
            return None
        prospect: Turn | None = None
        for t in self.ordered:
            if t.index == turn:
                break
            if t.speaker == Speaker.PROSPECT and t.text.strip():
                prospect = t
        if prospect is None:
            return None
        return Practice(self.scenario, self.states.get(prospect.index), prospect.text.strip(),
                        prospect.index, self.offers.get(prospect.index))


def _key(q: Quote) -> tuple[int | None, float | None]:
    """One miss per rep turn: a turn's sentences are one moment to the reader."""
    return (q.turn, None) if q.turn is not None else (None, q.start)


def _quote(q: Quote, tone: str) -> QuoteView:
    return QuoteView(q.quote, q.turn, q.start, q.end, tone)


def build_view(
    *,
    scenario: str | None,
    outcome: str | None,
    rubric: RubricResult,
    confidence: Confidence,
    fillers: FillerSummary,
    concessions: Sequence[TurnConcession],
    turns: Sequence[Turn],
    markers: Sequence[Marker],
    prospect_states: Mapping[int, str] | None = None,
    coach: Coach | None = None,
    practice: bool = False,
    prospect_offers: Mapping[int, float] | None = None,
) -> CoachingView:
    """The view model of one scorecard: misses first by what they cost, each moment once.

    `coach` is the one that picked the call's firm lines: their label names the tactic;
    `practice` says the call practised one moment (its outcome reads so).
    """
    moments = _Moments(scenario, turns, prospect_states or {}, prospect_offers or {})
    applied = [c for c in rubric.criteria if c.applicable and c.weight > 0]
    total = sum(c.weight for c in applied)

    def cost(c: CriterionResult) -> float:
        return 100.0 * c.weight * (1.0 - c.result) / total if total > 0 else 0.0

    ordered = sorted(applied, key=lambda c: (c.passed, -cost(c)))
    shown: set[tuple[int | None, float | None]] = set()  # turns already quoted
    said: set[tuple[int | None, float | None]] = set()  # moments with a line already
    lines: set[str] = set()
    criteria: list[CriterionView] = []
    say: list[SayInstead] = []
    candidates: list[tuple[bool, CriterionResult, Quote]] = []
    for c in ordered:
        if c.passed:
            fresh = [q for q in c.evidence if _key(q) not in shown][:MAX_QUOTES]
            shown.update(_key(q) for q in fresh)
            quotes = tuple(_quote(q, "good") for q in fresh)
            criteria.append(CriterionView(c.id, c.title, True, round(100 * c.result), cost(c),
                                          c.detail, c.tip, quotes, None))
            continue
        fresh = [q for q in c.misses if _key(q) not in shown][:MAX_QUOTES]
        tone = "context" if c.id in GENERAL_LINES else "miss"
        quotes = tuple(_quote(q, tone) for q in fresh)
        if tone == "miss":  # context is where a line goes, and may still be praised
            shown.update(_key(q) for q in fresh)
        first = moments.practice(fresh[0].turn) if fresh else None
        criteria.append(CriterionView(c.id, c.title, False, round(100 * c.result), cost(c),
                                      c.detail, c.tip, quotes, first))
        candidates += [(c.id in GENERAL_LINES, c, q) for q in c.misses if q.better]
    for general, c, q in sorted(candidates, key=lambda x: x[0]):  # stable: costliest first
        if _key(q) in said or q.better in lines:
            continue
        said.add(_key(q))
        lines.add(q.better or "")
        tactic = coach.tactic_of(q.better or "") if coach else None
        label = TACTIC_LABELS[tactic] if tactic else c.title
        say.append(SayInstead("add" if general else "instead", q.turn, q.start, q.end, q.quote,
                              q.better or "", c.id, label, moments.practice(q.turn)))
    say.sort(key=lambda s: (s.start is None, s.start or 0.0))
    return CoachingView(
        figures=_figures(rubric.overall, outcome, confidence, fillers, concessions, practice),
        say_instead=tuple(say),
        criteria=_one_practice_per_moment(criteria, say),
        markers=tuple(markers),
    )


def _one_practice_per_moment(
    criteria: Sequence[CriterionView], say: Sequence[SayInstead]
) -> tuple[CriterionView, ...]:
    """A moment offers "try this moment again" once: on its say-instead line if it has one,
    else on the first missed criterion that quotes it."""
    offered = {s.practice.prospect_turn for s in say if s.practice is not None}
    out = []
    for c in criteria:
        p = c.practice
        if p is not None and (not c.quotes or p.prospect_turn in offered):
            c = replace(c, practice=None)
        elif p is not None:
            offered.add(p.prospect_turn)
        out.append(c)
    return tuple(out)
