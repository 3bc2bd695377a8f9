"""The rep's moves in one turn: text in, moves out. Read by the prospect (dialog) and the scorer.

Concessions and refusals come from the shared detector in `scoring.concessions` (a negated
concession cue is the rep holding firm); the other moves are keyword patterns on the
canonical text (lower case, contractions expanded, numbers as digits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from enum import StrEnum

from scoring.canonical import first_names
from scoring.concessions import (
    CONDITION as _CONDITION, NEXT_STEP, UNREAD as _UNREAD, Concession, ConcessionKind, canonical,
    concession_amount, scan_cues, unit_kind,
)
from scoring.move_model import KINDS, MoveModel, Prediction, default_model, feature_slots


class MoveKind(StrEnum):
    CONCEDE = "concede"
    HOLD_FIRM = "hold_firm"
    STATE_VALUE = "state_value"
    ASK_QUESTION = "ask_question"
    PROPOSE_NEXT_STEP = "propose_next_step"
    WALK_AWAY = "walk_away"
    APOLOGISE = "apologise"
    SMALL_TALK = "small_talk"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Move:
    """One thing the rep did; `concession` is set for a concede with a detected give-away,
    `topic` for a hold_firm that refused a specific kind of concession."""

    kind: MoveKind
    concession: Concession | None = None
    topic: ConcessionKind | None = None


_HOLD = re.compile(
    r"\bprice is (?:the|our) price\b|\bour price is\b[^.?!]*\b(?:firm|fixed|fair|our price)"
    r"|\b(?:stand|standing) by (?:our|the|my) (?:price|number|proposal)\b|\bnon-?negotiable\b"
    r"|\b(?:need|needs|require|requires|asking for|ask for)(?: at least| a full| about)? (?:4[5-9]|[5-9]\d)"
    r" minutes\b|\brather (?:wait|hold off|not rush|reschedule)\b|\bnot be enough\b"
    r"|\bnot (?:going to )?be enough\b|\b(?:can|could) not do (?:it|this|that) justice\b"
    r"|\bnot (?:going to )?(?:budge|move on (?:price|that))\b|\b(?:price|number) (?:stays|is staying)\b"
    r"|\b(?:when|once) you (?:have|can (?:give|spare|find|clear)) (?:4[5-9]|[5-9]\d) minutes\b"
    r"|\bnot (?:going to )?(?:just )?send (?:a|the|you a)? ?(?:brochure|deck|pdf|information|info)\b"
    r"|\bwe do not (?:negotiate|do free)\b|\bnot (?:going to )?(?:go|come) (?:any )?(?:lower|below)\b"
    r"|\b(?:rather than|instead of) (?:just )?(?:cut|lower|drop|discount|match|knock|send|fir"
    r"|email|mail|shoot|forward|post|pop|throw|waiv|promising|guarante|build|giv|offer|hand)\w*\b"
    r"|\bnot how we (?:work|do business)\b|\b(?:time|a time) when you have (?:4[5-9]|[5-9]\d) minutes\b"
    r"|\b(?:price|pricing|number|rate) is what it is\b|\b(?:price|pricing|number|rate) (?:stays"
    r"|will"
    r" stay|remains|is not moving|does not move)\b(?! (?:right |exactly |just )?(?:where|as) (?:it was"
    r"|they were))|\brather not (?:touch|change|move|cut|lower|drop"
    r"|discount|send|rush|do)\b"
    r"|(?<!not )\b(?:need|want|require)\b[^.?!]*\b(?:full|whole|the) (?:4[5-9]"
    r"|[5-9]"
    r"\d|hour)\b|\bdo(?:es)? (?:it|this|that|you) justice\b|\bshortchange\b|\bnot comfortable\b"
    r"|\bpush back\b|\bnot (?:going to |willing to )?(?:cut|shorten|trim|squeeze|rush|lower|drop"
    r"|discount|give away)\b|\b(?:can|could|will|would) not go there\b|(?<!were )\bnot (?:a chance|happening"
    r"|going to happen|on the table)\b|\bno way\b|\brather (?:talk|walk(?! away| than)"
    r"|go through|meet|show|earn"
    r"|you pay|find a time)\b|\bnot by giving\b|\bnot one of them\b"
    r"|\bwill not (?:really )?(?:answer|show|tell)\b|^(?:no|nope)(?:\W*$|,)"
    r"|\b(?:4[5-9]|[5-9]\d) minutes instead of\b|\bworks? better (?:when|if) we\b"
    r"|\bwould only be cluttering\b|\bsame for every\b"
    r"|\bthat is what i am asking for\b|\bis what i need\b|\bnot (?:be )?enough\b"
    r"|,? so no\W*$"
    r"|\bnot (?:going to |able to )?(?:move|budge) on (?:it|that|this|the number|price|pricing"
    r"|the price|the pricing|the rate)\b"
    r"|\b(?:price|number|rate|pricing|quote|terms) (?:is|are|stays|stay|remains) (?:firm|fixed|set"
    r"|final)\b|\b(?:still|really|exactly|just) what (?:i|we) need\b|\bhold the (?:terms|price"
    r"|line|number)\b"
    # refusals said without a give-away word: "we're not moving", "I'm not able to take that
    # out", "what I'm not going to do is ...", "I'll pass on the twenty-minute slot"
    r"|\b(?:i am|we are) not moving\b|\b(?:not able to|unable to) (?:take|give|offer|cut|drop"
    r"|knock|move|go|do)\b|\bnot going to do is\b|\b(?:going to|have to|will|must) pass on\b"
    r"|\bhold off on\b|\b(?:price|pricing|terms|rate|number)\b[^.?!]*\b(?:stay|stays|remain"
    r"|remains) (?:as|where) (?:it is|they are)\b"
    # "the renewal stays as it is", "anything shorter and we're both guessing", "The
    # estimating link, no."
    r"|\b(?:renewal|quote|contract|offer)\b[^.?!]*\b(?:stay|stays|remain|remains) (?:as|where)"
    r" (?:it is|they are)\b|\banything (?:shorter|less|lower|cheaper|under \d+|below \d+) and"
    r" (?:we|you|it|i)\b|^(?:the |that |your |a |an )?[a-z -]{2,30}, no\W*$"
    r"|\bnot something (?:we|i) (?:will |would |can |could |are going to |am going to )?(?:do"
    r"|offer|provide"
    r"|can offer|can do|build|make|support|sell|write|promise|guarantee)\b"
    r"|\b(?:we|i) do not do (?:that|this|it|custom)\b|\bor we wait\b"
    r"|\bcan not do (?:it|that|this)\b|\bnot this time\b|^(?:no,? )?not today\W*$"
    # "I can't go under 45", "the renewal stays as quoted", "the number is the number",
    # "... and I'm comfortable with that"
    r"|\b(?:can|will|would) not go (?:under|below|lower than|less than)\b"
    r"|\b(?:price|pricing|terms|rate|number|renewal|quote|contract)\b[^.?!]*\b(?:stay|stays"
    r"|remain|remains) (?:as quoted|as agreed|unchanged|the same)\b"
    r"|\b(?:stays?|remains?) on the (?:invoice|bill|quote)\b"
    # "twenty minutes is to short", "twenty won't work", "at least forty-five minutes", "can
    # we find forty-five minutes on Monday instead?"
    # ("the plan is to brief your team" is no refusal)
    r"|\b(?:is|are|be|far|way|much|just|feels|seems|sounds) (?:too (?:short|tight|rushed|brief)"
    r"|to (?:short|tight|rushed))\b|\b\d+(?: minutes)? (?:will|would|does|is going to) not (?:work|do|cut it"
    r"|be enough)\b|\bat least (?:4[5-9]|[5-9]\d) minutes\b|\b(?:4[5-9]|[5-9]\d) minutes"
    r" (?:at (?:the )?least|minimum|or more)\b|\b(?:4[5-9]|[5-9]\d) minutes\b[^.?!]{0,30}"
    r"\binstead\W*$"
    # "No pricing sheet on its own", "if I send the pack it'll sit in your inbox"
    r"|^no (?:[\w-]+ )?(?:sheet|list|deck|brochure|pdf|pack|one-pager|1-pager|overview)\b|"
    + _UNREAD.pattern +
    # "I'd rather leave the price where it is", "I'm gonna say no to the twenty", "the honest
    # answer is no on the three months", "I'd need forty-five", "happy to wait a week for the
    # full forty-five", "I'd rather we fix the actual problem", "no promises until then"
    # "the answer's no", "the answer has to be no"
    r"|\b(?:the )?answer (?:is|has to be|will be|remains|is still|stays) (?:a )?no\b"
    r"|\brather (?:leave|keep) (?:the |our |my )?(?:price|number|pricing|rate|renewal|quote)s?"
    r" (?:where|as) (?:it is|they are)\b|\bsay(?:ing)? no to\b|\b(?:answer is|that is|it is)"
    r" (?:a )?no (?:on|to)\b|\b(?:i|we) would (?:still |really )?need (?:4[5-9]|[5-9]\d)\b"
    r"(?! (?:percent|dollars))|\b(?:happy|willing|prepared|fine|okay) to wait\b[^.?!]*\bfor"
    r" the (?:full |whole )?(?:4[5-9]|[5-9]\d|hour)\b|\brather (?:we )?fix\b|\brather spend (?:\d+ minutes"
    r"|time|the time|half an hour) with you\b|\bno promises (?:from (?:me|us) )?(?:until|till|before)\b"
    # "don't shrink it", "if I rush it, you'll walk away with a brochure", "the renewal stays at the number on the proposal", "I'd be
    # selling you something that doesn't exist", "If I gave you ten percent today you'd be
    # back in a year": the cut refused by what it would cost
    r"|\bdo not (?:shrink|shorten|squash|compress|condense|cut|trim|squeeze) (?:it|the"
    r" (?:meeting|call|slot|time))\b|\bif (?:i|we) (?:rush|rushed) (?:it|this|through|things)\b"
    r"|\b(?:renewal|price|number|quote|rate|pricing)s? (?:stays?|remains?|is staying) at (?:the|our"
    r"|that|this) (?:number|price|figure|rate|quote)\b"
    r"|\b(?:i|we) would be (?:selling you something|lying|kidding you|setting you up to fail"
    r"|making (?:it|things) up|overpromising|selling you a dream)\b"
    r"|\bif (?:i|we) (?:gave|said yes|told you|promised|dropped|cut|knocked|matched|caved|threw"
    r" in|waived|agreed)\b[^.?!]*\b(?:you|it|i|we|they|that) would (?!you\b)"
    r"|\b(?:price|number|rate|quote|figure)\b[^.?!]{0,30}\bis the (?:price|number|rate|quote"
    r"|figure)\b|\b(?:i am|we are) comfortable with (?:that|it|the (?:price|number"
    r"|quote))\W*$"
)
_VALUE = re.compile(
    r"\bcost (?:to|of) (?:get|use|own|run|ownership|switching|downtime)\b|\btotal cost\b"
    r"|\breturn on\b|\broi\b|\bpays? for (?:itself|the difference|themselves)\b|\bsav(?:e|es|ed|ing|ings)\b"
    r"|\bdowntime\b|\b(?:our |other |most )?customers (?:who|that|like|tell|stay|see|gladly)\b"
    r"|\bthe difference (?:buys|gets|is|comes)\b|\bworth\b"
    r"|\bwhat you (?:get|are getting|are paying for)\b"
    r"|\buptime\b|\bproductivity\b|\brevenue\b|\bin half\b|\bresults?\b|\bvalue\b"
    r"|\breduce[sd]? (?:your )?(?:risk|cost|costs|churn|downtime|waste)\b|\btrack record\b"
    r"|\bbecause\b|\bwhat (?:we|i) will do is\b|\bcosts? (?:you )?(?:far |much |a lot )?more\b|\bwe (?:help|helped|make sure|guarantee)\b|\bcheaper (?:up front|to buy)\b"
    r"|\bcosts? (?:you|more) (?:in|over|down|to run|to use|to own)\b|\bover (?:the life|\d+ (?:months|years))\b"
    r"|\bby (?:about |around |nearly |over )?(?:a third|half|\d+ percent)\b|\bpays? for\b|\bfewer\b"
    r"|\bon-time\b|\bsame-day\b|\bguarantee\b|\bnamed engineer\b|\baccount manager\b"
    r"|\bfaster\b|\bhours a month\b|\bhold times\b|\bspend(?:ing)? less\b|\bmore than the\b"
    r"|\bwhat (?:you|people) (?:would see|tend to|are renewing|are getting|get)\b|\bthe point is"
    r"|\bplugs into\b|\bcustomers? (?:your|of your) size\b|\b(?:group|fleet|team|plant)s? (?:your"
    r"|of your) size\b|\bmodelled\b|\bremove[sd]? the\b|\bcut (?:their|your|average|the)\b"
    r"|\bevery (?:single )?(?:week|month|day)\b|\blets us\b|\bcatch(?:es)?\b|\bwaste\b|\brework\b"
    r"|\bmigration\b|\bretrain\b|\b(?:would|will|could)(?: have|'ve) caught\b"
    # what was fixed and what the product did: "the root cause was a bad config push",
    # "that's the fix", "it's what got your claims team live", "it doesn't count the spoilage"
    r"|\broot cause\b|\bthat is the fix\b|\b(?:we|i) have (?:since |now |already )?(?:added|rebuilt"
    r"|fixed|put in|introduced|upgraded|replaced|doubled)\b|\bwhat (?:got|gets|helped|helps)"
    r" (?:your|you)\b|\bspoilage\b|\bbut (?:it|that|they|their \w+) (?:does not|do not|will not"
    r"|would not) (?:count|include|cover|factor in|account for)\b"
)
# "catches" is value talk only with what it catches: "sorry to catch you" is not.
_NOT_VALUE = re.compile(
    r"\bcatch(?:es)?\b(?! (?:errors?|mistakes?|problems?|issues?|them|it|the|every))")
_WALK = re.compile(
    r"\bwalk away\b(?! (?:thinking|feeling|with))"
    r"|\bwalk from\b|\bnot (?:be )?(?:a|the|the right|a good|a great) fit\b|\bisn't a fit\b"
    r"|\brather walk (?:away|than)\b"
    r"|\bnot a fit\b|\b(?:happy|fine|okay|ok|prepared|willing|ready) to"
    r" (?:walk(?! you| them| through)|step back|part ways"
    r"|pass)\b|\bpart ways\b|\bstay with (?:your|the) (?:current|other|existing)\b"
    r"|\b(?:should|might|could) (?:go|stick|stay) with (?:them|the competitor|the cheaper)\b"
    r"|\bno hard feelings\b|\bi will pass\b|\bwe will pass\b|\bokay to say no\b"
    r"|\brather lose the (?:deal|business)\b|\bbest of luck with\b"
    r"|\b(?:better|best) (?:we|if we) (?:do not|not)\b(?! rush)"
    r"|\bnot (?:be )?the right (?:time|partner|call"
    r"|fit)\b|\b(?:the )?right call for you\b|\bgo with them\b|\bcan live without\b"
    r"|\brather (?:not meet|lose|we both move on)\b|\bmove on\b(?! (?:the|that|this|price|pricing"
    r"|it)\b)|\bwill not chase\b"
    r"|\bnot right for\b|\bgo to market\b|\bhandover\b|\bnot renewing\b|\bgive (?:me|us) a call"
    # "call me when you've got the forty-five" holds out for the meeting instead
    r" when\b(?! you (?:have )?(?:got )?(?:the )?(?:full |whole )?(?:4[5-9]|[5-9]\d|hour))"
    r"|\bcall (?:me|us) when\b(?! you (?:have )?(?:got )?(?:the )?(?:full |whole )?(?:4[5-9]"
    r"|[5-9]\d|hour))"
    # "if that means you move, I understand"
    r"|\bif (?:that|it|this) means (?:you|we) (?:\w+ )?(?:move|moving|go|going|leave|leaving|walk"
    r"|switch|switching|part|lose|losing)\b|\bwhen there is\b[^.?!]*\b(?:free|time)\b|\bi am here\b"
    r"|\bif (?:now|this) is not (?:the moment|a priority|the right time)\b|\bfair conclusion\b"
    r"|\b(?:it|this) is (?:probably |just )?not a priority (?:right now|for you)\b"
    r"|\bbest bet\b|\bbetter (?:option|choice|bet)\b|\blet us not (?:book|meet"
    r"|schedule)\b|\blet (?:this|it)(?: one| 1)? go\b|\bstep back\b|\blook elsewhere\b"
    r"|\bnot (?:be )?worth pursuing\b|\bonly go with us if\b|\bfine either way\b"
    r"|\bleave it and reconnect\b|\bcall it (?:here|a day)\b|\blet us hold off\b"
    # "I might not be the right supplier for you", "the other supplier is probably the right
    # call", "I don't think we're the right system for you", "if those are dealbreakers",
    # "you probably don't need us", "if it's a no, that's okay", "that's a fine answer"
    r"|\b(?:other|cheaper) (?:supplier|vendor|provider|option|quote)\b[^.?!]*\b(?:is|are|might be"
    r"|may be) (?:probably |likely |honestly |really )?the (?:right|better|best) (?:call|choice"
    r"|option|fit|move)\b|\bnot (?:really )?think (?:we are|i am|this is) (?:the )?(?:right|best"
    r"|a good)\b|\bif (?:that|those|it|this) (?:is|are) (?:a )?deal-?breakers?\b"
    r"|\byou (?:probably |might |may )?(?:do not|might not|may not) need us\b"
    r"|\bif (?:it is|that is|the answer is) (?:a )?no\b[^.?!]*\b(?:okay|ok|fine|alright|all right)\b"
    r"|\b(?:that is|that would be|is) (?:a )?(?:perfectly )?(?:fine|good|okay|valid) answer\b"
    r"|\brather you come back\b"
    r"|\bnot (?:be )?(?:your|the right|the) (?:guy|supplier|vendor|partner|people|company|team)(?: for"
    r" you)?\b|\bnot worth (?:either of our|your|our|both our) time\b|\bthen it is nothing\b"
    r"|\brather (?:you )?tell me (?:now|today)\b"
    r"|\b(?:serve|suit) you better\b|\bbetter served by\b|\blet you go\b"
    # "I'll point you to someone who does it", "you'd be happier with a system built for it"
    r"|\b(?:point|refer|send|put) you (?:to|towards|in touch with) (?:someone|somebody|a (?:vendor"
    r"|supplier|partner|company|provider)|another)\b|\byou (?:would|will|might) be (?:happier"
    r"|better off|better served)\b"
    r"|\b(?:look at|test) the market\b|\bshop around\b"
    # "I'm fine closing the file"
    r"|\b(?:happy|fine|okay|ok|prepared|willing|ready) (?:to close|closing) (?:the file|the loop"
    r"|this out|it out|things out|the account)\b|\bclose the file\b"
    r"|\bnot (?:really )?think (?:we are|were|we would be|this is|it is|it would be)\b[^.?!]{0,20}"
    r"\b(?:fit|match)\b"
)
_APOLOGY = re.compile(
    r"\bsorry\b|\bapolog\w*\b|\bmy (?:bad|fault|mistake)\b|\bwas on us\b|\bwe let you"
    r" down\b|\bour fault\b|\b(?:that|this|it) is on me\b|\bnot going to pretend\b|\b(?:bad|rough) quarter\b"
    r"|\bwe (?:dropped|messed up|fumbled)\b"
)
_SMALL_TALK = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon|evening))\b|\bhow are you\b"
    r"|\bhow (?:was|is|were) (?:your|the) (?:day|weekend|week|conference|trip|holiday|vacation"
    r"|summer|game|family)\b|\bnice to (?:meet|talk|speak)\b|\bthanks for (?:taking|having|your time)"
    r"|\bweather\b|\bhope (?:you|the|your)\b|^(?:morning|ha|good to (?:see|hear))\b"
    r"|\bhow (?:is|was|did|are|has)\b[^?]*\b(?:week|weekend|conference|launch|opening|team|move"
    r"|office|trip|holiday|coffee|clinic|going|holding up|family|kids)\b|\bthanks (?:so much )?for"
    r" (?:the time|your time|picking up|taking)\b|\bi know (?:that feeling|quarter end)\b"
    r"|\b(?:everybody|everyone)'?s\b|\bby the way\b|\bcongrat|\bholidays?\b|\bbeen a while\b"
    r"|\bplans for the weekend\b|\bhappy (?:monday|tuesday|wednesday|thursday|friday|new year)\b"
    r"|\bbusy season\b|\bcoming along\b"
)
_QUESTION_START = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|then),? )?(?:(?:would|could|can|do|does|did|is|are|was|have|has"
    r"|will|should)\s+(?:you|it|that|this|there|price|the|your|we|i|a|an)\b|(?:what|why|how|which"
    r"|who|where|when)\b(?! (?:i|we) (?:can|could|will|would) (?:do|offer)))"
)
_BARE_ACCEPT = re.compile(
    r"^(?:(?:ok|okay|sure|fine|alright|all right|deal|yes|yeah|yep|of course|no problem|absolutely"
    r"|great|perfect|done)[,.! ]*)+(?:\d+(?: percent| minutes| months| days| dollars)?"
    r"(?: then| it is)?[.!]?)?$|(?<!how )\b(?:that|this|it|which) works\b(?! with)"
    r"|\bworks (?:for me|great|well)\b|\b(?:that works|sounds good|works for me|happy with that"
    r"|let us do (?:it|that)|you have got (?:a deal|it)|you got it|we have a deal|it is a deal"
    r"|consider it (?:done|handled|sorted))\b"
)
# "Is it fair to say this isn't a priority right now?": checking what the prospect means is a
# question, not the rep walking away
_CHECKING = re.compile(
    r"^(?:(?:so|and|okay|ok|well),? )?(?:is it fair to say|would it be fair to say|am i right"
    r"|would i be right|does (?:that|this) mean|are you saying|is it that|is that because"
    r"|do i take it)\b")
_ORDER = list(MoveKind)


def _sentences(text: str, people: Sequence[str]) -> list[tuple[str, str]]:
    """(raw, canonical) per sentence."""
    out = []
    for m in re.finditer(r"[^.!?]+(?:[.!?]+|$)", text):
        raw = m.group(0).strip()
        if re.search(r"[a-z0-9]", raw, re.I):
            out.append((raw, canonical(raw, people=people)))
    return out


def _is_question(raw: str, canon: str) -> bool:
    # "What you're getting is..." opens like a question but is a statement.
    return raw.endswith("?") or bool(
        _QUESTION_START.match(canon) and not _WH_STATEMENT.match(canon))


_WH_STATEMENT = re.compile(r"^(?:what|how|why|when|where|who) (?:you|we|i|they|people|it|he|she)\b"
                           # "what is on the proposal is what it costs": a cleft, not a question
                           r"|^what (?:is|was) [^.?!,]+ is\b")


@dataclass(frozen=True)
class RuleReading:
    """What the rules found in one turn: their moves and the tags the learned model reads."""

    canon: str
    question_mark: bool
    moves: tuple[Move, ...]
    tags: tuple[str, ...]


def read_rules(
    text: str, *, needed_minutes: float = 45, asked: ConcessionKind | None = None,
    people: Sequence[str] = (),
) -> RuleReading | None:
    """The rules' reading of one turn; None when nothing was said."""
    sents = [(r, c) for r, c in _sentences(text, people) if c]
    if not sents:
        return None
    moves: list[Move] = []
    tags: list[str] = []
    for cue in scan_cues(text, needed_minutes=needed_minutes, asked=asked, people=people):
        if cue.theirs:  # someone else's offer, reported: the model learns it is no give-away
            tags.append("cue:theirs")
            continue
        state = "neg" if cue.negated else "ask" if cue.question else "give"
        tags += [f"cue:{cue.kind}:{state}", f"cue:{state}"]
        if cue.conditional:
            tags.append(f"cond:{state}")
        if cue.question:
            continue
        if cue.negated:
            moves.append(Move(MoveKind.HOLD_FIRM, topic=cue.kind))
        else:
            c = Concession(cue.kind, cue.conditional, cue.amount, cue.unit, cue.quote)
            moves.append(Move(MoveKind.CONCEDE, concession=c))
    whole = " ".join(c for _, c in sents)
    for kind, rx in (
        (MoveKind.HOLD_FIRM, _HOLD), (MoveKind.STATE_VALUE, _VALUE),
        (MoveKind.PROPOSE_NEXT_STEP, NEXT_STEP), (MoveKind.WALK_AWAY, _WALK),
        (MoveKind.APOLOGISE, _APOLOGY), (MoveKind.SMALL_TALK, _SMALL_TALK),
    ):
        if any(rx.search(c) and not (kind is MoveKind.STATE_VALUE and _only_not_value(rx, c))
               and not (kind is MoveKind.WALK_AWAY and _CHECKING.match(c) and r.endswith("?"))
               for r, c in sents):
            moves.append(Move(kind))
    # "How was your weekend?" is small talk, not a discovery question.
    if any(_is_question(r, c) and not _SMALL_TALK.search(c) for r, c in sents):
        moves.append(Move(MoveKind.ASK_QUESTION))
    kinds = {m.kind for m in moves}
    # "Okay, sounds good" with nothing firmer in the turn gives in to whatever was asked.
    if not kinds & {MoveKind.CONCEDE, MoveKind.HOLD_FIRM, MoveKind.PROPOSE_NEXT_STEP,
                    MoveKind.WALK_AWAY, MoveKind.STATE_VALUE} and _BARE_ACCEPT.search(whole):
        moves.append(Move(MoveKind.CONCEDE, concession=_accepted(asked, whole, text)))
        tags.append("rule:bare_accept")
    if asked is ConcessionKind.INFO and any(
            m.concession is not None and m.concession.kind is ConcessionKind.INFO for m in moves):
        # "the literature's on its way, and I'll stay out of your hair": in a send-info call
        # the rep leaving after sending gives no meeting time (a length said still does)
        moves = [m for m in moves if m.concession is None or m.concession.kind is not
                 ConcessionKind.TIME or m.concession.amount is not None]
    tags += [f"rule:{m.kind}" for m in moves]
    if _CONDITION.search(whole):
        tags.append("cond:any")
    # the learned reader reads the turn as it was trained: with the names spoken to in it
    said = " ".join(canonical(r, names=True) for r, _ in sents)
    return RuleReading(said, text.rstrip().endswith("?"), tuple(_unique(moves)), tuple(tags))


