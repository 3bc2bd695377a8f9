"""Concessions in a rep's words: price, time, info and scope give-aways.

One rule-based implementation shared by the dialog engine (to react to a cave) and the scorer
(to count what was given away). The pipeline per sentence:

1. canonicalise (scoring/canonical.py): fillers dropped with their commas, slips mended,
   contractions expanded, numbers to digits + unit;
2. find *cues*: regex patterns per kind (scoring/cue_patterns.py) that fire on both "I'll match
   it" and "I won't match it";
3. judge each cue: negated (a negation word in the same clause), merely asked about (a question
   that is not itself an offer), said about someone else ("they discount"), or conditional
   (a trade: "if you sign today").

`scan_cues` returns every cue with those judgements, so the move classifier can read negated
cues as the rep holding firm; `detect_concessions` returns only the real give-aways.

Over the ~400-line aim on purpose: the four judgements share the sentence and clause helpers
and the vocabulary above them, and each is a few regexes read in the order `scan_cues` applies
them; the cue patterns themselves are apart (scoring/cue_patterns.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.canonical import canonical
from scoring.cue_patterns import ACCEPT as _ACCEPT
from scoring.cue_patterns import DAY
from scoring.cue_patterns import N as _N
from scoring.cue_patterns import PATTERNS, ConcessionKind


@dataclass(frozen=True)
class Concession:
    """Something the rep gave away; `quote` is the sentence that carries it, verbatim."""

    kind: ConcessionKind
    conditional: bool  # a trade: "if you sign today, I can ..."
    amount: float | None  # 10 for "ten percent", 20 for "twenty minutes"
    unit: str | None  # "percent" | "minutes" | "dollars" | "months" | "days" | None
    quote: str


@dataclass(frozen=True)
class ConcessionCue:
    """A pattern hit before judgement; `negated` cues are refusals ("I can't match that")."""

    kind: ConcessionKind
    negated: bool
    question: bool  # inside a question that only asks about it
    conditional: bool
    amount: float | None
    unit: str | None
    quote: str
    theirs: bool = False  # said of someone else's offer ("they offer 15% off, and free setup")

    @property
    def is_concession(self) -> bool:
        return not self.negated and not self.question and not self.theirs


# --- shared vocabulary ------------------------------------------------------------------------

_ME = (r"\b(?:i|we|us|let us|let me|me|our|my|happy to|glad to|consider it)\b"
       # our own side named in the third person: "marketing will put a pack together", "the
       # roadmap team will slot it in"
       r"|(?<!your )\b(?:marketing|finance|engineering|the (?:roadmap|product|dev|development"
       r"|engineering|implementation|services|onboarding|support|marketing|finance|tech"
       r"|technical|solutions) (?:team|folks|people|guys))\b")
_THIRD_PARTY = (r"\b(?:other|cheaper|current|existing) (?:vendor|supplier|provider|company|firm"
                r"|guys|quote)s?\b")
# A third party or the prospect as the subject before the cue: "they discount", "you want 10%".
_OTHER = (
    r"\b(?:they|he|she|their|competitor|competitors|them)\b|" + _THIRD_PARTY
    + r"|\byou (?:want(?! me to)|wanted|need|are asking|asked|mention|mentioned|said|say(?! to)"
    r"|would like|expect"
    r"|are looking|were hoping|hope|think|got|get|have|had|can get|could get|are getting)\b"
    # other customers in a rep's story: "a few customers have asked for free months"
    r"|\b(?:customers|clients|companies|accounts|others|the ones)\b(?: \w+){0,3}"
    r" (?:asked|ask|wanted|want|got|get|were given|received|pushed)\b"
    # "I'd be wary of any supplier who knocks ten percent off": someone else, described
    r"|\b(?:any|a|another|some) (?:supplier|vendor|provider|company|rep|salesperson|seller)s?"
    r" (?:who|that)\b|\b(?:anyone|anybody|whoever) (?:who|that)\b"
    # "whenever someone asks me to send information": a request reported
    r"|\b(?:someone|somebody|anyone|people|everyone|everybody) (?:asks|asked|wants|wanted)"
    r" (?:me|us) to\b"
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|none|nobody|no one|nor|neither|without|unable|refuse|refusing"
    r"|rather than"
    r"|instead of|no way|hardly|rather|sooner|push back|doubt)\b"
    r"|\b(?:is|are|stays|stay|remains|remain) off the table\b|\b0 +(?=[a-z])(?!out\b)"
)
# A refusal after the offer in the same sentence: "I could send a deck, but I won't".
_LATER_REFUSAL = re.compile(
    r"\b(?:i|we) (?:will|would|can|am|are) not(?: (?:going|willing|prepared|about) to)?"
    r"(?: do (?:that|it|this|so)(?: to you)?)?(?:\W*$|,)|\bnot (?:something|what) (?:i"
    r"|we) (?:will|would"
    r"|can|are going to|am going to|do|offer)\b|\bnot (?:a chance|happening|on the table)\b"
    # "I'm happy to send information, just not before I know what you'd do with it"
    r"|^\W*(?:just |but |only )?not (?:before|until|till|unless|yet)\b"
    # "my boss asked whether we'd match them, and I told him no": the answer given was no
    r"|\b(?:i|we) (?:told (?:him|her|them|you|the \w+)|said) no\b"
)
# Phrases that contain a negation word but agree ("no problem, I'll match it").
_FALSE_NEGATIONS = re.compile(
    r"\b(?:no problem|not a problem|no worries|why not|no doubt|do not worry|not only"
    r"|no-brainer|no brainer|if not|no promises|not promising anything|no ifs(?:,? (?:ands )?or buts)?"
    # "why don't I just pop the brochure in the post?": a suggestion, not a refusal
    r"|why (?:do not|not) (?:i|we))\b"
    # a give-away said with "no" in it: "two months at no charge and knock ten percent off"
    r"|\b(?:at|for|with) no (?:extra |additional )?(?:cost|charge)\b"
    # a double negative allows it; a limit after the figure still gives the figure
    r"|\bnot (?:impossible|out of the question|unthinkable)\b|\bbetter than (?:nothing|none)\b"
    r"|\b(?:and|but) (?:not (?:a|one) (?:point|penny|cent|dollar|minute|day|percent) |no )"
    r"(?:more|further|lower|longer)\b"
)
_CLAUSE_BREAK = re.compile(
    r"\s*[,;:\u2014]\s*|\s+-\s+|\s+(?=(?:but|though|although|however|so|if|unless|as long as"
    r"|provided|and (?:i|we))\b)"
)
_QUESTION_START = re.compile(
    r"^(?:(?:would|could|can|do|does|did|is|are|was|have|has|will|should)\s+"
    r"(?:you|it|that|this|there|price|the|your|we|i|a|an|\d)\b|(?:what|why|how|which|who|where"
    r"|when)\b(?! (?:i|we) (?:can|could|will|would) (?:do|offer)))"
)
# Questions that are offers: "how about 10%?", "what if I threw in onboarding?".
_OFFER_QUESTION = re.compile(
    r"\b(?:how about|what about|what if (?:i|we)|(?:would|does|will|could) (?:it|that) help if (?:i|we)"
    # "would it be easier if I sent ...", "would it make your life easier if I locked ..."
    r"|(?:would|does|will|could) (?:it|that) (?:be easier|be better|suit you|make (?:it|things"
    r"|life|your life|your job) easier) if (?:i|we)"
    r"|(?:can|could|may) (?:i|we) offer|(?:where|what) (?:should|can|do) (?:i|we) send"
    r"|what is (?:your|the best) email|if (?:i|we) (?:can |could |were to )?(?:give|gave|take"
    r"|took|knock|knocked|throw|threw|match|matched|do|did|waive|waived|offer|offered|include"
    r"|included|extend|extended|drop|dropped|cut|lower|lowered))\b"
    r"|^(?:so )?would (?:a |an )?(?:" + _N + r" (?:percent|dollars|minutes|months)|(?:quick|short"
    r"|shorter|free)\b)"
    r"|\b(?:could|can|shall|should) (?:i|we) (?:just )?(?:do|send|email|make it|keep it|give"
    r"|throw|knock|take|match|waive|extend|call it|hold|try)\b"
    # "Maybe we try half an hour and see?": a suggestion with a question mark
    r"|^(?:maybe|perhaps) (?:i|we) (?:just )?(?:try|do|go with|call it|make it|keep it|say)\b"
    # "Would ten percent get this done?", "Could you live with five?": offers put as questions;
    # "Do you want...", "Would you need..." explore the demand instead.
    r"|^how (?:does|would|do) (?:a |an )?" + _N + r" (?:percent|dollars|minutes|months)"
    r"|^(?:do you )?want me to\b|\bhow would you feel about\b|\b(?:would|are) you (?:be )?open to\b"
    r"|\bwhat would you say to\b|^(?:so )?is (?:a |an )?[^?]*\b(?:enough to|something that would"
    r"|something you could|going to get)\b"
    r"|^(?:so |and |okay |ok |well |then |tell you what,? |look,? )?(?:would|could|can|will|does"
    r"|might)"
    r" (?!you (?:need|want|really|actually|expect|think|have|like|be|mind|say)\b)"
    r"|\bif (?:i|we) (?:\w+ )?(?:could|can|were to|did|went|came|threw|knocked|matched|gave)\b"
    # "..., would that help?", "would a guaranteed March go-live do it?": the offer before it
    # or inside it asked as whether it would do; "why don't I ...", "shall I ..." suggest it
    r"|, (?:would|will|could|does|can|is) (?:that|it|this) (?:help|work|do it|do the trick|close"
    r"|get|make|be enough|sort|swing|change|tip|move)\b"
    r"|(?:^|, )(?:so )?would (?:a|an|the)\b[^?]*\b(?:do it|do the trick|help|work|get (?:this"
    r"|it|us|you)|be enough|close|swing|tip|make the difference)\b"
    r"|\bwhy (?:do not|not) (?:i|we)\b|\b(?:shall|should) (?:i|we)\b"
    # "Is five enough if you sign today?", "where should the materials go?"
    r"|^(?:(?:so|and|then|okay|ok|well),? )?is (?:a |an |the |just )?" + _N
    + r"(?: (?:percent|minutes|months|days|dollars))? enough\b"
    r"|\bwhere (?:should|shall|do you want|would you like|can) (?:the|those|these|it|them)\b"
)
CONDITION = re.compile(
    r"\bif (?:you|your \w+)\b(?! (?:want|like|would like|insist|need|prefer|wish|ask|are asking"
    r"|are interested|are (?:free|around|available|happy|keen|okay|ok|comfortable|ready|open)\b"
    # "if you can only do fifteen": what the prospect has, not a trade
    r"|(?:can|could) only|only (?:have|got|can)|have only|have got only|are only|do not have"
    r"|have any|have questions|think"
    # "if your calendar's that packed": a state, not a trade
    r"|(?:is|are|'s) (?:that|so|really|too|very|pretty|this|already|completely|totally) \w+))|\bas long as\b|\bso long as\b|\bprovided\b|\bproviding\b"
    r"|\bin exchange\b|\bin return\b|\bon (?:the )?condition\b|\bonly if\b|\bassuming you\b"
    # "if Ray can join, I'm happy to keep it to the half hour"
    r"|\bif (?:[a-z]+|your \w+) (?:can|could|will) (?:join|attend|make it|be there|come|sit in)\b"
    r"|(?<!see )(?<!check )\bif (?:we|i) (?:can|could) (?:lock|sign|get (?:a |an |your |you to )?"
    r"(?:commitment|signature|signed|sign|commit|\d+|annual|multi))\b"
    r"|\bif (?:we|i) (?:get|have|receive) (?:the|a|your) (?:po|purchase order|order|signature"
    r"|signed|contract|commitment)\b"
    r"|\bwould you (?:sign|commit|agree|buy|move forward|go ahead|switch|renew|stay|extend)\b"
    r"|\byou (?:sign|commit|agree|prepay|pay|renew|give (?:us|me)|introduce|bring)\b[^.]*\band"
    r" (?:i|we) (?:will|can)\b"
    r"|^(?:tell you what,? |look,? |okay,? |ok,? )?(?:sign|commit|give me(?! \d+ minutes)|tell me"
    r"|put pen to paper"
    r"|promise|send (?:me|us) (?:the|your) (?:signed|signature|order|contract|paperwork)"
    r"|get me|agree|introduce me|bring|book|prepay|pay|renew|lock in|take the"
    # "stay with us and the sandbox comes at no cost"
    # "book me the half hour and we'll go from there" is a next step, not a trade
    r"|stay(?: with us| on)?|stick with us)\b[^.?!]*\band\b(?! (?:then )?(?:we will|we can|let us"
    r"|i will) (?:go|take it|see|talk|pick it up)\b)"
    # "what if we covered the onboarding and you renewed today?", "if I matched their quote
    # today, could we wrap this up?", "if I keep it to ten, can you bring Ray along?": the
    # prospect's part named after the offer
    r"|\band you (?:sign|signed|renew|renewed|commit|committed|agree|agreed|sign off"
    r"|signed off)\b"
    r"|\b(?:could|can|will|shall) we (?:wrap (?:this|it|things) up|close (?:this|it|today)"
    r"|sign (?:today|this|it)|shake (?:hands|on it))\b"
    r"|\b(?:can|could|will) you (?:bring|get) (?:\w+ ){1,2}(?:along|in|with you)\b"
    # "we're happy to meet the other quote, just sign off on the fleet contract"
    r"|\bjust (?:sign|commit|renew|put pen to paper)\b"
    # "two if the paperwork's in by Friday"
    r"|\bif the (?:paperwork|contract|order|po|signature|purchase order)(?:'s| is| are)? (?:in"
    r"|signed|back|done|through)\b"
    r"|\b(?:for|on|talking|if it is) (?:a|an) (?:\d+ months|multi-year|annual|longer|two-year"
    r"|three-year) (?:term|deal"
    r"|contract|commitment|agreement)\b|\bin return for\b|\bin exchange for\b"
)
_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|tomorrow|next week|this week)"
# A date said as an ordinal: "the 12th", "the twelfth", "the twenty-first"
_ORDINAL = (r"(?:\d+(?:st|nd|rd|th)|(?:twenty-|thirty-)?(?:first|second|third|fourth|fifth|sixth"
            r"|seventh|eighth|ninth)|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth"
            r"|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
            # "the first month", "in the first place" are no dates
            r"(?=\W*$|\W*[,.;:?!]| (?:at|and|of|or|for|to|so|then|if|with|works|is|suits|where"
            r"|when|instead|next|this)\b)")
# A concrete next step on the calendar: sending information with one is not a concession,
# and the move classifier reads it as the rep proposing a next step.
NEXT_STEP = re.compile(
    # verbs of putting a time in, not the nouns ("the scheduling piece", "my calendar is packed")
    r"\b(?:book(?:ed|ing)?|schedul(?:e|ed|ing)|pencil(?:led)?|lock(?:ed)? in) (?:a|an|the|some"
    r"|time|it|that|us|you|me|in|another|something|them|this|your|our|one|\d+)\b"
    r"|(?<!no )\bcalendar invite|\b(?:in|on|into) (?:the|your|my|our) (?:calendar|diary)\b"
    r"|\b(?:send|sent|sending|an?|the) (?:calendar )?invite\b|\binvite (?:you|them|your)\b"
    # "the full forty-five on Greg's calendar", "I'd like forty-five minutes with you and Lena on
    # the twelfth", "set the renewal review for the eighteenth"
    r"|\b(?:on|in|into) [a-z]+'?s (?:calendar|diary)\b"
    r"|\b(?:like|want|get|have|book|grab)\b (?:the full |a full |just )?\d+ minutes with (?:you"
    r"|your)\b[^.?!]*\b(?:" + _DAYS + r"|the " + _ORDINAL + r")\b"
    r"|\b(?:set|put|fix|move|pencil)\b (?:the|a|our|your) (?:[\w-]+ )?(?:call|meeting|review|demo"
    r"|session|visit|check-in)\b[^.?!]{0,20}\b(?:for|on) (?:the " + _ORDINAL + r"|" + _DAYS
    + r")\b"
    r"|\b(?:get|have) (?:it|that|something|a time) (?:booked|scheduled|locked in)\b"
    r"|\b(?:call|meeting|time|slot|demo|session|walkthrough|review) (?:booked|scheduled|set up"
    r"|locked in)\b"
    r"|\blet us start with\b"
    r"|\b(?:we|let us) (?:can |could |will |should )?(?:talk|meet|go through|walk through|review"
    r"|discuss|connect|speak|reconvene|jump on|get on)\b[^.?!]*\b(?:" + _DAYS + r"|at \d+)"
    r"|\b(?:can|could|shall) we (?:get|find|set|put|do|meet|grab|sit)\b[^.?!]*\b(?:minutes|time|"
    + _DAYS + r")"
    r"|\blet us (?:also |just |then |quickly )?(?:find|pick|get|set|grab|put|meet|do|sit|book)\b"
    r"[^.?!]*\b(?:minutes|time|meeting|call|"
    + _DAYS + r")"
    r"|\b(?:could|can|would) you (?:clear|give me|find|spare|do|make)\b[^.?!]*\b(?:\d+ minutes|"
    + _DAYS + r")"
    r"|\b" + _DAYS + r"\b[^.?!]*\bat \d+|\bat \d+(?::\d+)? (?:am|pm|o'clock)\b"
    r"|\bover lunch\b|\bnext step\b|\b(?:on|in) the books\b|\bat (?:noon|lunch)\b|\b\d+(?::\d+)? o'clock\b"
    r"|\b(?:minutes|call|meeting) on " + _DAYS + r"\b"
    r"|\b" + _DAYS + r"(?: \w+)? (?:works|is good|is fine|is great|suits)\b"
    # "get our support lead on a call with you", "put me in for a call on the 14th",
    # "how does your lunchtime on Thursday look?"
    r"|\bget\b[^.?!]{0,40}\bon a (?:call|video call|zoom|teams call)\b"
    r"|\bwhy do not we (?:pick|find|book|set|grab|put|meet|get)\b"
    r"|\bdoes \d+(?::\d+)? (?:work|suit)\b"
    r"|\b(?:call|meeting|session|demo) on the \d+(?:st|nd|rd|th)\b"
    # "Tuesday the ninth, ten to ten forty-five"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday) the (?:\d+(?:st|nd|rd|th)?|\w+(?:st|nd"
    r"|rd|th))\b"
    r"|\bhow (?:does|do|is|would) [^.?!]*\b" + _DAYS + r"\b[^.?!]*\b(?:look|looking|work|suit)\b"
    # "let's set up a site visit", "a call with one of our customers on Friday", "your lunch
    # slot Thursday": a meeting named with its day
    r"|\bset up (?:a|an|the|some) (?:[\w-]+ )?(?:call|meeting|visit|demo|session|time|walkthrough"
    r"|chat|workshop|review|check-in)\b"
    r"|\b(?:call|meeting|slot|session|demo|visit|walkthrough|chat|catch-up|kickoff|kick-off"
    # "the meeting that's eating your Tuesday" is no step proposed
    r"|workshop|review|check-in|kickoff)\b(?![^.?!]{0,50}?\b(?:that|which|who|was|were|had|last)\b)"
    r"[^.?!]{0,50}?\b(?:" + _DAYS + r"|the " + _ORDINAL + r")\b"
)

# --- judgement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    raw: str  # verbatim slice of the input
    text: str  # canonical form


def _sentences(text: str, people: Sequence[str] = ()) -> list[_Sentence]:
    out = []
    # a clause ended by ";" or a line break is a sentence too (it was skipped before)
    for m in re.finditer(r"[^.!?;\n]+(?:[.!?;]+|\n|$)", text):
        raw = m.group(0).strip()
        if re.search(r"[a-z0-9]", raw, re.I):
            out.append(_Sentence(raw, canonical(raw, people=people)))
    return _merge_decimals(out, people)


def _merge_decimals(sents: list[_Sentence], people: Sequence[str]) -> list[_Sentence]:
    """Re-join sentences split inside '7.5%' or '$1.5k' by the naive splitter."""
    merged: list[_Sentence] = []
    for s in sents:
        if merged and re.search(r"\d\.$", merged[-1].raw) and re.match(r"\d", s.raw):
            raw = merged[-1].raw + s.raw
            merged[-1] = _Sentence(raw, canonical(raw, people=people))
        else:
            merged.append(s)
    return merged


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause(s) that the cue at [start, end) lies in."""
    lo, hi = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


