"""Turn text into normalised tokens that keep punctuation context and time spans.

Fillers, hedges and questions are decided by the words *around* a word and by the
punctuation Whisper attaches to it ("Um," / "like," / "right?"), so every token
records what sits on either side of it. When a turn carries timed words each token
inherits its word's span; otherwise spans are spread evenly over the turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.turns import Turn

_SENTENCE_END = re.compile(r"[.?!]")
_BREAK = re.compile(r"[,;:\u2014\u2013]|\.\.\.|\u2026|--")


@dataclass(frozen=True)
class Token:
    """One word of a turn, lower-cased, with the punctuation context around it."""

    norm: str  # lower-case core, curly apostrophes straightened: "i'd", "uh-huh"
    raw: str  # as written, punctuation included
    position: int  # index among the turn's tokens
    start: float
    end: float
    break_before: bool  # comma/dash/sentence end (or turn start) right before
    break_after: bool  # comma/dash/sentence end (or turn end) right after
    sentence_start: bool
    sentence_end: bool
    question: bool  # trailing "?"

    @property
    def is_number(self) -> bool:
        return any(ch.isdigit() for ch in self.norm) or self.norm in NUMBER_WORDS


NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty "
    "thirty forty forty-five fifty sixty hundred thousand half".split()
)


def _split(raw: str) -> tuple[str, str, str]:
    """(leading punctuation, core, trailing punctuation) of a whitespace piece."""
    i, j = 0, len(raw)
    while i < j and not raw[i].isalnum():
        i += 1
    while j > i and not raw[j - 1].isalnum():
        j -= 1
    return raw[:i], raw[i:j], raw[j:]


def _ends_sentence(trail: str) -> bool:
    # "..." is a trailing-off pause, not a full stop.
    stripped = trail.replace("...", "").replace("\u2026", "")
    return bool(_SENTENCE_END.search(stripped))


def _pieces(turn: Turn) -> list[tuple[str, float, float]]:
    """(raw piece, start, end) for each whitespace-separated piece of the turn."""
    if turn.words:
        out: list[tuple[str, float, float]] = []
        for w in turn.words:
            for piece in w.text.split():
                out.append((piece, w.start, w.end))
        return out
    parts = turn.text.split()
    if not parts:
        return []
    # No word timings: spread the turn evenly, proportional to characters.
    total = sum(len(p) + 1 for p in parts)
    span = turn.duration
    out = []
    offset = 0
    for p in parts:
        s = turn.start + span * offset / total
        offset += len(p) + 1
        out.append((p, s, turn.start + span * offset / total))
    return out


def tokenize_turn(turn: Turn) -> list[Token]:
    """Tokens of a turn, from its timed words when present, else from its text."""
    # Each entry: [norm, raw, lead, trail, start, end]; punctuation-only pieces
    # ("-", "...") are folded into their neighbour's trailing/leading punctuation.
    kept: list[list] = []
    carry_lead = ""
    for raw, s, e in _pieces(turn):
        lead, core, trail = _split(raw)
        norm = core.lower().replace("\u2019", "'")
        if not norm:
            if kept:
                kept[-1][3] += raw
            else:
                carry_lead += raw
            continue
        kept.append([norm, raw, carry_lead + lead, trail, s, e])
        carry_lead = ""
    tokens: list[Token] = []
    prev_trail = "."  # the turn start behaves like a sentence start
    for i, (norm, raw, lead, trail, s, e) in enumerate(kept):
        between = prev_trail + lead
        last = i == len(kept) - 1
        sentence_end = last or _ends_sentence(trail)
        tokens.append(
            Token(
                norm=norm,
                raw=raw,
                position=i,
                start=float(s),
                end=float(e),
                break_before=bool(_BREAK.search(between)) or _ends_sentence(between),
                break_after=sentence_end or bool(_BREAK.search(trail)),
                sentence_start=_ends_sentence(prev_trail),
                sentence_end=sentence_end,
                question="?" in trail,
            )
        )
        prev_trail = trail
    return tokens


def joined(tokens: Sequence[Token]) -> bool:
    """True when consecutive tokens have no punctuation break between them."""
    return all(not a.break_after and not b.break_before for a, b in zip(tokens, tokens[1:]))


def match_phrase(tokens: Sequence[Token], at: int, phrase: Sequence[str]) -> bool:
    """Whether `phrase` (normalised words) starts at token `at`, unbroken by punctuation."""
    end = at + len(phrase)
    if at < 0 or end > len(tokens):
        return False
    window = tokens[at:end]
    return all(t.norm == p for t, p in zip(window, phrase)) and joined(window)


def quote_span(tokens: Sequence[Token], first: int, last: int) -> str:
    """The raw text of tokens[first..last] inclusive, as the speaker said it."""
    return " ".join(t.raw for t in tokens[first : last + 1])


def sentences(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split tokens into sentences on sentence-ending punctuation."""
    out: list[list[Token]] = []
    cur: list[Token] = []
    for t in tokens:
        cur.append(t)
        if t.sentence_end:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out
