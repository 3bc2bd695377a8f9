"""The line between rep and prospect: numbers as words for the prospect's lines (every line
is synthesised to speech), and how well the rep's turn was heard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Below these the prospect cannot have heard the rep: "you cut out" (docs/moves.md).
MIN_SPEECH_S = 0.35
MIN_LEVEL_DBFS = -50.0
MIN_WORD_PROBABILITY = 0.45


@dataclass(frozen=True)
class AudioQuality:
    """How the rep's turn sounded, measured by the caller (the server) on the rep's audio.

    `duration_s`: seconds of speech in the turn; `level_dbfs`: its RMS level in dBFS;
    `word_probability`: the recogniser's mean word probability (None when unknown).
    """

    duration_s: float
    level_dbfs: float | None = None
    word_probability: float | None = None

    @property
    def poor(self) -> bool:
        """Too short, too quiet or too uncertain to have been understood."""
        return (
            self.duration_s < MIN_SPEECH_S
            or (self.level_dbfs is not None and self.level_dbfs < MIN_LEVEL_DBFS)
            or (self.word_probability is not None and self.word_probability < MIN_WORD_PROBABILITY)
        )

    @classmethod
    def from_words(
        cls, duration_s: float, level_dbfs: float | None, probabilities: Sequence[float]
    ) -> AudioQuality:
        """From the turn's timed words: their mean probability (None when there are none)."""
        mean = sum(probabilities) / len(probabilities) if probabilities else None
        return cls(duration_s, level_dbfs, mean)


_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _int_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {_int_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{_int_words(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + _int_words(rest)


def say_number(value: float) -> str:
    """'fifteen', 'seven and a half', 'two thousand'; digits beyond a million or odd fractions."""
    if value < 0 or value >= 1_000_000:
        return f"{value:g}"
    whole = int(value)
    frac = round(value - whole, 2)
    if frac == 0:
        return _int_words(whole)
    if frac == 0.5:
        return ("a half" if whole == 0 else f"{_int_words(whole)} and a half")
    return f"{value:g}"
