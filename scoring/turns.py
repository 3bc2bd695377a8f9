"""The transcript vocabulary of a call: timed words and speaker turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Speaker(StrEnum):
    REP = "rep"
    PROSPECT = "prospect"


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span in seconds on the call clock."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class Turn:
    """One speaker turn; `start`/`end` are seconds on the call clock."""

    index: int
    speaker: Speaker
    text: str
    start: float
    end: float
    words: tuple[Word, ...] = field(default=())
    cut: bool = False  # a prospect line interrupted by the rep (barge-in)

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)
