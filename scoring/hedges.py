"""Lexical markers of low confidence: hedges, qualifiers, apologies, permission-seeking,
tag questions and the minimiser "just".

Each phrase is matched on tokens, so punctuation decides ("right?" at a clause end is a
tag question, "the right price" is not) and timestamps come along for evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from scoring.tokens import Token, match_phrase, quote_span, tokenize_turn
from scoring.turns import Turn


class HedgeKind(StrEnum):
    HEDGE = "hedge"  # softens a claim: "I think", "maybe", "probably"
    QUALIFIER = "qualifier"  # shrinks it: "a little", "somewhat", "pretty much"
    APOLOGY = "apology"  # "sorry", "I apologise"
    PERMISSION = "permission"  # "if that's ok", "do you mind if"
    TAG_QUESTION = "tag_question"  # "..., right?", "does that make sense?"
    MINIMISER = "minimiser"  # "just"


@dataclass(frozen=True)
class HedgeEvent:
    kind: HedgeKind
    phrase: str  # the canonical phrase matched
    turn: int
    quote: str  # as said
    start: float
    end: float

    def to_dict(self) -> dict:
        return {
            "kind": str(self.kind),
            "phrase": self.phrase,
            "turn": self.turn,
            "quote": self.quote,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
        }


def _p(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Longer phrases first so "i'm not sure" wins over "not sure".
_PHRASES: tuple[tuple[HedgeKind, tuple[str, ...]], ...] = tuple(
    (kind, _p(phrase))
    for kind, phrases in (
        (
            HedgeKind.PERMISSION,
            [
                "if that's okay", "if that's ok", "if that's alright", "if that's all right",
                "if it's okay", "if it's ok", "if you don't mind", "do you mind if",
                "would it be okay", "would it be ok", "is it okay if", "is it ok if",
                "would that be okay", "would that be ok", "if that works for you",
                "if it's not too much trouble", "would you mind", "may i", "can i ask",
            ],
        ),
        (
            HedgeKind.HEDGE,
            [
                "i'm not sure", "i am not sure", "not sure", "i feel like", "i think",
                "i guess", "i suppose", "i hope", "hopefully", "maybe", "perhaps",
                "probably", "possibly", "sort of", "kind of", "sorta", "kinda", "might",
                "we'll try", "i'll try", "we can try", "try to", "it seems",
                "i'd say",
            ],
        ),
        (
            HedgeKind.QUALIFIER,
            [
                "a little bit", "a little", "a bit", "somewhat", "fairly", "pretty much",
                "more or less", "or something", "or whatever",
            ],
        ),
        (
            HedgeKind.APOLOGY,
            ["i'm sorry", "i am sorry", "sorry", "i apologise", "i apologize", "apologies"],
        ),
    )
    for phrase in phrases
)
_PHRASES = tuple(sorted(_PHRASES, key=lambda kp: -len(kp[1])))

# Tag questions: these words ending a sentence with "?", set off from what precedes.
_TAGS: tuple[tuple[str, ...], ...] = tuple(
    _p(t)
    for t in (
        "does that make sense", "makes sense", "make sense", "is that okay", "is that ok",
        "is that alright", "don't you think", "wouldn't you say", "isn't it", "aren't they",
        "don't you", "you know", "right", "okay", "ok", "yeah", "correct",
    )
)
# "kind of"/"sort of" after these are nouns, not hedges ("what kind of plan").
_NOUN_PRE = frozenset("a an the what this that these those some any every which no".split())


def _tag_at(toks: Sequence[Token], i: int) -> tuple[str, ...] | None:
    for tag in _TAGS:
        end = i + len(tag) - 1
        if (
            match_phrase(toks, i, tag)
            and toks[end].question
            # a tag follows a statement: a break before it, or "..., right?" after a comma;
            # a question that *is* only "Right?" (the turn's first word) is not a tag.
            and toks[i].break_before
            and i > 0
        ):
            return tag
    return None


def detect_hedges(turn: Turn) -> list[HedgeEvent]:
    """Low-confidence markers in one turn, non-overlapping, in order."""
    return list(_hedges(turn))


@lru_cache(maxsize=512)
def _hedges(turn: Turn) -> tuple[HedgeEvent, ...]:
    # The scorecard reads each rep turn's hedges in several places (confidence, metrics,
    # rubric, rewrites, coaching): 42 scans of 9 turns in a five-minute call before this.
    toks = tokenize_turn(turn)
    events: list[HedgeEvent] = []
    i = 0
    while i < len(toks):
        hit: tuple[HedgeKind, tuple[str, ...]] | None = None
        tag = _tag_at(toks, i)
        if tag is not None:
            hit = (HedgeKind.TAG_QUESTION, tag)
        else:
            for kind, phrase in _PHRASES:
                if match_phrase(toks, i, phrase):
                    hit = (kind, phrase)
                    break
            if hit is not None and hit[1][-1] == "of" and i > 0 and toks[i - 1].norm in _NOUN_PRE:
                hit = None
            just_in_time = match_phrase(toks, i, ("just", "in", "time"))
            if hit is None and toks[i].norm == "just" and not just_in_time:
                hit = (HedgeKind.MINIMISER, ("just",))
        if hit is None:
            i += 1
            continue
        kind, phrase = hit
        last = i + len(phrase) - 1
        events.append(
            HedgeEvent(
                kind=kind,
                phrase=" ".join(phrase),
                turn=turn.index,
                quote=quote_span(toks, i, last),
                start=toks[i].start,
                end=toks[last].end,
            )
        )
        i = last + 1
    return tuple(events)


def word_count(turn: Turn) -> int:
    return len(tokenize_turn(turn))