# "I can do ten percent, if that's okay?" is an offer with a tag asking permission, not a
# question: a sentence that opens with the rep as subject stays a statement despite its "?".
_STATEMENT_START = re.compile(
    r"^(?:(?:ok|okay|so|well|look|alright|all right|fine|sure|yes|yeah|maybe|perhaps|i think"
    r"|i guess|i suppose|honestly),? )*(?:i|we)"
    r" (?!wonder\b)(?:can|could|will|would|am|are|have|shall|\w+ly )"
)


# "So, instead of the fifteen minutes, we could do five?": a phrase set before the rep's own
# offer leaves it a statement
_LED_STATEMENT = re.compile(
    r"^(?:(?:so|and|okay|ok|well),? )?(?:instead of|rather than|for|on|in|after|before|as for"
    r"|with|given)\b[^,?]*, " + _STATEMENT_START.pattern[1:])


# "What I would rather do is ..." opens like a question but is a statement when no "?" ends it;
# "twenty minutes is better than nothing, right?" is a statement with a tag asking agreement.
_WH_STATEMENT = re.compile(r"^(?:what|how|why|when|where|who) (?:you|we|i|they|people|it)\b")
_TAG_QUESTION = re.compile(r",? (?:right|yes|yeah|okay|ok|agreed|fair|no|maybe|perhaps"
                           # "..., and we call it square?"
                           r"|(?:and )?(?:we )?call it (?:square|even|done|a deal))\?\W*$")
