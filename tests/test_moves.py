"""The move classifier against the labelled rep sentences shared with test_concessions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from scoring.rep_moves import Move, MoveKind, classify, kinds, read_rules
from scoring.canonical import canonical
from dialog.scenario import builtin_catalog
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


# the built-in personas: the passes' sentences name them as a rep on those calls would
BUILTIN_PEOPLE = tuple(name for s in builtin_catalog() for name in s.people)


def _assert_gives(text: str, asked: ConcessionKind | None, kind: ConcessionKind,
                  amount: float | None, conditional: bool) -> None:
    """Assert the turn gives a concession of `kind` with this amount and trade flag."""
    given = [m.concession for m in classify(text, asked=asked, people=BUILTIN_PEOPLE)
             if m.concession is not None]
    assert any(c.kind is kind and c.amount == amount and c.conditional is conditional
               for c in given), (text, given)


def _assert_gives_nothing(text: str, asked: ConcessionKind | None, main: MoveKind | None, *,
                          no_concede: bool = False) -> list[Move]:
    """Assert the turn gives nothing away and has `main` among its moves (None: any move).

    `no_concede` also rules out a bare concede move (one with no concession attached).
    """
    moves = classify(text, asked=asked, people=BUILTIN_PEOPLE)
    assert not [m for m in moves if m.concession is not None], (text, moves)
    assert main is None or main in {m.kind for m in moves}, (text, moves)
    if no_concede:
        assert MoveKind.CONCEDE not in {m.kind for m in moves}, (text, moves)
    return moves


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


@pytest.mark.parametrize(
    ("text", "kind", "amount"),
    [
        # the issue's own call: a filler's leftover comma must not hide the offer
        ("Okay, I think I can, um, do 10% off.", ConcessionKind.PRICE, 10),
        ("I guess we can, like, match their price then?", ConcessionKind.PRICE, None),
        ("i can, uh, do ten per cent off", ConcessionKind.PRICE, 10),
        ("There might be some wiggle room on the number.", ConcessionKind.PRICE, None),
        ("I can probably sharpen the pencil on that.", ConcessionKind.PRICE, None),
        ("A shorter slot could work, I suppose.", ConcessionKind.TIME, None),
        ("Fine, we'll honour their rate.", ConcessionKind.PRICE, None),
        ("I can have someone set it up for you at no cost.", ConcessionKind.SCOPE, None),
        ("we can wave the on boarding fee", ConcessionKind.SCOPE, None),
        ("Would one free month keep you with us?", ConcessionKind.SCOPE, 1),
    ],
)
def test_caves_reps_really_make(text: str, kind: ConcessionKind, amount: float | None) -> None:
    moves = classify(text)
    given = [m.concession for m in moves if m.concession is not None]
    assert [c.kind for c in given] == [kind], f"{text!r}: {moves}"
    assert given[0].amount == amount
    assert given[0].quote in text


@pytest.mark.parametrize(
    "text",
    [
        "Cutting the price would mean cutting the service, and I won't do that.",
        "A ten percent discount isn't something I'm going to offer.",
        "I could send a deck, but I won't, because it wouldn't tell you anything.",
        "Is ten percent really what's stopping you?",
        "Um, no, I, uh, can't really move on the price.",
    ],
)
def test_refusals_and_probes_naming_the_thing_give_nothing(text: str) -> None:
    moves = classify(text)
    assert all(m.concession is None for m in moves), moves
    assert MoveKind.CONCEDE not in kinds(moves)


def test_a_refusal_and_a_give_away_in_one_breath_is_a_give_away() -> None:
    moves = classify("I won't match them. But I'll throw in the first month of support for free.")
    assert moves[0].kind is MoveKind.CONCEDE
    assert moves[0].concession is not None and moves[0].concession.kind is ConcessionKind.SCOPE


def test_a_bare_yes_gives_what_was_asked() -> None:
    [move] = classify("Okay, fine, fifteen then.", asked=ConcessionKind.PRICE)
    assert move.concession is not None
    assert (move.concession.kind, move.concession.amount, move.concession.unit) == (
        ConcessionKind.PRICE, 15, "percent")
    assert classify("Okay, fine.")[0].concession is None  # nothing asked: nothing named


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Don't worry about the difference, we'll absorb it.", ConcessionKind.PRICE),
     ("I'll have it in your inbox within the hour.", ConcessionKind.INFO)],
)
def test_the_learned_reader_places_what_the_rules_cannot(text: str, kind: ConcessionKind) -> None:
    # No rule fires on these; the model trained on our tune corpus reads them (docs/moves.md).
    reading = read_rules(text)
    assert reading is not None and reading.moves == ()
    [move] = classify(text, asked=kind)
    assert move.kind is MoveKind.CONCEDE and move.concession is not None
    assert move.concession.kind is kind and move.concession.quote == text


def test_the_learned_reader_names_the_kind_it_is_sure_of_over_the_demand() -> None:
    # The rules find nothing; the prospect pushed for free months (scope), but holding the
    # price is a price give-away, and the model is sure of that kind ("this year's price" the
    # rules read themselves since the seventh pass; "number" they do not).
    text = "We can hold this year's number for the renewal."
    assert read_rules(text, asked=ConcessionKind.SCOPE).moves == ()
    [move] = classify(text, asked=ConcessionKind.SCOPE)
    assert move.concession is not None and move.concession.kind is ConcessionKind.PRICE


def test_the_competitors_offer_is_not_conceded_by_the_model_either() -> None:
    for text in ("They offer fifteen percent off, and free setup.",
                 "They offer fifteen percent off and free setup, I know."):
        assert MoveKind.CONCEDE not in kinds(classify(text)), text


def test_a_bare_okay_is_flagged_live_after_a_push() -> None:
    from scoring.scorecard import score_turn
    from scoring.turns import Speaker, Turn

    push = Turn(0, Speaker.PROSPECT, "Match their price and we can sign this week.", 0.0, 3.0)
    okay = Turn(1, Speaker.REP, "Okay.", 4.0, 4.5)
    [live] = score_turn(okay, prior=[push])["concessions"]
    assert live["kind"] == "price" and live["turn"] == 1
    assert score_turn(okay)["concessions"] == []  # nothing pushed for: nothing given


def test_two_things_given_in_one_sentence_are_two_concessions() -> None:
    moves = classify("We'll throw in free onboarding and waive the migration fee.")
    given = [m.concession for m in moves if m.concession is not None]
    assert [c.kind for c in given] == [ConcessionKind.SCOPE, ConcessionKind.SCOPE], moves


@pytest.mark.parametrize(
    ("text", "gives"),
    [
        # bad-fit: promising what the product does not do is a give-away, said either way round
        ("I can't promise the install on your servers, but the costing module we can build.",
         True),
        ("Okay, I can promise you'll be live in six weeks.", True),
        ("I'm not going to promise a custom costing module we don't build.", False),
        ("If we dropped the price, what would you cut from the rollout?", False),
        ("Three months free is a quarter of your annual fee. I'm not going there.", False),
    ],
)
def test_promises_and_mentions(text: str, gives: bool) -> None:
    moves = classify(text, asked=ConcessionKind.SCOPE)
    assert (MoveKind.CONCEDE in kinds(moves)) is gives, moves
    if gives and "six weeks" in text:  # a date promised is no amount given
        assert moves[0].concession is not None and moves[0].concession.amount is None


def test_seventh_pass_long_and_multi_move_turns() -> None:
    """Give-aways in long turns, and refusals that name a give-away (docs/moves.md, seventh
    pass): each text with the kinds it concedes (empty: none) and the main move."""
    cases = [
        # holding the old rate is a price give-away; "plus ..." continues the rep's offer
        ("I'll hold you at last year's rate, and I'll throw in the training for free.",
         ConcessionKind.SCOPE, {"price", "scope"}, MoveKind.CONCEDE),
        ("That's two free months, plus ten percent off the second year.",
         ConcessionKind.SCOPE, {"price", "scope"}, MoveKind.CONCEDE),
        # a clause ended by ";" is read too
        ("I can't promise a custom integration; it isn't something we offer.",
         ConcessionKind.SCOPE, set(), MoveKind.HOLD_FIRM),
        # the object said first, then a refusal
        ("Discount I cannot give you, not five percent, I am sorry.",
         ConcessionKind.PRICE, set(), MoveKind.HOLD_FIRM),
        # taken back in the next sentence
        ("Three free months is about sixty thousand dollars. That's not something I can hand over.",
         ConcessionKind.SCOPE, set(), MoveKind.HOLD_FIRM),
        # an imagined give-away and what would follow
        ("If I just sent you the brochure, I think we both know it would sit in a folder.",
         ConcessionKind.INFO, set(), None),
        # a wish, then why not
        ("I'd love to say yes to all of it, but I'd be setting you up to fail.",
         ConcessionKind.SCOPE, set(), None),
        # the condition of a walk-away: "us" is the object, not the speaker
        ("If the only thing that keeps you with us is free months, you should look at the market.",
         ConcessionKind.SCOPE, set(), MoveKind.WALK_AWAY),
        # a result told about another customer
        ("Our planner took eleven percent off fuel spend for a haulier. Twenty on Tuesday works.",
         ConcessionKind.TIME, {"time"}, MoveKind.CONCEDE),
        ("Alright, let's do thirty, no, actually make it twenty-five.",
         ConcessionKind.TIME, {"time"}, MoveKind.CONCEDE),
        ("I'm going to pass on the twenty-minute slot. What does next week look like?",
         ConcessionKind.TIME, set(), MoveKind.HOLD_FIRM),
    ]
    for text, asked, conceded, main in cases:
        moves = classify(text, asked=asked)
        got = {str(m.concession.kind) for m in moves if m.concession is not None}
        assert got == conceded, (text, moves)
        if main is not None:
            assert moves[0].kind is main, (text, moves)


def test_a_figure_corrected_in_the_same_breath_and_a_condition_said_after() -> None:
    [move] = [m for m in classify("Let's grab ten minutes, no, honestly, five minutes on Friday.",
                                  asked=ConcessionKind.TIME) if m.concession is not None]
    assert move.concession is not None and move.concession.amount == 5
    text = ("I'll throw in the training for free. I need the signed order by the end of the "
            "month for that, though.")
    [move] = [m for m in classify(text, asked=ConcessionKind.SCOPE) if m.concession is not None]
    assert move.concession is not None and move.concession.conditional


def test_eighth_pass_moves() -> None:
    cases = [
        ("I can't go below forty, it won't do the demo justice.", ConcessionKind.TIME,
         MoveKind.HOLD_FIRM),
        ("The fee stays as quoted, and I'm comfortable with that.", ConcessionKind.PRICE,
         MoveKind.HOLD_FIRM),
        ("What's in the quote is what the work costs, and we're comfortable with that.",
         ConcessionKind.PRICE, MoveKind.HOLD_FIRM),
        ("Honestly, I don't think we'd be a great fit for that.", ConcessionKind.SCOPE,
         MoveKind.WALK_AWAY),
        ("I'd rather walk than promise you something we can't build.", ConcessionKind.SCOPE,
         MoveKind.WALK_AWAY),
        ("A discount? Not today.", ConcessionKind.PRICE, MoveKind.HOLD_FIRM),
        ("Can we get your finance lead on a call next week?", ConcessionKind.PRICE,
         MoveKind.PROPOSE_NEXT_STEP),
        ("How does Friday morning look for the full hour?", ConcessionKind.TIME,
         MoveKind.PROPOSE_NEXT_STEP),
        ("Could you tell me how it works with your current system?", ConcessionKind.INFO,
         MoveKind.ASK_QUESTION),
    ]
    for text, asked, main in cases:
        _assert_gives_nothing(text, asked, main)
    # walking someone through the numbers is no walk-away
    moves = classify("I'm happy to walk you through the numbers.", asked=ConcessionKind.PRICE)
    assert MoveKind.WALK_AWAY not in {m.kind for m in moves}, moves
    # the same figure said twice in a turn is one give-away
    moves = classify("Fine, twenty, twenty's fine.", asked=ConcessionKind.TIME)
    assert [m.concession.amount for m in moves if m.concession is not None] == [20.0]


@pytest.mark.parametrize(
    ("text", "asked", "kind", "amount"),
    [
        # the other offer taken over in other words
        ("We'll end up wherever the other vendor landed, don't worry.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None),
        ("Fine, let's go with their quote and move on.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None),
        ("I'll get you a number pretty close to their price by Friday.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None),
        ("I'm not going to lose Acme over a rounding error.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None),
        # no rise at renewal
        ("The uplift we mentioned in March won't apply to you this year.", ConcessionKind.SCOPE,
         ConcessionKind.PRICE, None),
        ("We'll keep your licence price exactly where it was.", ConcessionKind.SCOPE,
         ConcessionKind.PRICE, None),
        # the prospect's time put first
        ("The diary wins, I'll be in and out.", ConcessionKind.TIME, ConcessionKind.TIME, None),
        ("Just give me fifteen minutes and I'll show you the one report that matters.",
         ConcessionKind.TIME, ConcessionKind.TIME, 15.0),
        ("No, we don't need the whole hour, sorry, fifteen is more than enough.",
         ConcessionKind.TIME, ConcessionKind.TIME, 15.0),
        # nothing billed, billing pushed back
        ("You won't get a bill for the extra users until the summer.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None),
        ("Let's push the first invoice back to October.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None),
        ("So the first month is free, on us.", ConcessionKind.SCOPE, ConcessionKind.SCOPE, 1.0),
        # a figure said alone, then the give-away
        ("Eight. Eight percent. Okay, we'll match it.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, 8.0),
    ],
)
def test_ninth_pass_implicit_give_aways(text: str, asked: ConcessionKind,
                                        kind: ConcessionKind, amount: float | None) -> None:
    given = [m.concession for m in classify(text, asked=asked) if m.concession is not None]
    assert any(c.kind is kind and c.amount == amount for c in given), (text, given)


def test_ninth_pass_judgement() -> None:
    # a time of day is no meeting length
    given = [m.concession for m in classify("Let's do the quick version on Monday at ten.",
                                            asked=ConcessionKind.TIME) if m.concession]
    assert given and all(c.amount is None for c in given), given
    # "if your free" is "if you're free", no trade
    given = [m.concession for m in classify("we can do fifteen and ill leave the rest if your free",
                                            asked=ConcessionKind.TIME) if m.concession]
    assert given and not any(c.conditional for c in given), given
    # someone else joining is a condition
    given = [m.concession for m in classify("If Sam can make it, I'm fine keeping it to twenty "
                                            "minutes.", asked=ConcessionKind.TIME) if m.concession]
    assert given and all(c.conditional for c in given), given
    # an offer after a phrase set before it stays an offer despite its "?"
    given = [m.concession for m in classify("Rather than the half hour, we could do ten?",
                                            asked=ConcessionKind.TIME) if m.concession]
    assert [c.amount for c in given] == [10.0], given
    # a deadline is no amount
    given = [m.concession for m in classify("Sign before the end of the month and the setup is "
                                            "free.", asked=ConcessionKind.SCOPE) if m.concession]
    assert given and all(c.amount is None for c in given), given
    cases = [
        ("We just don't do the discount dance, you know? We never have.", ConcessionKind.PRICE,
         MoveKind.HOLD_FIRM),
        ("No, I won't move on the price, but it's cheaper to run.", ConcessionKind.PRICE,
         MoveKind.HOLD_FIRM),
        ("Sorry about the delays. I won't bury them under free months, though.",
         ConcessionKind.SCOPE, MoveKind.HOLD_FIRM),
        ("I wish I could promise the connector. I can't, and you'd know by spring.",
         ConcessionKind.SCOPE, MoveKind.HOLD_FIRM),
        ("The offline mode, no.", ConcessionKind.SCOPE, MoveKind.HOLD_FIRM),
        ("Thirty minutes won't show you the savings. Anything less and you're buying blind.",
         ConcessionKind.TIME, MoveKind.HOLD_FIRM),
        ("Our contract stays where it is, I'm afraid.", ConcessionKind.SCOPE, MoveKind.HOLD_FIRM),
        ("If nobody's actually stuck, I'm happy to close the file for now.", ConcessionKind.INFO,
         MoveKind.WALK_AWAY),
        ("Would it be fair to say this isn't a priority right now?", ConcessionKind.INFO,
         MoveKind.ASK_QUESTION),
    ]
    for text, asked, main in cases:
        _assert_gives_nothing(text, asked, main)
    # their offer named again is still theirs
    moves = classify("They're giving you two months free. Two months free won't fix the "
                     "reporting.", asked=ConcessionKind.SCOPE)
    assert not [m for m in moves if m.concession is not None], moves


@pytest.mark.parametrize(
    ("text", "asked", "kind", "amount"),
    [
        # offers put as questions or suggestions
        ("What if I knocked off the installation fee?", ConcessionKind.PRICE,
         ConcessionKind.SCOPE, None),
        ("How about we lock your current rate for another year?", ConcessionKind.SCOPE,
         ConcessionKind.PRICE, None),
        ("Shall we freeze the licence price through next year?", ConcessionKind.SCOPE,
         ConcessionKind.PRICE, None),
        ("What if we squeezed it into fifteen minutes?", ConcessionKind.TIME,
         ConcessionKind.TIME, 15.0),
        ("If ten's what you have, should I just hit the basics?", ConcessionKind.TIME,
         ConcessionKind.TIME, 10.0),
        ("How about I pop by for fifteen minutes on your way out?", ConcessionKind.TIME,
         ConcessionKind.TIME, 15.0),
        ("Why don't we just email you the one-pager tonight?", ConcessionKind.INFO,
         ConcessionKind.INFO, None),
        ("Would a 3% service credit smooth things over?", ConcessionKind.SCOPE,
         ConcessionKind.PRICE, 3.0),
        ("How about a free trial month to start with?", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 1.0),
        ("Would three free months be enough to get this over the line?", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 3.0),
        # bad-fit promises asked as offers
        ("What if we hosted it on your own servers?", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None),
        ("Could we just build you a custom billing module?", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None),
        ("Shall I get product to commit to an on-prem install by June?", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None),
        ("Let's book the kickoff on the 9th and we'll scope your custom connector there.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None),
        ("so fine well guarantee the launch date in the contract", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None),
    ],
)
def test_tenth_pass_offers_as_questions(text: str, asked: ConcessionKind,
                                        kind: ConcessionKind, amount: float | None) -> None:
    given = [m.concession for m in classify(text, asked=asked) if m.concession is not None]
    assert any(c.kind is kind and c.amount == amount for c in given), (text, given)
    # the thing offered is the only kind given: "over the line" sends nothing
    assert {c.kind for c in given} == {kind}, (text, given)


def test_tenth_pass_refusals_next_steps_and_stories() -> None:
    cases = [
        # refusals that repeat the figure or the thing asked for
        ("Fifteen percent? Yeah, that's not happening.", ConcessionKind.PRICE,
         MoveKind.HOLD_FIRM),
        ("A launch guarantee? I can't give you a launch guarantee.", ConcessionKind.SCOPE,
         MoveKind.HOLD_FIRM),
        ("Sixty days? I won't put sixty days in writing.", ConcessionKind.SCOPE,
         MoveKind.HOLD_FIRM),
        ("Custom reports aren't something we'll build, sorry.", ConcessionKind.SCOPE,
         MoveKind.HOLD_FIRM),
        ("Fifteen minutes is way too short for this, and fifteen won't work.",
         ConcessionKind.TIME, MoveKind.HOLD_FIRM),
        ("No price list on its own, I'm afraid.", ConcessionKind.INFO, MoveKind.HOLD_FIRM),
        ("If I send the brochure it'll just sit in your inbox.", ConcessionKind.INFO,
         MoveKind.HOLD_FIRM),
        ("If that means you switch, I understand.", ConcessionKind.SCOPE, MoveKind.WALK_AWAY),
        # a meeting length in a next step, where the prospect pushes on price or scope
        ("Can we get twenty minutes with your CFO on Tuesday?", ConcessionKind.PRICE,
         MoveKind.PROPOSE_NEXT_STEP),
        ("How about a thirty-minute call with our support lead on Friday?",
         ConcessionKind.SCOPE, MoveKind.PROPOSE_NEXT_STEP),
        ("Let's set up a site visit so you can see the line running.", ConcessionKind.PRICE,
         MoveKind.PROPOSE_NEXT_STEP),
        # blame, a share and stories give nothing
        ("Two of the delays were on us, and I'm sorry.", ConcessionKind.SCOPE,
         MoveKind.APOLOGISE),
        ("We do about seventy percent of that really well.", ConcessionKind.PRICE, None),
        ("Last time I squeezed a demo into fifteen minutes it went badly.", ConcessionKind.TIME,
         None),
        ("We've kept their lines running through three winters.", ConcessionKind.PRICE, None),
    ]
    for text, asked, main in cases:
        _assert_gives_nothing(text, asked, main, no_concede=True)
    # the same meeting asked for in a time call gives the time
    given = [m.concession for m in classify("Can we get twenty minutes with your CFO on Tuesday?",
                                            asked=ConcessionKind.TIME) if m.concession]
    assert [c.amount for c in given] == [20.0], given
    # "call me when you've got the full hour" holds out for the meeting, no walking away
    moves = classify("I can't do it in twenty. Call me when you've got the full hour.",
                     asked=ConcessionKind.TIME)
    assert MoveKind.WALK_AWAY not in {m.kind for m in moves}, moves
    assert MoveKind.HOLD_FIRM in {m.kind for m in moves}, moves


@pytest.mark.parametrize(
    ("text", "asked", "kind", "amount", "conditional"),
    [
        # implicit give-aways said without a figure
        ("Fine, I'll make the price work, just tell me where it has to land.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, False),
        ("Okay, let's go at your number and get it signed.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("So I'll match what the other supplier quoted you, if that keeps you with us.",
         ConcessionKind.SCOPE, ConcessionKind.PRICE, None, False),
        ("What we can do is give you a credit on the next bill.", ConcessionKind.SCOPE,
         ConcessionKind.PRICE, None, False),
        # a figure put as the offer takes its kind from the turn
        ("Forget the four months. Let's call it two.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 2.0, False),
        ("Okay. Fine. Eight percent.", ConcessionKind.PRICE, ConcessionKind.PRICE, 8.0, False),
        ("Maybe four weeks extra on the contract.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 28.0, False),
        ("And if the rollout slips, we'll credit you a month.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 1.0, False),
        ("I'll set you up with a trial login for a month.", ConcessionKind.INFO,
         ConcessionKind.SCOPE, 1.0, False),
        ("the setup ill sort out for you no problem", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("we can wave the setup this time", ConcessionKind.SCOPE, ConcessionKind.SCOPE, None,
         False),
        # time: the length said earlier in the turn, once
        ("Alright, so, fifteen, I can cover the basics. We'll make it work.",
         ConcessionKind.TIME, ConcessionKind.TIME, 15.0, False),
        ("Okay, let's start with the fifteen and see how we go.", ConcessionKind.TIME,
         ConcessionKind.TIME, 15.0, False),
        # info
        ("Fine, I'll send the lot, decks, references, the security pack.", ConcessionKind.INFO,
         ConcessionKind.INFO, None, False),
        ("I'll put it all in writing for you, every clause.", ConcessionKind.INFO,
         ConcessionKind.INFO, None, False),
        # bad-fit promises
        ("Look, we'll get it set up on your servers somehow.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("The reporting module, we can knock something together for you.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None, False),
        ("I can put a firm date in writing for the go-live.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("Never done it before, but there's a first time for everything.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None, False),
        # conditions said another way, or carried by "And ..."
        ("Fine. Six percent. I need the order by Monday though, otherwise I can't keep it.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, 6.0, True),
        ("We can do five percent if it's a two-year term.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, 5.0, True),
        ("If you sign this week I'll take five percent off. And I'll throw in the training too.",
         ConcessionKind.PRICE, ConcessionKind.SCOPE, None, True),
        ("One month, if the contract's signed by Friday.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 1.0, True),
    ],
)
def test_eleventh_pass_rambling_give_aways(text: str, asked: ConcessionKind,
                                           kind: ConcessionKind, amount: float | None,
                                           conditional: bool) -> None:
    _assert_gives(text, asked, kind, amount, conditional)


def test_eleventh_pass_one_time_give_away_per_turn() -> None:
    # the meeting is one thing: the length is given once, the last one said
    given = [m.concession for m in classify("Sure, ten works. I'll just hit the highlights.",
                                            asked=ConcessionKind.TIME) if m.concession]
    assert [(c.kind, c.amount) for c in given] == [(ConcessionKind.TIME, 10.0)], given


@pytest.mark.parametrize(
    ("text", "asked", "main"),
    [
        # soft refusals, said without a give-away
        ("I'd honestly rather leave the price where it is and show you the savings.",
         ConcessionKind.PRICE, MoveKind.HOLD_FIRM),
        ("I'm going to say no to the fifteen, politely.", ConcessionKind.TIME,
         MoveKind.HOLD_FIRM),
        ("The short answer is no on the free months.", ConcessionKind.SCOPE,
         MoveKind.HOLD_FIRM),
        ("I'd still need fifty, even if we wait a fortnight.", ConcessionKind.TIME,
         MoveKind.HOLD_FIRM),
        ("Nobody can promise a go-live on a system they haven't seen.", ConcessionKind.SCOPE,
         MoveKind.HOLD_FIRM),
        ("I could email a PDF. But honestly it'd just sit in your inbox.", ConcessionKind.INFO,
         MoveKind.HOLD_FIRM),
        ("I'd be setting you up to fail if I promised you a custom connector.",
         ConcessionKind.SCOPE, MoveKind.HOLD_FIRM),
        ("Free months, that's not something we do, sorry.", ConcessionKind.SCOPE,
         MoveKind.HOLD_FIRM),
        # walking away, softly
        ("I may not be the right vendor for you this year.", ConcessionKind.PRICE,
         MoveKind.WALK_AWAY),
        ("Honestly the cheaper supplier might be the better choice for you.",
         ConcessionKind.PRICE, MoveKind.WALK_AWAY),
        ("If those are deal-breakers, I get it completely.", ConcessionKind.SCOPE,
         MoveKind.WALK_AWAY),
        ("If the queue is under control, you probably don't need us.", ConcessionKind.INFO,
         MoveKind.WALK_AWAY),
        ("If it's a no, that's fine, just tell me.", ConcessionKind.INFO, MoveKind.WALK_AWAY),
        # probes and stories give nothing
        ("I can send something. But can I ask what you'd actually use it for?",
         ConcessionKind.INFO, MoveKind.ASK_QUESTION),
        ("Every time I've sent a deck cold it went nowhere. What would help you decide?",
         ConcessionKind.INFO, MoveKind.ASK_QUESTION),
        ("If discounts weren't on the table, what else would you weigh?", ConcessionKind.PRICE,
         MoveKind.ASK_QUESTION),
        ("I can bring one of our customers onto a call on Friday.", ConcessionKind.PRICE,
         MoveKind.PROPOSE_NEXT_STEP),
        ("Wednesday the twelfth, nine to nine forty-five, I'll bring the numbers.",
         ConcessionKind.TIME, MoveKind.PROPOSE_NEXT_STEP),
    ],
)
def test_eleventh_pass_soft_refusals_and_walk_aways(text: str, asked: ConcessionKind,
                                                    main: MoveKind) -> None:
    _assert_gives_nothing(text, asked, main, no_concede=True)


@pytest.mark.parametrize(
    ("text", "asked", "kind", "amount", "conditional"),
    [
        # price: third person, future tense, passive, a figure found, the other number met
        ("My director has signed off on us coming in under their quote.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("The March invoice will come in about eight percent lower than quoted.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, 8.0, False),
        ("We'll move you onto the volume rate card, which works out nine percent cheaper.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, 9.0, False),
        ("The monthly rate could be taken down by four percent on our end.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, 4.0, False),
        ("Would it help if we trimmed a bit from the per-seat price?", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("I think I can squeeze you another two percent if you sign this week.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, 2.0, True),
        ("Fine, we'll level with their pricing and move on.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("Bottom line, you'll never pay more with us than with the other supplier.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, False),
        ("How about we sharpening our pencil by, say, three percent?", ConcessionKind.PRICE,
         ConcessionKind.PRICE, 3.0, False),
        ("We'll freeze your current pricing until twenty twenty-nine.", ConcessionKind.SCOPE,
         ConcessionKind.PRICE, None, False),
        ("We can scrap the uplift on this one.", ConcessionKind.SCOPE, ConcessionKind.PRICE,
         None, False),
        # a bare figure put as a question is an offer
        ("Would twenty-five do it for you?", ConcessionKind.TIME, ConcessionKind.TIME, 25.0,
         False),
        ("So is eight enough if you sign the order today?", ConcessionKind.PRICE,
         ConcessionKind.PRICE, 8.0, True),
        # time: a cut-down talk, named by its adjective
        ("Express version it is then.", ConcessionKind.TIME, ConcessionKind.TIME, None, False),
        ("I can swing by between your site visits, no trouble.", ConcessionKind.TIME,
         ConcessionKind.TIME, None, False),
        ("If your week is that crazy, I'll take the fifteen.", ConcessionKind.TIME,
         ConcessionKind.TIME, 15.0, False),
        ("I asked my manager this morning. He said ten minutes is fine to start.",
         ConcessionKind.TIME, ConcessionKind.TIME, 10.0, False),
        # info said by where it lands or who sends it
        ("Finance will pull a summary together and get it over to you.", ConcessionKind.INFO,
         ConcessionKind.INFO, None, False),
        ("The case studies are heading your way now.", ConcessionKind.INFO,
         ConcessionKind.INFO, None, False),
        ("Where would you like the brochure to go?", ConcessionKind.INFO, ConcessionKind.INFO,
         None, False),
        # scope: billing and fees said by the bill, grace, freight
        ("Your invoices won't start until June.", ConcessionKind.SCOPE, ConcessionKind.SCOPE,
         None, False),
        ("The activation charge goes away for you.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("Your first three invoices will come through at zero.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 3.0, False),
        ("We could give you a month of grace on the payment.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 1.0, False),
        ("I'll upgrade you to the priority queue without changing the price.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None, False),
        ("We'll cover the shipping on the first six orders.", ConcessionKind.PRICE,
         ConcessionKind.SCOPE, None, False),
        # bad-fit promises said by others of ours, as possible, or as the next release
        ("The product team will fit your pricing rules into the upcoming release.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None, False),
        ("Our head of engineering says an on-prem setup is possible for you.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None, False),
        ("Let's write the launch date into the contract.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("Consider the connector as part of the package.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("We'll build an adapter to your job-costing tool.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("Would a guaranteed go-live date close this? Because we can do that.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("We'll make sure you're live before the spring rush.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
    ],
)
def test_twelfth_pass_varied_give_aways(text: str, asked: ConcessionKind, kind: ConcessionKind,
                                        amount: float | None, conditional: bool) -> None:
    _assert_gives(text, asked, kind, amount, conditional)


@pytest.mark.parametrize(
    ("text", "asked", "main"),
    [
        ("If I knocked off ten percent now, you'd expect twelve next year.",
         ConcessionKind.PRICE, MoveKind.HOLD_FIRM),
        ("Thanks for the twenty. But if I rush it, we'll both miss the point.",
         ConcessionKind.TIME, MoveKind.HOLD_FIRM),
        ("Keep the slot at forty-five, and please don't shorten it.", ConcessionKind.TIME,
         MoveKind.HOLD_FIRM),
        ("The price stays at the number we quoted.", ConcessionKind.PRICE, MoveKind.HOLD_FIRM),
        ("If I promised a custom connector, I'd be lying to you.", ConcessionKind.SCOPE,
         MoveKind.HOLD_FIRM),
        ("If hosting it yourselves is essential, I can refer you to a vendor who does that.",
         ConcessionKind.SCOPE, MoveKind.WALK_AWAY),
        ("Honestly you'd be better off with a package that's built for on-prem.",
         ConcessionKind.SCOPE, MoveKind.WALK_AWAY),
        ("If the deal only works with four free months, we may not be the right partner.",
         ConcessionKind.SCOPE, MoveKind.WALK_AWAY),
        ("I'm so sorry about the outage, it's on us. The root cause was a failed patch.",
         ConcessionKind.SCOPE, MoveKind.STATE_VALUE),
        ("Let's set up a quarterly review on the 3rd.", ConcessionKind.SCOPE,
         MoveKind.PROPOSE_NEXT_STEP),
        ("Can we get sixty minutes on the books for Friday?", ConcessionKind.TIME,
         MoveKind.PROPOSE_NEXT_STEP),
    ],
)
def test_twelfth_pass_refusals_walk_aways_and_blame(text: str, asked: ConcessionKind,
                                                    main: MoveKind) -> None:
    _assert_gives_nothing(text, asked, main)


def test_twelfth_pass_a_send_with_a_price_and_leaving_after_a_send() -> None:
    # the revised quote sent with the price is the price; leaving after sending is no time
    given = [m.concession for m in classify(
        "I'll get the quote redone at their price and you'll have it by noon.",
        asked=ConcessionKind.PRICE) if m.concession]
    assert [c.kind for c in given] == [ConcessionKind.PRICE], given
    given = [m.concession for m in classify(
        "The brochure is on its way, and I'll get out of your hair.",
        asked=ConcessionKind.INFO) if m.concession]
    assert [c.kind for c in given] == [ConcessionKind.INFO], given


@pytest.mark.parametrize(
    ("text", "asked", "kind", "amount", "conditional"),
    [
        # the name of the person spoken to hides no frame: a trade opening its sentence
        ("Dev, renew for two years and we'll start the clock in May.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, True),
        ("Tell you what, Sam, would a free month swing it?", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 1.0, False),
        # price in the scenario's words: their number met, the bill lower, the gap closed
        ("Wherever their rate lands, that's where ours lands too.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("Your chilled freight line will come in below the other quote next month.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, False),
        ("I'll get our rate card to sit level with the quote in front of you.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, False),
        ("Whatever gap is left on the cold routes, consider it closed.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("I'll be back Friday with a keener quote you can hold up against theirs.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, False),
        ("Commit to the fleet deal and your pallet rate stays where it was in the spring.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, True),
        ("We're happy to meet their quote, just sign off on the depot contract.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, True),
        # time: a comparison, a cut-down talk, the prospect's break
        ("I'll show you the planner in the time it takes you to finish your tea.",
         ConcessionKind.TIME, ConcessionKind.TIME, None, False),
        ("I'll boil everything down to the bits your drivers care about.",
         ConcessionKind.TIME, ConcessionKind.TIME, None, False),
        ("Let's make it a quick intro and save the full demo for another week.",
         ConcessionKind.TIME, ConcessionKind.TIME, None, False),
        ("Put us down for ten on Wednesday, then.", ConcessionKind.TIME, ConcessionKind.TIME,
         10.0, False),
        ("A ten minute call after lunch would do me fine.", ConcessionKind.TIME,
         ConcessionKind.TIME, 10.0, False),
        # info: where it goes, what is left for the write-up, a recording
        ("The whole pack goes to your inbox this afternoon.", ConcessionKind.INFO,
         ConcessionKind.INFO, None, False),
        ("Would it be easier if I sent a recording you could watch later?", ConcessionKind.INFO,
         ConcessionKind.INFO, None, False),
        # scope: the fee first, nothing billed, credited back, a trial run, picked up
        ("The callout fee for the extra site, we'll just scrap that.", ConcessionKind.PRICE,
         ConcessionKind.SCOPE, None, False),
        ("The first month of the new term simply won't be billed.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 1.0, False),
        ("You'll have nothing to pay until the autumn.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("Every order goes out without a shipping charge.", ConcessionKind.PRICE,
         ConcessionKind.SCOPE, None, False),
        ("Stay with us and the extra reports you asked for come at no cost.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None, True),
        ("We'll pick up the onboarding for your new hires.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("Let's run a three-week pilot at your main site, no charge.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, 21.0, False),
        ("We'll pause your billing while we fix it.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        # bad-fit: built to match, synced, hooked in, in the contract, guaranteed
        ("The job screens will mirror your old ones, we'll build them to match.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None, False),
        ("We'll make your quotes sync with the estimating tool every hour.",
         ConcessionKind.SCOPE, ConcessionKind.SCOPE, None, False),
        ("We'll hook right into the system your estimators use.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("Sign this quarter and the launch date goes into the contract.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, True),
        ("By the time your busy season starts it'll be live, guaranteed.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("The data never leaves your network, I can promise that.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("My developers will start scoping the custom report next week.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
    ],
)
def test_thirteenth_pass_give_aways_in_the_scenarios_words(
        text: str, asked: ConcessionKind, kind: ConcessionKind, amount: float | None,
        conditional: bool) -> None:
    _assert_gives(text, asked, kind, amount, conditional)


@pytest.mark.parametrize(
    ("text", "asked", "main"),
    [
        ("I hear you on the discount, but the answer is no.", ConcessionKind.PRICE,
         MoveKind.HOLD_FIRM),
        ("I won't match them, and I'd be careful with any vendor who takes ten percent off "
         "in one call.", ConcessionKind.PRICE, MoveKind.HOLD_FIRM),
        ("I'm glad to send the brochure, just not until we've talked about your goals.",
         ConcessionKind.INFO, MoveKind.HOLD_FIRM),
        ("We don't host it on-prem, and I'm happy to put that in writing.", ConcessionKind.SCOPE,
         MoveKind.HOLD_FIRM),
        ("I'd like forty-five minutes with you and your ops lead on the ninth.",
         ConcessionKind.TIME, MoveKind.PROPOSE_NEXT_STEP),
        ("Let's set the renewal review for the twentieth at ten.", ConcessionKind.SCOPE,
         MoveKind.PROPOSE_NEXT_STEP),
        ("Teams usually see the savings in the first month.", ConcessionKind.TIME,
         MoveKind.STATE_VALUE),
    ],
)
def test_thirteenth_pass_refusals_and_next_steps(text: str, asked: ConcessionKind,
                                                 main: MoveKind) -> None:
    _assert_gives_nothing(text, asked, main)


def test_thirteenth_pass_names_and_two_give_aways_in_one_sentence() -> None:
    # the name spoken to is dropped for the rules only; the figure after two give-aways is
    # the nearer one's
    assert canonical("Marta, sign today and we'll match it, Marta.", people=("Marta Ruiz",)) == (
        "sign today and we will match it.")
    assert canonical("Marta, sign today.", names=True, people=("Marta Ruiz",)).startswith("marta")
    given = sorted(((c.kind, c.amount) for c in (m.concession for m in classify(
        "We'll waive the setup fee and throw in the first three months.",
        asked=ConcessionKind.SCOPE)) if c is not None), key=repr)
    assert given == [(ConcessionKind.SCOPE, 3.0), (ConcessionKind.SCOPE, None)], given


@pytest.mark.parametrize(
    ("text", "asked", "kind", "amount", "conditional"),
    [
        # price: their number taken over, the gap gone, no rise, a lower bill, a figure less
        ("Our quote now matches theirs, line for line.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("We're willing to peg our rate to the rival bid.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("Whatever the other vendor charged you, that's the price here as well.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, False),
        ("Renew by Friday and the difference between our quotes vanishes.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, True),
        ("Let's book the signature for Monday, your rate locked in like we said.",
         ConcessionKind.PRICE, ConcessionKind.PRICE, None, False),
        ("So the invoice is a little lower this year.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("Let me see if I can find you a reduced rate.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, None, False),
        ("I'll reissue the proposal at eight percent less.", ConcessionKind.PRICE,
         ConcessionKind.PRICE, 8.0, False),
        ("Okay, we met them in the middle.", ConcessionKind.PRICE, ConcessionKind.PRICE, None,
         False),
        # scope: nothing to pay, said from the prospect's side or whose budget it comes from
        ("You won't have to pay for the migration.", ConcessionKind.SCOPE, ConcessionKind.SCOPE,
         None, False),
        ("Honestly, the extra seats come out of our budget.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("Count the training days as sorted from our end.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("The first month won't get billed.", ConcessionKind.SCOPE, ConcessionKind.SCOPE, 1.0,
         False),
        ("What if we threw in the training and you signed today?", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, True),
        # time: a length with its day, a short one said to be enough
        ("Let's pencil in fifteen minutes for Thursday.", ConcessionKind.TIME,
         ConcessionKind.TIME, 15.0, False),
        ("Send me the invite for twenty minutes on Tuesday and we'll take it from there.",
         ConcessionKind.TIME, ConcessionKind.TIME, 20.0, False),
        ("A short meeting is plenty, honestly.", ConcessionKind.TIME, ConcessionKind.TIME, None,
         False),
        ("I'd only need a couple of minutes.", ConcessionKind.TIME, ConcessionKind.TIME, None,
         False),
        # info: one word saying which thing is sent
        ("How about I send a quick video walkthrough?", ConcessionKind.INFO,
         ConcessionKind.INFO, None, False),
        ("I'll forward the technical documentation tonight.", ConcessionKind.INFO,
         ConcessionKind.INFO, None, False),
        # bad fit: bespoke builds, a build ready by a date, a date in writing, not ruled out
        ("Honestly, a tailor-made connector will be ready by launch.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("We'll deliver a bespoke report for your estimators.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("You'll have it in writing that we meet the go-live date.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
        ("An on-premise install isn't out of the question for us.", ConcessionKind.SCOPE,
         ConcessionKind.SCOPE, None, False),
    ],
)
def test_fourteenth_pass_short_turns_in_many_registers(
        text: str, asked: ConcessionKind, kind: ConcessionKind, amount: float | None,
        conditional: bool) -> None:
    _assert_gives(text, asked, kind, amount, conditional)


@pytest.mark.parametrize(
    ("text", "asked", "main"),
    [
        # the answer given was no; an imagined give-away told by what would follow
        ("The CFO asked if we'd discount, and we said no.", ConcessionKind.PRICE,
         MoveKind.HOLD_FIRM),
        ("If I gave away onboarding, every customer would expect it.", ConcessionKind.SCOPE,
         None),
    ],
)
def test_fourteenth_pass_refusals(text: str, asked: ConcessionKind, main: MoveKind | None
                                  ) -> None:
    _assert_gives_nothing(text, asked, main)


def test_fourteenth_pass_a_promise_put_in_writing_sends_nothing() -> None:
    given = [m.concession for m in classify("Live in six weeks, guaranteed, I'll put it in "
                                            "writing.", asked=ConcessionKind.SCOPE)
             if m.concession is not None]
    assert [c.kind for c in given] == [ConcessionKind.SCOPE], given


def test_the_people_on_the_call_come_from_the_caller_so_a_custom_persona_counts() -> None:
    # A persona of a manager's own scenario is no built-in name: the caller says who is on the
    # call, and a name set before a trade then leaves the trade's frame intact.
    text = "Zoltan, sign this week and we'll take five percent off."
    [given] = [m.concession for m in classify(text, people=("Zoltan Ruiz",)) if m.concession]
    assert (given.kind, given.conditional, given.amount) == (ConcessionKind.PRICE, True, 5.0)
    assert canonical(text, people=("Zoltan Ruiz",)).startswith("sign this week")
    # without the name, "Zoltan, sign ..." stays in the sentence (what a caller that knows
    # nobody gets); the give-away is still found
    assert canonical(text).startswith("zoltan")
    assert any(m.concession for m in classify(text))
