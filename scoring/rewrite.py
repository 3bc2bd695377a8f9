"""Coaching rewrites: a rep's sentence said again without its fillers and hedges.

Spans are (start, end) seconds; tokens fully inside a span are dropped, using the same
tokenizer timings the detectors used, so text-only turns line up too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scoring.fillers import FillerEvent
from scoring.hedges import detect_hedges
from scoring.tokens import Token, sentences, tokenize_turn
from scoring.turns import Speaker, Turn

Span = tuple[float, float]


@dataclass(frozen=True)
class Rewrite:
    """A sentence as said (`quote`, with its turn and times) and said better."""

    turn: int
    quote: str
    start: float
    end: float
    better: str


def cleaned(tokens: Sequence[Token], drop: Sequence[Span]) -> str:
    """The sentence with the tokens inside `drop` spans removed, tidied up."""

    def dropped(t: Token) -> bool:
        return any(t.start >= s - 1e-6 and t.end <= e + 1e-6 for s, e in drop)

    keep = [t for t in tokens if not dropped(t)]
    text = " ".join(t.raw for t in keep)
    text = re.sub(r"([,;:])(\s*[,;:])+", r"\1", text)
    text = re.sub(r"^[\s,;:.\-]+", "", text)
    text = re.sub(r"[,;:\s]+$", ".", text) if text else text
    if text and text[-1] not in ".?!":
        text += "."
    return text[:1].upper() + text[1:]


def delivery_spans(fillers: Sequence[FillerEvent]) -> Callable[[Turn], list[Span]]:
    """Fillers and hedges of a turn: both come out of a rewritten line."""

    def spans(t: Turn) -> list[Span]:
        found = [(e.start, e.end) for e in fillers if e.turn == t.index]
        return found + [(h.start, h.end) for h in detect_hedges(t)]

    return spans


def sentence_rewrites(
    turns: Sequence[Turn],
    spans_of: Callable[[Turn], list[Span]],
    drop_of: Callable[[Turn], list[Span]],
    limit: int = 3,
) -> list[Rewrite]:
    """The `limit` rep sentences with most `spans_of` marks, rewritten without `drop_of`."""
    found: list[tuple[int, Rewrite]] = []
    for t in turns:
        if t.speaker != Speaker.REP:
            continue
        spans = spans_of(t)
        if not spans:
            continue
        drop = drop_of(t)
        for sent in sentences(tokenize_turn(t)):
            lo, hi = sent[0].start - 1e-6, sent[-1].end + 1e-6
            inside = [(s, e) for s, e in spans if lo <= s and e <= hi]
            if not inside:
                continue
            better = cleaned(sent, [(s, e) for s, e in drop if lo <= s and e <= hi])
            if len(better.split()) < 2:
                continue
            quote = " ".join(tok.raw for tok in sent)
            rewrite = Rewrite(t.index, quote, sent[0].start, sent[-1].end, better)
            found.append((len(inside), rewrite))
    found.sort(key=lambda x: (-x[0], x[1].start))
    return sorted((r for _, r in found[:limit]), key=lambda r: r.start)
