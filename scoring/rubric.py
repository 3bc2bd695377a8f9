"""The rubric: weighted criteria over one call's evidence, each with quotes and, for every
miss, a better line to say. Weights and coaching text come from `rubric.yaml`; the
checks are code, keyed by criterion id.

Over the ~400-line aim on purpose: the eight checks are a few lines each over the same
evidence and quote helpers, and read best beside the table that names them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from scoring.coaching import Coach, GiveAway, Tactic
from scoring.confidence import Confidence
from scoring.fillers import FillerSummary
from scoring.hedges import detect_hedges
from scoring.metrics import ConversationMetrics
from scoring.moves import Mark, TurnConcession, prospect_pressure
from scoring.rewrite import Rewrite, Span, delivery_spans, quote_moment, sentence_rewrites
from scoring.turns import Speaker, Turn


class RubricError(ValueError):
    """The rubric file is malformed or names a criterion with no check."""


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    title: str
    weight: float
    tip: str = ""
    better: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rubric:
    version: int
    pass_threshold: float
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True)
class CallEvidence:
    """Everything the checks read, computed once by the scorecard."""

    turns: tuple[Turn, ...]
    fillers: FillerSummary
    concessions: tuple[TurnConcession, ...]
    confidence: Confidence
    metrics: ConversationMetrics
    pressure: frozenset[str]
    refusals: tuple[Mark, ...]
    next_steps: tuple[Mark, ...]
    value_statements: tuple[Mark, ...]
    # picks the firm lines for this call's give-aways, each one once (docs/coaching.md)
    coach: Coach = field(default_factory=Coach)
    # give-aways said again later ("match their price" after "ten percent off"): one
    # concession in `concessions`, but each saying is a moment to coach
    restated: tuple[TurnConcession, ...] = ()

    @property
    def has_dialog(self) -> bool:
        return any(t.speaker == Speaker.PROSPECT for t in self.turns)

    def turn(self, index: int) -> Turn | None:
        return next((t for t in self.turns if t.index == index), None)


@dataclass(frozen=True)
class Quote:
    """A piece of the call: which turn, what was said, when; `better` only on misses."""

    turn: int | None
    quote: str
    start: float | None = None
    end: float | None = None
    better: str | None = None

    def to_dict(self) -> dict:
        d: dict[str, Any] = {
            "turn": self.turn,
            "quote": self.quote,
            "start": None if self.start is None else round(self.start, 3),
            "end": None if self.end is None else round(self.end, 3),
        }
        if self.better is not None:
            d["better"] = self.better
        return d


@dataclass(frozen=True)
class CriterionResult:
    id: str
    title: str
    weight: float
    applicable: bool
    result: float  # 0-1
    passed: bool
    detail: str = ""
    tip: str = ""
    evidence: tuple[Quote, ...] = ()
    misses: tuple[Quote, ...] = ()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "weight": self.weight,
            "applicable": self.applicable,
            "result": round(self.result, 3),
            "passed": self.passed,
            "detail": self.detail,
            "tip": self.tip,
            "evidence": [q.to_dict() for q in self.evidence],
            "misses": [q.to_dict() for q in self.misses],
        }


@dataclass(frozen=True)
class RubricResult:
    overall: int  # 0-100, weighted over applicable criteria
    pass_threshold: float
    criteria: tuple[CriterionResult, ...]

    def to_dict(self) -> dict:
        return {
            "overall": self.overall,
            "pass_threshold": self.pass_threshold,
            "criteria": [c.to_dict() for c in self.criteria],
        }


@dataclass(frozen=True)
class _Outcome:
    result: float
    detail: str
    evidence: tuple[Quote, ...] = ()
    misses: tuple[Quote, ...] = ()  # `better` None -> filled from the spec's lines


# ---------------------------------------------------------------- loading


def _spec(raw: Any) -> CriterionSpec:
    if not isinstance(raw, dict) or "id" not in raw or "weight" not in raw:
        raise RubricError(f"criterion needs at least id and weight: {raw!r}")
    try:
        weight = float(raw["weight"])
    except (TypeError, ValueError) as exc:
        raise RubricError(f"criterion {raw['id']}: weight is not a number") from exc
    if weight < 0:
        raise RubricError(f"criterion {raw['id']}: negative weight")
    known = {"id", "title", "weight", "tip", "better"}
    return CriterionSpec(
        id=str(raw["id"]),
        title=str(raw.get("title", raw["id"])),
        weight=weight,
        tip=str(raw.get("tip", "")).strip(),
        better=tuple(str(b) for b in raw.get("better", ()) or ()),
        params={k: v for k, v in raw.items() if k not in known},
    )


def parse_rubric(text: str) -> Rubric:
    """Parse rubric YAML; every criterion id must have a check in `CHECKS`."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RubricError(f"rubric is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise RubricError("rubric needs a 'criteria' list")
    specs = tuple(_spec(c) for c in data["criteria"])
    unknown = [s.id for s in specs if s.id not in CHECKS]
    if unknown:
        raise RubricError(f"no check for criteria: {', '.join(unknown)}")
    return Rubric(
        version=int(data.get("version", 1)),
        pass_threshold=float(data.get("pass_threshold", 0.75)),
        criteria=specs,
    )


