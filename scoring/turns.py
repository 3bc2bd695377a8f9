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
    # cut short by the other side: a prospect line the rep barged in on, or a rep turn the
    # prospect cut in on after the rep talked too long (docs/scenarios.md, "Cutting in")
    cut: bool = False

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)