# "We don't play the discount game, you know?": a refusal with a tag is still a refusal (an
# offer with this tag stays a question: "we could do ten, you know?")
_KNOW_TAG = re.compile(r",? you know\?\W*$")


def _is_question(sent: _Sentence) -> bool:
    raw = sent.raw.rstrip()
    if _QUESTION_START.match(sent.text):
        return raw.endswith("?") or not _WH_STATEMENT.match(sent.text)
    return (raw.endswith("?") and not _STATEMENT_START.match(sent.text)
            and not _LED_STATEMENT.match(sent.text) and not _TAG_QUESTION.search(raw))


_UNITS_FOR: dict[ConcessionKind, tuple[str | None, ...]] = {
    ConcessionKind.PRICE: ("percent", "dollars", None),
    ConcessionKind.TIME: ("minutes", None),
    ConcessionKind.INFO: (),
    ConcessionKind.SCOPE: ("months", "days", "dollars"),
}


# A year after a word of time ("hold the price right through 2028") and "this one" / "that
# one" name no amount.
_NOT_FIGURE = re.compile(r"\b(?:through|until|till|into|in|by|from|since|for|of|before|after)"
                         r" (?:the end of )?(?:19|20)\d\d\b(?! (?:percent|dollars))|\b0 (?=out\b)"
                         r"|\b(?:this|that|which|each|every|the other) 1\b(?! (?:percent|minutes"
                         r"|dollars|months|days))")


