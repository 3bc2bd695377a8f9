"""The labelled scoring set (tests/data/scored_utterances.yaml): loading and metrics.

Shared by tests/test_scoring_eval.py and scripts/measure_fillers.py so the figures in
docs/scoring.md and the test's floors come from the same arithmetic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from scoring.numbers import canonical_quantities

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / "tests" / "data" / "scored_utterances.yaml"
AUDIO_DIR = REPO / "tests" / "data" / "audio"

# Hesitation sounds are one class: Whisper hears a spoken "uh" as "um" or "er" as often as not,
# and for a rep's filler rate the spelling does not matter.
HESITATIONS = frozenset({"um", "uh", "er", "ah", "hmm"})
_HESITATION_TOKEN = re.compile(r"^(u+h*m+|h*u+m+|u+h+|e+r+m*|a+h+|h+m+|m{2,})$")
_PUNCT = re.compile(r"[^\w'%]+")


@dataclass(frozen=True)
class LabelledUtterance:
    """One rep utterance with what a person hears in it."""

    id: str
    text: str
    path: Path
    fillers: tuple[str, ...]
    concessions: frozenset[str]
    firmness: str  # firm | hedging | neutral
    pair: str | None
    voice: str


def load_labelled_set(
    manifest: Path = MANIFEST, audio_dir: Path = AUDIO_DIR, ext: str = "flac"
) -> list[LabelledUtterance]:
    """The utterances of `manifest`, each pointing at its rendered audio file."""
    entries = yaml.safe_load(manifest.read_text())["utterances"]
    return [
        LabelledUtterance(
            id=e["id"],
            text=e["text"],
            path=audio_dir / f"{e['id']}.{ext}",
            fillers=tuple(e.get("fillers") or ()),
            concessions=frozenset(e.get("concessions") or ()),
            firmness=e["firmness"],
            pair=e.get("pair"),
            voice=e["voice"] if e["voice"] == "piper" else e.get("espeak_voice", "espeak"),
        )
        for e in entries
    ]


def filler_key(word: str) -> str:
    """The class a filler is matched on: hesitations pooled, discourse fillers as written."""
    return "hesitation" if word in HESITATIONS else word


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with the usual ratios."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def match_fillers(expected: Iterable[str], found: Iterable[str]) -> Counts:
    """Multiset match of filler words within one utterance (by `filler_key`)."""
    want = Counter(filler_key(w) for w in expected)
    got = Counter(filler_key(w) for w in found)
    tp = sum((want & got).values())
    return Counts(tp=tp, fp=sum(got.values()) - tp, fn=sum(want.values()) - tp)


def normalise_words(text: str, *, drop_hesitations: bool = False) -> list[str]:
    """Lower-case words for WER: numbers as digits, punctuation gone, optionally no 'um'."""
    text = canonical_quantities(text).lower().replace("%", " percent ").replace("-", " ")
    words = [w.strip("'") for w in _PUNCT.split(text)]
    words = [w for w in words if w]
    if drop_hesitations:
        words = [w for w in words if not _HESITATION_TOKEN.match(w)]
    return words


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitutions, insertions, deletions)."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


@dataclass(frozen=True)
class TurnErrors:
    """One reference turn aligned within a whole transcript."""

    reference: str
    heard: str  # the transcript words aligned to this turn
    edits: int
    words: int
    reached: bool  # False: nothing was heard from here on (a turn the call never played)

    @property
    def wer(self) -> float:
        return self.edits / self.words if self.words else float(self.edits > 0)


def turn_errors(references: Sequence[str | None], transcript: str) -> list[TurnErrors]:
    """Per-turn word errors of one transcript against consecutive reference turns.

    The whole transcript is aligned against all turns at once, so a turn the recogniser
    split in two, or merged with the next, is still judged word by word; an extra word
    counts against the turn before it. A None reference
    is a turn of unknown words: it takes whatever it aligns to at no cost.
    """
    # Aligned back to front over the reversed words, so ties go to the earlier turn.
    ref: list[tuple[int, str | None]] = []
    for k, text in enumerate(references):
        ref += [(k, None)] if text is None else [(k, w) for w in normalise_words(text)]
    ref.reverse()
    hyp = normalise_words(transcript)[::-1]
    cost = [[0] * (len(hyp) + 1) for _ in range(len(ref) + 1)]
    cost[0] = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        word = ref[i - 1][1]
        cost[i][0] = cost[i - 1][0] + (word is not None)
        for j in range(1, len(hyp) + 1):
            if word is None:
                cost[i][j] = min(cost[i - 1][j], cost[i][j - 1])
            else:
                cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                                 cost[i - 1][j - 1] + (word != hyp[j - 1]))
    edits = [0] * len(references)
    heard: list[list[str]] = [[] for _ in references]
    i, j = len(ref), len(hyp)
    while i or j:
        turn, word = ref[i - 1] if i else (len(references) - 1, "")
        if i and word is None:  # the unknown turn takes the word, or ends here
            if j and cost[i][j] == cost[i][j - 1]:
                heard[turn].append(hyp[j - 1])
                j -= 1
            else:
                i -= 1
        # ties: a match, then a missed word, then an extra one, then a substitution, so
        # that words a turn did not get are not pulled over from its neighbour
        elif i and j and word == hyp[j - 1] and cost[i][j] == cost[i - 1][j - 1]:
            heard[turn].append(hyp[j - 1])
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            edits[turn] += 1
            i -= 1
        elif j and cost[i][j] == cost[i][j - 1] + 1:
            # an extra word counts against the turn it follows: a looped sentence is the
            # fault of the turn that looped, not the next one
            after = ref[i][0] if i < len(ref) else 0
            edits[after] += 1
            heard[after].append(hyp[j - 1])
            j -= 1
        else:
            edits[turn] += 1
            heard[turn].append(hyp[j - 1])
            i, j = i - 1, j - 1
    last_heard = max((k for k, h in enumerate(heard) if h), default=-1)
    return [TurnErrors(text or "", " ".join(heard[k]),
                       edits[k], len(normalise_words(text or "")), k <= last_heard)
            for k, text in enumerate(references)]


def word_error_rate(
    refs: Sequence[str], hyps: Sequence[str], *, drop_hesitations: bool = False
) -> float:
    """Corpus WER: total edits over total reference words."""
    edits = words = 0
    for ref, hyp in zip(refs, hyps, strict=True):
        r = normalise_words(ref, drop_hesitations=drop_hesitations)
        h = normalise_words(hyp, drop_hesitations=drop_hesitations)
        edits += edit_distance(r, h)
        words += len(r)
    return edits / words if words else 0.0


@dataclass(frozen=True)
class SetReport:
    """The scorer's figures on the labelled set."""

    fillers: Counts
    hesitations: Counts  # um/uh/er/hmm only: what Whisper drops and the audio rules recover
    concession_accuracy: float  # share of utterances whose set of kinds is exactly right
    wer: float  # every word, fillers included
    content_wer: float  # hesitation sounds left out of both sides
    confidence_firm: float
    confidence_hedging: float
    pairs_firm_ahead: int  # pairs where the firm take scored >= the hedging one
    pairs: int

    def summary(self) -> str:
        f, h = self.fillers, self.hesitations
        return (
            f"fillers P={f.precision:.3f} R={f.recall:.3f} F1={f.f1:.3f} "
            f"(tp={f.tp} fp={f.fp} fn={f.fn}); hesitations R={h.recall:.3f} "
            f"P={h.precision:.3f}; concessions acc={self.concession_accuracy:.3f}; "
            f"WER={self.wer:.3f} content WER={self.content_wer:.3f}; confidence "
            f"firm={self.confidence_firm:.1f} hedging={self.confidence_hedging:.1f} "
            f"pairs firm>=hedging {self.pairs_firm_ahead}/{self.pairs}"
        )


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def evaluate(utterances: Sequence[LabelledUtterance], scorecards: Sequence[dict]) -> SetReport:
    """Compare each scorecard (from `walkaway score`'s scorer) with its labels."""
    fillers = hesitations = Counts()
    right = 0
    conf: dict[str, float] = {}
    for utt, card in zip(utterances, scorecards, strict=True):
        found = [e["word"] for e in card["fillers"]["events"]]
        fillers += match_fillers(utt.fillers, found)
        hesitations += match_fillers([w for w in utt.fillers if w in HESITATIONS],
                                     [w for w in found if w in HESITATIONS])
        right += {c["kind"] for c in card["concessions"]} == utt.concessions
        conf[utt.id] = float(card["confidence"]["score"])
    by_pair: dict[str, dict[str, float]] = {}
    for utt in utterances:
        if utt.pair is not None:
            by_pair.setdefault(utt.pair, {})[utt.firmness] = conf[utt.id]
    pairs = [p for p in by_pair.values() if {"firm", "hedging"} <= p.keys()]
    refs = [u.text for u in utterances]
    hyps = [c["transcript"] for c in scorecards]
    return SetReport(
        fillers=fillers,
        hesitations=hesitations,
        concession_accuracy=right / len(utterances) if utterances else 0.0,
        wer=word_error_rate(refs, hyps),
        content_wer=word_error_rate(refs, hyps, drop_hesitations=True),
        confidence_firm=_mean([conf[u.id] for u in utterances if u.firmness == "firm"]),
        confidence_hedging=_mean([conf[u.id] for u in utterances if u.firmness == "hedging"]),
        pairs_firm_ahead=sum(p["firm"] >= p["hedging"] for p in pairs),
        pairs=len(pairs),
    )
