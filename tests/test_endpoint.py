"""End-of-turn timing, tested with plain booleans: no audio, no model."""

from __future__ import annotations

import pytest

from voices.vad.endpoint import (
    Combine,
    Completeness,
    Endpointer,
    EndpointEvent,
    Sensitivity,
    judge_completeness,
)

FRAME = 0.032


def feed(
    endpointer: Endpointer,
    pattern: list[tuple[bool, float]],
    reads: Completeness = Completeness.UNKNOWN,
) -> list[tuple[float, str]]:
    """Feed (is_speech, seconds) runs; return (time, event) pairs."""
    events: list[tuple[float, str]] = []
    t = 0.0
    for is_speech, seconds in pattern:
        for _ in range(round(seconds / FRAME)):
            t += FRAME
            event = endpointer.process(FRAME, is_speech, reads)
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
    assert 2.05 < paused < 2.15  # early transcription starts 0.08 s into the pause
    assert 2.65 < ended < 2.8  # 0.7 s after the speech stopped at 2.0 s


@pytest.mark.parametrize(
    ("reads", "ends_after"),
    [(Completeness.QUESTION, 0.3), (Completeness.STATEMENT, 0.5), (Completeness.UNFINISHED, 1.5),
     (Completeness.UNKNOWN, 0.7)],  # unknown: the transcript is not back yet
)
def test_how_the_turn_reads_sets_the_silence_that_ends_it(
    reads: Completeness, ends_after: float
) -> None:
    endpointer = Endpointer(silence_s=0.7, question_silence_s=0.3, statement_silence_s=0.5,
                            unfinished_silence_s=1.5)
    events = feed(endpointer, [(True, 1.0), (False, 2.0)], reads)
    assert names(events) == ["speech_started", "paused", "turn_ended"]
    speech_end = round(1.0 / FRAME) * FRAME
    assert ends_after <= events[-1][0] - speech_end + 1e-6 < ends_after + FRAME


def test_a_pause_between_two_sentences_does_not_end_a_statement() -> None:
    # reps leave 0.3-0.45 s between sentences of one turn
    pattern = [(True, 1.5), (False, 0.42), (True, 1.0), (False, 1.0)]
    events = feed(Endpointer(), pattern, Completeness.STATEMENT)
    assert names(events) == ["speech_started", "paused", "resumed", "paused", "turn_ended"]


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
        ("Let me show you what the difference buys you.", True),
        ("We can do it.", True),
        ("The people who decide are the ones we", False),
        ("Let me think,", False),
        ("", False),
        # prepositions, demonstratives and "so" end spoken sentences
        ("We don't discount because the support is what you pay for.", True),
        ("Who else needs to sign off on this.", True),
        ("I think so.", True),
        # endings that usually go on: a number being read out, a list item with no "and"
        # before it, a lone subordinate clause
        ("The total comes to 4000.", False),
        ("Last year, you spent 18,000.", False),
        ("The list price is one thousand.", False),
        ("You get the trucks, the drivers.", False),
        ("You get the trucks, the drivers, and the tracking.", True),
        ("If we cut the price now.", False),
        ("If we cut the price now, we cut the support.", True),
        ("We don't discount. When your line went down last spring.", False),
        ("Because it costs less to run.", True),  # an answer to "why?"
        ("I hear you, but we don't discount.", True),
        ("Okay, fine. I can give you 10% off.", True),
        ("Is that 4000?", True),
    ],
)
def test_judge_completeness(text: str, complete: bool) -> None:
    reads = judge_completeness(text)
    assert (reads in (Completeness.STATEMENT, Completeness.QUESTION)) is complete
    assert (reads is Completeness.QUESTION) is (complete and text.endswith("?"))


def test_transcript_arriving_between_frames_ends_a_finished_turn() -> None:
    endpointer = Endpointer(silence_s=0.7, question_silence_s=0.3, statement_silence_s=0.5)
    feed(endpointer, [(True, 1.0), (False, 0.35)])
    assert endpointer.transcript_ready(Completeness.UNFINISHED) is None
    assert endpointer.transcript_ready(Completeness.STATEMENT) is None  # 0.35 s < 0.5 s
    assert endpointer.transcript_ready(Completeness.QUESTION) is EndpointEvent.TURN_ENDED
    assert not endpointer.in_speech
    assert endpointer.transcript_ready(Completeness.QUESTION) is None  # nothing left to end