def _amount(kind: ConcessionKind, span: str, topic_unit: str | None) -> tuple[float | None, str | None]:
    wanted = _UNITS_FOR[kind]
    # "a 24 months renewal" names the term traded for, not what was given
    # "right through 2028" is a year, "on this one" no figure
    span = _NOT_FIGURE.sub(" ", span)
    hits = [m for m in re.finditer(_N + r"(?: (percent|minutes|dollars|months|days))?(?! (?:term"
                                   r"|contract|renewal|deal|agreement|commitment|licen|relationship"
                                   r"|partnership|customer|client|history|old|with us|ago"
                                   r"|back))", span)
            if m.group(2) in wanted and not (
                kind is ConcessionKind.TIME and m.group(2) is None and (
                    _is_clock(span, m)
                    # "the three slides that matter" counts something else
                    or re.match(r" (?!minutes\b)[a-z]{3,}s\b", span[m.end():])))]
    # a figure with its unit beats a bare one ("monday at 1 for 45 minutes")
    m = next((m for m in hits if m.group(2)), hits[0] if hits else None)
    if m is None:
        # "the first month free", "the next quarter on us", "support for the year"; "by the end
        # of the month" is a deadline
        first = re.search(r"(?<!end of )\b(?:first|next|the|a|one)(?: (?:free|extra|bonus|pilot"
                          r"|trial|additional))* (month|quarter|year)\b(?!')", span)
        if first and re.match(r"next (?:month|quarter|year)\b(?! (?:free|on us|at no))",
                              first.group(0)) and not re.search(r"\bthe $", span[:first.start()]):
            first = None  # "a free pilot next month": when, not how long
        bills = re.search(r"\b(?:next|first) " + _N + r" (?:invoices|bills|billing cycles)\b", span)
        if kind is ConcessionKind.SCOPE and bills:  # "your next two invoices ... at zero"
            return float(bills.group(1)), "months"
        if kind is ConcessionKind.SCOPE and first:
            return {"month": 1.0, "quarter": 3.0, "year": 12.0}[first.group(1)], "months"
        return None, None
    value, unit = float(m.group(1)), m.group(2)
    if unit is None:
        if kind is ConcessionKind.TIME:
            unit = "minutes"
        elif kind is ConcessionKind.PRICE:
            # A bare "knock ten off" means percent in practice; "knock 500 off" means money.
            unit = topic_unit or ("percent" if value <= 50 else "dollars")
    return value, unit


# A bare figure said as a time of day is no amount: "Tuesday at nine", "before your two
# o'clock".
_CLOCK_BEFORE = re.compile(r"\b(?:at|by|before|after|until|till) (?:your |my |our |the )?$"
                           r"|\b(?:half|quarter past|quarter to) $")
_CLOCK_AFTER = re.compile(r"^(?::\d+|(?::\d+)? (?:o'clock|am|pm)\b)")


def _is_clock(span: str, m: re.Match[str]) -> bool:
    """The figure `m` in `span` is a time of day, not an amount."""
    return bool(_CLOCK_BEFORE.search(span[:m.start()]) or _CLOCK_AFTER.match(span[m.end():]))


def concession_amount(kind: ConcessionKind, canon: str) -> tuple[float | None, str | None]:
    """The amount and unit of a `kind` concession in canonical text ("fine, 15 then" -> 15 %)."""
    return _amount(kind, canon, None)


# "ten, well, let's say eight percent", "twenty minutes, or fifteen even": the rep corrects
# the figure in the same breath; the last one said is what was offered.
_CORRECTION = re.compile(
    r"\b(?P<a>\d+(?:\.\d+)?)(?P<u> (?:percent|minutes|months|days|dollars)(?: free| off)?)?"
    r"(?:,? (?:well|actually|or rather|make (?:that|it)|i mean|sorry|or|no|honestly|wait"
    r"|i misspoke|not \d+(?:\.\d+)?))+,? (?:let us |let me |we will"
    r" |i will |we can |i can |we could |i could )?(?:say |make it |call it |do |go (?:to )?)?"
    r"(?P<b>\d+(?:\.\d+)?)(?P<u2> (?:percent|minutes|months|days|dollars))?(?: even)?\b"
)


def _self_correct(t: str) -> str:
    """Canonical text with a figure corrected in the same breath replaced by the correction."""
    return _CORRECTION.sub(lambda m: m.group("b") + (m.group("u2") or m.group("u") or ""), t)


# A figure alone, asked back ("Twenty?"): an acceptance right after it takes that figure.
_BARE_FIGURE_ASKED = re.compile(
    r"^(?:so |and |just )?(" + _N + r"(?: (?:percent|minutes|months|days|dollars))?)\?$")
_INSTEAD = re.compile(r"\b(?:instead of|rather than)\b.*")
# The condition said in the next sentence: "I'll throw in the training. I need the signed
# order by the end of the month for that, though."
_NEXT_CONDITION = re.compile(
    r"^(?:(?:but|and|so|though),? )?(?:i|we) (?:would |will |just |do |really )?need\b[^.?!]*"
    r"\b(?:for (?:that|this|it|those)|in return|in exchange|otherwise)\b")
# A sentence that only takes back what the sentence before it offered: "Three months free is
# a quarter of your fee. I'm not going there."
_TAKE_BACK = re.compile(
    r"^(?:(?:but|and|so|no|look|sorry|honestly|frankly),? )*(?:(?:i|we) (?:can|could|will) not"
    r"(?=\W*(?:,|$))|(?:i am|we are|i|we) (?:not going"
    r" (?:there|to (?:do|go) (?:that|there))|will not (?:do|go) (?:that|there)|can not (?:do"
    r"|go) (?:that|there)|not doing that)|(?:that|it|this) is not something (?:i|we) (?:can"
    r"|could|will|would|am going to|are going to)\b"
    r"|(?:that|it) is (?:not (?:happening|going to happen"
    r"|on the table|an option)|off the table)|not (?:happening|a chance))\b[^,]*(?:,[^,]*)?\W*$"
)
# A cue named as the condition of an "if" ("if free months are the only way this renews"):
# the rep speaks about it, neither giving nor refusing it.
_IF_CLAUSE = re.compile(r"^\W*(?:if|unless|even if|when)\b")
_IF_VERB = re.compile(
    r"^(?:[^,]*?\b)?(?:is|are|was|were|has to|have to|must|needs to|need to|would be|becomes"
    r"|become|comes? down to)\b")
_IF_VERB_BEFORE = re.compile(r"\b(?:has to|have to|must|needs to|need to|is going to|are going to)"
                             r" (?:\w+ )?$|\b(?:is|are) (?:just |only |really )?$")
_COULD_BUT = re.compile(
    r"^(?:, \w+)?[^,.?!]{0,40},? but (?:(?:honestly|frankly|really|then),? )?(?:(?:i|we) would"
    r" (?:rather|prefer to|sooner)\b|i would be (?!happy"
    r"|glad|able|willing|open)\w+|(?:i do not think|i doubt)"
    r" (?:it|that|this|a \w+|the \w+|you)\b|(?:it|that|this|a \w+|the \w+|you)"
    r" (?:would|will|is going to|does not|is not|will not|would not|just|only)\b)"
    r"(?![^.?!]*\b(?:limit|best|most|as far as|floor|final)\b)")
# The condition a rep names before walking away: "if staying depends on three free months"
_IF_RESTS_ON = re.compile(r"\b(?:depends|depend|hinges|hinge|rests|rest) on\b[^,.;]*$"
                          # "if the renewal only works with six free months"
                          r"|\b(?:only )?(?:works|work|happens|happen|goes ahead|makes sense"
                          r"|renews|closes) (?:with|on)\b[^,.;]*$"
                          r"|\bcomes? down to\b[^,.;]*$")
# A give-away the rep only imagines, to say what would follow: "if I dropped the price just
# because you asked, you'd wonder what else I had padded"; "say I gave you three months free"
_WOULD_FOLLOW = re.compile(r"^\W*(?:then )?(?:i think |we both know |i suspect |honestly )*"
                           # "if I handed out free months, every renewal would turn into this"
                           r"(?:(?:you|it|that|we|they|people|every \w+|everyone|everybody"
                           r"|all (?:my|our|the) \w+) would (?!you\b)"
                           r"|i would (?:spend|be|end up|waste)\b"
                           r"|here is what (?:will|would) happen)")
_IMAGINED = re.compile(r"^\W*(?:if (?:i|we) (?:told|promised) you\b|(?:(?:so|and|but|look|okay"
                       r"|now),? )*(?:say|suppose|imagine"
                       r"|let us say|pretend)\b,? (?:i|we)\b)")
