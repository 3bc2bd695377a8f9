"""One spelling for what a rep said, so move rules match what was meant, not how it was written.

Speech-to-text writes the same words many ways: "um," inside a clause, "like," and "I mean,"
set off by commas, dropped apostrophes ("cant", "well do"), homophones ("wave the fee",
"match there price"), numbers as words or digits. `canonical` lower-cases, drops fillers
together with the commas they leave behind, repairs common recognition slips, expands
contractions and writes every quantity as digits plus a canonical unit (scoring/numbers.py).
See docs/moves.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from scoring.numbers import canonical_quantities

_SOUNDS = r"u+m+|u+h+m*|e+r+m*|e+h+|a+h+|h+m+|m+h*m+"
# Discourse words after which a comma still separates clauses ("No, um, I can't").
_INTERJECTION = re.compile(
    r"\b(?:no|nope|yes|yeah|yep|okay|ok|well|so|look|listen|sure|alright|right|fine|honestly"
    r"|now|see|hey)\s*$"
)
# Hesitation sounds: dropped wherever they are, with the comma they leave.
_SOUND = re.compile(r"(?P<pre>\s*,)?\s*\b(?:" + _SOUNDS + r")\b(?P<post>\s*,)?(?:\s*\.\.\.)?")
# Verbal fillers and parenthetical hedges: dropped only when set off by a comma on each side
# (or at the start/end of a clause), since "like" and "I think" carry meaning elsewhere.
_PAREN_WORDS = (
    r"like|you know|i mean|sort of|kind of|basically|honestly|actually|literally|to be honest"
    r"|i guess|i think|i suppose|i would say|probably|maybe|perhaps|possibly|really|just"
    r"|let me see|let us see|you see|in fact|frankly|look|listen|i don't know|i do not know"
)
_PAREN = re.compile(
    r"(?P<pre>,\s*|^\s*|(?<=[.?!])\s*)\b(?:" + _PAREN_WORDS + r")\b(?P<post>\s*,|\s*(?=[.?!]|$))"
)
# "we can like match it": a filler "like" between a modal or subject and a verb.
_BARE_LIKE = re.compile(
    r"\b(?P<lead>can|could|will|just|we|i|then|maybe|probably|so)\s+like\s+(?!to\b|you\b|that\b"
    r"|this\b|it\b|a\b|the\b)"
)
# Missing apostrophes, as recognition writes them: "cant", "well do it" is ambiguous, left.
_NO_APOSTROPHE = (
    (r"\bcant\b", "can't"), (r"\bwont\b", "won't"), (r"\bdont\b", "don't"),
    (r"\bdoesnt\b", "doesn't"), (r"\bdidnt\b", "didn't"), (r"\bisnt\b", "isn't"),
    (r"\barent\b", "aren't"), (r"\bwouldnt\b", "wouldn't"), (r"\bcouldnt\b", "couldn't"),
    (r"\bshouldnt\b", "shouldn't"), (r"\bim\b", "i'm"), (r"\bive\b", "i've"),
    (r"\bill\b(?= (?:\w+ )?(?:do|give|send|throw|knock|take|match|get|have|email|waive|make"
     r"|see|talk|check|put|add|book|go|be|need|let|call|offer|extend|drop|shoot|include|sort"
     r"|figure|cover|handle|look|bring|set))",
     "i'll"),
    (r"\bthats\b", "that's"), (r"\blets\b", "let's"), (r"\bweve\b", "we've"),
    (r"\btheyre\b", "they're"), (r"\byoure\b", "you're"), (r"\bwhats\b", "what's"),
    (r"\byouve\b", "you've"), (r"\btheyve\b", "they've"), (r"\byoud\b", "you'd"),
    # "fine well guarantee the go live date": "we'll" before a verb of promising or giving
    (r"\bwell\b(?= (?:guarantee|throw|knock|waive|wave|match|honour|honor|freeze|build|include"
     r"|extend|comp|cover)\b)", "we'll"),
    (r"\bheres\b", "here's"), (r"\btheres\b", "there's"), (r"\bwhos\b", "who's"),
    # "hana well put the hole thing on premise": "we'll" before a verb of doing it for them
    (r"\bwell\b(?= (?:put|write|set|install|host|run|sort|wire|hook|plug) (?:the|it|a|that|your"
     r"|everything|you)\b)", "we'll"),
    # "dev were happy to meat the other quote": "we're" before an offer
    (r"(?<!\bthey )(?<!\byou )(?<!\bwho )(?<!\bpeople )(?<!\bcustomers )(?<!\bclients )"
     r"(?<!\bwe )\bwere\b(?= (?:happy|glad|willing|prepared|able) to (?:meet|meat|match|do|give|throw"
     r"|waive|knock|drop|cover|send|offer|extend|take|build|put)\b)", "we're"),
    # "its not really a product thing": "it's" before a negation or an adverb of degree
    (r"\bits\b(?= (?:not|really|fine|okay|ok|no|going|gonna|just)\b)", "it's"),
)
_CONTRACTIONS = (
    (r"\bcan't\b", "can not"), (r"\bcannot\b", "can not"), (r"\bwon't\b", "will not"),
    (r"\bshan't\b", "shall not"), (r"\b(\w+)n't\b", r"\1 not"), (r"\blet's\b", "let us"),
    (r"\b(i|we|you|they|he|she|it|that|there|what|who)'ll\b", r"\1 will"), (r"\bi'm\b", "i am"),
    (r"\b(we|you|they)'re\b", r"\1 are"), (r"\b(i|we|you|they)'ve\b", r"\1 have"),
    (r"\b(i|we|you|they|he|she|that|it)'d\b", r"\1 would"),
    (r"\b(it|that|what|there|here|price|which|who|this|how|where|when|why)'s\b", r"\1 is"),
)
# Recognition slips that change what a rep gave away. Each is bounded by its context so the
# ordinary word stays ("wave goodbye", "ten percent of the budget").
_HOMOPHONES = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"\bwav(e|es|ed|ing)\b(?! (?:goodbye|bye|hello|at|to)\b)(?=(?: [\w-]+){0,3} (?:fee|fees|charge|charges|cost|costs"
         r"|onboarding|setup|installation|training|implementation)\b)",
         r"waiv\1"),
        (r"\b(?:there|they are|they're)\b(?= (?:price|prices|rate|rates|quote|number|offer"
         r"|pricing|deal|discount)\b)", "their"),
        (r"\bhonor", "honour"),
        (r"\bmale(?= (?:you|it|that|them|over|the)\b)", "mail"),
        (r"\b(half an|an|one|a half|an) our\b", r"\1 hour"),
        (r"\bthrough in\b", "throw in"), (r"\bthrew in\b", "threw in"),
        (r"\b(?:to|too)\b(?= (?:percent|per cent|%))", "two"),
        # "we can do to months free": a give-away verb, then "to" where a figure belongs
        (r"\b(do|give|offer|add|throw in)( you)?( the first| the next| an extra)? (?:to|too)\b(?= (?:free |extra )?"
         r"(?:months|weeks|days)\b)", lambda m: f"{m.group(1)}{m.group(2) or ''}{m.group(3) or ''} two"),
        (r"(?<=percent) of\b(?=\s*(?:[,.?!]|$|the (?:price|total|list|quote|bill|invoice"
         # "we do about eighty percent of it really well" is a share
         r"|renewal|contract|licen[cs]e)|(?:it|that)\s*(?:[,.?!]|$)))", " off"),
        (r"\bon boarding\b", "onboarding"),
        # "meat the other quote", "just sign of on the contract", "the hole thing", "right the
        # integration ourselves", "knock a month of"
        (r"\bmeat(?= (?:the|their|that|your|you) (?:other |competitor'?s? )?(?:quote|price|offer"
         r"|number|rate|halfway|in the middle)\b)", "meet"),
        (r"\bsign of\b(?= on\b)", "sign off"), (r"\bhole thing\b", "whole thing"),
        (r"\bright(?= (?:the|a|an|that|your|our) (?:integration|connector|module|code|custom"
         r"|spec|plugin|plug-in|adapter)\b)", "write"),
        (r"\b(months?|weeks?) of(?=\s*(?:[,.?!]|$))", r"\1 off"),
        (r"\b(?:the|a) quarter[- ]hour\b", "15 minutes"), (r"\bset[- ]up\b(?= (?:fee|cost|charge))", "setup"),
        (r"\be-mail", "email"), (r"\bper cent\b", "percent"),
        # "if your interested": "you're" written "your" before an adjective
        (r"\byour(?= (?:interested|keen|happy|free|able|around|busy|okay|ok|sure|comfortable"
         # "before your busy season" stays a possessive
         r"|ready|open)\b(?! (?:season|period|time|week|weeks|month|months|day|days|schedule"
         r"|calendar|team|spell|patch|quarter|year)\b))", "you are"),
        # "is find with me": "fine" heard as "find" only where it can only be "fine"
        (r"\b(is|sounds|works|that is) find(?= (?:with|by|for) (?:me|us)\b)", r"\1 fine"),
        (r"\bfree (?:of|off) charge\b", "free of charge"),
        # "asked for free months" keeps its preposition
        (r"(?<!\bask )(?<!asks )(?<!asked )(?<!asking )(?<!push )(?<!pushed )(?<!pushing )"
         r"(?<!looking )(?<!hoping )(?<!begging )(?<!pressing )(?<!fighting )(?<!\bout )"
         r"\bfor free (months?|weeks?)\b", r"four free \1"),
    )
)


_FIGURE_IS = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fourty|fifty|sixty|ninety|hundred|percent|minutes|months|weeks|days)'s\b")


def _drop_sound(m: re.Match[str]) -> str:
    pre, post = m.group("pre"), m.group("post")
    before = m.string[: m.start()]
    if (pre or post) and _INTERJECTION.search(before):
        return ", "
    if pre and not post and m.end() == len(m.string):
        return ""
    return " "


def _drop_paren(m: re.Match[str]) -> str:
    pre, post = m.group("pre") or "", m.group("post") or ""
    before = m.string[: m.start()]
    at_start = not before.strip() or before.rstrip().endswith((".", "?", "!"))
    if not at_start and "," not in pre:
        return m.group(0)  # "I think we can" keeps its words; only set-off fillers go
    if at_start and "," not in post:
        return m.group(0)  # "Maybe we can" at a sentence start is the sentence itself
    if "," in pre and _INTERJECTION.search(before):
        return ", " if "," in post else pre
    if post.strip() == "" and "," in pre:
        return ""  # "..., I suppose." at the end
    return pre if at_start else " "


def strip_fillers(text: str) -> str:
    """`text` (lower case) without hesitation sounds, set-off fillers or hedges and stutters,
    commas mended."""
    t = _SOUND.sub(_drop_sound, text)
    for _ in range(3):  # nested: "so, like, I mean, we can"
        new = _PAREN.sub(_drop_paren, t)
        if new == t:
            break
        t = new
    t = _BARE_LIKE.sub(lambda m: m.group("lead") + " ", t)
    # a stutter says a word once: "twenty, um, twenty minutes", "i will, i will make it work"
    t = re.sub(r"[ \t]+", " ", t)
    t = re.sub(r"(?<![\w'])([\w']+(?: [\w']+)?)(?:,? \1(?![\w']))+", r"\1", t)
    t = re.sub(r"\s+,", ",", t)
    t = re.sub(r",(\s*,)+", ",", t)
    return re.sub(r"^\s*,\s*|(?<=[.?!])\s*,\s*", " ", t)


_DIGIT = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
# "twenty twenty-eight" is the year 2028 (the stutter rule would fold it to "twenty-eight")
_YEAR = re.compile(r"\btwenty (twenty|thirty)(?:[- ](one|two|three|four|five|six|seven|eight"
                   r"|nine))?\b")


def _year(m: re.Match[str]) -> str:
    return str(2000 + (20 if m.group(1) == "twenty" else 30) + _DIGIT.get(m.group(2) or "", 0))


# Spoken forms recognition writes as said: "gonna" is "going to"
_SPOKEN = ((r"\bgonna\b", "going to"), (r"\bwanna\b", "want to"), (r"\bgotta\b", "got to"))


# Capitalised words that stand alone between a comma and a stop without naming the person
# spoken to ("How about Tuesday, Wednesday?")
_NOT_NAMES = frozenset("""
i ok okay monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december
""".split())


def first_names(people: Sequence[str]) -> tuple[str, ...]:
    """The lower-case first names in `people` ("Marta Kowalski" -> "marta"), sorted, for the
    vocative patterns' cache; words that cannot be a name are skipped."""
    if isinstance(people, str):  # one name, not its letters
        people = (people,)
    names = {str(p).split(" ")[0].lower() for p in people if p}
    return tuple(sorted(n for n in names if re.fullmatch(r"[a-z]{2,}", n)))


