"""The move classifier against the labelled rep sentences shared with test_concessions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from scoring.rep_moves import Move, MoveKind, classify, kinds
from scoring.concessions import ConcessionKind

ITEMS: list[dict] = yaml.safe_load(
    (Path(__file__).parent / "data" / "rep_sentences.yaml").read_text()
)["items"]


def _correct(item: dict) -> bool:
    got = kinds(classify(item["text"]))
    want = set(item["moves"])
    gives = bool(item["concessions"])
    # Every labelled move is found, and "concede" appears exactly when something is given away.
    return want <= got and (MoveKind.CONCEDE in got) == gives


def test_accuracy_on_labelled_sentences() -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for item in ITEMS:
        total[item["category"]] += 1
        if _correct(item):
            right[item["category"]] += 1
        else:
            misses.append(f"{item['text']!r}: got {sorted(kinds(classify(item['text'])))}")
    accuracy = sum(right.values()) / len(ITEMS)
    print(f"\nmove classifier accuracy: {accuracy:.1%} ({sum(right.values())}/{len(ITEMS)})")
    for m in misses:
        print("  miss:", m)
    assert accuracy >= 0.95
    for cat, n in total.items():
        assert right[cat] / n >= 0.75, f"category {cat} mostly wrong"


@pytest.mark.parametrize("text", ["", "   ", "Um, uh...", "..."])
def test_nothing_said_is_unclear(text: str) -> None:
    assert classify(text) == [Move(MoveKind.UNCLEAR)]


def test_concede_carries_the_concession() -> None:
    [move] = [m for m in classify("If you sign today, I can do eight percent.") if m.concession]
    assert move.kind is MoveKind.CONCEDE
    assert move.concession is not None
    assert move.concession.kind is ConcessionKind.PRICE
    assert move.concession.amount == 8
    assert move.concession.conditional


def test_refusal_names_its_topic() -> None:
    [move] = classify("I can't match that.")
    assert move == Move(MoveKind.HOLD_FIRM, topic=ConcessionKind.PRICE)


def test_bare_agreement_concedes_without_a_detected_concession() -> None:
    assert classify("Okay, sounds good.") == [Move(MoveKind.CONCEDE)]
    # ...but not when the same turn holds or books something.
    assert MoveKind.CONCEDE not in kinds(classify("Sounds good, let's book Thursday at 2."))


def test_forty_five_minutes_is_not_a_time_concession() -> None:
    assert all(m.concession is None for m in classify("Forty-five minutes on Thursday works."))
    [move] = classify("Twenty minutes works great.")
    assert move.concession is not None and move.concession.amount == 20


def test_a_turn_can_hold_and_give() -> None:
    got = kinds(classify("I can't go below our price, but I'll add the premium tier for free."))
    assert {MoveKind.HOLD_FIRM, MoveKind.CONCEDE} <= got


def test_moves_come_in_a_stable_order() -> None:
    moves = classify("Our price is our price. What's driving the request?")
    assert [m.kind for m in moves] == sorted((m.kind for m in moves), key=list(MoveKind).index)