def _only_not_value(rx: re.Pattern[str], canon: str) -> bool:
    """The value words in `canon` are all false friends ("sorry to catch you")."""
    return not rx.search(_NOT_VALUE.sub(" ", canon))


def _unique(moves: list[Move]) -> list[Move]:
    moves = _one_meeting(moves)
    unique: list[Move] = []
    for m in moves:
        # two give-aways said in one sentence ("free onboarding and waive the fee") are two;
        # the same figure said again ("thirty, thirty's doable") is one
        if (not _same_figure(m, unique) if m.concession is not None else m not in unique):
            unique.append(m)
    return sorted(unique, key=lambda m: _ORDER.index(m.kind))


def _one_meeting(moves: list[Move]) -> list[Move]:
    """One time give-away per turn: the meeting is one thing, so "Fifteen works. I'll just hit
    the highlights." gives fifteen minutes once; the last length said is the one given."""
    times = [m for m in moves if m.concession is not None
             and m.concession.kind is ConcessionKind.TIME]
    if len(times) < 2:
        return moves
    keep = next((m for m in reversed(times) if m.concession and m.concession.amount is not None),
                times[0])
    return [m for m in moves if m not in times or m is keep]


def _same_figure(move: Move, kept: list[Move]) -> bool:
    """`move` gives the same figure of the same kind as a give-away already kept."""
    c = move.concession
    return c is not None and c.amount is not None and any(
        k.concession is not None and (k.concession.kind, k.concession.conditional,
                                      k.concession.amount, k.concession.unit)
        == (c.kind, c.conditional, c.amount, c.unit) for k in kept)