@lru_cache(maxsize=64)
def _vocative_patterns(names: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str], str]:
    """(at a sentence's start, inside it, the names as one alternation): the person spoken
    to, set off by a comma."""
    alternation = "|".join(sorted(names, key=len, reverse=True)) or r"(?!x)x"
    start = re.compile(
        r"(?:^|(?<=[.!?:;])\s+)(?:(?P<lead>okay|ok|look|right|so|well|hey|yes|yeah|no|sure|fine"
        r"|honestly|listen|alright|now)[, ]+)?(?:" + alternation + r")(?:,\s*|\s+(?!(?:team|work"
        r"|ops|side|time|resources|folks|guys|environment|servers?)\b))", re.I)
    # ", Sam." is a name wherever a capitalised word stands alone after a comma; "what Marta,"
    inside = re.compile(r",\s*(?P<name>[A-Z][a-z]+|" + alternation + r")(?=\s*(?:[,.!?;:]|$))"
                        r"|(?<=\bwhat) (?P<name2>[A-Z][a-z]+|" + alternation + r"),", re.I)
    return start, inside, alternation


def _drop_vocatives(text: str, people: Sequence[str]) -> str:
    """`text` without the name of the person spoken to ("Dev, I'll ..." -> "I'll ...",
    "Tell you what, Marta, ..." -> "Tell you what, ..."): a name set before a trade ("Marta,
    sign this week and ...") hides the trade's frame."""
    start, inside, alternation = _vocative_patterns(first_names(people))

    def drop_start(m: re.Match[str]) -> str:
        lead = m.group("lead")
        pre = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip())]
        return pre + (lead + ", " if lead else "")

    def drop_inside(m: re.Match[str]) -> str:
        name = m.group("name") or m.group("name2")
        if name.lower() in _NOT_NAMES or not (name[0].isupper() or re.fullmatch(
                alternation, name.lower())):
            return m.group(0)
        return "" if m.group("name") else ","

    return inside.sub(drop_inside, start.sub(drop_start, text))


