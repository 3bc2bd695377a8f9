"""Concessions in a rep's words: price, time, info and scope give-aways.

One rule-based implementation shared by the dialog engine (to react to a cave) and the scorer
(to count what was given away). The pipeline per sentence:

1. canonicalise: lower case, drop "um"/"uh", expand contractions, numbers to digits + unit;
2. find *cues*: regex patterns per kind that fire on both "I'll match it" and "I won't match it";
3. judge each cue: negated (a negation word in the same clause), merely asked about (a question
   that is not itself an offer), said about someone else ("they discount"), or conditional
   (a trade: "if you sign today").

`scan_cues` returns every cue with those judgements, so the move classifier can read negated
cues as the rep holding firm; `detect_concessions` returns only the real give-aways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from scoring.canonical import canonical


class ConcessionKind(StrEnum):
    PRICE = "price"
    TIME = "time"
    INFO = "info"
    SCOPE = "scope"


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

    @property
    def is_concession(self) -> bool:
        return not self.negated and not self.question


# --- shared vocabulary ------------------------------------------------------------------------

_N = r"(\d+(?:\.\d+)?)(?!\.?\d)"
_ME = r"\b(?:i|we|us|let us|let me|me|our|my|happy to|glad to|consider it)\b"
# A third party or the prospect as the subject before the cue: "they discount", "you want 10%".
_OTHER = (
    r"\b(?:they|he|she|their|competitor|competitors|them)\b"
    r"|\byou (?:want|wanted|need|are asking|asked|mention|mentioned|said|say|would like|expect"
    r"|are looking|were hoping|hope|think|got|get|have|had|can get|could get|are getting)\b"
)
_ACCEPT = r"(?:ok|okay|sure|fine|alright|all right|deal|done|yes|yeah|yep|absolutely|great|perfect)"
_NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|none|nor|neither|without|unable|refuse|refusing|rather than"
    r"|instead of|no way|hardly|rather|sooner|push back)\b"
)
# A refusal after the offer in the same sentence: "I could send a deck, but I won't".
_LATER_REFUSAL = re.compile(
    r"\b(?:i|we) (?:will|would|can|am|are) not(?: (?:going|willing|prepared|about) to)?"
    r"(?: do (?:that|it|this|so)(?: to you)?)?(?:\W*$|,)|\bnot (?:something|what) (?:i|we) (?:will|would"
    r"|can|are going to|am going to)\b|\bnot (?:a chance|happening|on the table)\b"
)
# Phrases that contain a negation word but agree ("no problem, I'll match it").
_FALSE_NEGATIONS = re.compile(
    r"\b(?:no problem|not a problem|no worries|why not|no doubt|do not worry|not only"
    r"|no-brainer|no brainer|if not)\b"
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
    r"\b(?:how about|what about|what if (?:i|we)|would (?:it|that) help if (?:i|we)"
    r"|(?:can|could|may) (?:i|we) offer|(?:where|what) (?:should|can|do) (?:i|we) send"
    r"|what is (?:your|the best) email|if (?:i|we) (?:can |could |were to )?(?:give|gave|take"
    r"|took|knock|knocked|throw|threw|match|matched|do|did|waive|waived|offer|offered|include"
    r"|included|extend|extended|drop|dropped|cut|lower|lowered))\b"
    r"|^(?:so )?would (?:a |an )?(?:" + _N + r" (?:percent|dollars|minutes|months)|(?:quick|short"
    r"|shorter|free)\b)"
    r"|\b(?:could|can|shall|should) (?:i|we) (?:just )?(?:do|send|email|make it|keep it|give"
    r"|throw|knock|take|match|waive|extend)\b"
    # "Would ten percent get this done?", "Could you live with five?": offers put as questions;
    # "Do you want...", "Would you need..." explore the demand instead.
    r"|^how (?:does|would|do) (?:a |an )?" + _N + r" (?:percent|dollars|minutes|months)"
    r"|^(?:do you )?want me to\b"
    r"|^(?:so |and |okay |ok |well |then )?(?:would|could|can|will|does|might)"
    r" (?!you (?:need|want|really|actually|expect|think|have|like|be|mind|say)\b)"
    r"|\bif (?:i|we) (?:\w+ )?(?:could|can|were to|did|went|came|threw|knocked|matched|gave)\b"
)
CONDITION = re.compile(
    r"\bif (?:you|your \w+)\b(?! (?:want|like|would like|insist|need|prefer|wish|ask|are asking|are interested"
    r"|have any|have questions|think))|\bas long as\b|\bso long as\b|\bprovided\b|\bproviding\b"
    r"|\bin exchange\b|\bin return\b|\bon (?:the )?condition\b|\bonly if\b|\bassuming you\b"
    r"|(?<!see )(?<!check )\bif (?:we|i) (?:can|could) (?:lock|sign|get (?:a |an |your |you to )?"
    r"(?:commitment|signature|signed|sign|commit|\d+|annual|multi))\b"
    r"|\bwould you (?:sign|commit|agree|buy|move forward|go ahead|switch|renew|stay|extend)\b"
    r"|\byou (?:sign|commit|agree|prepay|pay|renew)\b[^.]*\band (?:i|we) (?:will|can)\b"
    r"|^(?:tell you what,? |look,? |okay,? |ok,? )?(?:sign|commit|give me|put pen to paper|promise"
    r"|get me|agree|introduce me|bring|book|prepay|pay|renew|lock in|take the)\b[^.?!]*\band\b"
    r"|\bfor (?:a|an) (?:\d+ months|multi-year|annual|longer|two-year|three-year) (?:term|deal"
    r"|contract|commitment|agreement)\b|\bin return for\b|\bin exchange for\b"
)
_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|tomorrow|next week|this week)"
# A concrete next step on the calendar: sending information with one is not a concession,
# and the move classifier reads it as the rep proposing a next step.
NEXT_STEP = re.compile(
    r"\b(?:book(?:ed|ing)?|schedul\w*|calendar|invite|lock(?:ed)? in|pencil(?:led)?|diary)\b"
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
    r"|\bover lunch\b|\bnext step\b|\bat (?:noon|lunch)\b|\b\d+(?::\d+)? o'clock\b"
    r"|\b(?:minutes|call|meeting) on " + _DAYS + r"\b"
    r"|\b" + _DAYS + r"(?: \w+)? (?:works|is good|is fine|is great|suits)\b"
)

# --- cue patterns per kind --------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    kind: ConcessionKind
    regex: re.Pattern[str]
    needs_me: bool  # needs a first-person speaker or an acceptance before the cue
    intrinsic_negation: bool = False  # "we won't charge you for onboarding" is a give-away


def _p(kind: ConcessionKind, rx: str, needs_me: bool = True, neg: bool = False) -> _Pattern:
    return _Pattern(kind, re.compile(rx), needs_me, neg)


_K = ConcessionKind
_MIN = _N + r"(?: minutes)?"
_PATTERNS: tuple[_Pattern, ...] = (
    # price
    _p(_K.PRICE, r"\bdiscount\w*\b"),
    _p(_K.PRICE, r"\b(?:knock|take|shave|chop|trim|drop)\w*\b(?: [\w.'-]+){0,5}? off\b"),
    _p(_K.PRICE, r"\b(?:do|give you|offer|offer you|go to|go|come down|meet you at|get you)"
       r"(?: \w+){0,2}? " + _N + r" (?:percent|dollars)\b"),
    _p(_K.PRICE, _N + r" (?:percent|dollars) off\b"),
    _p(_K.PRICE, r"\b(?:price[- ]match\w*|match\w*(?: \w+){0,2} (?:price|prices|quote|offer"
       r"|number|rate|deal|pricing)|match(?:ed|ing)? (?:it|that|them|this|what they)|match (?:the |that |their )?" + _N + r" (?:percent|dollars)|beat (?:their|that|the)"
       r" (?:price|quote|offer|number))\b"),
    _p(_K.PRICE, r"\b(?:come|go|bring (?:it|the price)) down\b|\b(?:lower|reduc|drop|cut|adjust"
       r"|touch|budg|mov|chang)\w* (?:the |our |my |your |on )?(?:price|rate|fee|cost|quote"
       r"|pricing|number)\b"),
    _p(_K.PRICE, r"\bhono(?:u)?r (?:their|the|that|your|the other) (?:price|rate|quote|number"
       r"|pricing|offer)\b|\bmeet (?:them|their price|you) (?:halfway|in the middle)\b"
       r"|\bwiggle room\b|\bcome in (?:under|below|at)\b|\bsharpen\b[^.]*\bpencil\b"),
    _p(_K.PRICE, r"\b(?:see what (?:i|we) can do|flexib\w*|figure something out|work something out"
       r"|some room|sort something out) (?:on|with|about|around) (?:the )?(?:price|pricing|number"
       r"|cost|rate|figure|quote)\b|\blet us not let (?:a |the )?(?:few |couple of )?(?:points"
       r"|percent|\d+ percent|price|money)\b", needs_me=False),
    _p(_K.PRICE, r"\b(?:their|the) (?:quote|price|number|pricing) (?:will not|would not|should not|is not"
       r"|does not) (?:be )?(?:a|an) (?:problem|issue|obstacle)\b", needs_me=False, neg=True),
    _p(_K.PRICE, r"\b(?:meet you in the middle|meet (?:you )?halfway|split the difference"
       r"|sharpen (?:the|my|our) pencil|call it \d+|(?:better|special|lower|best|reduced|discounted)"
       r" (?:price|rate|deal|number)|something on (?:the )?price|flexible on (?:the )?price)\b"),
    _p(_K.PRICE, _N + r" (?:percent|dollars)(?: off)?(?: \w+){0,2}? (?:is fine|is ok|is okay"
       r"|works|it is|then|sounds (?:fair|good|fine)|is doable|is no problem|is a deal|deal"
       r"|get (?:this|it|us|you|the deal)|help|make (?:it|this|the)|is something i|close"
       r"|(?:should|would|will) not (?:be|stand)|consider it|sound|sounds)\b", needs_me=False),
    _p(_K.PRICE, r"\bcall it (?:the same as|even with|level with)\b|\bnot (?:going to )?lose you"
       r" over\b", needs_me=False, neg=True),
    # time
    _p(_K.TIME, _N + r" minutes(?: [\w']+){0,5}? (?:fine|ok|okay|good|great|perfect|plenty"
       r"|enough|all i need|no problem|doable|works|work|it is|then|will do|help|helps|easier"
       r"|suit|suits)\b", needs_me=False),
    _p(_K.TIME, r"\b(?:shorter|quick|short|brief|condensed|shortened|compressed|quicker|tighter)"
       r" (?:slot|call|meeting|version|session|chat|one|window|intro|overview)\b[^.?!]*\b(?:work"
       r"|works|fine|okay|ok|do|fit|fits|make sense|manage)\b|\b(?:whatever|any) (?:time|window"
       r"|slot)\b|\bas short as you\b|\btake what you\b|\bhit the highlights\b"
       r"|\bmake it work\b|\bwork something out on the timing\b|\bflexib\w* on (?:how long|the"
       r" time|timing|the length)\b|\b(?:a|the) (?:quick|short|shorter) version\b"
       r"|\bkeep it (?:short|brief|tight|quick)\b|\bmake it (?:quick|fast|short)\b"
       r"|\blet us not let (?:a |the )?(?:few |couple of )?(?:\d+ )?minutes\b", needs_me=False),
    _p(_K.TIME, r"^" + _ACCEPT + r"\b[,.!]? (?:that is |then )?" + _N + r" minutes\b",
       needs_me=False),
    _p(_K.TIME, r"\b(?:take|do|make|fit|squeeze|get|cover|manage|keep|cut|trim|work with"
       r"|make do with|settle for|go with|accept|condense|compress|shorten)\b(?: [\w']+){0,4}?"
       r" (?:in |into |to |within |with |down to |for )?(?:the |your |those |just )?(?<!at )" + _MIN
       + r"\b(?! (?:percent|dollars|months|days|am|pm))"),
    _p(_K.TIME, r"\b(?:be quick|be brief|keep it (?:short|brief|quick|tight)|make it (?:quick"
       r"|fast|short)|rush through|speed through|go fast|talk fast|skip the (?:demo|details"
       r"|discovery)|whatever time you have|work with whatever|squeeze (?:it|me|us) in)\b"),
    # info
    _p(_K.INFO, r"\bget (?:it|that|this|something|them|some \w+|(?:that|the|this|a|an|our) \w+)"
       r" (?:over|across|sent)\b|\bget you (?:some stuff|something|some (?:info|information"
       r"|materials|details|numbers)|a few things)\b(?! (?:free|extra|off))|\bpull (?:something|a few things"
       r"|some \w+) together\b|\bput together (?:a|an|some|something)\b"
       r"|\bin touch with (?:some )?(?:materials|info|information|details)\b|\bpdf do the\b"),
    _p(_K.INFO, r"\bcheck your (?:inbox|email)\b|\byou will have (?:it|them|that|everything|the \w+) (?:by|in|this|today|tonight"
       r"|tomorrow|before)\b", needs_me=False),
    _p(_K.INFO, r"\b(?:send|email|e-mail|forward|mail)\w*\b(?: [\w-]+){0,4}? (?:over|across"
       r"|along|through)\b"),
    _p(_K.INFO, r"\b(?:send|email|e-mail|forward|shoot|drop|mail|fire)(?:ing)?\b(?: (?:you|it|that|them"
       r"|this|over|across|along|through|out|some|a|an|the|our|my|few|couple|of|to|just|whole"
       r"|full|entire))*"
       r" ?(?:all )?(?:\d+ )?(?:info|information|brochure|deck|details|materials?|overview|pdf|one[- ]pager"
       r"|case stud(?:y|ies)|pricing|price list|proposal|link|something|stuff|literature|summary"
       r"|an email|email|pack|package|everything|documents|docs|paperwork|references|it over|that over|it across|you (?:some|a|an|the|our|something|it|that)"
       r"|it|that|them)\b"),
    _p(_K.INFO, r"\b(?:what is (?:your|the best) email|(?:where|what) (?:should|can|do) (?:i|we)"
       r" send)", needs_me=False),
    # scope
    _p(_K.SCOPE, r"\bthr[eo]w\w* in\b|\bon the house\b|(?<!that is )(?<!that was )(?<!this is )(?<!was )\bon us\b|\bfor free\b|\bfree of charge\b"
       r"|\bcomplimentary\b|\bwaiv\w+\b", needs_me=False),
    _p(_K.SCOPE, r"\b(?:at no|no|without any|without) (?:extra |additional )?(?:cost|charge"
       r"|setup fee|set-up fee|onboarding fee|implementation fee|fee)\b", needs_me=False,
       neg=True),
    _p(_K.SCOPE, r"\b(?:will not|not going to|do not need to|would not|do not|not) (?:charge|bill"
       r"|invoice)\b|\byou (?:will not|do not (?:have|need) to) pay for\b"
       r"|\byou (?:will not|would not) be (?:paying|charged|billed) for\b", neg=True),
    _p(_K.SCOPE, r"\b(?:will not|would not|does not|do not|is not going to) cost (?:you )?(?:anything"
       r"|a thing|a penny|a cent|extra|a dime)\b", needs_me=False, neg=True),
    _p(_K.SCOPE, r"\bfree (?:month|months|onboarding|training|implementation|setup|set-up"
       r"|support|upgrade|seats?|licen[cs]es?|users?|trial|installation|consulting|hours"
       r"|migration|add-on|module|premium)\b|" + _N + r" (?:months|days)(?: \w+)? (?:free|on us)\b"
       r"|\bfirst (?:month|year|\d+ months) (?:free|on us)\b", needs_me=False),
    _p(_K.SCOPE, r"\b(?:cover|take care of|handle|sort out|absorb|eat)\b[^.?!]*\b(?:onboarding"
       r"|setup|training|implementation|migration|the cost)\b|\b(?:onboarding|setup|training"
       r"|implementation)(?: side)? (?:handled|covered|taken care of|sorted)\b|\bsweeten\w*\b"
       r"|\b(?:look at|do|give you|offer|throw in|add) (?:a |an )?" + _N + r" months free\b"
       r"|\b(?:onboarding|setup|training)\b[^.?!]*\b(?:cover|handle|take care of|absorb) (?:that"
       r"|it)\b|\bsee what (?:i|we) can do (?:on|with|about) (?:the )?renewal\b|\broom to make the"
       r" renewal\b|\blet us not let (?:the )?(?:\d+ )?months\b", needs_me=False),
    _p(_K.SCOPE, r"\bextend\w* (?:the |your |that )?(?:free )?(?:trial|pilot)\b|\b(?:give|add"
       r"|include|offer)\w*(?: you)? (?:an? )?(?:extra |additional |bonus )?" + _N
       + r" (?:extra |additional |bonus |free )?(?:months|days)\b|\b(?:upgrade|bump) you\b"
       r"|\b(?:extra|additional|bonus) (?:seats?|licen[cs]es?|users?|training|support|months?)\b"),
)

# --- judgement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    raw: str  # verbatim slice of the input
    text: str  # canonical form


def _sentences(text: str) -> list[_Sentence]:
    out = []
    for m in re.finditer(r"[^.!?;\n]+(?:[.!?]+|$)", text):
        raw = m.group(0).strip()
        if re.search(r"[a-z0-9]", raw, re.I):
            out.append(_Sentence(raw, canonical(raw)))
    return _merge_decimals(out)


def _merge_decimals(sents: list[_Sentence]) -> list[_Sentence]:
    """Re-join sentences split inside '7.5%' or '$1.5k' by the naive splitter."""
    merged: list[_Sentence] = []
    for s in sents:
        if merged and re.search(r"\d\.$", merged[-1].raw) and re.match(r"\d", s.raw):
            raw = merged[-1].raw + s.raw
            merged[-1] = _Sentence(raw, canonical(raw))
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


def _is_question(sent: _Sentence) -> bool:
    if _QUESTION_START.match(sent.text):
        return True
    return sent.raw.rstrip().endswith("?") and not _STATEMENT_START.match(sent.text)


_UNITS_FOR: dict[ConcessionKind, tuple[str | None, ...]] = {
    ConcessionKind.PRICE: ("percent", "dollars", None),
    ConcessionKind.TIME: ("minutes", None),
    ConcessionKind.INFO: (),
    ConcessionKind.SCOPE: ("months", "days", "dollars"),
}


def _amount(kind: ConcessionKind, span: str, topic_unit: str | None) -> tuple[float | None, str | None]:
    wanted = _UNITS_FOR[kind]
    # "a 24 months renewal" names the term traded for, not what was given
    m = next(
        (m for m in re.finditer(_N + r"(?: (percent|minutes|dollars|months|days))?(?! (?:term"
                                r"|contract|renewal|deal|agreement|commitment|licen))", span)
         if m.group(2) in wanted),
        None,
    )
    if m is None:
        first = re.search(r"\bfirst (month|year)\b", span)
        if kind is ConcessionKind.SCOPE and first:
            return (1.0 if first.group(1) == "month" else 12.0), "months"
        return None, None
    value, unit = float(m.group(1)), m.group(2)
    if unit is None:
        if kind is ConcessionKind.TIME:
            unit = "minutes"
        elif kind is ConcessionKind.PRICE:
            # A bare "knock ten off" means percent in practice; "knock 500 off" means money.
            unit = topic_unit or ("percent" if value <= 50 else "dollars")
    return value, unit


def concession_amount(kind: ConcessionKind, canon: str) -> tuple[float | None, str | None]:
    """The amount and unit of a `kind` concession in canonical text ("fine, 15 then" -> 15 %)."""
    return _amount(kind, canon, None)


def scan_cues(text: str, *, needed_minutes: float = 45) -> list[ConcessionCue]:
    """Every concession cue in `text`, judged but not filtered (see module docstring)."""
    sents = _sentences(text)
    whole = canonical(text)
    has_next_step = bool(NEXT_STEP.search(whole))
    any_probe = any(_is_question(s) and not _OFFER_QUESTION.search(s.text) for s in sents)
    topic_unit = "dollars" if " dollars" in whole and " percent" not in whole else None
    cues: list[ConcessionCue] = []
    for sent in sents:
        t = sent.text
        offer_q = bool(_OFFER_QUESTION.search(t))
        question = _is_question(sent) and not offer_q
        conditional = bool(CONDITION.search(t))
        seen: dict[ConcessionKind, int] = {}
        for pat in _PATTERNS:
            for m in pat.regex.finditer(t):
                lo, hi = _clause_bounds(t, m.start(), m.end())
                before = t[lo:m.start()]
                if re.search(_OTHER, before) and not re.search(r"\b(?:i|we) (?:will|can)\b", before):
                    continue
                prev = t[:lo]
                clause = t[lo:hi]
                if pat.intrinsic_negation:
                    clause = clause.replace(m.group(0), " ")
                clause = _FALSE_NEGATIONS.sub(" ", clause)
                # "...and I won't do that" later in the sentence takes the offer back.
                negated = bool(_NEGATION.search(clause) or _LATER_REFUSAL.search(t[hi:]))
                mine = re.search(_ME, before) or re.search(r"\b" + _ACCEPT + r"\W*$", prev) or (
                    re.match(_ACCEPT + r"\b", before))
                if pat.needs_me and not offer_q and not mine and not negated:
                    continue  # a refusal needs no speaker: "a discount isn't on the table"
                amount, unit = _amount(pat.kind, m.group(0), topic_unit)
                if amount is None and pat.kind is not ConcessionKind.INFO:
                    amount, unit = _amount(pat.kind, clause, topic_unit)
                if amount is None and pat.kind is ConcessionKind.TIME:
                    said = re.search(_N + r" minutes", t)  # "twenty minutes, I'll make it work"
                    amount, unit = (float(said.group(1)), "minutes") if said else (None, None)
                if pat.kind is ConcessionKind.TIME and amount is not None and amount >= needed_minutes:
                    continue  # accepting the time the rep needs is no concession
                if pat.kind is ConcessionKind.INFO and not negated and (
                    has_next_step or (any_probe and re.search(r"\b(?:but|before)\b", t[m.end():]))
                ):
                    continue  # sending with a booked follow-up, or deferring to a probe
                cue = ConcessionCue(pat.kind, negated, question, conditional, amount, unit, sent.raw)
                _keep(cues, seen, cue)
    return cues


def _keep(cues: list[ConcessionCue], seen: dict[ConcessionKind, int], cue: ConcessionCue) -> None:
    """One cue per kind per sentence; a give-away beats a refusal, an amount beats none."""
    idx = seen.get(cue.kind)
    if idx is None:
        seen[cue.kind] = len(cues)
        cues.append(cue)
        return
    old = cues[idx]
    if (cue.is_concession, cue.amount is not None) > (old.is_concession, old.amount is not None):
        cues[idx] = cue


def detect_concessions(text: str, *, needed_minutes: float = 45) -> list[Concession]:
    """The concessions a rep's turn gives away (refusals and mere questions excluded).

    `needed_minutes` is the meeting length the rep needs: agreeing to that much or more is not
    a time concession.
    """
    return [
        Concession(c.kind, c.conditional, c.amount, c.unit, c.quote)
        for c in scan_cues(text, needed_minutes=needed_minutes)
        if c.is_concession
    ]