def classify(
    text: str, *, needed_minutes: float = 45, asked: ConcessionKind | None = None,
    people: Sequence[str] = (),
) -> list[Move]:
    """The moves in one rep turn, most decisive first; [Move(UNCLEAR)] when nothing is said.

    `needed_minutes` is the meeting length the rep needs (agreeing to it is not a concession).
    `asked` is what the prospect just pushed for: a bare "okay, deal" then concedes that kind.
    `people` are the names of the people on the call, so "Marta, sign this week and ..." reads
    as the trade it is. Rules and the learned model read the turn together (docs/moves.md).
    """
    return list(_classified(text, needed_minutes, asked, first_names(people)))


@lru_cache(maxsize=1024)
def _classified(text: str, needed_minutes: float, asked: ConcessionKind | None,
                people: tuple[str, ...]) -> tuple[Move, ...]:
    # A scorecard reads each turn's moves in several places (moves, coaching, rubric,
    # rewrites): 64 readings of 9 turns in a five-minute call, 1.4 s of CPU, before this.
    reading = read_rules(text, needed_minutes=needed_minutes, asked=asked, people=people)
    if reading is None:
        return (Move(MoveKind.UNCLEAR),)
    model = default_model()
    if model is None:
        return tuple(reading.moves) or (Move(MoveKind.UNCLEAR),)
    return tuple(decide(model, reading, text, asked))


