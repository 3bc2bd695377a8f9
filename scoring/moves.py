"""What each side did across the call: rep concessions, refusals, next steps and value
talk (all from the one rep-move classifier in `scoring.rep_moves`), and the prospect's
pressure (phrase rules over the prospect's lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scoring.turns import Speaker, Turn

from scoring.concessions import ConcessionKind
from scoring.restated import distinct
from scoring.rep_moves import MoveKind, classify


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

    def to_dict(self) -> dict[str, Any]:
        return _with_rounded_times(asdict(self))


@dataclass(frozen=True)
class Mark:
    """A matched phrase in a turn: what matched, where, and which category."""

    turn: int
    kind: str
    quote: str
    start: float
    end: float

    def to_dict(self) -> dict[str, Any]:
        return _with_rounded_times(asdict(self))


def _with_rounded_times(fields: dict[str, Any]) -> dict[str, Any]:
    """A scorecard entry: its fields as declared, times to the millisecond."""
    return {**fields, "start": round(fields["start"], 3), "end": round(fields["end"], 3)}


def turn_concessions(
    turn: Turn, *, asked: ConcessionKind | None = None, needed_minutes: float = 45,
    people: Sequence[str] = (),
) -> list[TurnConcession]:
    """Concessions in one rep turn (empty for prospect turns); `asked` is what the prospect
    had just pushed for, so a bare "okay, deal" gives that away. `needed_minutes` and `people`
    (the names on the call) are the scenario's, as the prospect reads the turn."""
    if turn.speaker != Speaker.REP or not turn.text.strip():
        return []
    moves = classify(turn.text, needed_minutes=needed_minutes, asked=asked, people=people)
    return [
        TurnConcession(
            turn=turn.index,
            kind=str(c.kind),
            conditional=bool(c.conditional),
            amount=None if c.amount is None else float(c.amount),
            unit=c.unit,
            quote=c.quote,
            start=turn.start,
            end=turn.end,
        )
        for c in (m.concession for m in moves)
        if c is not None
    ]


def call_concessions(
    turns: Sequence[Turn], *, needed_minutes: float = 45, people: Sequence[str] = ()
) -> list[TurnConcession]:
    """Each concession of the call once: a restatement later in the call is not counted
    again, a bigger one is (scoring/restated.py)."""
    return distinct(said_concessions(turns, needed_minutes=needed_minutes, people=people))


def said_concessions(
    turns: Sequence[Turn], *, needed_minutes: float = 45, people: Sequence[str] = ()
) -> list[TurnConcession]:
    """Every concession as said, in call order, restatements included."""
    found: list[TurnConcession] = []
    for t, asked in _rep_turns(turns):
        found.extend(turn_concessions(t, asked=asked, needed_minutes=needed_minutes,
                                      people=people))
    return found


def _rep_turns(turns: Sequence[Turn]) -> Iterator[tuple[Turn, ConcessionKind | None]]:
    """Each rep turn with what the prospect had last pushed for (`last_pushed`)."""
    asked: ConcessionKind | None = None
    for t in turns:
        if t.speaker == Speaker.PROSPECT:
            asked = last_pushed(t.text)
        else:
            yield t, asked


def last_pushed(line: str) -> ConcessionKind | None:
    """The concession kind a prospect line pushes for last ("I'm busy. Just send me
    something." -> info), or None when it pushes for nothing."""
    best: tuple[int, ConcessionKind] | None = None
    for kind, pattern in _PRESSURE.items():
        for m in pattern.finditer(line):
            if best is None or m.start() > best[0]:
                best = (m.start(), ConcessionKind(kind))
    return None if best is None else best[1]


def _compile(phrases: dict[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    return {k: re.compile(r"\b(?:" + "|".join(v) + r")\b", re.I) for k, v in phrases.items()}


# Prospect lines that push on one of the four concession kinds.
_PRESSURE = _compile(
    {
        ConcessionKind.PRICE: [
            r"discount", r"cheaper", r"too expensive", r"price", r"pricing", r"knock\w*",
            r"budget", r"cost", r"percent", r"match", r"lower", r"\d+ ?%", r"deal",
        ],
        ConcessionKind.TIME: [
            r"\d+ minutes", r"(?:ten|fifteen|twenty|thirty) minutes", r"minutes",
            r"only have", r"quick", r"short on time", r"busy", r"make it fast",
        ],
        ConcessionKind.INFO: [
            r"send me", r"send (?:over |us )?(?:some |the )?(?:info|information|details|"
            r"brochure|deck|something)", r"email me", r"e-mail me", r"brochure",
            r"some information",
        ],
        ConcessionKind.SCOPE: [
            r"for free", r"free", r"throw in", r"waive", r"extra", r"no charge",
            r"extend\w* (?:the )?trial", r"or we(?:'ll| will) (?:leave|go|switch)", r"cancel",
        ],
    }
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


def _rep_marks(turns: Sequence[Turn], move_kinds: set[MoveKind], kind: str,
               needed_minutes: float, people: Sequence[str]) -> list[Mark]:
    # read as call_concessions reads the turns: a 15-minute call the rep needs is a next step
    return [
        _mark(t, kind)
        for t, asked in _rep_turns(turns)
        if t.text.strip() and {m.kind for m in classify(
            t.text, needed_minutes=needed_minutes, asked=asked, people=people)} & move_kinds
    ]


def refusals(turns: Sequence[Turn], *, needed_minutes: float = 45,
             people: Sequence[str] = ()) -> list[Mark]:
    """Rep turns that refuse or hold a position (including walking away)."""
    return _rep_marks(turns, {MoveKind.HOLD_FIRM, MoveKind.WALK_AWAY}, "refusal",
                      needed_minutes, people)


def next_steps(turns: Sequence[Turn], *, needed_minutes: float = 45,
               people: Sequence[str] = ()) -> list[Mark]:
    """Rep turns that pin a concrete next step."""
    return _rep_marks(turns, {MoveKind.PROPOSE_NEXT_STEP}, "next_step", needed_minutes, people)


def value_statements(turns: Sequence[Turn], *, needed_minutes: float = 45,
                     people: Sequence[str] = ()) -> list[Mark]:
    """Rep turns that move the talk from price to value."""
    return _rep_marks(turns, {MoveKind.STATE_VALUE}, "value", needed_minutes, people)
