"""Signs that a decode looped, and the last-resort trim of what a fallback could not fix.

Whisper can loop on a short window: the sentence comes back two to fifteen times, the extra
words stamped with zero length at the audio's end. The signs below need no reference text, so
they run on every decode; docs/transcripts.md gives how often they fire and what it costs.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.turns import Word
from voices.audio import SAMPLE_RATE, loud_frames
from voices.evalset import normalise_words

EDGE_S = 0.05  # timing slack at the audio's edges


@dataclass(frozen=True)
class TimedWord:
    """A recognised word timed in seconds from the start of its audio."""

    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class LoopGuardOptions:
    """Thresholds; compression ratio is Whisper's own (2.4)."""

    compression_ratio: float = 2.4
    # A run this long said again right after itself is a sentence coming back; anywhere else
    # in the turn only a run of `ngram_anywhere` is. Reps repeat short runs on purpose ("a
    # cost to get and a cost to use"), and a false alarm costs a fallback decode on the
    # answer's path (0.5 s on the bench's own turn).
    ngram: int = 3
    ngram_anywhere: int = 6
    max_words_per_voiced_s: float = 6.5  # fast speech is 3-4; a loop doubles it at least
    energy_floor_db: float = 35.0  # frames within this of the loudest count as voiced


def compression_ratio(text: str) -> float:
    """Text length over its zlib-compressed length, as Whisper measures repetition."""
    data = text.encode()
    return len(data) / len(zlib.compress(data)) if data else 0.0


def voiced_seconds(audio: np.ndarray, floor_db: float) -> float:
    """Seconds of 32 ms frames within `floor_db` of the loudest frame."""
    return float(np.count_nonzero(loud_frames(audio, 512, floor_db))) * 512 / SAMPLE_RATE


def outside(word: TimedWord | Word, duration: float) -> bool:
    """Timed before the audio, after it, or stamped on its very last instant."""
    return word.start < -EDGE_S or word.end > duration + EDGE_S or word.start >= duration - EDGE_S


def loop_signs(text: str, words: Sequence[TimedWord], audio: np.ndarray,
               options: LoopGuardOptions) -> list[str]:
    """Why this decode looks looped (empty when it does not)."""
    signs: list[str] = []
    duration = len(audio) / SAMPLE_RATE
    if compression_ratio(text) > options.compression_ratio:
        signs.append("compression")
    norm = normalise_words(text)
    if _said_again(norm, options.ngram, options.ngram_anywhere):
        signs.append("repeated n-gram")
    voiced = max(0.5, voiced_seconds(audio, options.energy_floor_db))
    if len(norm) / voiced > options.max_words_per_voiced_s:
        signs.append("words per second")
    if any(outside(w, duration) for w in words):
        signs.append("words outside the audio")
    return signs


def _said_again(norm: Sequence[str], adjacent: int, anywhere: int) -> bool:
    """A run of `adjacent`+ words right after itself, or of `anywhere` words twice."""
    for n in range(adjacent, len(norm) // 2 + 1):
        if any(norm[i:i + n] == norm[i + n:i + 2 * n] for i in range(len(norm) - 2 * n + 1)):
            return True
    grams = Counter(tuple(norm[i:i + anywhere]) for i in range(len(norm) - anywhere + 1))
    return any(k > 1 for k in grams.values())


def _key(word: TimedWord) -> str:
    return "".join(ch for ch in word.text.lower() if ch.isalnum())


def collapse_repeats(words: Sequence[TimedWord], min_len: int) -> list[TimedWord]:
    """Drop a run of `min_len`+ words that repeats the run right before it, and the third
    copy of a shorter one ("er, er, er, er" keeps two: a stutter, not a loop)."""
    out = list(words)
    changed = True
    while changed:
        changed = False
        keys = [_key(w) for w in out]
        for n in range(len(out) // 2, 0, -1):
            copies = 2 if n >= min_len else 3
            for i in range(len(out) - copies * n + 1):
                if all(keys[i:i + n] == keys[i + c * n:i + (c + 1) * n] for c in range(copies)):
                    del out[i + (copies - 1) * n:i + copies * n]
                    changed = True
                    break
            if changed:
                break
    return out
