"""End-of-turn timing, tested with plain booleans: no audio, no model."""

from __future__ import annotations

import pytest

from voices.vad.endpoint import Endpointer, EndpointEvent, Sensitivity, sentence_complete

FRAME = 0.032


def feed(
    endpointer: Endpointer, pattern: list[tuple[bool, float]], complete: bool = False
) -> list[tuple[float, str]]:
    """Feed (is_speech, seconds) runs; return (time, event) pairs."""
    events: list[tuple[float, str]] = []
    t = 0.0
    for is_speech, seconds in pattern:
        for _ in range(round(seconds / FRAME)):
            t += FRAME
            event = endpointer.process(FRAME, is_speech, complete)
            if event is not None:
                events.append((round(t, 3), str(event)))
    return events


def names(events: list[tuple[float, str]]) -> list[str]:
    return [e for _, e in events]


def test_turn_starts_after_sustained_speech_and_ends_after_silence() -> None:
    events = feed(Endpointer(silence_s=0.7), [(False, 1.0), (True, 1.0), (False, 1.0)])
    assert names(events) == ["speech_started", "paused", "turn_ended"]
    started, paused, ended = (t for t, _ in events)
    assert 1.1 < started < 1.25
    assert 2.1 < paused < 2.2  # early transcription can start 0.12 s into the pause
    assert 2.65 < ended < 2.8  # 0.7 s after the speech stopped at 2.0 s


def test_finished_sentence_ends_the_turn_sooner() -> None:
    events = feed(Endpointer(silence_s=0.7, complete_silence_s=0.25),
                  [(True, 1.0), (False, 1.0)], complete=True)
    assert names(events) == ["speech_started", "paused", "turn_ended"]
    assert 1.24 < events[-1][0] < 1.3


def test_mid_sentence_pause_shorter_than_silence_does_not_end_turn() -> None:
    pattern = [(True, 1.0), (False, 0.55), (True, 0.8), (False, 1.0)]
    events = feed(Endpointer(silence_s=Sensitivity.DEFAULT.silence_seconds), pattern)
    assert names(events) == ["speech_started", "paused", "resumed", "paused", "turn_ended"]


def test_click_shorter_than_speech_start_is_not_a_turn() -> None:
    events = feed(Endpointer(), [(True, 0.064), (False, 2.0)])
    assert events == []


def test_sensitivity_orders_silence_lengths() -> None:
    relaxed, default, aggressive = (s.silence_seconds for s in Sensitivity)
    assert relaxed > default > aggressive > 0
    assert Sensitivity("aggressive") is Sensitivity.AGGRESSIVE
    assert EndpointEvent.TURN_ENDED == "turn_ended"


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("We don't discount.", True),
        ("Can we find forty-five minutes on Thursday?", True),
        ("The reason our price holds is", False),
        ("The reason our price holds is...", False),
        ("The reason our price holds is.", False),  # Whisper closes what the rep left open
        ("I hear you, but", False),
        ("Let me think,", False),
        ("", False),
    ],
)
def test_sentence_complete(text: str, complete: bool) -> None:
    assert sentence_complete(text) is complete
