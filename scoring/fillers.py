"""Filler words: hesitation sounds always, discourse fillers only when used as fillers.

Decisions (keep tests in step with these):

* Hesitation sounds always count, in every spelling Whisper emits: um/umm/uhm -> "um",
  uh/uhh -> "uh", er/err/erm -> "er", ah/ahh -> "ah", hm/hmm/mm/mmm -> "hmm".
* Backchannels "uh-huh", "mm-hmm", "uh-uh" do NOT count: they are answers ("yes"/"no").
* "like" counts when set off by punctuation ("it's, like, fine"), when it opens a
  sentence not followed by a pronoun ("Like, we..."; but "Like I said" is a conjunction),
  or when it blurs a number ("it's like 20 grand"), and never after a verb or word that
  takes it as a verb/preposition ("I'd like", "looks like", "something like 20").
* "you know" counts when it ends a clause ("..., you know." / "You know, ...") and is not
  a real question ("do you know", "as you know", "you know what").
* "I mean" counts when a break follows it ("I mean, ...") or it opens a sentence without
  an object ("I mean we..."); "I mean it/that/this/what..." and "what I mean" do not.
* "sort of" / "kind of" count as hedging fillers except as nouns ("what kind of", "a sort
  of", "this kind of").
* "basically" and "literally" always count; "actually" only as an aside (", actually,")
  or a trailing word, because a sentence-opening "Actually, no" is a firm correction.
* "so" counts only when trailing off at a clause end ("we could do that, so..."):
  a sentence-opening "So" usually introduces a real point.
* "well" is not counted: as an opener it is too often a deliberate pause.
* The same hesitation said again with no word between ("er, er") is one hesitation: a held
  or stuttered sound, and the way Whisper writes one it is unsure of.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from scoring.tokens import Token, joined, match_phrase, tokenize_turn
from scoring.turns import Speaker, Turn


class FillerSource(StrEnum):
    TRANSCRIPT = "transcript"  # found in the recognised words
    AUDIO = "audio"  # voiced sound that no recognised word covers (from voices/)


@dataclass(frozen=True)
class FillerEvent:
    """One filler: canonical word, turn index, time span in call seconds, and source."""

    word: str
    turn: int
    start: float
    end: float
    source: FillerSource = FillerSource.TRANSCRIPT

    def to_dict(self) -> dict:
        return {
            "word": self.word,
            "turn": self.turn,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "source": str(self.source),
        }


@dataclass(frozen=True)
class FillerSummary:
    """Fillers over the rep's turns; `per_minute` is over the rep's speaking time."""

    total: int
    per_minute: float
    counts: Mapping[str, int]
    events: tuple[FillerEvent, ...] = field(default=())
    speaking_seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "per_minute": round(self.per_minute, 2),
            "counts": dict(self.counts),
            "events": [e.to_dict() for e in self.events],
            "speaking_seconds": round(self.speaking_seconds, 3),
        }


_HESITATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(u+h*m+|h*u+m+)$"), "um"),
    (re.compile(r"^u+h+$"), "uh"),
    (re.compile(r"^(e+r+m*|e+h+m+)$"), "er"),
    (re.compile(r"^a+h+$"), "ah"),
    (re.compile(r"^(h+m+|m{2,})$"), "hmm"),
)

# Words after which "like" is a verb or preposition, not a filler.
_LIKE_GOVERNORS = frozenset(
    """i you we they he she it's would 'd i'd you'd we'd they'd he'd she'd do does did
    don't doesn't didn't to really also not never always just look looks looked looking
    sound sounds sounded seem seems seemed feel feels felt something anything nothing
    everything more much less things stuff someone somebody people exactly act acts
    acted be being been is was are were am 'm i'm you're we're they're that's what's
    much very most least sort kind lot lots might may could should will can""".split()
)
_PRONOUNS = frozenset("i you we they he she it i've we've i'd we'd i'm we're".split())
_COPULAS = frozenset("is was are were 's it's that's be been am i'm we're they're".split())
_YOU_KNOW_QUESTION = frozenset(
    """do did don't didn't does doesn't if as so would will can could let whether
    how what who when where why""".split()
)
_YOU_KNOW_OBJECT = frozenset(
    """what who where when why how if whether that the a an this these those him her
    them it me us about anyone anybody someone somebody any your my our his their
    whose which exactly""".split()
)
_I_MEAN_OBJECT = frozenset("it that this what to the by you them him her".split())
_KIND_NOUN_PRE = frozenset(
    """a an the what this that these those some any every which no one other same
    different whatever certain particular each""".split()
)


def _hesitation(norm: str) -> str | None:
    for pattern, canonical in _HESITATIONS:
        if pattern.match(norm):
            return canonical
    return None


def _like_is_filler(toks: Sequence[Token], i: int) -> bool:
    t = toks[i]
    prev = toks[i - 1] if i > 0 and not t.break_before else None
    nxt = toks[i + 1] if i + 1 < len(toks) and not t.break_after else None
    if nxt is not None and nxt.norm in ("to", "that", "this"):
        return t.break_before  # "like to"/"like that" as a verb unless set off: ", like that"
    if prev is not None and prev.norm in _LIKE_GOVERNORS:
        # "it's like, crazy" / "I was like, no": a copula then a break is a filler.
        return prev.norm in _COPULAS and (t.break_after or (nxt is not None and nxt.is_number))
    if t.sentence_start:
        return nxt is None or nxt.norm not in _PRONOUNS
    if t.break_before or t.break_after:
        return True
    return nxt is not None and nxt.is_number


def _you_know_is_filler(toks: Sequence[Token], i: int) -> bool:
    you, know = toks[i], toks[i + 1]
    prev = toks[i - 1] if i > 0 and not you.break_before else None
    if prev is not None and prev.norm in _YOU_KNOW_QUESTION:
        return False
    if know.break_after:
        return True  # "..., you know." or "You know, ..."
    nxt = toks[i + 2] if i + 2 < len(toks) else None
    if nxt is not None and nxt.norm in _YOU_KNOW_OBJECT:
        return False
    # "you know we could..." mid-sentence without a break reads as a filler too.
    return you.break_before


def _i_mean_is_filler(toks: Sequence[Token], i: int) -> bool:
    i_tok, mean = toks[i], toks[i + 1]
    prev = toks[i - 1] if i > 0 and not i_tok.break_before else None
    if prev is not None and prev.norm in ("what", "if", "that's", "whatever", "not"):
        return False
    if mean.break_after:
        return not mean.sentence_end or i_tok.break_before
    nxt = toks[i + 2] if i + 2 < len(toks) else None
    return i_tok.break_before and (nxt is None or nxt.norm not in _I_MEAN_OBJECT)


def _kind_of_is_filler(toks: Sequence[Token], i: int) -> bool:
    kind = toks[i]
    prev = toks[i - 1] if i > 0 and not kind.break_before else None
    # "what kind of", "a sort of": the noun. Otherwise an adverbial hedge.
    return prev is None or prev.norm not in _KIND_NOUN_PRE


def _so_trails_off(toks: Sequence[Token], i: int) -> bool:
    # "we could do that, so..." / "and so" at the end; not "I think so." or "So what...".
    t = toks[i]
    trailing = i == len(toks) - 1 or t.raw.endswith(("...", "\u2026"))
    led_in = t.break_before or toks[i - 1].norm in ("and", "but")
    return trailing and led_in and not t.question


def _span(toks: Sequence[Token], first: int, last: int) -> tuple[float, float]:
    return toks[first].start, toks[last].end


def detect_fillers(turn: Turn) -> list[FillerEvent]:
    """Filler events in one turn (any speaker), in order, from its words or text."""
    toks = tokenize_turn(turn)
    events: list[FillerEvent] = []
    last_at = -2  # the token the last event ended on
    i = 0
    while i < len(toks):
        t = toks[i]
        word: str | None = None
        width = 1
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (h := _hesitation(t.norm)) is not None:
            word = h
        elif t.norm == "like" and _like_is_filler(toks, i):
            word = "like"
        elif t.norm == "you" and match_phrase(toks, i, ("you", "know")):
            if _you_know_is_filler(toks, i):
                word, width = "you know", 2
        elif t.norm == "i" and match_phrase(toks, i, ("i", "mean")):
            if _i_mean_is_filler(toks, i):
                word, width = "i mean", 2
        elif t.norm in ("sort", "kind") and nxt is not None and nxt.norm == "of":
            if joined((t, nxt)) and _kind_of_is_filler(toks, i):
                word, width = f"{t.norm} of", 2
        elif t.norm in ("sorta", "kinda"):
            word = "sort of" if t.norm == "sorta" else "kind of"
        elif t.norm in ("basically", "literally"):
            word = t.norm
        elif t.norm == "actually":
            word = "actually" if (t.break_before and t.break_after and not t.sentence_start) or (
                t.sentence_end and not t.sentence_start
            ) else None
        elif t.norm == "so" and i > 0 and _so_trails_off(toks, i):
            word = "so"
        if h is not None and last_at == i - 1 and events[-1].word == word:
            # "er, er": the same sound again with no word between is one hesitation
            events[-1] = replace(events[-1], end=toks[i].end)
            last_at, word = i, None
        if word is not None:
            start, end = _span(toks, i, i + width - 1)
            events.append(FillerEvent(word=word, turn=turn.index, start=start, end=end))
            last_at = i + width - 1
        i += width
    return events


def speaking_seconds(turns: Iterable[Turn]) -> float:
    """Total duration of the rep's turns, the denominator for rates per minute."""
    return sum(t.duration for t in turns if t.speaker == Speaker.REP)


def merge_events(
    transcript: Sequence[FillerEvent], audio: Sequence[FillerEvent]
) -> list[FillerEvent]:
    """Transcript events plus audio events that overlap none of them, in time order."""
    kept = list(transcript)
    for a in audio:
        if not any(a.start < t.end and t.start < a.end for t in transcript):
            kept.append(a)
    return sorted(kept, key=lambda e: (e.start, e.end))


def summarize_fillers(
    turns: Sequence[Turn], audio_events: Sequence[FillerEvent] = ()
) -> FillerSummary:
    """Fillers over the rep's turns, merged with audio detections (see `merge_events`)."""
    rep_turns = [t for t in turns if t.speaker == Speaker.REP]
    found = [e for t in rep_turns for e in detect_fillers(t)]
    events = merge_events(found, audio_events)
    counts: dict[str, int] = {}
    for e in events:
        counts[e.word] = counts.get(e.word, 0) + 1
    seconds = speaking_seconds(rep_turns)
    per_minute = len(events) / (seconds / 60.0) if seconds > 0 else 0.0
    return FillerSummary(
        total=len(events),
        per_minute=per_minute,
        counts=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        events=tuple(events),
        speaking_seconds=seconds,
    )