def canonical(text: str, *, names: bool = False, people: Sequence[str] = ()) -> str:
    """Lower-case text with fillers dropped, slips repaired, contractions expanded and numbers
    as digits plus unit ("Okay, I can, um, do ten per cent" -> "okay, i can do 10 percent").
    The name of the person spoken to is dropped unless `names` (the learned reader was trained
    on text with the names in it): any capitalised word set off by commas, and at a sentence's
    start the first names of `people`, the people on the call ("Marta, sign this week and ...")."""
    t = text if names else _drop_vocatives(text, people)
    t = t.lower().replace("\u2019", "'").replace("\u2018", "'")
    t = _YEAR.sub(_year, t)
    for pat, rep in _SPOKEN:
        t = re.sub(pat, rep, t)
    t = strip_fillers(t)
    for pat, rep in _NO_APOSTROPHE:
        t = re.sub(pat, rep, t)
    for pattern, replacement in _HOMOPHONES:
        t = pattern.sub(replacement, t)
    # "twenty's good", "ten percent's fine": a figure with "is" run into it
    t = _FIGURE_IS.sub(r"\1 is", t)
    t = canonical_quantities(t, keep_free=True)
    for pat, rep in _CONTRACTIONS:
        t = re.sub(pat, rep, t)
    return re.sub(r"\s+", " ", t).strip()