_WH_AFTER = re.compile(r"^\W*(?:then )?(?:what|how|who|which|why|where)\b[^.!]*\?")
_GIVES_ANYWAY = re.compile(
    r"\b(?:i|we) (?:can|will|could|would|am happy to)\b|\b(?:it is|that is) yours\b"
    r"|\bconsider it\b")
# Bare figures ("I could do twelve") take their kind from the turn: a unit said elsewhere in
# it, else what the prospect asked for.
_UNIT_KIND = {"percent": ConcessionKind.PRICE, "dollars": ConcessionKind.PRICE,
              "minutes": ConcessionKind.TIME, "months": ConcessionKind.SCOPE,
              "days": ConcessionKind.SCOPE}
_UNIT_SAID = re.compile(r"\d (percent|dollars|minutes|months|days)\b(?! (?:term|contract|renewal"
                        r"|deal|agreement|commitment))")
# What a scope give-away gives: two named things in one sentence are two concessions
# ("four months free and waive the onboarding fee").
_SCOPE_OBJECT = re.compile(
    r"\b(onboarding|setup|training|implementation|migration|support|seat|licen[cs]e|user"
    r"|upgrade|module|integration|trial|pilot|delivery|surcharge|install|connector|servers?"
    r"|prem|premises|go-live|bridge|months?"
    r"|days?)")


def unit_kind(canon: str) -> ConcessionKind | None:
    """The kind a figure's unit names in canonical text (the last one said), else None."""
    units = _UNIT_SAID.findall(canon)
    return _UNIT_KIND[units[-1]] if units else None


def _bare_kind(sentence: str, whole: str, asked: ConcessionKind | None
               ) -> tuple[ConcessionKind, str | None]:
    """The kind and unit of a bare figure: a unit in its sentence, in the turn, else `asked`."""
    for text in (sentence, whole):
        units = _UNIT_SAID.findall(text)
        if units:
            unit = units[-1]
            return _UNIT_KIND[unit], unit
    if asked in (ConcessionKind.PRICE, ConcessionKind.SCOPE):
        return asked, None
    return ConcessionKind.TIME, "minutes"


