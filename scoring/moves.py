"""What each side did across the call: rep concessions, refusals and next steps, and
the prospect's pressure. Plain text rules over turns; the concession detector itself
lives in `scoring.concessions` (owned elsewhere) and is adapted here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scoring.turns import Speaker, Turn

try:  # the shared detector may land after this module; scoring still works without it
    from scoring.concessions import detect_concessions as _detect_concessions
    from scoring.concessions import scan_cues as _scan_cues
except ImportError:  # pragma: no cover - depends on the tree's state
    _detect_concessions = None
    _scan_cues = None


class PressureKind(StrEnum):
    PRICE = "price"
    TIME = "time"
    INFO = "info"
    SCOPE = "scope"


@dataclass(frozen=True)
class TurnConcession:
    """A concession the rep made in one turn (the detector's result plus its turn)."""

    turn: int
    kind: str  # "price" | "time" | "info" | "scope"
    conditional: bool
    amount: float | None
    unit: str | None
    quote: str
    start: float
    end: float

    def to_dict(self) -> dict:
        return {
            "turn": self.turn,
            "kind": self.kind,
            "conditional": self.conditional,
            "amount": self.amount,
            "unit": self.unit,
            "quote": self.quote,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
        }


@dataclass(frozen=True)
class Mark:
    """A matched phrase in a turn: what matched, where, and which category."""

    turn: int
    kind: str
    quote: str
    start: float
    end: float

    def to_dict(self) -> dict:
        return {
            "turn": self.turn,
            "kind": self.kind,
            "quote": self.quote,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
        }


def concessions_available() -> bool:
    return _detect_concessions is not None


def turn_concessions(turn: Turn) -> list[TurnConcession]:
    """Concessions in one rep turn; empty for prospect turns or without the detector."""
    if turn.speaker != Speaker.REP or _detect_concessions is None or not turn.text.strip():
        return []
    out = []
    for c in _detect_concessions(turn.text):
        out.append(
            TurnConcession(
                turn=turn.index,
                kind=str(getattr(c.kind, "value", c.kind)),
                conditional=bool(c.conditional),
                amount=None if c.amount is None else float(c.amount),
                unit=c.unit,
                quote=c.quote,
                start=turn.start,
                end=turn.end,
            )
        )
    return out


def call_concessions(turns: Sequence[Turn]) -> list[TurnConcession]:
    return [c for t in turns for c in turn_concessions(t)]


def _compile(phrases: dict[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    return {k: re.compile(r"\b(?:" + "|".join(v) + r")\b", re.I) for k, v in phrases.items()}


# Prospect lines that push on one of the four concession kinds.
_PRESSURE = _compile(
    {
        PressureKind.PRICE: [
            r"discount", r"cheaper", r"too expensive", r"price", r"pricing", r"knock\w*",
            r"budget", r"cost", r"percent", r"match", r"lower", r"\d+ ?%", r"deal",
        ],
        PressureKind.TIME: [
            r"\d+ minutes", r"(?:ten|fifteen|twenty|thirty) minutes", r"minutes",
            r"only have", r"quick", r"short on time", r"busy", r"make it fast",
        ],
        PressureKind.INFO: [
            r"send me", r"send (?:over |us )?(?:some |the )?(?:info|information|details|"
            r"brochure|deck|something)", r"email me", r"e-mail me", r"brochure",
            r"some information",
        ],
        PressureKind.SCOPE: [
            r"for free", r"free", r"throw in", r"waive", r"extra", r"no charge",
            r"extend\w* (?:the )?trial", r"or we(?:'ll| will) (?:leave|go|switch)", r"cancel",
        ],
    }
)

# Rep lines that refuse or hold a position.
_REFUSAL = re.compile(
    r"\b(?:i|we) (?:can(?:'t|not)|won't|will not|don't|do not) (?:do|offer|give|discount|"
    r"go|drop|match|cut|lower|shorten|throw|waive)\b|\bnot able to\b|\bthat's (?:our|the) "
    r"(?:price|rate)\b|\bthe price (?:is|stays)\b|\bno discount\b|\bwe don't discount\b|"
    r"\b(?:i|we)(?:'d| would) rather (?:not|walk|reschedule)\b|\bwalk away\b|"
    r"\bno,? (?:we|i)\b|\bnot going to (?:discount|drop|lower)\b|\bi need (?:the )?(?:full )?"
    r"(?:45|forty-five|forty five) minutes\b",
    re.I,
)

# Rep lines that pin a concrete next step (meeting, time, named action) on the calendar.
_NEXT_STEP = re.compile(
    r"\b(?:calendar|invite|book|schedule|set up|put (?:it|something|time) on|"
    r"(?:monday|tuesday|wednesday|thursday|friday|tomorrow|next week)|"
    r"\d{1,2}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.|o'clock)|follow[- ]up call|"
    r"(?:meet|meeting|call|demo) (?:on|at|next)|walk (?:you|your team) through|"
    r"when (?:can|could|would) we|what time works|does (?:\w+ )?(?:at )?\d)\b",
    re.I,
)

# Rep lines that move the talk from price to value (cost-to-get vs cost-to-use).
_VALUE = re.compile(
    r"\b(?:cost (?:to|of) (?:use|using|own|owning|run|running|ownership)|total cost|"
    r"over (?:the )?(?:life|lifetime|year|years|contract)|return on|roi|pays? for itself|"
    r"save[sd]?|saving|downtime|per (?:user|seat|month|year)|value|cheaper to run|"
    r"cost you more|hidden costs?|in the long run|outcome|results?)\b",
    re.I,
)


def _mark(turn: Turn, kind: str) -> Mark:
    return Mark(turn=turn.index, kind=kind, quote=turn.text.strip(), start=turn.start, end=turn.end)


def _marks(
    turns: Sequence[Turn], speaker: Speaker, pattern: re.Pattern[str], kind: str
) -> list[Mark]:
    out = []
    for t in turns:
        if t.speaker != speaker:
            continue
        m = pattern.search(t.text)
        if m:
            out.append(_mark(t, kind))
    return out


def prospect_pressure(turns: Sequence[Turn]) -> list[Mark]:
    """Prospect turns that push on price, time, info or scope (one mark per kind hit)."""
    out = []
    for kind, pattern in _PRESSURE.items():
        out.extend(_marks(turns, Speaker.PROSPECT, pattern, str(kind)))
    return sorted(out, key=lambda m: (m.start, m.kind))


def pressure_kinds(turns: Sequence[Turn]) -> set[str]:
    return {m.kind for m in prospect_pressure(turns)}


def _negated_cue(text: str) -> bool:
    """The detector saw a concession cue said in the negative ("I can't match that")."""
    if _scan_cues is None:
        return False
    return any(c.negated and not c.question for c in _scan_cues(text))


def refusals(turns: Sequence[Turn]) -> list[Mark]:
    """Rep turns that refuse or hold a position (phrase rules or a negated concession cue)."""
    out = []
    for t in turns:
        if t.speaker == Speaker.REP and (_REFUSAL.search(t.text) or _negated_cue(t.text)):
            out.append(_mark(t, "refusal"))
    return out


def next_steps(turns: Sequence[Turn]) -> list[Mark]:
    return _marks(turns, Speaker.REP, _NEXT_STEP, "next_step")


def value_statements(turns: Sequence[Turn]) -> list[Mark]:
    return _marks(turns, Speaker.REP, _VALUE, "value")
