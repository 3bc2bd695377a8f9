from __future__ import annotations

import pytest

from scoring.metrics import conversation_metrics, interruptions, longest_monologue, rep_questions
from scoring.turns import Speaker, Turn


def rep(i: int, text: str, start: float, end: float) -> Turn:
    return Turn(i, Speaker.REP, text, start, end)


def pro(i: int, text: str, start: float, end: float, cut: bool = False) -> Turn:
    return Turn(i, Speaker.PROSPECT, text, start, end, cut=cut)


def test_talk_ratio_is_rep_share_of_talk_time() -> None:
    m = conversation_metrics([pro(0, "Hi.", 0, 10), rep(1, "Hello there.", 10, 40)])
    assert m.rep_seconds == 30 and m.prospect_seconds == 10
    assert m.talk_ratio == pytest.approx(0.75)
    assert (m.rep_turns, m.prospect_turns, m.rep_words) == (1, 1, 2)


def test_empty_call_metrics_do_not_divide_by_zero() -> None:
    m = conversation_metrics([])
    assert m.talk_ratio is None and m.longest_monologue is None
    d = m.to_dict()
    assert d["questions_asked"] == 0 and d["interruptions"] == 0 and d["talk_ratio"] is None


def test_longest_monologue_bridges_short_backchannels() -> None:
    turns = [
        rep(0, "Part one.", 0, 20),
        pro(1, "Mm-hm.", 20, 20.5),  # under 1 s: does not break the monologue
        rep(2, "Part two.", 20.5, 40),
        pro(3, "I see, tell me more about that.", 40, 45),
        rep(4, "Short.", 45, 50),
    ]
    m = longest_monologue(turns)
    assert m.turns == (0, 2)
    assert m.seconds == pytest.approx(39.5)
    assert (m.start, m.end) == (0, 40)


def test_questions_exclude_tags_and_permission() -> None:
    turns = [
        rep(0, "What's driving the deadline? That's the price, right? Do you sign off?", 0, 9),
        rep(1, "We start Monday, if that's okay? Right? How do you measure it today?", 10, 18),
    ]
    qs = rep_questions(turns)
    assert [q.text for q in qs] == [
        "What's driving the deadline?",
        "Do you sign off?",
        "How do you measure it today?",
    ]
    assert [q.open for q in qs] == [True, False, True]
    assert all(q.start < q.end for q in qs)


def test_prospect_questions_are_not_counted() -> None:
    assert rep_questions([pro(0, "Why should I care?", 0, 2)]) == []


def test_interruptions_from_overlap_and_cut() -> None:
    turns = [
        pro(0, "Let me finish my point about your pricing.", 0.0, 5.0),
        rep(1, "Sure, but...", 4.0, 6.0),  # started 1 s before the prospect ended
        pro(2, "The other vendor offered", 7.0, 9.0, cut=True),  # barge-in stopped TTS
        rep(3, "We're cheaper to run.", 9.1, 11.0),
        pro(4, "Okay.", 12.0, 13.0),
        rep(5, "Great.", 13.5, 14.0),
    ]
    found = interruptions(turns)
    assert [(i.rep_turn, i.prospect_turn) for i in found] == [(1, 0), (3, 2)]
    assert found[0].overlap == pytest.approx(1.0)
    assert conversation_metrics(turns).to_dict()["interruptions"] == 2