def scan_cues(
    text: str, *, needed_minutes: float = 45, asked: ConcessionKind | None = None,
    people: Sequence[str] = (),
) -> list[ConcessionCue]:
    """Every concession cue in `text`, judged but not filtered (see module docstring).
    `asked` (what the prospect pushed for) gives a bare figure its kind: "I could do twelve";
    `people` are the names of the people on the call (`canonical`)."""
    sents = _sentences(text, people)
    whole = canonical(text, people=people)
    has_next_step = bool(NEXT_STEP.search(whole))
    any_probe = any(_is_question(s) and not _OFFER_QUESTION.search(s.text) for s in sents)
    topic_unit = "dollars" if " dollars" in whole and " percent" not in whole else None
    cues: list[ConcessionCue] = []
    theirs_said: set[tuple[ConcessionKind, float]] = set()
    pending: tuple[float, str] | None = None  # a figure said alone, for the next give-away
    first_of_last = 0  # where the previous sentence's cues start
    for n, sent in enumerate(sents):
        t = _self_correct(sent.text)
        alone = _FIGURE_ONLY.match(t)
        prior, pending = pending, None
        said_alone = (float(alone.group(1)), alone.group(2)) if alone else None
        asked_figure = _BARE_FIGURE_ASKED.match(sents[n - 1].text) if n else None
        # "Ten percent? Yeah, that's not going to happen." takes nothing back to accept
        if asked_figure and re.match(_ACCEPT + r"\b", t) and not _NEGATION.search(
                _FALSE_NEGATIONS.sub(" ", t)):
            t = f"{asked_figure.group(1)} it is, {t}"  # "Twenty? Sure, I'll keep it tight."
        if alone and n and _ACCEPT_ONLY.fullmatch(sents[n - 1].text):
            t = f"{alone.group(1)} {alone.group(2)} it is"  # "Fine. Ten percent."
        if n and _fill_amount(cues, t):
            continue  # "I'll meet you halfway. Five percent.": the figure of the give-away
        counter = _BARE_FIGURE_ASKED.match(t) if n else None
        if counter and _NEGATION.search(sents[n - 1].text) and re.search(r"\d", sents[n - 1].text):
            t = f"{counter.group(1)} it is"  # "Can't do three. Two?": a counter-offer
            sent = _Sentence(sent.raw.rstrip("?"), t)
        offer_q = bool(_OFFER_QUESTION.search(t)) and not (
            sent.raw.rstrip().endswith("?") and _DOUBT.search(t)) or (
            # "Is a guaranteed launch date what gets this over the line? Because I can give
            # you that.": what was asked about is offered
            n + 1 < len(sents) and bool(_GIVES_THAT.match(sents[n + 1].text)))
        question = _is_question(sent) and not offer_q
        conditional = bool(CONDITION.search(t)) or (
            n + 1 < len(sents) and bool(_NEXT_CONDITION.match(sents[n + 1].text))) or (
            # "If you sign by Friday I'll take eight percent off. And I'll throw in the
            # audits too.": a sentence that only adds to a trade shares its condition
            bool(_CONTINUES.match(t)) and t.startswith(("and ", "plus ", "also "))
            and any(c.conditional and c.is_concession for c in cues[first_of_last:]))
        taken_back = n + 1 < len(sents) and bool(_TAKE_BACK.match(sents[n + 1].text))
        seen: dict[tuple[ConcessionKind, str], int] = {}
        borrowed: set[int] = set()
        at: dict[int, int] = {}  # where each cue of this sentence was said
        first = first_of_last = len(cues)
        # in the order said, so a give-away is known before the clause that continues it
        hits = sorted(((m, pat) for pat in PATTERNS for m in pat.regex.finditer(t)),
                      key=lambda h: h[0].start())
        for m, pat in hits:
            kind = pat.kind
            # a cue that takes the comma before it ("..., 20 is more than enough") starts at
            # its first word, so its clause is its own
            start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(",. "))
            lo, hi = _clause_bounds(t, start, m.end())
            before = t[lo:start]
            prev = t[:lo]
            theirs = bool(
                re.search(_OTHER, _RELATIVE_YOU.sub(" ", _OBJECT_THEM.sub(r"\1", before)))
                # "I talked to my VP. She said fifteen minutes is fine": she is ours
                and not _our_pronoun(before, whole_before(sents, n) + " " + prev)
                and not re.search(r"\b(?:i|we) (?:will|can)\b", before)
                # "they offer 15% off, and free setup": the second offer is theirs too
                or _SHARES_SUBJECT.match(before) and _last_subject_is_other(prev))
            clause = t[lo:hi]
            said = " " if pat.intrinsic_negation else m.group(0)
            # "six weeks free instead of three months": what follows "instead of" is refused,
            # not the offer before it
            negated = bool(
                _NEGATION.search(_FALSE_NEGATIONS.sub(" ", before + " " + said))
                or _NEGATION.search(_INSTEAD.sub(" ", _FALSE_NEGATIONS.sub(
                    " ", _after_cue(before, t[m.end():hi]))))
                # "...and I won't do that" later in the sentence takes the offer back.
                or _LATER_REFUSAL.search(t[hi:]) or taken_back
                # "I could send it, but it would just sit in your inbox": could, then why not
                or re.search(r"\b(?:i|we) could\b", before) and _COULD_BUT.match(t[m.end():])
                # "I'd love to say yes to all of it, but I'd be setting you up to fail"
                or re.search(r"\b(?:i|we) would (?:love|like) to\b", before)
                and _WISH_BUT.match(t[hi:])
                or kind is ConcessionKind.INFO and UNREAD.search(t, m.end())
                # "I could send you a PDF, sure. But it'll just sit in your inbox."
                or kind is ConcessionKind.INFO and n + 1 < len(sents)
                and bool(re.match(r"(?:but|though|and)\b", sents[n + 1].text))
                and bool(UNREAD.search(sents[n + 1].text))
                # "I'd be doing you a disservice if I promised you a custom module"
                or bool(_BAD_IF_I.search(t[:start])))
            # "if ten minutes is what you've got then ten minutes it is": past the "then"
            in_if = bool(_IF_CLAUSE.match(t[lo:start])) and not re.search(r"\bthen\b",
                                                                        t[lo:start])
            # "us" after a verb is the object: "if the only thing that keeps you with us is"
            no_speaker = not re.search(r"\b(?:i|we|let us)\b", before)
            mentioned = bool(
                in_if and no_speaker
                and ((_IF_VERB.match(t[m.end():hi]) or _IF_VERB_BEFORE.search(before))
                     and not _GIVES_ANYWAY.search(t[hi:])
                     # "if staying depends on three free months, ..."
                     or _IF_RESTS_ON.search(before))
                # "if we dropped the price, what would you cut?": asks what would follow
                or in_if and (_WH_AFTER.match(t[hi:]) or _WOULD_FOLLOW.match(t[hi:]))
                # "I hear you on the discount": the demand acknowledged
                or re.search(r"\b(?:hear|heard|understand|get) you (?:on|about|re|regarding)"
                             r"(?: the| your| that)? ?$", before)
                # "more than any free months would save you"
                or re.search(r"\bthan (?:any|a few|some)(?: \w+)? ?$", before)
                or bool(_IMAGINED.match(t)) and not question)
            # "every time I've sent information ...", "the last time I took a twenty-minute
            # slot ...", "whenever someone asks me to send information": a habit or story told
            if _HABIT.search(t[:start]):
                continue
            # "I'm sorry, that quarter was rough and it's on us": blame, not a give-away
            if m.group(0) == "on us" and re.search(r"\b(?:it|that|this|which)(?: 1)? (?:is|was)"
                                                   r" $", t[:start]) and _BLAME.search(
                                                       (sents[n - 1].text + " " if n else "") + t):
                continue
            # "I'll have finance reissue the quote at their level and you'll have it by
            # tonight": the revised quote sent with a price give-away is that give-away
            if kind is ConcessionKind.INFO and _QUOTE_WORD.search(t, 0, m.start()) and any(
                    c.kind is ConcessionKind.PRICE and c.is_concession for c in cues[first:]):
                continue
            # "the setup charge, we'll drop that": a fee dropped, not something sent
            if kind is ConcessionKind.INFO and m.group(0).startswith("drop") and _FEE_WORD.search(
                    t, 0, m.start()):
                continue
            # "I'll send a sharper quote across tonight": the quote is the price give-away
            if kind is ConcessionKind.INFO and _QUOTE_WORD.search(t, m.start(), m.end() + 25) and any(
                    p2.kind is ConcessionKind.PRICE for m2, p2 in hits if m2.start() > m.start()):
                continue
            # "we don't do on-premise, full stop; I'm happy to put that in writing": the refusal
            # written down; "go-live in eight weeks, guaranteed, I'll put it in writing": the
            # promise before it written down, nothing sent
            if kind is ConcessionKind.INFO and "writing" in m.group(0) and any(
                    c.negated or c.kind is not ConcessionKind.INFO for c in cues):
                continue
            # "our planner took eleven percent off fuel spend": a result told, not an offer
            if (_TOLD.match(m.group(0)) or _TOLD.search(before[-30:])) and not re.search(
                    r"\b(?:i|we)\b", before):
                continue
            mine = re.search(_ME, before) or re.search(r"\b" + _ACCEPT + r"\W*$", prev) or (
                re.match(_ACCEPT + r"\b", before)) or (
                # a figure offered with no verb opens its sentence: "Here is what I will
                # do. Three percent off the annual rate, and ..."
                lo == 0 and _OPENER.fullmatch(before) and re.match(_N, m.group(0))
                and not re.search(_OTHER + r"|" + _VERB, t[m.end():hi])) or (
                # "two months free, plus ten percent off the second year": a clause that
                # only continues the rep's give-away before it shares its speaker
                _CONTINUES.fullmatch(before) and any(c.is_concession for c in cues[first:]))
            if pat.needs_me and not offer_q and not mine and not negated:
                continue  # a refusal needs no speaker: "a discount isn't on the table"
            bare = re.search(_N, m.group(0)) if kind is ConcessionKind.TIME else None
            no_figure = pat.no_figure
            if pat.by_context and not bare:
                # "three months is fine, we'll make it work"
                kind, _ = _bare_kind(t, whole, asked)
                amount, unit = _amount(kind, clause, topic_unit)
            elif bare and (pat.by_context or not re.search(r"\bminutes\b", m.group(0))):
                kind, unit = _bare_kind(t, whole, asked)
                if re.search(r"\bon " + DAY, m.group(0)):
                    kind, unit = ConcessionKind.TIME, "minutes"  # "twenty on Tuesday works"
                amount = float(bare.group(1))
                if unit is None:  # a bare "twelve" asked for a price: percent, 500: money
                    unit = ("months" if kind is ConcessionKind.SCOPE else topic_unit
                            or ("percent" if amount <= 50 else "dollars"))
                if kind is ConcessionKind.TIME and amount < 5:
                    amount, unit, no_figure = None, None, True  # "we'll just do a quick one"
            elif no_figure:
                amount, unit = None, None
            else:
                amount, unit = _amount(kind, m.group(0), topic_unit)
            if kind is ConcessionKind.PRICE and re.search(r"\d (?:months|days)\b", m.group(0)):
                kind = ConcessionKind.SCOPE  # "knock a month off": time off the bill
                amount, unit = _amount(kind, m.group(0), None)
            elif kind is ConcessionKind.PRICE and m.group(0).endswith("off") and _FEE_OFF.search(
                    t[m.start():m.end() + 30]):
                kind, amount, unit = ConcessionKind.SCOPE, None, None  # "knock off the setup fee"
            own_amount = amount
            if amount is None and kind is not ConcessionKind.INFO and not no_figure:
                amount, unit = _amount(kind, clause, topic_unit)
            if amount is None and kind is not ConcessionKind.INFO and not no_figure:
                # "meet you halfway, say five percent": the figure right after the cue's clause
                amount, unit = _figure_after(kind, t[hi:], topic_unit)
            if amount is None and kind is ConcessionKind.TIME and not no_figure:
                said = re.search(_N + r" minutes", t)  # "twenty minutes, I'll make it work"
                amount, unit = (float(said.group(1)), "minutes") if said else (
                    _bare_minutes(t) if asked is ConcessionKind.TIME else (None, None))
            if amount is None and kind is ConcessionKind.TIME and not no_figure and (
                    asked is ConcessionKind.TIME):
                # "Okay, so, twenty, I can get through the main stuff. ... We'll make it work."
                amount, unit = _earlier_minutes(" ".join(s.text for s in sents[:n]),
                                                needed_minutes)
            if amount == 0:
                negated = True  # "zero free months"
            if kind is ConcessionKind.TIME and amount is not None and amount >= needed_minutes:
                continue  # accepting the time the rep needs is no concession
            if (kind is ConcessionKind.TIME and NEXT_STEP.search(t)
                    and asked in (ConcessionKind.PRICE, ConcessionKind.SCOPE)):
                # where the prospect pushes on price or scope, "thirty minutes with Martin on
                # Thursday" is the length of the meeting proposed, not time given up
                continue
            if kind is ConcessionKind.INFO and not negated and (
                has_next_step or (any_probe and re.search(r"\b(?:but|before)\b", t[m.end():]))
                # "I can definitely send stuff. But can I ask, what would you be looking for?"
                or n + 1 < len(sents) and _PROBE_NEXT.match(sents[n + 1].text)
                and _is_question(sents[n + 1])
                # "Sure, I can send something, but can I ask what's missing for you?"
                or sent.raw.rstrip().endswith("?") and _PROBE_NEXT.search(t, m.end())
                or _AFTER_MEETING.search(t, m.end())
                # "if I send the route data over ahead of time": preparation for the meeting
                or _PREP.search(t, m.end())
                # "... Can I ask two quick questions first?"
                or any(_FIRST_PROBE.search(s.text) for s in sents[n + 1:])
            ):
                continue  # sending with a booked follow-up, or deferring to a probe or a talk
            # the thing given is named in the cue's clause, not in its condition ("the
            # onboarding at no charge if you renew for two years" is one give-away)
            obj = _SCOPE_OBJECT.search(t, m.start(), min(hi, m.end() + 40)) or (
                # the thing said first: "plus the onboarding for the new team at no charge"
                ([None] + list(_SCOPE_OBJECT.finditer(t, lo, m.start())))[-1])
            what = obj.group(1).rstrip("s") if kind is ConcessionKind.SCOPE and obj else ""
            if (not theirs and amount is not None and (kind, amount) in theirs_said
                    and not re.search(_ME, before)):
                # "They offer six months free. Six months free is still a migration.": their
                # offer named again, no speaker of ours
                theirs = True
            if theirs and amount is not None:
                theirs_said.add((kind, amount))
            if amount is None and prior and kind is not ConcessionKind.INFO and not no_figure \
                    and prior[1] in _UNITS_FOR[kind]:
                amount, unit = prior  # "Ten percent. We'll match it."
            asks = question and not (negated and _KNOW_TAG.search(sent.raw))
            cue = ConcessionCue(kind, negated, asks or mentioned, conditional, amount, unit,
                                sent.raw, theirs)
            _keep(cues, seen, cue, what)
            if own_amount is None and amount is not None:
                borrowed.add(id(cue))
            at[id(cue)] = m.start()
        cues[first:] = _drop_borrowed(cues[first:], borrowed, at, t)
        if said_alone and len(cues) == first:
            pending = said_alone
    return cues


