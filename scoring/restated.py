"""A concession said again later in the call is the same concession; a bigger one is new.

Shared by the scorer (one entry per concession in the scorecard) and the prospect (what the
rep has given so far). See docs/moves.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar


class _ConcessionLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def conditional(self) -> bool: ...
    @property
    def amount(self) -> float | None: ...
    @property
    def unit(self) -> str | None: ...


C = TypeVar("C", bound=_ConcessionLike)

# Less meeting time is more given away; for every other kind a larger amount is.
_SMALLER_IS_MORE = {"time"}


def gives_more(later: _ConcessionLike, earlier: _ConcessionLike) -> bool:
    """Whether `later` gives away more than `earlier` (same kind): a bigger amount, a figure
    where there was none, or the same give-away with its condition dropped."""
    if earlier.conditional and not later.conditional:
        return True
    if later.amount is None:
        return False
    if earlier.amount is None or later.unit != earlier.unit:
        return True
    if str(later.kind) in _SMALLER_IS_MORE:
        return later.amount < earlier.amount
    return later.amount > earlier.amount


def is_restated(c: _ConcessionLike, before: Iterable[_ConcessionLike]) -> bool:
    """Whether `c` only repeats a concession in `before` (one of its kind giving as much).
    Two said in the same sentence ("free onboarding and waive the migration fee") are two."""
    quote = getattr(c, "quote", None)
    same = [b for b in before if str(b.kind) == str(c.kind)
            and (quote is None or getattr(b, "quote", None) != quote)]
    return bool(same) and not all(gives_more(c, b) for b in same)


def distinct(concessions: Sequence[C]) -> list[C]:
    """`concessions` in order without restatements (the first time each one was given)."""
    kept: list[C] = []
    for c in concessions:
        if not is_restated(c, kept):
            kept.append(c)
    return kept
