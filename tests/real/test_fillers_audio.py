"""Audio filler rules on synthetic turns (frame energy, no model): what counts and what not."""

from __future__ import annotations

import numpy as np

from scoring.fillers import FillerSource
from scoring.turns import Word
from voices.audio import SAMPLE_RATE
from voices.fillers_audio import find_audio_fillers


def _turn(*bursts: tuple[float, float], length: float = 3.0) -> np.ndarray:
    """Silence with a 150 Hz tone over each (start, end) second span."""
    audio = np.zeros(int(length * SAMPLE_RATE), dtype=np.float32)
    for start, end in bursts:
        a, b = int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)
        audio[a:b] = 0.3 * np.sin(2 * np.pi * 150 * np.arange(b - a) / SAMPLE_RATE)
    return audio


def _words(*spans: tuple[str, float, float]) -> list[Word]:
    return [Word(text, start, end) for text, start, end in spans]


SPEECH = (0.9, 2.0)
WORDS = _words(("we", 0.9, 1.2), ("hold", 1.2, 1.6), ("it.", 1.6, 2.0))


def test_voiced_stretch_no_word_covers_is_a_filler() -> None:
    events = find_audio_fillers(_turn((0.3, 0.55), SPEECH), WORDS, turn=2, offset=10.0)
    assert len(events) == 1
    e = events[0]
    assert e.source == FillerSource.AUDIO and e.word == "uh" and e.turn == 2
    assert 10.25 <= e.start <= 10.35 and 10.5 <= e.end <= 10.6  # on the call clock


def test_covered_speech_gives_nothing() -> None:
    assert find_audio_fillers(_turn(SPEECH), WORDS) == []


def test_word_stretched_over_a_pause_swallowed_a_filler() -> None:
    words = _words(("The", 0.0, 1.15), ("pilot", 1.15, 1.6), ("runs.", 1.6, 2.0))
    events = find_audio_fillers(_turn((0.3, 0.55), SPEECH), words)
    assert len(events) == 1
    assert 0.25 <= events[0].start <= 0.35 and 0.5 <= events[0].end <= 0.6


def test_a_word_that_only_ends_late_is_not_a_filler() -> None:
    words = _words(("Okay,", 0.0, 0.7), ("we", 0.9, 1.2), ("hold", 1.2, 1.6), ("it.", 1.6, 2.0))
    assert find_audio_fillers(_turn((0.3, 0.6), SPEECH), words) == []


def test_a_mistimed_transcript_filler_is_not_counted_twice() -> None:
    words = _words(("um,", 0.7, 0.75), *((w.text, w.start, w.end) for w in WORDS))
    assert find_audio_fillers(_turn((0.3, 0.55), SPEECH), words) == []


def test_long_or_tiny_uncovered_sounds_are_not_fillers() -> None:
    # A 1.2 s stretch is a dropped phrase, a 60 ms click is noise: neither is a hesitation.
    audio = _turn((0.0, 0.06), (3.1, 4.3), SPEECH, length=5.0)
    assert find_audio_fillers(audio, WORDS) == []