def _earlier_minutes(said: str, needed_minutes: float) -> tuple[float | None, str | None]:
    """The last meeting length under the one needed said earlier in the turn as a clause of
    its own ("okay, so, twenty, I can ..."), for a time give-away that names none; a figure
    inside a story ("she gave me fifteen minutes the first time") is none."""
    found = [float(m.group(1)) for m in re.finditer(
        r"(?:^|[,.?!] )" + _N + r"(?: minutes)?(?=[,.?!]|$)", said)]
    found = [f for f in found if 5 <= f < needed_minutes]
    return (found[-1], "minutes") if found else (None, None)


_PREP = re.compile(r"\b(?:ahead of (?:time|the (?:call|meeting|demo))|beforehand|before (?:we"
                   r" (?:meet|talk|speak)|the (?:call|meeting|demo)|our (?:call|meeting|chat)))\b")
_FIRST_PROBE = re.compile(r"\b(?:can|could|may) i (?:ask|check)\b[^.?!]*\bfirst\b"
                          r"|\bbefore i send\b")
_GIVES_THAT = re.compile(r"^(?:(?:because|and|well|so|yes|yeah),? )*(?:i|we) (?:can|could|will"
                         r"|am happy to|would be happy to) (?:\w+ )?(?:give you|do|offer you"
                         r"|promise you|guarantee|get you|make) (?:that|it|this|one)(?: for you)?"
                         r"\W*$")
# What an apology or a failure names: "it's on us" beside it is blame
_BLAME = re.compile(r"\b(?:sorry|apolog\w*|fault|rough|outage|outages|mistake|mess|messed"
                    r"|let you down|dropped the ball|downtime|failure|incident)\b")
_QUOTE_WORD = re.compile(r"\b(?:quote|proposal|paperwork|contract|invoice)\b")
_FEE_WORD = re.compile(r"\b(?:fee|charge|surcharge|cost|price|rate)s?\b")


# "Fine." / "Okay. Fine." said alone before a figure said alone accepts it.
_ACCEPT_ONLY = re.compile(r"(?:\W*(?:" + _ACCEPT + r"|look|so|i-|right)\W*)+")
# A habit or a story the cue is part of: "every time I've sent information it's gone nowhere"
_HABIT = re.compile(r"\b(?:every time|whenever|each time|the last time|last time) (?:i|we"
                    r"|someone|somebody|people|customers|you)\b[^,]*$")
# "I'd be doing you a disservice if I promised you a custom module": refused by its cost
_BAD_IF_I = re.compile(r"\b(?:i|we) would be (?:doing you a disservice|lying|kidding you"
                       r"|setting you up to fail|irresponsible)\b[^.?!]*\bif (?:i|we)\b[^,]*$")
# A probe that opens the next sentence, or follows "but" in this one, defers the sending
_PROBE_NEXT = re.compile(r"^(?:but|before|actually|first),? (?:can|could|may) i ask\b"
                         r"|^(?:but|before|actually|first),? (?:what|why|how|which)\b"
                         r"|\bbut,? (?:can|could|may) i ask\b")


def _bare_minutes(t: str) -> tuple[float | None, str | None]:
    """A figure with no unit in a time call's give-away: "if twenty's all you've got, should I
    just cover the highlights?" gives twenty minutes; a time of day or a count of something
    else ("three things") is none."""
    for m in re.finditer(r"(?<![\d:])" + _N + r"(?! (?:percent|dollars|months|days|am|pm)\b"
                         r"| [a-z]{3,}s\b|:)", t):
        if 5 <= float(m.group(1)) <= 120 and not _is_clock(t, m):
            return float(m.group(1)), "minutes"
    return None, None


# "If I send the pack it'll sit in your inbox": information said to go unread is refused
UNREAD = re.compile(r"\b(?:sit|sits|sitting|end up|ends up|get lost|gets lost|be buried"
                    r"|get buried) in (?:your|an|the) (?:inbox|email|pile|drawer)\b")


# A fee taken off the bill is scope, not price: "what if we knocked off the setup fee"
_FEE_OFF = re.compile(r"\b(?:setup|set-up|onboarding|implementation|installation|training"
                      r"|migration|activation) (?:fee|cost|charge)s?\b")


# A figure that only names what the give-away before it comes to: ", like five percent",
# ", say twenty".
_FIGURE_AFTER = re.compile(r"^\W*(?:like|say|so|call it|maybe|about|around|roughly|so about)?"
                           r",? ?" + _N + r"(?: (percent|minutes|dollars|months|days))?\W*(?:$|,)")


def _figure_after(kind: ConcessionKind, rest: str, topic_unit: str | None
                  ) -> tuple[float | None, str | None]:
    """The amount said just after a give-away's clause, when nothing else follows it."""
    m = _FIGURE_AFTER.match(rest)
    if m is None or (m.group(2) is None and not re.match(r"^\W*(?:like|say|call it)", rest)):
        return None, None
    return _amount(kind, m.group(0), topic_unit)


_FIGURE_ONLY = re.compile(r"^(?:so |say |call it |that is )?" + _N
                          + r" (percent|minutes|dollars|months|days)\W*$")


def _fill_amount(cues: list[ConcessionCue], t: str) -> bool:
    """A sentence that is only a figure gives its amount to the give-away said just before
    it with none of its own; True when it did."""
    m = _FIGURE_ONLY.match(t)
    if m is None or not cues:
        return False
    last = cues[-1]
    if not last.is_concession or last.amount is not None or m.group(2) not in _UNITS_FOR[last.kind]:
        return False
    cues[-1] = dataclasses.replace(last, amount=float(m.group(1)), unit=m.group(2))
    return True


def _drop_borrowed(sentence_cues: list[ConcessionCue], borrowed: set[int],
                   at: dict[int, int] | None = None, text: str = "") -> list[ConcessionCue]:
    """"Four months free and waive the onboarding fee": the fee took the clause's four months;
    it has no amount of its own when another give-away of its kind said that figure."""
    for i, cue in enumerate(sentence_cues):
        if id(cue) in borrowed and any(
                o is not cue and o.kind is cue.kind and o.amount == cue.amount
                and id(o) not in borrowed for o in sentence_cues):
            sentence_cues[i] = dataclasses.replace(cue, amount=None, unit=None)
    # "waive the onboarding fee and throw in the first two months": both took the clause's
    # figure; it belongs to the give-away said nearest before it
    if at:
        for cue in list(sentence_cues):
            same = [o for o in sentence_cues if id(o) in borrowed and o.kind is cue.kind
                    and o.amount is not None and o.amount == cue.amount and id(o) in at]
            said = re.search(r"\b" + re.escape(f"{cue.amount:g}") + r"\b", text) if len(
                same) > 1 and cue.amount is not None else None
            if said is None:
                continue
            before = [o for o in same if at[id(o)] <= said.start()]
            keep = max(before, key=lambda o: at[id(o)]) if before else same[0]
            # a give-away said after the figure ("another thirty days at no cost") names it too
            sentence_cues = [dataclasses.replace(o, amount=None, unit=None)
                             if any(o is x for x in same) and at[id(o)] < at[id(keep)] else o
                             for o in sentence_cues]
    return sentence_cues