def test_a_transcript_still_out_waits_the_long_silence_and_its_arrival_ends_the_turn() -> None:
    # a live call on a busy machine: the words are not back when the pause reaches 0.7 s
    endpointer = Endpointer(silence_s=0.7, statement_silence_s=0.5, unfinished_silence_s=1.5)
    events = feed(endpointer, [(True, 1.0), (False, 1.0)], Completeness.PENDING)
    assert names(events) == ["speech_started", "paused"]  # "Our price is ... [0.8 s]" goes on
    assert endpointer.transcript_ready(Completeness.STATEMENT) is EndpointEvent.TURN_ENDED
    slow = Endpointer(silence_s=0.7, unfinished_silence_s=1.5)
    assert names(feed(slow, [(True, 1.0), (False, 1.6)], Completeness.PENDING))[-1] == "turn_ended"


def test_a_longer_pause_is_heard_once_before_the_turn_ends() -> None:
    endpointer = Endpointer(silence_s=0.7, heard_s=0.3)
    events = feed(endpointer, [(True, 1.0), (False, 0.4), (True, 1.0), (False, 1.0)])
    assert names(events) == ["speech_started", "paused", "heard", "resumed", "paused", "heard",
                             "turn_ended"]
    heard = [t for t, e in events if e == "heard"]
    assert heard[0] == pytest.approx(1.0 + 0.3, abs=FRAME)  # 0.3 s into the first pause


def test_no_heard_event_when_switched_off_or_for_a_short_pause() -> None:
    assert "heard" not in names(feed(Endpointer(heard_s=0.0), [(True, 1.0), (False, 1.0)]))
    short = feed(Endpointer(heard_s=0.3), [(True, 1.0), (False, 0.2), (True, 1.0)])
    assert "heard" not in names(short)


def feed_with_model(endpointer: Endpointer, pattern: list[tuple[bool, float]],
                    p_done: float | None, reads: Completeness = Completeness.UNKNOWN
                    ) -> list[tuple[float, str]]:
    """Like `feed`, answering each CHECK with the turn model's `p_done` at once."""
    events: list[tuple[float, str]] = []
    t = 0.0
    for is_speech, seconds in pattern:
        for _ in range(round(seconds / FRAME)):
            t += FRAME
            event = endpointer.process(FRAME, is_speech, reads)
            if event is EndpointEvent.CHECK:
                events.append((round(t, 3), str(event)))
                event = endpointer.verdict(p_done, reads)
            if event is not None:
                events.append((round(t, 3), str(event)))
    return events


def model_endpointer(combine: Combine = Combine.MODEL) -> Endpointer:
    return Endpointer(combine=combine, check_s=(0.2,), done_threshold=0.5,
                      unfinished_silence_s=1.5)


@pytest.mark.parametrize(("reads", "ends_after"), [
    (Completeness.QUESTION, 0.3), (Completeness.STATEMENT, 0.5), (Completeness.UNFINISHED, 1.5)])
def test_the_words_alone_are_read_at_the_check(reads: Completeness, ends_after: float) -> None:
    # the caller answers the check with the early transcript's reading, no model
    endpointer = Endpointer(check_s=(0.2,), unfinished_silence_s=1.5)
    events = feed_with_model(endpointer, [(True, 1.0), (False, 2.0)], None, reads)
    assert names(events) == ["speech_started", "paused", "check", "turn_ended"]
    speech_end = round(1.0 / FRAME) * FRAME
    assert ends_after <= events[-1][0] - speech_end + 1e-6 < ends_after + FRAME


def test_the_check_repeats_after_the_rep_goes_on() -> None:
    pattern = [(True, 1.0), (False, 0.8), (True, 1.0), (False, 2.0)]
    events = feed_with_model(Endpointer(check_s=(0.2,)), pattern, None, Completeness.UNFINISHED)
    assert names(events) == ["speech_started", "paused", "check", "resumed", "paused", "check",
                             "turn_ended"]


