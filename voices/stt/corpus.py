"""The speech-to-text evaluation corpus (docs/transcripts.md): loading and sanity metrics.

Shared by scripts/make_stt_corpus.py, scripts/eval_stt.py and tests/test_stt_corpus.py, so the
figures in docs/transcripts.md and the tests' floors come from the same arithmetic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from scoring.fillers import detect_fillers
from scoring.turns import Speaker, Turn, Word
from voices.evalset import REPO, Counts, edit_distance, match_fillers, normalise_words
from voices.stt.guard import outside

CORPUS_DIR = REPO / "tests" / "data" / "stt"
TEST_MANIFEST = CORPUS_DIR / "test.yaml"  # the frozen test part; its audio is committed
TUNE_DIR = REPO / "build" / "stt_corpus" / "tune"  # rendered by `make eval`, not committed
LOOP_NGRAM = 4  # a repeated run this long is a sentence coming back, not a repeated word


@dataclass(frozen=True)
class CorpusClip:
    """One rendered sentence: what was said, by which voice, under which condition."""

    id: str
    text: str
    path: Path
    voice: str
    condition: str
    fillers: tuple[str, ...]  # labelled, or the scorer's rules over the reference text


def load_corpus(manifest: Path = TEST_MANIFEST) -> list[CorpusClip]:
    """The clips of a corpus manifest, their audio beside it in a folder of the same name."""
    data = yaml.safe_load(manifest.read_text())
    audio_dir = manifest.with_suffix("")
    return [
        CorpusClip(id=c["id"], text=c["text"], path=audio_dir / f"{c['id']}.flac",
                   voice=c["voice"], condition=c["condition"],
                   fillers=tuple(c.get("fillers") or ()))
        for c in data["clips"]
    ]


def text_fillers(text: str, words: Sequence[Word] = ()) -> list[str]:
    """Filler words in a transcript, by the scorer's own rules (scoring/fillers.py); with
    the recogniser's timed words, as a scorecard reads them."""
    end = words[-1].end if words else 0.0
    return [e.word for e in detect_fillers(Turn(0, Speaker.REP, text, 0.0, end, tuple(words)))]


def repeated_ngrams(reference: str, hypothesis: str, n: int = LOOP_NGRAM) -> list[str]:
    """N-grams the hypothesis repeats more often than the reference does (a decode loop)."""
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    n = max(2, min(n, len(ref)))
    count_ref = Counter(tuple(ref[i:i + n]) for i in range(len(ref) - n + 1))
    count_hyp = Counter(tuple(hyp[i:i + n]) for i in range(len(hyp) - n + 1))
    return [" ".join(g) for g, k in count_hyp.items() if k > 1 and k > count_ref[g]]


def words_outside(words: Sequence[Word], duration: float) -> list[Word]:
    """Words timed before the audio, after it, or stamped on its very last instant."""
    return [w for w in words if outside(w, duration)]


@dataclass(frozen=True)
class ClipResult:
    """One decode of one clip."""

    clip: CorpusClip
    text: str
    words: tuple[Word, ...]
    duration: float
    seconds: float  # wall time of the decode


@dataclass(frozen=True)
class PartReport:
    """WER, loops and fillers over a group of clips."""

    clips: int
    wer: float
    edits: int
    ref_words: int
    loops: int  # clips whose transcript repeats a sentence-length n-gram
    outside: int  # clips with a word timed outside the audio
    fillers: Counts
    rtf: float  # decode seconds per second of audio

    def row(self, name: str) -> str:
        f = self.fillers
        return (f"| {name} | {self.clips} | {self.wer:.3f} | {self.loops} | {self.outside} | "
                f"{f.recall:.2f} | {f.precision:.2f} | {self.rtf:.3f} |")


TABLE_HEAD = ("| condition | clips | WER | loops | words outside | filler recall | "
              "filler precision | RTF |\n|---|---|---|---|---|---|---|---|")


def report(results: Sequence[ClipResult]) -> PartReport:
    """Corpus figures: WER over all reference words, fillers matched per clip."""
    edits = words = loops = outside = 0
    fillers = Counts()
    for r in results:
        ref, hyp = normalise_words(r.clip.text), normalise_words(r.text)
        edits += edit_distance(ref, hyp)
        words += len(ref)
        loops += bool(repeated_ngrams(r.clip.text, r.text))
        outside += bool(words_outside(r.words, r.duration))
        fillers += match_fillers(r.clip.fillers, text_fillers(r.text, r.words))
    audio = sum(r.duration for r in results)
    return PartReport(
        clips=len(results), wer=edits / words if words else 0.0, edits=edits, ref_words=words,
        loops=loops, outside=outside, fillers=fillers,
        rtf=sum(r.seconds for r in results) / audio if audio else 0.0,
    )


def by_condition(results: Sequence[ClipResult]) -> dict[str, PartReport]:
    """`report` per recording condition, then over all clips under "all"."""
    groups: dict[str, list[ClipResult]] = {}
    for r in results:
        groups.setdefault(r.clip.condition, []).append(r)
    out = {name: report(group) for name, group in sorted(groups.items())}
    out["all"] = report(results)
    return out
