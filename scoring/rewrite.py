"""Coaching rewrites: a rep's sentence said again without its fillers and hedges.

Spans are (start, end) seconds; tokens fully inside a span are dropped, using the same
tokenizer timings the detectors used, so text-only turns line up too. A rewrite is offered
only when it reads as a sentence; when the cleaned sentence turns out to give something away
("Okay, I can do 10% off."), it carries the give-away instead, for a firm line (docs/coaching.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from scoring.coaching import GiveAway, sentence_problem
from scoring.fillers import FillerEvent
from scoring.hedges import HedgeEvent, HedgeKind, detect_hedges
from scoring.rep_moves import MoveKind, classify
from scoring.tokens import Token, sentences, tokenize_turn
from scoring.turns import Speaker, Turn, Word

Span = tuple[float, float]

# Hedges that can leave a sentence without breaking it; "might", "try to" or "I'm not sure"
# carry the verb or the meaning, so deleting them would leave a broken sentence.
DROPPABLE_HEDGES = frozenset({
    "i think", "i guess", "i suppose", "i feel like", "i'd say", "maybe", "perhaps", "probably",
    "possibly", "hopefully", "sort of", "kind of", "sorta", "kinda", "just", "somewhat",
    "fairly", "pretty much", "more or less", "or something", "or whatever", "if that's okay",
    "if that's ok", "if that's alright", "if that's all right", "if it's okay", "if it's ok",
    "if you don't mind", "if that works for you", "if it's not too much trouble",
})
# Words that keep their comma when an aside after them is dropped ("Okay, um, so" -> "Okay, so").
_INTERJECTIONS = frozenset(
    "okay ok so well yes yeah no look right sure honestly alright now listen frankly".split()
)
_QUESTION_OPENERS = frozenset(
    "what why how when where who which can could would will do does did is are should shall "
    "have has".split()
)
_CLAUSE_OPENERS = frozenset(
    "what why how when where who which i i'm i'll i've i'd we we're we'll we've you you're "
    "they it it's that's and but so or because then let's".split()
)
_TRAIL = re.compile(r"^(.*?)([,;:.!?\u2026]*)$", re.DOTALL)


@dataclass(frozen=True)
class Rewrite:
    """A sentence as said (`quote`, with its turn and times) and said better.

    `gives` is set when the cleaned sentence is a give-away: it needs a firm line, not a
    cleaner copy, and `better` is then empty until the rubric fills it.
    """

    turn: int
    quote: str
    start: float
    end: float
    better: str
    gives: GiveAway | None = None


def said_turn(turn: Turn) -> Turn:
    """The turn with punctuation-only words ("%", ",") joined to the word before them.

    The recogniser can time "%" as a word of its own; joined, quotes read "10% off".
    """
    merged: list[Word] = []
    for w in turn.words:
        if merged and not any(ch.isalnum() for ch in w.text):
            last = merged[-1]
            merged[-1] = replace(last, text=last.text + w.text.strip(), end=max(last.end, w.end))
        else:
            merged.append(w)
    return replace(turn, words=tuple(merged)) if len(merged) != len(turn.words) else turn


def _split(raw: str) -> tuple[str, str]:
    m = _TRAIL.match(raw)
    return (m.group(1), m.group(2)) if m else (raw, "")


def cleaned(tokens: Sequence[Token], drop: Sequence[Span]) -> str:
    """The sentence with the tokens inside `drop` spans removed, re-punctuated."""

    def dropped(t: Token) -> bool:
        return any(t.start >= s - 1e-6 and t.end <= e + 1e-6 for s, e in drop)

    keep = [not dropped(t) for t in tokens]
    # A word said twice in a row ("I, I can") is a stumble too.
    kept_at = [i for i, k in enumerate(keep) if k]
    for a, b in pairwise(kept_at):
        said_twice = tokens[a].norm == tokens[b].norm or tokens[b].norm.startswith(
            tokens[a].norm + "'")  # "I, uh, I'm" says "I" twice
        if said_twice and all(not keep[i] for i in range(a + 1, b)) and b - a <= 3:
            keep[a] = False
    pieces: list[list[str]] = []  # [body, trail] of kept words
    run_trail: str | None = None  # trailing punctuation of the dropped run just passed
    for tok, k in zip(tokens, keep, strict=True):
        body, trail = _split(tok.raw)
        if not k:
            run_trail = (run_trail or "") + trail
            continue
        if run_trail is not None and pieces:
            before = pieces[-1]
            opener = len(pieces) == 1 and before[0].lower() in _INTERJECTIONS
            clause = tok.norm in _CLAUSE_OPENERS  # "the supplier, like, what are they..."
            if before[1] == "," and "," in run_trail and not (opener or clause):
                before[1] = ""  # the commas belonged to the aside
        run_trail = None
        pieces.append([body, trail])
    if not pieces:
        return ""
    last_kept = keep[-1]
    end = _split(tokens[-1].raw)[1]
    if not last_kept:
        question = "?" in end and pieces[0][0].lower() in _QUESTION_OPENERS
        end = "?" if question else "."
    pieces[-1][1] = end if any(p in end for p in ".?!") else "."
    text = " ".join(body + trail for body, trail in pieces)
    return text[:1].upper() + text[1:]


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9%$]+", "", text.lower())


def quote_moment(turn: Turn, quote: str) -> tuple[str, float, float]:
    """The sentence of `turn` that holds `quote`, as said, with its times (else the turn)."""
    want = _letters(quote)
    parts = [(" ".join(tok.raw for tok in sent), sent[0].start, sent[-1].end)
             for sent in sentences(tokenize_turn(said_turn(turn)))]
    holding = [p for p in parts if want and want in _letters(p[0])]
    inside = [p for p in parts if want and _letters(p[0]) and _letters(p[0]) in want]
    if holding or inside:
        shortest = min(holding, key=lambda p: len(p[0])) if holding else None
        return shortest or max(inside, key=lambda p: len(p[0]))
    return quote.strip() or turn.text.strip(), turn.start, turn.end


def delivery_spans(fillers: Sequence[FillerEvent]) -> Callable[[Turn], list[Span]]:
    """Fillers and the hedges that can go: both come out of a rewritten line."""

    def spans(t: Turn) -> list[Span]:
        found = [(e.start, e.end) for e in fillers if e.turn == t.index]
        tokens = tokenize_turn(t)
        return found + [(h.start, h.end) for h in detect_hedges(t) if _droppable(h, tokens)]

    return spans


def _droppable(h: HedgeEvent, tokens: Sequence[Token]) -> bool:
    """Whether the sentence still says the same without `h`."""
    if h.phrase not in DROPPABLE_HEDGES and h.kind != HedgeKind.TAG_QUESTION:
        return False
    inside = [i for i, t in enumerate(tokens)
              if t.start >= h.start - 1e-6 and t.end <= h.end + 1e-6]
    if not inside:
        return False
    before = tokens[inside[0] - 1] if inside[0] > 0 else None
    if h.phrase == "just" and before is not None and (
            before.norm == "not" or before.norm.endswith("n't")):
        return False  # "not just price" is not "not price"
    # "if that's alright with you": the phrase goes only where the clause ends with it
    return h.kind != HedgeKind.PERMISSION or tokens[inside[-1]].break_after


# Moves worth saying again, only more plainly. A sentence the classifier cannot place
# ("We can do something on the rate.") may be a give-away it missed: no cleaner copy of it.
_WORTH_REPEATING = frozenset({MoveKind.HOLD_FIRM, MoveKind.STATE_VALUE, MoveKind.PROPOSE_NEXT_STEP,
                              MoveKind.WALK_AWAY, MoveKind.SMALL_TALK, MoveKind.APOLOGISE})
_WH = frozenset("what why how who where when which".split())


def _give_away(text: str, turn: int, quote: str, needed_minutes: float,
               people: Sequence[str]) -> GiveAway | bool:
    """What `text` gives away; True when it is no line to repeat (a bare "okay, fine", or
    nothing the classifier can place); False when it is safe to say again."""
    moves = classify(text, needed_minutes=needed_minutes, people=people)
    for move in moves:
        if move.kind == MoveKind.CONCEDE:
            c = move.concession
            return True if c is None else GiveAway(str(c.kind), c.amount, c.unit, turn, quote)
    kinds = {m.kind for m in moves}
    # "I could find you a point or two?" is an offer with a question mark, not a question
    opening = [w for w in re.findall(r"[a-z']+", text.lower()) if w not in _INTERJECTIONS][:1]
    asks = MoveKind.ASK_QUESTION in kinds and bool(_WH & set(opening))
    return not (kinds & _WORTH_REPEATING or asks)


def sentence_rewrites(
    turns: Sequence[Turn],
    spans_of: Callable[[Turn], list[Span]],
    drop_of: Callable[[Turn], list[Span]],
    limit: int = 3,
    needed_minutes: float = 45,
    people: Sequence[str] = (),
) -> list[Rewrite]:
    """The `limit` rep sentences with most `spans_of` marks, rewritten without `drop_of`;
    each read with the scenario's `needed_minutes` and the `people` on the call."""
    found: list[tuple[int, Rewrite]] = []
    for t in turns:
        if t.speaker != Speaker.REP:
            continue
        spans = spans_of(t)
        if not spans:
            continue
        drop = drop_of(t)
        for sent in sentences(tokenize_turn(said_turn(t))):
            lo, hi = sent[0].start - 1e-6, sent[-1].end + 1e-6
            inside = [(s, e) for s, e in spans if lo <= s and e <= hi]
            if not inside:
                continue
            quote = " ".join(tok.raw for tok in sent)
            better = cleaned(sent, [(s, e) for s, e in drop if lo <= s and e <= hi])
            if better == quote or sentence_problem(better) is not None:
                continue
            gives = _give_away(better, t.index, quote, needed_minutes, people)
            give = gives if isinstance(gives, GiveAway) else None
            rewrite = Rewrite(t.index, quote, sent[0].start, sent[-1].end,
                              "" if gives else better, give)
            found.append((len(inside), rewrite))
    found.sort(key=lambda x: (-x[0], x[1].start))
    return sorted((r for _, r in found[:limit]), key=lambda r: r.start)
