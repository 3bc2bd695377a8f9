"""Small helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures"


def words_of(text: str) -> set[str]:
    """Lower-case words without punctuation, for comparing transcripts."""
    return {w.strip(".,!?;:\"'").lower() for w in text.split()}