# A subject and its verb start a new clause even where a dropped filler took the comma with
# it ("we could build it for you, I mean, it's not far off" -> "... for you it is not ..."):
# a negation there is not said of the cue.
_NEW_SUBJECT = re.compile(r"\b(?:it|that|this|they|he|she|i|we|you) (?:is|are|was|were|will|would"
                          r"|do|does|did|can|could|have|has)\b")


def _after_cue(before: str, rest: str) -> str:
    """The words after a cue that a negation there may govern: up to a new subject and verb,
    unless the cue opens its clause and its subject follows ("discount I can not give you")."""
    # "knock 15% off to make up for not having on-prem": the negation is in the reason
    reason = _REASON.search(rest)
    if reason:
        rest = rest[:reason.start()]
    new = _NEW_SUBJECT.search(rest)
    if new is None or (not rest[:new.start()].strip(" ,") and not _SUBJECT.search(before)):
        return rest
    return rest[:new.start()]


# A reason after the give-away: a negation in it is not said of the give-away.
_REASON = re.compile(r"\b(?:to make up for|make up for|because|since|given|for not)\b"
                     # "bump you up to premium support without touching the price"
                     r"|\bwithout (?:touching|changing|raising|moving|increasing|adding to"
                     r"|affecting) (?:the|your) (?:price|cost|bill|rate|invoice|number)\b")
# "I'd love to say yes, but I'd be setting you up to fail": a wish, then why not
_WISH_BUT = re.compile(r"^\W*but\b(?![^.?!]*\b(?:need|if|as long as|provided|only)\b)")
# A past-tense cut at the head of a cue or just before it is a result told ("our planner took
# eleven percent off fuel spend").
_TOLD = re.compile(r"\b(?:took|knocked|shaved|chopped|trimmed|cut|saved)\b(?: \w+)? ?$|^(?:took"
                   r"|knocked|shaved|chopped|trimmed|cut|saved)\b")
# What may open a clause that continues the give-away before it in the same sentence.
_CONTINUES = re.compile(r"\W*(?:(?:and|plus|so|also|then|on top of that),? )+")
# Information promised only once the meeting has happened is the rep holding out for it:
# "I'll send the deck, but only after we've had the forty-five minutes".
_AFTER_MEETING = re.compile(r"\b(?:once|after|when) (?:we|you and i) (?:have )?(?:talked|met|spoken"
                            r"|had|done|gone through|walked through|sat down)\b")
# A question that doubts a give-away would help probes the demand instead of offering it:
# "would free months actually fix the support problem?", "if we gave you three months free,
# would that really change anything?"
_DOUBT = re.compile(r"\b(?:actually|really) (?:fix|solve|change|help|matter|make a difference"
                    r"|stop|keep|address)\w*\b")
# What may stand before a verbless offer that opens its sentence.
_OPENER = re.compile(r"\W*(?:(?:so|and|plus|then|okay|ok|look|alright|right|fine),? )*")
# A verb after the figure makes it the subject of a statement, not an offer: "twenty percent
# off would put us below cost".
_VERB = (r"\b(?:would|will|is|are|was|were|does|do|did|means|puts?|gets?|makes?|might|could|can"
         r"|should|sounds?|seems?)\b")
# "them" after the rep's own subject is an object ("I don't want to paper over them with free
# months"), not the third party giving something
_OBJECT_THEM = re.compile(r"(\b(?:i|we)\b[^,]*?)\bthem\b")
# "the extra sandbox environment you asked for comes at no cost": the prospect's request named
# in a relative clause, not the prospect as the subject giving something
_RELATIVE_YOU = re.compile(
    r"(?<=[a-z] )(?<!\bif )(?<!\band )(?<!\bbut )(?<!\bso )(?<!\bbecause )(?<!\bwhen )(?<!\bas )"
    r"(?<!\bsince )(?<!\bunless )(?<!\buntil )(?<!\bthen )(?<!\bwhile )(?<!\bonce )"
    r"you (?:asked for|asked about|wanted|mentioned|requested|were after|need|needed)\b")
# A clause with no subject of its own ("..., and free setup") shares the one before it.
_SHARES_SUBJECT = re.compile(r"^\W*(?:and|plus|or|also|as well as)\b(?!.*\b(?:i|we|you|let)\b)")
_SUBJECT = re.compile(r"\b(?:i|we|you|they|he|she|competitors?)\b|" + _THIRD_PARTY)


# Our own people, and someone else's, as a pronoun's referent
_OUR_PERSON = re.compile(
    r"\b(?:my|our) (?:manager|boss|vp|cto|ceo|cfo|coo|director|head of \w+|team|engineers?"
    r"|developers?|guys|folks|people|finance(?: team)?|legal|[\w-]+ team|[\w-]+ lead"
    r"|colleagues?)\b")
_THEIR_PERSON = re.compile(_THIRD_PARTY + r"|\b(?:competitors?|the other (?:vendor|supplier"
                           r"|guys)|your (?:\w+ )?(?:vendor|supplier|boss|cfo|ceo|manager"
                           r"|team))\b")
_PRONOUN_ONLY = re.compile(r"\b(?:he|she|they|them|their)\b")


def whole_before(sents: list[_Sentence], n: int) -> str:
    """The canonical text of the sentences before the `n`th."""
    return " ".join(s.text for s in sents[:n])


def _our_pronoun(before: str, earlier: str) -> bool:
    """The third party before a cue is only a pronoun whose last named referent is one of
    ours ("my VP ... she said")."""
    others = [m.group(0) for m in re.finditer(_OTHER, before)]
    if not others or not all(_PRONOUN_ONLY.fullmatch(o) for o in others):
        return False
    ours = [m.end() for m in _OUR_PERSON.finditer(earlier)]
    theirs = [m.end() for m in _THEIR_PERSON.finditer(earlier)]
    return bool(ours) and (not theirs or ours[-1] > theirs[-1])


def _last_subject_is_other(prev: str) -> bool:
    """The last subject said before a clause is a third party ("they", "the other vendor")."""
    said = _SUBJECT.findall(prev)
    return bool(said) and said[-1] not in ("i", "we", "you")


def _keep(cues: list[ConcessionCue], seen: dict[tuple[ConcessionKind, str], int],
          cue: ConcessionCue, what: str = "") -> None:
    """One cue per kind per sentence, except scope give-aways naming different things ("free
    onboarding and three months free" are two); a give-away beats a refusal, an amount none."""
    same = [k for k in seen if k[0] is cue.kind]
    if what and cue.is_concession:
        key = next((k for k in same if k[1] == what), None) or next(
            (k for k in same if not k[1]), None) or (cue.kind, what)
    else:
        key = same[0] if same else (cue.kind, what)
    idx = seen.get(key)
    if idx is None:
        seen[key] = len(cues)
        cues.append(cue)
        return
    old = cues[idx]
    if ((cue.is_concession, not cue.theirs, cue.amount is not None)
            > (old.is_concession, not old.theirs, old.amount is not None)):
        cues[idx] = cue


def detect_concessions(
    text: str, *, needed_minutes: float = 45, asked: ConcessionKind | None = None,
    people: Sequence[str] = (),
) -> list[Concession]:
    """The concessions a rep's turn gives away (refusals and mere questions excluded).

    `needed_minutes` is the meeting length the rep needs: agreeing to that much or more is not
    a time concession.
    """
    return [
        Concession(c.kind, c.conditional, c.amount, c.unit, c.quote)
        for c in scan_cues(text, needed_minutes=needed_minutes, asked=asked, people=people)
        if c.is_concession
    ]