def test_a_turn_the_model_judges_done_ends_at_the_check() -> None:
    events = feed_with_model(model_endpointer(), [(True, 1.0), (False, 2.0)], p_done=0.9)
    assert names(events) == ["speech_started", "paused", "check", "turn_ended"]
    speech_end = round(1.0 / FRAME) * FRAME
    assert 0.2 <= events[-1][0] - speech_end < 0.2 + FRAME


def test_a_turn_the_model_judges_unfinished_waits_the_long_silence() -> None:
    events = feed_with_model(model_endpointer(), [(True, 1.0), (False, 2.0)], p_done=0.1)
    assert names(events) == ["speech_started", "paused", "check", "turn_ended"]
    speech_end = round(1.0 / FRAME) * FRAME
    assert 1.5 <= events[-1][0] - speech_end < 1.5 + FRAME


def test_an_unfinished_pause_of_0_8_s_is_not_answered_and_the_check_repeats_after_it() -> None:
    pattern = [(True, 1.0), (False, 0.8), (True, 1.0), (False, 2.0)]
    events = feed_with_model(model_endpointer(), pattern, p_done=0.1)
    assert names(events) == ["speech_started", "paused", "check", "resumed", "paused", "check",
                             "turn_ended"]


@pytest.mark.parametrize(("combine", "reads", "p_done", "ends_after"), [
    (Combine.MODEL_AND_TEXT_AT_ONCE, Completeness.STATEMENT, 0.9, 0.2),
    (Combine.MODEL_AND_TEXT_AT_ONCE, Completeness.UNFINISHED, 0.9, 1.5),  # the words veto it
    (Combine.MODEL_AND_TEXT_AT_ONCE, Completeness.QUESTION, 0.1, 1.5),
    (Combine.MODEL_AND_TEXT, Completeness.STATEMENT, 0.9, 0.5),  # room for another sentence
    (Combine.MODEL_AND_TEXT, Completeness.QUESTION, 0.9, 0.3),
    (Combine.MODEL_AND_TEXT, Completeness.UNFINISHED, 0.9, 1.5),
    (Combine.MODEL_AND_TEXT, Completeness.STATEMENT, 0.1, 1.5),  # the model vetoes it
    (Combine.MODEL_OR_TEXT, Completeness.QUESTION, 0.1, 0.3),  # the words alone may end it
    (Combine.MODEL_OR_TEXT, Completeness.UNFINISHED, 0.1, 1.5),
    (Combine.MODEL, Completeness.QUESTION, 0.1, 1.5),  # the words are not read at all
])
def test_model_and_text_combined(combine: Combine, reads: Completeness, p_done: float,
                                 ends_after: float) -> None:
    events = feed_with_model(model_endpointer(combine), [(True, 1.0), (False, 2.0)], p_done,
                             reads)
    assert names(events)[-1] == "turn_ended"
    speech_end = round(1.0 / FRAME) * FRAME
    assert ends_after <= events[-1][0] - speech_end + 1e-6 < ends_after + FRAME


@pytest.mark.parametrize(("reads", "p_done", "ends_after"), [
    (Completeness.STATEMENT, 0.9, 0.5),  # the model is sure: the words' own wait
    (Completeness.QUESTION, 0.9, 0.3),
    (Completeness.STATEMENT, 0.5, 1.0),  # neither sure nor doubtful: somewhat longer
    (Completeness.STATEMENT, 0.1, 1.5),  # the model doubts it: the long silence
    (Completeness.UNFINISHED, 0.95, 1.5),  # the words doubt it: the long silence
])
def test_graded_waits_by_how_sure_the_model_is(reads: Completeness, p_done: float,
                                               ends_after: float) -> None:
    endpointer = Endpointer(combine=Combine.GRADED, check_s=(0.2,), done_threshold=0.8,
                            doubt_threshold=0.3, doubt_silence_s=1.0, unfinished_silence_s=1.5)
    events = feed_with_model(endpointer, [(True, 1.0), (False, 2.0)], p_done, reads)
    assert names(events)[-1] == "turn_ended"
    speech_end = round(1.0 / FRAME) * FRAME
    assert ends_after <= events[-1][0] - speech_end + 1e-6 < ends_after + FRAME