@lru_cache(maxsize=1)
def _default_text() -> str:
    return resources.files("scoring").joinpath("rubric.yaml").read_text(encoding="utf-8")


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The packaged rubric, or one from `path`."""
    text = _default_text() if path is None else Path(path).read_text(encoding="utf-8")
    return parse_rubric(text)


# ---------------------------------------------------------------- helpers


def _rewrites(
    ev: CallEvidence, spans_of: Callable[[Turn], list[Span]]
) -> tuple[Quote, ...]:
    """Sentences to say again: cleaned, or a firm line where the cleaned one gives in."""
    found: list[Rewrite] = sentence_rewrites(ev.turns, spans_of, delivery_spans(ev.fillers.events),
                                             needed_minutes=ev.coach.needed_minutes,
                                             people=ev.coach.people)
    out = []
    for r in found:
        if r.gives is not None:
            line = ev.coach.firm_line(r.gives, Tactic.HOLD)
            better = None if line is None else line.text
        elif ev.coach.usable(r.better):
            ev.coach.take(r.better)
            better = r.better
        else:
            better = None
        out.append(Quote(r.turn, r.quote, r.start, r.end, better or ""))
    return tuple(out)


def _concession_quote(ev: CallEvidence, c: TurnConcession, tactic: Tactic | None = None) -> Quote:
    """A concession as said, at its sentence; with a firm line to say instead for a `tactic`."""
    turn = ev.turn(c.turn)
    said, start, end = quote_moment(turn, c.quote) if turn else (c.quote, c.start, c.end)
    if tactic is None:
        return Quote(c.turn, said, start, end)
    line = ev.coach.firm_line(GiveAway(c.kind, c.amount, c.unit, c.turn, c.quote), tactic)
    return Quote(c.turn, said, start, end, "" if line is None else line.text)


def _mark_quote(m: Mark) -> Quote:
    return Quote(m.turn, m.quote, m.start, m.end)


def _reply_after(ev: CallEvidence, kind: str) -> Quote | None:
    """The rep's answer to the first prospect push of `kind`, for a miss with no quote."""
    first = next((m for m in prospect_pressure(ev.turns) if m.kind == kind), None)
    if first is None:
        return None
    reply = next(
        (t for t in ev.turns if t.speaker == Speaker.REP and t.start >= first.end - 1e-6), None
    )
    return None if reply is None else Quote(reply.index, reply.text.strip(), reply.start, reply.end)


def _band(value: float, good: Sequence[float], bad: Sequence[float]) -> float:
    lo_good, hi_good = good
    lo_bad, hi_bad = bad
    if value < lo_good:
        return max(0.0, min(1.0, (value - lo_bad) / (lo_good - lo_bad)))
    if value > hi_good:
        return max(0.0, min(1.0, (hi_bad - value) / (hi_bad - hi_good)))
    return 1.0


# ---------------------------------------------------------------- checks


def _given_again(ev: CallEvidence, kind: str) -> list[TurnConcession]:
    """Give-aways of `kind` for nothing, said again after the first time (`restated`)."""
    return [c for c in ev.restated if c.kind == kind and not c.conditional]