def decide(
    model: MoveModel, reading: RuleReading, text: str, asked: ConcessionKind | None = None
) -> list[Move]:
    """The turn's moves: the rules' when they found any, plus a give-away the model is very
    sure of when the rules found only weak moves (settings["add_concede"]); otherwise the
    model's reading when it is sure enough, else UNCLEAR (docs/moves.md)."""
    s = model.settings
    moves = list(reading.moves)
    if moves and not _may_add_concession(moves, s):
        return moves
    pred = model.predict(feature_slots(reading.canon, reading.question_mark, reading.tags))
    if moves:  # only weak moves found: add the give-away when the model is sure of it
        if pred.moves["concede"] >= s["add_concede"] and "cue:theirs" not in reading.tags:
            moves.insert(0, _model_concession(pred, reading, text, asked, s))
        return moves
    if pred.move == "concede" and "cue:theirs" in reading.tags:
        # Only someone else's offer was named ("they offer 15% off"): reported, not given.
        rest = {m: p for m, p in pred.moves.items() if m != "concede"}
        best = max(rest, key=rest.__getitem__)
        return [Move(MoveKind(best))] if rest[best] >= s["unsure"] else [Move(MoveKind.UNCLEAR)]
    if pred.move == "concede":
        if pred.moves["concede"] < s["concede"]:
            return [Move(MoveKind.UNCLEAR)]
        return [_model_concession(pred, reading, text, asked, s)]
    if pred.moves[pred.move] < s["unsure"]:
        return [Move(MoveKind.UNCLEAR)]
    return [Move(MoveKind(pred.move))]


