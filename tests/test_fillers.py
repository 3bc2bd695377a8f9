from __future__ import annotations

import pytest

from scoring.fillers import (
    FillerEvent,
    FillerSource,
    detect_fillers,
    merge_events,
    summarize_fillers,
)
from scoring.turns import Speaker, Turn, Word


def rep(text: str, index: int = 0, start: float = 0.0, end: float = 10.0) -> Turn:
    return Turn(index=index, speaker=Speaker.REP, text=text, start=start, end=end)


def words_of(text: str) -> list[str]:
    return [e.word for e in detect_fillers(rep(text))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Um, so the price is fixed.", ["um"]),
        ("Umm... uhh, we could erm do that. Hmm.", ["um", "uh", "er", "hmm"]),
        ("Uhm, ah, mm, that works.", ["um", "ah", "hmm"]),
        ("Er, yes.", ["er"]),
    ],
)
def test_hesitation_spellings_are_canonical(text: str, expected: list[str]) -> None:
    assert words_of(text) == expected


def test_backchannels_are_not_fillers() -> None:
    assert words_of("Uh-huh. Mm-hmm, I see. Uh-uh, not that.") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'd like to book 45 minutes.", []),
        ("It looks like a good fit.", []),
        ("Something like 20 minutes would do.", []),
        ("Would you like a demo?", []),
        ("Like I said, the price holds.", []),
        ("It's a partnership, like a real one.", ["like"]),
        ("It's, like, really the best option.", ["like"]),
        ("Like, we could talk Tuesday.", ["like"]),
        ("I was like, no way.", ["like"]),
        ("We charge like 20 dollars a seat.", ["like"]),
        ("It's like 20 grand a year.", ["like"]),
        ("I really like this plan.", []),
    ],
)
def test_like_only_as_filler(text: str, expected: list[str]) -> None:
    assert words_of(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Do you know who signs off?", []),
        ("You know what, let's book it.", []),
        ("As you know, we ship weekly.", []),
        ("I'll let you know, tomorrow.", []),
        ("You know, the price is fair.", ["you know"]),
        ("It saves hours, you know.", ["you know"]),
        ("We, you know, care about uptime.", ["you know"]),
        ("Do you know the numbers?", []),
    ],
)
def test_you_know(text: str, expected: list[str]) -> None:
    assert words_of(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I mean it.", []),
        ("That's not what I mean.", []),
        ("I mean, the price is fair.", ["i mean"]),
        ("I mean we could start Monday.", ["i mean"]),
        ("It's fast. I mean the setup is fast.", []),
    ],
)
def test_i_mean(text: str, expected: list[str]) -> None:
    assert words_of(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("What kind of discount?", []),
        ("This sort of plan suits you.", []),
        ("It's kind of expensive.", ["kind of"]),
        ("We sort of need the full hour.", ["sort of"]),
        ("It's kinda late.", ["kind of"]),
    ],
)
def test_kind_of_sort_of(text: str, expected: list[str]) -> None:
    assert words_of(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Basically it pays for itself.", ["basically"]),
        ("It is literally the same.", ["literally"]),
        ("Actually, no. The price stands.", []),
        ("We can actually do Tuesday.", []),
        ("We, actually, do this weekly.", ["actually"]),
        ("So what matters most to you?", []),
        ("I think so.", []),
        ("We could do that, so...", ["so"]),
        ("And it's cheaper to run, so", ["so"]),
    ],
)
def test_other_discourse_fillers(text: str, expected: list[str]) -> None:
    assert words_of(text) == expected


def test_events_take_word_timestamps() -> None:
    words = (
        Word(" Um,", 1.0, 1.3),
        Word(" the", 1.5, 1.6),
        Word(" price,", 1.6, 2.0),
        Word(" you", 2.1, 2.2),
        Word(" know,", 2.2, 2.5),
        Word(" holds.", 2.6, 3.0),
    )
    turn = Turn(3, Speaker.REP, "Um, the price, you know, holds.", 1.0, 3.0, words)
    events = detect_fillers(turn)
    assert [(e.word, e.turn, e.start, e.end) for e in events] == [
        ("um", 3, 1.0, 1.3),
        ("you know", 3, 2.1, 2.5),
    ]
    assert all(e.source == FillerSource.TRANSCRIPT for e in events)


def test_events_without_words_are_spread_within_turn() -> None:
    events = detect_fillers(rep("We could, um, start Monday.", start=5.0, end=7.0))
    assert len(events) == 1
    assert 5.0 < events[0].start < events[0].end < 7.0


def test_summary_counts_rep_only_and_rate_per_rep_minute() -> None:
    turns = [
        rep("Um, uh, we can start Monday, um.", 0, 0.0, 30.0),
        Turn(1, Speaker.PROSPECT, "Um, okay, uh, maybe.", 30.0, 40.0),
        rep("Like, it's basically done.", 2, 40.0, 70.0),
    ]
    s = summarize_fillers(turns)
    assert s.total == 5
    assert s.counts == {"um": 2, "basically": 1, "like": 1, "uh": 1}
    assert s.speaking_seconds == pytest.approx(60.0)
    assert s.per_minute == pytest.approx(5.0)
    assert {e.turn for e in s.events} == {0, 2}
    d = s.to_dict()
    assert d["total"] == 5 and d["per_minute"] == 5.0 and len(d["events"]) == 5


def test_summary_of_empty_call_has_no_rate() -> None:
    s = summarize_fillers([])
    assert (s.total, s.per_minute, dict(s.counts)) == (0, 0.0, {})


def test_audio_events_merge_without_double_counting() -> None:
    t = [FillerEvent("um", 0, 1.0, 1.3)]
    a = [
        FillerEvent("um", 0, 1.1, 1.4, FillerSource.AUDIO),  # same sound, already counted
        FillerEvent("uh", 0, 4.0, 4.3, FillerSource.AUDIO),  # no word covers it
    ]
    merged = merge_events(t, a)
    assert [(e.word, e.source) for e in merged] == [
        ("um", FillerSource.TRANSCRIPT),
        ("uh", FillerSource.AUDIO),
    ]
    words = (Word("Um,", 1.0, 1.3), Word("right.", 1.5, 1.8))
    s = summarize_fillers([Turn(0, Speaker.REP, "Um, right.", 0.0, 60.0, words)], a)
    assert s.total == 2 and s.per_minute == pytest.approx(2.0)
    assert s.to_dict()["events"][1]["source"] == "audio"


def test_the_same_hesitation_again_is_one_hesitation() -> None:
    # Whisper writes a sound it is unsure of as "er, er"; different sounds still count apart
    assert words_of("Yeah, so, um, er, er, like, what are they including?") == [
        "um", "er", "like"]
    assert words_of("Um... uhh, we could.") == ["um", "uh"]
    assert words_of("Um, right. Um, okay.") == ["um", "um"]

    timed = (Word("So,", 0.0, 0.2), Word("er,", 0.3, 0.5), Word("er,", 0.6, 0.8),
             Word("fine.", 1.0, 1.3))
    events = detect_fillers(Turn(0, Speaker.REP, "So, er, er, fine.", 0.0, 1.3, timed))
    assert [(e.word, e.start, e.end) for e in events] == [("er", 0.3, 0.8)]