def _held(kind: str, what: str) -> Callable[[CriterionSpec, CallEvidence], _Outcome | None]:
    def check(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
        given = [c for c in ev.concessions if c.kind == kind]
        if kind not in ev.pressure and not given:
            return None
        free = [c for c in given if not c.conditional]
        traded = [c for c in given if c.conditional]
        evidence = tuple(map(_mark_quote, ev.refusals)) + tuple(
            _concession_quote(ev, c) for c in traded)
        if free:
            return _Outcome(0.0, f"gave away {what} without a trade", evidence,
                            tuple(_concession_quote(ev, c, Tactic.HOLD)
                                  for c in free + _given_again(ev, kind)))
        return _Outcome(1.0, f"held the {what} under pressure", evidence)

    return check


def _check_next_step(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
    info = [c for c in ev.concessions if c.kind == "info"]
    if "info" not in ev.pressure and not info:
        return None
    free = [c for c in info if not c.conditional]
    evidence = tuple(map(_mark_quote, ev.next_steps))
    again = _given_again(ev, "info") if free else []
    misses = tuple(_concession_quote(ev, c, Tactic.ASK) for c in free + again)
    if ev.next_steps:
        result = 0.6 if free else 1.0
        return _Outcome(result, "next step proposed" + (", but info sent anyway" if free else ""),
                        evidence, misses)
    asked = ev.metrics.questions
    if not misses and (reply := _reply_after(ev, "info")) is not None:
        misses = (reply,)
    if asked and not free:
        return _Outcome(0.3, "asked what was missing but agreed no next step",
                        tuple(Quote(q.turn, q.text, q.start, q.end) for q in asked[:3]), misses)
    return _Outcome(0.0, "no next step agreed", evidence, misses)


def _check_traded(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
    if not ev.concessions:
        return None
    traded = [c for c in ev.concessions if c.conditional]
    free = [c for c in ev.concessions if not c.conditional]
    misses = tuple(_concession_quote(ev, c, Tactic.TRADE) for c in free)
    n = len(ev.concessions)
    return _Outcome(
        len(traded) / n,
        f"{len(traded)} of {n} concession{'s' if n != 1 else ''} traded for a commitment",
        tuple(_concession_quote(ev, c) for c in traded),
        misses,
    )


def _check_held_position(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
    if not ev.refusals:
        return None
    misses, held = [], 0
    for r in ev.refusals:
        later = next((c for c in ev.concessions if c.turn > r.turn and not c.conditional), None)
        if later is None:
            held += 1
        else:
            misses.append(_concession_quote(ev, later, Tactic.HOLD))
    n = len(ev.refusals)
    return _Outcome(held / n, f"stood by {held} of {n} refusal{'s' if n != 1 else ''}",
                    tuple(map(_mark_quote, ev.refusals)), tuple(misses))


def _check_value(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
    if "price" not in ev.pressure:
        return None
    if ev.value_statements:
        said = tuple(map(_mark_quote, ev.value_statements))
        return _Outcome(1.0, "talked value, not just price", said)
    reply = _reply_after(ev, "price")
    return _Outcome(0.0, "defended or cut the price without showing the cost of using it",
                    misses=(reply,) if reply else ())


def _check_questions(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
    if not ev.has_dialog:
        return None
    target = max(1, int(spec.params.get("target", 3)))
    qs = ev.metrics.questions
    evidence = tuple(Quote(q.turn, q.text, q.start, q.end) for q in qs)
    misses: tuple[Quote, ...] = ()
    if len(qs) < target and (m := ev.metrics.longest_monologue) is not None:
        t = ev.turn(m.turns[0])
        misses = (Quote(t.index, t.text.strip(), t.start, t.end),) if t else ()
    detail = f"{len(qs)} question{'' if len(qs) == 1 else 's'} ({ev.metrics.open_questions} open)"
    return _Outcome(min(1.0, len(qs) / target), detail, evidence, misses)


def _check_talk_ratio(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
    ratio = ev.metrics.talk_ratio
    if not ev.has_dialog or ratio is None:
        return None
    result = _band(ratio, spec.params.get("good", (0.3, 0.6)), spec.params.get("bad", (0.1, 0.85)))
    misses: tuple[Quote, ...] = ()
    detail = f"rep talked {ratio:.0%} of the time"
    cut = ev.metrics.cut_ins
    if cut:
        # the prospect had to stop the rep: whatever the ratio, the talk ran too long
        result = min(result, 0.5 / len(cut))
        times = "once" if len(cut) == 1 else f"{len(cut)} times"
        detail += (f"; the prospect cut in {times}, after {max(c.talked for c in cut):.0f} s "
                   "of talk: make one point, then hand it back with a question")
        cut_turns = [t for c in cut if (t := ev.turn(c.rep_turn)) is not None]
        misses = tuple(Quote(t.index, t.text.strip(), t.start, t.end) for t in cut_turns)
    elif result < 1.0 and (m := ev.metrics.longest_monologue) is not None:
        t = ev.turn(m.turns[-1])
        misses = (Quote(t.index, t.text.strip(), t.start, t.end),) if t else ()
    return _Outcome(result, detail, misses=misses)


def _check_fillers(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
    f = ev.fillers
    if f.speaking_seconds <= 0 or ev.metrics.rep_words == 0:
        return None
    good, bad = float(spec.params.get("good", 2.0)), float(spec.params.get("bad", 10.0))
    result = max(0.0, min(1.0, (bad - f.per_minute) / (bad - good)))

    def spans(t: Turn) -> list[Span]:
        return [(e.start, e.end) for e in f.events if e.turn == t.index]

    misses = _rewrites(ev, spans) if f.total else ()
    return _Outcome(result, f"{f.total} fillers, {f.per_minute:.1f} per minute", misses=misses)


def _check_confidence(spec: CriterionSpec, ev: CallEvidence) -> _Outcome | None:
    c = ev.confidence
    if not c.signals:
        return None
    weak = sorted(c.signals, key=lambda s: s.score)[:2]
    detail = f"confidence {c.score:.0f}/100; weakest: " + ", ".join(
        f"{s.name.replace('_wpm', '').replace('_', ' ')} ({s.score:.0f})" for s in weak
    )

    def spans(t: Turn) -> list[Span]:
        return [(h.start, h.end) for h in detect_hedges(t)]

    misses = _rewrites(ev, spans)
    return _Outcome(c.score / 100.0, detail, misses=misses)


CHECKS: dict[str, Callable[[CriterionSpec, CallEvidence], _Outcome | None]] = {
    "held_price": _held("price", "price"),
    "held_time": _held("time", "meeting time"),
    "next_step": _check_next_step,
    "traded_not_gave": _check_traded,
    "held_position": _check_held_position,
    "explained_value": _check_value,
    "asked_questions": _check_questions,
    "talk_ratio": _check_talk_ratio,
    "low_filler_rate": _check_fillers,
    "confident_delivery": _check_confidence,
}


def _spec_line(spec: CriterionSpec, k: int, coach: Coach) -> str:
    """The criterion's k-th better line, or the next one not shown yet this call."""
    for j in range(len(spec.better)):
        line = spec.better[(k + j) % len(spec.better)]
        if coach.usable(line):
            coach.take(line)
            return line
    return ""


def evaluate_rubric(rubric: Rubric, ev: CallEvidence) -> RubricResult:
    """Run every criterion; overall is the weighted mean over those that apply, 0-100."""
    results: list[CriterionResult] = []
    for spec in rubric.criteria:
        out = CHECKS[spec.id](spec, ev)
        if out is None:
            results.append(CriterionResult(spec.id, spec.title, spec.weight, False, 0.0, False,
                                           "not applicable to this call", spec.tip))
            continue
        misses = tuple(
            m if m.better is not None or not spec.better
            else Quote(m.turn, m.quote, m.start, m.end, _spec_line(spec, k, ev.coach))
            for k, m in enumerate(out.misses)
        )
        result = max(0.0, min(1.0, out.result))
        results.append(CriterionResult(
            spec.id, spec.title, spec.weight, True, result, result >= rubric.pass_threshold,
            out.detail, spec.tip, out.evidence, misses,
        ))
    applied = [r for r in results if r.applicable and r.weight > 0]
    total = sum(r.weight for r in applied)
    overall = round(100.0 * sum(r.weight * r.result for r in applied) / total) if total > 0 else 0
    return RubricResult(int(overall), rubric.pass_threshold, tuple(results))