# Rule moves next to which the model may still find a give-away the rules missed ("Would
# twenty be enough? Fine, twenty it is." reads as a question to the rules).
_WEAK = {MoveKind.ASK_QUESTION, MoveKind.STATE_VALUE, MoveKind.PROPOSE_NEXT_STEP,
         MoveKind.SMALL_TALK, MoveKind.APOLOGISE, MoveKind.HOLD_FIRM}


def _may_add_concession(moves: list[Move], settings: dict[str, float]) -> bool:
    # A refusal the rules tied to a topic ("I won't match their price") stays a refusal.
    return settings.get("add_concede", 2.0) <= 1.0 and all(
        m.kind in _WEAK and m.topic is None for m in moves)


# From this probability on the model's kind overrules the prospect's demand; when the model
# leans to no kind, the demand stays the guess (docs/moves.md, sixth pass).
_SURE_KIND = 0.5


def _model_concession(
    pred: Prediction, reading: RuleReading, text: str, asked: ConcessionKind | None,
    settings: dict[str, float],
) -> Move:
    likeliest = ConcessionKind(max(KINDS, key=pred.kinds.__getitem__))
    # a unit said names the kind ("knock the renewal down by ten percent" is price in any
    # call); with none, the model's likeliest kind when it is sure of it ("hold this year's
    # price" in a renewal call, "drop the surcharge for a quarter" in a price call), else
    # what the prospect asked for, else the model's likeliest kind
    said = unit_kind(reading.canon)
    sure = pred.kinds[likeliest] >= _SURE_KIND
    kind = said or (likeliest if sure or asked is None else asked)
    amount, unit = concession_amount(kind, reading.canon)
    conditional = pred.conditional >= settings["conditional"]
    return Move(MoveKind.CONCEDE, concession=Concession(kind, conditional, amount, unit,
                                                        text.strip()))


def _accepted(asked: ConcessionKind | None, canon: str, text: str) -> Concession | None:
    """What a bare yes gives away: the kind asked for, with any figure said ("fine, fifteen")."""
    kind = unit_kind(canon) or asked  # "okay, sounds good, twenty minutes" names its kind
    if kind is None:
        return None
    amount, unit = concession_amount(kind, canon)
    return Concession(kind, False, amount, unit, text.strip())


def kinds(moves: list[Move] | tuple[Move, ...]) -> set[MoveKind]:
    """The set of move kinds in `moves` (a convenience for callers and tests)."""
    return {m.kind for m in moves}
