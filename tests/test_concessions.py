"""The shared concession detector against the labelled rep sentences in tests/data/."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from scoring.concessions import Concession, ConcessionKind, detect_concessions, scan_cues
from scoring.numbers import find_quantities, words_to_number

DATA = Path(__file__).parent / "data" / "rep_sentences.yaml"
ITEMS: list[dict] = yaml.safe_load(DATA.read_text())["items"]
HARD_CATEGORIES = (
    "negation", "numbers_in_words", "conditional", "price_question", "info_brushoff",
    "info_next_step", "scope", "time_concession", "time_hold",
)


def _key(c: Concession) -> tuple[str, bool, float | None, str | None]:
    return (c.kind.value, c.conditional, c.amount, c.unit)


def _expected(item: dict) -> list[tuple[str, bool, float | None, str | None]]:
    return [
        (c["kind"], c["conditional"], None if c["amount"] is None else float(c["amount"]), c["unit"])
        for c in item["concessions"]
    ]


def test_labelled_set_is_big_enough() -> None:
    assert len(ITEMS) >= 60
    assert set(HARD_CATEGORIES) <= {i["category"] for i in ITEMS}


def test_accuracy_on_labelled_sentences() -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for item in ITEMS:
        got = [_key(c) for c in detect_concessions(item["text"])]
        total[item["category"]] += 1
        if got == _expected(item):
            right[item["category"]] += 1
        else:
            misses.append(f"{item['text']!r}: got {got}, want {_expected(item)}")
    accuracy = sum(right.values()) / len(ITEMS)
    print(f"\nconcession detector accuracy: {accuracy:.1%} ({sum(right.values())}/{len(ITEMS)})")
    for m in misses:
        print("  miss:", m)
    assert accuracy >= 0.95
    for cat in HARD_CATEGORIES:
        assert right[cat] / total[cat] >= 0.75, f"category {cat} mostly wrong"


def test_quote_is_verbatim_sentence() -> None:
    text = "I hear you. If you sign today, I can do 8%. Does that help?"
    [c] = detect_concessions(text)
    assert c.quote == "If you sign today, I can do 8%."
    assert c.quote in text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I'm not going to discount it.", ConcessionKind.PRICE),
        ("I can't match that.", ConcessionKind.PRICE),
        ("Twenty minutes isn't going to be enough.", ConcessionKind.TIME),
        ("We can't waive the fee.", ConcessionKind.SCOPE),
    ],
)
def test_refusals_are_negated_cues(text: str, kind: ConcessionKind) -> None:
    cues = scan_cues(text)
    assert [c.kind for c in cues] == [kind]
    assert cues[0].negated
    assert detect_concessions(text) == []


def test_meeting_the_needed_time_is_no_concession() -> None:
    assert detect_concessions("Forty-five minutes works.") == []
    assert detect_concessions("Thirty minutes works.", needed_minutes=30) == []
    assert detect_concessions("Thirty minutes works.")[0].amount == 30


def test_empty_and_noise() -> None:
    assert detect_concessions("") == []
    assert detect_concessions("Um. Uh...") == []


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("ten percent", 10, "percent"),
        ("10%", 10, "percent"),
        ("10 per cent", 10, "percent"),
        ("twenty-five minutes", 25, "minutes"),
        ("a hundred and fifty dollars", 150, "dollars"),
        ("$1,500", 1500, "dollars"),
        ("half an hour", 30, "minutes"),
        ("an hour and a half", 90, "minutes"),
        ("two and a half percent", 2.5, "percent"),
        ("two weeks", 14, "days"),
        ("an extra month", 1, "months"),
        ("5k", 5000, "dollars"),
    ],
)
def test_spoken_quantities(text: str, value: float, unit: str) -> None:
    [q] = find_quantities(text)
    assert (q.value, q.unit) == (value, unit)


def test_words_to_number() -> None:
    assert words_to_number("a hundred and fifty") == 150
    assert words_to_number("twenty-five") == 25
    assert words_to_number("forty five") == 45
    assert words_to_number("fifteen") == 15
    assert words_to_number("soon") is None


def test_numbers_do_not_run_across_sentence_ends() -> None:
    said = find_quantities("A hundred and fifty. One thousand two hundred dollars.")
    assert [(q.value, q.unit) for q in said] == [(150, None), (1200, "dollars")]
    assert [q.value for q in find_quantities("Ten. Five thousand users is a lot.")] == [10, 5000]


def test_the_competitors_offer_reported_back_is_no_give_away() -> None:
    for text in ("They offer fifteen percent off, and free setup.",
                 "The other vendor gives fifteen percent off, plus free training."):
        assert detect_concessions(text) == [], text
    # ...but the rep's own offer after theirs still is one.
    [mine] = detect_concessions("They offer fifteen percent, and we can throw in free setup.")
    assert mine.kind is ConcessionKind.SCOPE


def _call(*lines: str) -> list:
    from scoring.turns import Speaker, Turn

    turns = []
    for i, line in enumerate(lines):
        speaker = Speaker.PROSPECT if i % 2 == 0 else Speaker.REP
        turns.append(Turn(i, speaker, line, 5.0 * i, 5.0 * i + 4))
    return turns


def test_a_restated_concession_counts_once_and_a_bigger_one_is_new() -> None:
    from scoring.moves import call_concessions

    turns = _call(
        "Match their price. They're ten percent cheaper.",
        "Okay, I think I can, um, do 10% off.",
        "Ten? Make it fifteen.",
        "Like I said, ten percent off is what I can do.",
        "Fifteen or I walk.",
        "Alright, fifteen percent then.",
    )
    got = [(c.turn, c.kind, c.amount) for c in call_concessions(turns)]
    assert got == [(1, "price", 10.0), (5, "price", 15.0)]


def test_dropping_the_condition_is_a_new_concession() -> None:
    from scoring.moves import call_concessions

    turns = _call(
        "Can you match them?",
        "If you sign by Friday, I can do five percent.",
        "I can't sign by Friday.",
        "Fine, five percent anyway.",
    )
    got = [(c.turn, c.conditional) for c in call_concessions(turns)]
    assert got == [(1, True), (3, False)]


def test_the_scorecard_lists_each_concession_once() -> None:
    from scoring.scorecard import build_scorecard

    turns = _call(
        "The other supplier is ten percent cheaper. Can you match that?",
        "I guess we can, like, match their price then?",
        "So you'll match it?",
        "Yes, we'll match their price.",
    )
    card = build_scorecard(call_id="c", scenario="price-pressure", outcome=None, turns=turns)
    assert [(c["turn"], c["kind"]) for c in card["concessions"]] == [(1, "price")]


def test_a_bare_yes_to_the_prospect_ask_is_scored_as_that_concession() -> None:
    from scoring.moves import call_concessions

    turns = _call("Just send me a brochure and I'll have a look.", "Okay, sure.")
    [c] = call_concessions(turns)
    assert (c.turn, c.kind, c.quote) == (1, "info", "Okay, sure.")


@pytest.mark.parametrize(
    ("text", "canon"),
    [
        ("Okay, I think I can, um, do 10% off.", "okay, i think i can do 10 percent off."),
        ("No, um, I can't.", "no, i can not."),
        ("we can, like, match there price", "we can match their price"),
        ("Would you like to meet?", "would you like to meet?"),
    ],
)
def test_canonical_text_mends_what_fillers_and_slips_leave(text: str, canon: str) -> None:
    from scoring.canonical import canonical

    assert canonical(text) == canon


@pytest.mark.parametrize(("text", "asked", "want"), [
    # a figure corrected in the same breath: the last one said is the offer
    ("We could do ten, well, let's say eight percent.", ConcessionKind.PRICE,
     [("price", False, 8.0, "percent")]),
    ("Let's do it in twenty minutes, or fifteen even.", ConcessionKind.TIME,
     [("time", False, 15.0, "minutes")]),
    # a bare figure takes its kind from the turn, else from what the prospect asked for
    ("Twenty percent? No. Fifteen I can do.", ConcessionKind.PRICE,
     [("price", False, 15.0, "percent")]),
    ("I can't go to twenty. But I could do twelve.", ConcessionKind.PRICE,
     [("price", False, 12.0, "percent")]),
    ("I won't do three months free. I can do one.", ConcessionKind.SCOPE,
     [("scope", False, 1.0, "months")]),
    ("I can do twelve.", ConcessionKind.TIME, [("time", False, 12.0, "minutes")]),
    ("It doesn't need the full forty-five. Twenty's good.", ConcessionKind.TIME,
     [("time", False, 20.0, "minutes")]),
    ("Can't do three. Two?", ConcessionKind.SCOPE, [("scope", False, 2.0, "months")]),
    ("Three months? Yeah, alright.", ConcessionKind.SCOPE, [("scope", False, 3.0, "months")]),
    ("the three months is fine tom we'll make it work", ConcessionKind.SCOPE,
     [("scope", False, 3.0, "months")]),
    ("I can knock the renewal down by ten percent.", ConcessionKind.SCOPE,
     [("price", False, 10.0, "percent")]),
    # two things given in one sentence are two concessions; the fee has no figure of its own
    ("we can do for free months and wave the onboarding fee", ConcessionKind.SCOPE,
     [("scope", False, 4.0, "months"), ("scope", False, None, None)]),
    ("Three months free, on us.", ConcessionKind.SCOPE, [("scope", False, 3.0, "months")]),
    # taken back in the next sentence, off the table, or only named as a condition
    ("Three months free is a quarter of your annual fee. I'm not going there.",
     ConcessionKind.SCOPE, []),
    ("Three free months is off the table.", ConcessionKind.SCOPE, []),
    ("If free months are the only way this renews, then we have to let it go.",
     ConcessionKind.SCOPE, []),
    ("We're okay not doing this deal if the number has to come down.", ConcessionKind.PRICE, []),
    ("If the setup fee is what's in the way, I can waive it.", ConcessionKind.SCOPE,
     [("scope", False, None, None)]),
])
def test_figures_kinds_and_take_backs(text: str, asked: ConcessionKind, want: list) -> None:
    got = sorted(map(_key, detect_concessions(text, asked=asked)), key=repr)
    assert got == sorted(want, key=repr)


def test_two_things_given_in_one_breath_are_both_in_the_scorecard() -> None:
    from scoring.moves import call_concessions

    turns = _call(
        "Give me something or we're leaving.",
        "We'll throw in free onboarding and waive the migration fee.",
        "That's it?",
        "Okay, I'll throw in free onboarding, like I said.",
    )
    got = [(c.turn, c.kind) for c in call_concessions(turns)]
    assert got == [(1, "scope"), (1, "scope")]


@pytest.mark.parametrize(("text", "asked", "want"), [
    # "at no charge" gives, and does not refuse what follows it
    ("I'll do two months at no charge and knock ten percent off year two.", ConcessionKind.SCOPE,
     [("price", False, 10.0, "percent"), ("scope", False, 2.0, "months")]),
    # a figure offered with no verb opens its sentence; with a verb it is a statement
    ("Here's what I'll do. Four percent off the annual rate.", ConcessionKind.PRICE,
     [("price", False, 4.0, "percent")]),
    ("Twenty percent off would put us under water, so no.", ConcessionKind.PRICE, []),
    # the thing given named first, or with a word before it
    ("I'll add the extra seats free.", ConcessionKind.SCOPE, [("scope", False, None, None)]),
    ("I'll set you up with a free fourteen-day pilot.", ConcessionKind.SCOPE,
     [("scope", False, 14.0, "days")]),
    # bad-fit promises: on-prem, "do the integration", "build it for you", an exception
    ("We could do an on-prem install for you.", ConcessionKind.SCOPE,
     [("scope", False, None, None)]),
    ("Sure, we'll do the integration with your ERP.", ConcessionKind.SCOPE,
     [("scope", False, None, None)]),
    ("We don't usually, but we can make an exception for you.", ConcessionKind.SCOPE,
     [("scope", False, None, None)]),
    # a statement that opens with "what I'd suggest" is no question
    ("What I'd suggest is we just take the fifteen minutes.", ConcessionKind.TIME,
     [("time", False, 15.0, "minutes")]),
    ("Fifteen minutes is better than nothing, right?", ConcessionKind.TIME,
     [("time", False, 15.0, "minutes")]),
    ("ten minutes on friday is find with me", ConcessionKind.TIME,
     [("time", False, 10.0, "minutes")]),
    ("We can jump on a quick ten minutes instead.", ConcessionKind.TIME,
     [("time", False, 10.0, "minutes")]),
    ("I'll send the general version tonight.", ConcessionKind.INFO, [("info", False, None, None)]),
    # could, but it would not help; imagined; after the meeting; a doubting question
    ("I could send a deck, but I don't think it would help you.", ConcessionKind.INFO, []),
    ("If I send you a brochure, here's what'll happen: nobody reads it.", ConcessionKind.INFO, []),
    ("I'll send the deck once we've talked properly.", ConcessionKind.INFO, []),
    ("If we gave you two months free, would that really change anything?",
     ConcessionKind.SCOPE, []),
])
def test_fifth_pass_rules(text: str, asked: ConcessionKind, want: list) -> None:
    got = sorted(map(_key, detect_concessions(text, asked=asked)), key=repr)
    assert got == sorted(want, key=repr)


@pytest.mark.parametrize(("text", "asked", "want"), [
    # "oh" opening a turn is no zero (a zero figure refuses)
    ("oh sure, I can email you the overview", ConcessionKind.INFO, [("info", False, None, None)]),
    # promises said object first, a past-tense build offered as a question
    ("The on-prem piece, we'd probably sort that out for you.", ConcessionKind.SCOPE,
     [("scope", False, None, None)]),
    ("What if we built the reporting module for you?", ConcessionKind.SCOPE,
     [("scope", False, None, None)]),
    ("Shall we call it twenty minutes?", ConcessionKind.TIME, [("time", False, 20.0, "minutes")]),
    ("Perhaps we try fifteen minutes and see?", ConcessionKind.TIME,
     [("time", False, 15.0, "minutes")]),
    ("Could we keep you at your current rate?", ConcessionKind.PRICE,
     [("price", False, None, None)]),
    # a limit given with the figure; a figure named and refused
    ("Forty is too long for you, I know. Twenty-five is the most I can cut it to.",
     ConcessionKind.TIME, [("time", False, 25.0, "minutes")]),
    ("Four? No. One, and that's my limit.", ConcessionKind.SCOPE,
     [("scope", False, 1.0, "months")]),
    ("Fifteen percent is off the table.", ConcessionKind.PRICE, []),
    # hedges and doubts
    ("We could look at the pricing a bit, no promises.", ConcessionKind.PRICE,
     [("price", False, None, None)]),
    ("I doubt I could get you any reduction this quarter.", ConcessionKind.PRICE, []),
    ("I could send a summary, but frankly, I'd rather hear what you need first.",
     ConcessionKind.INFO, []),
    # a reason after the give-away is not a refusal of it
    ("I'll take ten percent off since we can't do the custom report.", ConcessionKind.PRICE,
     [("price", False, 10.0, "percent")]),
    # the figure after the clause, or in the next sentence
    ("I can meet you halfway, say six percent.", ConcessionKind.PRICE,
     [("price", False, 6.0, "percent")]),
    ("Okay, I'll sharpen my pencil. Four percent.", ConcessionKind.PRICE,
     [("price", False, 4.0, "percent")]),
    ("Two months, on us.", ConcessionKind.SCOPE, [("scope", False, 2.0, "months")]),
    ("The next quarter is on us.", ConcessionKind.SCOPE, [("scope", False, 3.0, "months")]),
    ("eight, sorry, not eight, six percent off if we get the order this week",
     ConcessionKind.PRICE, [("price", True, 6.0, "percent")]),
    ("I could give you to months free", ConcessionKind.SCOPE, [("scope", False, 2.0, "months")]),
    # one give-away, not a second one from the condition's term
    ("We could do the training at no charge if you sign for two years?", ConcessionKind.SCOPE,
     [("scope", True, None, None)]),
])
def test_eighth_pass_rules(text: str, asked: ConcessionKind, want: list) -> None:
    got = sorted(map(_key, detect_concessions(text, asked=asked)), key=repr)
    assert got == sorted(want, key=repr)
