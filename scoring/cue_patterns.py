"""The concession cue patterns: per kind, phrases that fire on both "I'll match it" and "I won't
match it" (scoring/concessions.py judges each hit). Written against canonical text
(scoring/canonical.py): lower case, contractions expanded, numbers as digits plus unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class ConcessionKind(StrEnum):
    PRICE = "price"
    TIME = "time"
    INFO = "info"
    SCOPE = "scope"


# A number in canonical text, and an acceptance word.
N = r"(\d+(?:\.\d+)?)(?!\.?\d)"
# A day a meeting is put on: "twenty on Tuesday works" is a meeting length.
DAY = r"(?:monday|tuesday|wednesday|thursday|friday|tomorrow)"
ACCEPT = r"(?:ok|okay|sure|fine|alright|all right|deal|done|yes|yeah|yep|absolutely|great|perfect)"

@dataclass(frozen=True)
class CuePattern:
    """One cue: its kind, its regex, and how scoring/concessions.py should judge a hit."""

    kind: ConcessionKind
    regex: re.Pattern[str]
    needs_me: bool  # needs a first-person speaker or an acceptance before the cue
    intrinsic_negation: bool = False  # "we won't charge you for onboarding" is a give-away
    by_context: bool = False  # a bare figure: its kind comes from the turn ("fifteen I can do")
    no_figure: bool = False  # "live in six weeks" is a date promised, not an amount given


def _p(kind: ConcessionKind, rx: str, needs_me: bool = True, neg: bool = False,
       by_context: bool = False, no_figure: bool = False) -> CuePattern:
    return CuePattern(kind, re.compile(rx), needs_me, neg, by_context, no_figure)


_K = ConcessionKind
_MIN = N + r"(?: minutes)?"
PATTERNS: tuple[CuePattern, ...] = (
    # price
    _p(_K.PRICE, r"\bdiscount\w*\b"),
    _p(_K.PRICE, r"\b(?:knock|take|shave|chop|trim|drop)\w*\b(?: [\w.'-]+){0,5}? off\b"
       # "shave a little from the per-case rate": the cut said by what it comes from
       r"|\b(?:knock|take|shave|chop|trim|shav)\w*\b(?: [\w.'-]+){0,3}? (?:from|out of) (?:the"
       r" |your |our |that )?(?:[\w-]+ )?(?:price|rate|bill|invoice|quote|renewal|number|cost"
       r"|total)\b"),
    _p(_K.PRICE, r"\b(?:do|did|does|doing|give you|offer|offer you|go to|go|went to|come down"
       r"|meet you at|get you)"
       # "we do about eighty percent of it really well" is a share, not a price
       r"(?: \w+){0,2}? " + N + r" (?:percent|dollars)\b(?! of\b)"),
    _p(_K.PRICE, N + r" (?:percent|dollars) off\b"),
    # "I could probably find you three percent", "stretch to four percent": a figure found
    _p(_K.PRICE, r"\b(?:(?:find|found|swing|spare|free up|scrape|squeeze|carve out) you"
       r"|stretch(?: to)?|manage)(?: \w+)? " + N + r" (?:percent|dollars)\b(?! of\b)"),
    # "your next invoice is gonna show about seven percent less", "the partner tier pricing,
    # which is twelve percent lower": a lower figure to come ("we're already ten percent
    # cheaper" is value talk, "their quote's ten percent under ours" theirs)
    _p(_K.PRICE, r"\b(?:(?:will|would|is going to|are going to|is gonna|are gonna|should|can)"
       r"(?: \w+)? (?:show|be|come (?:in|out|through)|land|read|drop|look|work out)"
       r"|(?<!already )(?:which|that) (?:is|comes out|works out)(?: at| to)?)"
       r"(?: (?:about|around|roughly|like|nearly|almost|just over|just under))? " + N
       + r" (?:percent|dollars) (?:less|lower|cheaper|under|below|smaller)\b", needs_me=False),
    # "I'm gonna bump you up to the partner tier pricing": a better price band is a price
    _p(_K.PRICE, r"\b(?:bump|move|put|switch|upgrade|drop)\w* you (?:up |down |over )?(?:to|onto"
       r"|on) (?:the |our |a )?(?:[\w-]+ ){0,3}?(?:pricing|price|rate|price band|rate card)\b"),
    # "the unit price can be brought down by ten percent": the cut said in the passive
    _p(_K.PRICE, r"\b(?:price|rate|pricing|number|quote|renewal|bill|invoice|cost)s?"
       r" (?:can|could|will|would|is going to|are going to|should|might|may)(?: \w+)?"
       r" (?:be |get )?(?:(?:brought|taken|knocked|shaved|trimmed|lowered|reduced|dropped|cut)"
       r"(?: down| off)?|(?:come|go|coming|going) down)\b", needs_me=False),
    # "I'll line up with their number", "reissue the quote at their level"
    _p(_K.PRICE, r"\b(?:line up|level|align|get level|pull level|sit level|be level|come in level"
       r"|sit even|be even|land level)\w* with (?:their"
       r"|the other (?:vendor|supplier)'?s?|the competitor'?s?) (?:number|price|pricing|quote"
       r"|rate|figure|level|offer)\b"
       # "sit level with the quote on your desk", "line up with the other quote"
       r"|\b(?:line up|level|align|get level|pull level|sit level|be level|sit even|be even"
       r"|land level)\w* with (?:the|that) (?:other )?(?:quote|offer|number|price)(?: (?:on your"
       r" desk|in front of you|you (?:have|got|were given|mentioned)))\b|\bat (?:their|the other (?:vendor|supplier)'?s?|the"
       r" competitor'?s?) (?:level|number|price|rate|figure|pricing)\b"),
    # "you won't pay a cent more with us than you would with them": their price matched
    _p(_K.PRICE, r"\byou (?:will not|would not|will never|would never|are not going to|do not|never) pay (?:a cent |a"
       r" penny |a dollar |any |anything |one cent |a dime )?more (?:with us |for us |here )?than\b",
       needs_me=False, neg=True),
    _p(_K.PRICE, N + r" (?:percent|dollars) (?:is|are) (?:off the table|not (?:on the table"
       r"|happening"
       r"|an option))", needs_me=False),
    _p(_K.PRICE, r"\b(?:price[- ]match\w*|match\w*(?: [\w-]+){0,2} (?:price|prices|quote|offer"
       r"|number|rate|deal|pricing)|match(?:ed|ing)? (?:it|that|them|this|what they|theirs)"
       r"|meet (?:the other|their|that|the competitor'?s?) (?:quote|price|offer|number|rate)"
       r"|match\w* what (?:the other|the competitor|their)\b"
       r"|match (?:the |that |their )?" + N + r" (?:percent|dollars)|beat (?:their|that|the)"
       r" (?:price|quote|offer|number))\b"),
    _p(_K.PRICE, r"\b(?:come|go|bring (?:it|the price)) down\b|\b(?:knock|bring|brought|take"
       r"|took|get|got)(?:ing)?"
       r" (?:the |your |that |our |my )?(?:renewal|price|number|cost|rate|invoice|bill|quote)"
       r" down\b"
       r"|\b(?:lower|reduc|drop|cut|adjust"
       r"|touch|budg|mov|chang)\w* (?:the |our |my |your |on )?(?:price|rate|fee|cost|quote"
       r"|pricing|number)\b"),
    _p(_K.PRICE, r"\bhono(?:u)?r (?:their|the|that|your|the other) (?:price|rate|quote|number"
       r"|pricing|offer)\b|\bmeet (?:them|their price|you) (?:halfway|in the middle)\b"
       r"|\bcom(?:e|es|ing) in (?:under|below|at)\b|\b(?:met|meeting) (?:you|them) (?:halfway|in the middle)\b|\bsharpen\w*\b[^.]*\bpencil\b"
       # "we'll land wherever they landed", "let's just use their number", "something that
       # looks a lot like their quote": the other offer taken over, in other words
       r"|\b(?:land|end up|settle|come in)\w* (?:wherever|where|at whatever) (?:they|the other"
       r" \w+|the competitor|their (?:quote|price|number)) (?:landed|are|is|came in|ended up"
       r"|quoted)\b"
       r"|\b(?:use|take|go with|run with|work off|work from)\b (?:their|the other (?:vendor"
       r"|supplier)'?s?|the competitor'?s?) (?:number|price|pricing|quote|rate|figure)\b"
       r"|\b(?:looks?|look) (?:a lot |very much |much |pretty much )?like (?:their|the other"
       r"|the competitor'?s?) (?:quote|price|number|pricing|offer|rate)\b|\b(?:close to"
       r"|in line with|in the ballpark of) (?:their|the other (?:vendor|supplier)'?s?)"
       r" (?:quote|price|number|pricing|rate)\b"),
    # "the cold chain line on your next invoice will come in under the other guys", "the rate
    # card comes down to theirs": the bill said to come in lower, no speaker needed
    _p(_K.PRICE, r"\b(?:invoice|bill|price|rate|rate card|quote|number|pricing|line|cost)s?\b"
       r"[^.?!,]{0,30}?\b(?:will|is going to|would|should|can|is about to)(?: \w+)? come in"
       r" (?:under|below|lower than|cheaper than|beneath)\b"
       r"|\b(?:price|rate|rate card|pricing|quote|number|bill|invoice)s? (?:comes|goes|drops"
       r"|falls) down\b(?! to (?:what|whether|how|value|the (?:value|question)))"
       # "wherever their number lands, that's where the invoice lands too", "whatever gap there
       # is between us and them, consider it closed", "a number that matches theirs"
       r"|\bwherever (?:their|the other (?:vendor|supplier)'?s?|the competitor'?s?) (?:number"
       r"|price|quote|rate|pricing)s? (?:lands?|ends? up|comes? in|sits?|is)\b"
       r"|\b(?:number|price|quote|rate|offer)s? (?:that|which) (?:matches|beats|meets|equals)"
       r" (?:theirs|their|the other)\b", needs_me=False),
    # "your per-drop rate stays exactly where it was last year": the past kept, no rise;
    # "whatever gap there is, consider it closed": no figure in either
    _p(_K.PRICE, r"\b(?:price|rate|pricing)s? (?:stays?|remains?|will stay|will remain|is staying)"
       r" (?:right |exactly |just )?(?:where (?:it was|they were)|as (?:it was|they were))\b"
       r"|\bgap\b[^.?!]{0,60}\bconsider it (?:closed|gone|covered|done|bridged)\b",
       needs_me=False, no_figure=True),
    _p(_K.PRICE, r"(?<!that )(?<!it )(?<!this )(?<!which )\b(?:close|closing|closed|bridge"
       r"|bridging|cover|covering|eat|absorb|make up)\w* (?:the|that|this) (?:gap|difference)\b"
       # "walk in with the ten percent sorted": the figure ready
       r"|\b(?:with|have|get|got) (?:the |that |your )?" + N + r" (?:percent|dollars)(?: \w+)?"
       r" (?:sorted|done|approved|signed off|agreed|cleared|locked in|in place|ready)\b"),
    # "I'll make the number work", "let's just do it at your number": the prospect's figure
    # taken, said without one
    _p(_K.PRICE, r"\bmake (?:the|your|that|this) (?:number|price|figure|budget|pricing) work\b"
       r"|\b(?:do|go|sign|close|land|settle)\w*(?: it| this| that| the deal)? at your (?:number"
       r"|price|figure|budget)\b"),
    # "we can give you a credit for the downtime": a credit given is money back
    _p(_K.PRICE, r"\b(?:give|offer|issue|put)\w*(?: you)? (?:a |an )?(?:\w+ )?credit\b"
       r"(?! (?:check|card|rating|score))"),
    # "I'll hold you at last year's rate": no rise at renewal is a price given
    _p(_K.PRICE, r"\b(?:hold|held|keep|kept|lock|freeze|froze)\w*(?: you| it| your \w+)?"
       r"(?: at| on| to)?"
       r" (?:last years?'?s?|this years?'?s?|your current|the current|your existing|the existing"
       r"|today's|the old|your old) (?:rate|price|pricing)\b"
       # "keep your unit price right where it was last year", "roll it over at last year's rate":
       # no rise at renewal said by where the price was, not by the verb
       r"|\b(?:keep|hold|leave|freeze)\w* (?:your|the) (?:\w+ )?(?:price|rate|pricing)s?"
       r" (?:right |exactly )?(?:where (?:it was|they were)|as (?:it was|they were)"
       r"|flat|unchanged)\b|\b(?:at|on) (?:last year's|this year's|the old|your old)"
       r" (?:rate|price|pricing|terms)\b"
       # "freeze your rate for another year", "hold this price for you through next year",
       # "a rate freeze": no rise at renewal, said by how long the price stays
       r"|\b(?:freez\w*|froze) (?:your|the|this|our|that|their|today's) (?:\w+ )?(?:price|rate|pricing)s?\b"
       r"|\b(?:price|rate|pricing) freeze\b"

       r"|\b(?:hold|held|keep|kept|lock|locked)\w* (?:this|the|your|that|today's|our)"
       r" (?:current )?(?:price|rate|pricing)s? (?:for you )?(?:through|for|until|into|over"
       r"|across) (?:next year|another|the next|the (?:whole |full )?(?:renewal|term|year)"
       r"|renewal|\d+ (?:months|years)|a (?:full )?year)\b"),
    # "there might be some wiggle room": a give-away whoever is named (refused when negated)
    _p(_K.PRICE, r"\bwiggle room\b", needs_me=False),
    _p(_K.PRICE, r"\b(?:i|we) (?:\w+ ){0,4}?look at (?:the )?(?:price|pricing|number|rate)\b"
       r"(?! (?:breakdown|list|sheet|together|side by side))", needs_me=False),
    _p(_K.PRICE, r"\b(?:a|any|some) (?:price )?reduction\b"
       # "a 5% credit for the outages", "a goodwill credit"
       r"|" + N + r" (?:percent|dollars) (?:service |goodwill |account )?(?:credit|rebate"
       r"|refund)\b|\b(?:service|goodwill) credit\b"),
    _p(_K.PRICE, r"\b(?:see what (?:i|we) can do|flexib\w*|figure something out|work something out"
       r"|some room|sort something out) (?:on|with|about|around) (?:the )?(?:price|pricing|number"
       r"|cost|rate|figure|quote)\b", needs_me=False),
    _p(_K.PRICE, r"\b(?:their|the) (?:quote|price|number|pricing) (?:will not|would not"
                 r"|should not|is not"
       r"|does not) (?:be )?(?:a|an) (?:problem|issue|obstacle)\b", needs_me=False, neg=True),
    _p(_K.PRICE, r"\b(?:meet you in the middle|meet (?:you )?halfway|split the difference"
       r"|sharpen\w* (?:the|my|our) pencil|(?:better|special|lower|best|reduced|discounted"
       r"|sharper|keener|more competitive)"
       r" (?:price|rate|deal|number|figure|quote|offer)|something on (?:the )?(?:renewal )?price"
       r"|flexible on (?:the )?(?:renewal )?price)\b"),
    _p(_K.PRICE, N + r" (?:percent|dollars)(?: off)?(?: \w+){0,2}? (?:is fine|is ok|is okay"
       r"|works|it is|then|sounds (?:fair|good|fine)|is doable|is no problem|is a deal|deal"
       r"|get (?:this|it|us|you|the deal)|help|make (?:it|this|the)|is something i|close"
       r"|(?:should|would|will) not (?:be|stand)|consider it|sound|sounds)\b", needs_me=False),
    _p(_K.PRICE, r"\bcall it (?:the same as|even with|level with)\b|\bnot (?:going to )?lose"
       r" (?:you|[a-z]+|the (?:deal|account|business)|your business) over\b", needs_me=False,
       neg=True),
    # "the price rise we talked about just doesn't happen for you", "we'll skip the uplift":
    # no rise at renewal is a price given
    _p(_K.PRICE, r"\b(?:(?:price|rate|pricing) (?:rise|increase|uplift|hike)|uplift|price"
       r" hike)s?\b[^.?!,]{0,50}?"
       r"\b(?:does not|will not|would not|is not going to|never|not) (?:\w+ )?(?:happen|apply"
       r"|go ahead|kick in|come in|hit you|land)\b|\b(?:no|skip|drop|scrap|forget|shelve"
       r"|freeze|hold off on|0 out|zero out|remove|kill|cancel|waive|take out|ditch|wipe out|lose) (?:the |that |this |any |your )?(?:price |rate )?(?:rise|increase"
       r"|uplift|hike)\b", needs_me=False, neg=True),
    # time
    _p(_K.TIME, N + r" minutes(?: [\w']+){0,5}? (?:fine|ok|okay|good|great|perfect|plenty"
       r"|enough|all i need|no problem|doable|works|work|it is|then|will do|would do|help|helps|easier"
       r"|better than nothing"
       r"|suit|suits)\b", needs_me=False),
    _p(_K.TIME, r"\b(?:shorter|quick|short|brief|condensed|shortened|compressed|quicker|tighter)"
       r" (?:slot|call|meeting|version|session|chat|one|window|intro|overview)\b[^.?!]*\b(?:work"
       r"|works|fine|okay|ok|do|fit|fits|make sense|manage)\b|\b(?:whatever|any) (?:time|window"
       r"|slot)\b(?! you (?:need|want|like) (?:with|to (?:read|look|review|think|digest)))|\bas short as you\b|\btake what you\b|\bhit the highlights\b"
       r"|\bwork something out on the timing\b|\bflexib\w* on (?:how long|the"
       r" time|timing|the length)\b"
       # "that's the short version" sums up; "we'll do the short version" cuts the meeting
       r"|(?<!that is )(?<!here is )(?<!this is )\b(?:a|the) (?:quick|short|shorter|lightning"
       r"|abridged|condensed|express|cut-down|potted|whistle-?stop|compressed|shortened|speed)"
       r" (?:version|tour|run-?through|pitch|walkthrough)\b"
       # "Okay, abridged it is, then."
       r"|\b(?:abridged|condensed|compressed|shortened|lightning|express|whistle-?stop|cut-down"
       r"|potted|quick|short|shorter|brief)(?: (?:version|one|run-?through|tour))? it is\b"
       # "happy to just pop in between your other meetings"
       r"|\b(?:pop|swing|drop|stop|squeeze|fit|slot|sneak|duck)(?: \w+)? (?:in|by) (?:between"
       r"|around) (?:your|meetings|calls)\b"
       r"|\bkeep it (?:short|brief|tight|quick)\b|\bmake it (?:quick|fast|short)\b"
       , needs_me=False),
    # "the quarter past slot, fifteen minutes, Friday": a meeting length given with its slot
    _p(_K.TIME, r"\b(?:slot|call|meeting|chat|session|demo), (?:just |only )?" + N
       + r" minutes\b|\b" + N + r" minutes,? (?:on )?" + DAY + r"\b", needs_me=False),
    # "should I just cover the highlights in that?": the talk cut to fit
    _p(_K.TIME, r"\b(?:cover|hit|run through|go through|stick to|do) (?:just |only )?the"
       r" (?:highlights|headlines|essentials|basics|key points|short version)\b"),
    _p(_K.TIME, r"^" + ACCEPT + r"\b[,.!]? (?:that is |then )?" + N + r" minutes\b",
       needs_me=False),
    # "your calendar wins", "I'll be in and out", "I won't keep you long", "give me ten
    # minutes": the prospect's time put first
    _p(_K.TIME, r"\b(?:your|the) (?:calendar|schedule|diary|clock) wins\b|\bin and out\b"
       r"|\bout of your hair\b|\b(?:will|would) not keep you (?:long|more than)\b"
       r"|\bgive me (?:just |only )?(?:a |an )?" + N + r" minutes\b", needs_me=False, neg=True),
    _p(_K.TIME, r"\b(?:take|do|make|fit|squeeze|get|grab|cover|manage|keep|cut|trim|work with"
       r"|try|lock in"
       # "I come in for ten minutes", "squeezing it into twenty"
       r"|squeezing|condensing|come in|come by|pop in|pop by|swing by|drop in|drop by|stop by"
       r"|jump on|hop on|start with|begin with|start off with"
       # "what if I squeezed the whole thing into twenty-five", "kept to twenty": a past tense
       # told with the rep as its subject is a story ("last time I squeezed a meeting into
       # twenty"), unless it is supposed ("if I squeezed")
       r"|(?:(?<=if i )|(?<=if we )|(?<=if i just )|(?<=if we just )|(?<!\bi )(?<!\bwe ))"
       r"(?:squeezed|condensed|compressed|shortened|trimmed|kept|did|made|took)"
       # "what if I just came in for the last fifteen minutes"
       r"|(?:(?<=if i )|(?<=if we )|(?<=if i just )|(?<=if we just ))(?:came in|came by|popped in"
       r"|dropped in|jumped on|hopped on)"
       r"|make do with|settle for|go with|accept|condense|compress|shorten)\b(?: [\w']+){0,4}?"
       r" (?:in |into |to |within |with |down to |for )?(?:the |your |those |just )?(?<!at )"
       # a bare figure before another plural noun counts something else ("through two recalls")
       r"(?:" + N + r" minutes|" + N + r"(?! [a-z]{3,}s\b| of\b))"
       + r"\b(?! (?:percent|dollars|months|days|am|pm)\b)"),
    # "in the time it takes to grab a coffee", "boil the whole thing down to three slides, so
    # your slot will do", "let's call it a quick hello", "save the deep dive for another
    # day", "I'll fit into your lunch break", "put me down for fifteen on Thursday"
    _p(_K.TIME, r"\bin the time it takes (?:you )?to\b"
       r"|\b(?:boil|cut|trim|pare|strip|slim|squash|condense|distil|distill)\w* (?:the whole thing"
       r"|everything|it all|the (?:pitch|demo|presentation|deck|walkthrough|talk|story|meeting))"
       r" down\b|\byour (?:slot|window|time|gap|half hour|lunch break) (?:will do|would do|is fine"
       r"|works|is enough|is plenty|is all i need)\b"
       r"|\b(?:call it|make it|keep it to|do) (?:a |just a )?(?:quick|short|brief) (?:hello|hi"
       r"|intro|introduction|chat|check-in|catch-up|hand-?shake)\b"
       r"|\bsave (?:the|a) (?:deep dive|deep-dive|detail|details|full \w+|rest|demo|walkthrough)"
       r"\b[^.?!]{0,40}\bfor (?:another|a later|a different|next)\b"
       r"|\b(?:fit|squeeze|slot|tuck)\w* (?:into|in(?: to)?|around) your (?:lunch|coffee break"
       r"|break|commute|gap|walk|drive)\b", needs_me=False),
    _p(_K.TIME, r"\bput (?:me|us) (?:down |in )?for (?:just |only )?" + N
       + r"(?: minutes)?(?: on " + DAY + r")?\b(?! (?:percent|dollars|months|days)\b)",
       needs_me=False, by_context=True),
    _p(_K.TIME, r"\bcall it " + N + r" minutes\b|\b(?:a|an) " + N
       + r" minutes? (?:call|meeting|chat|slot|intro|session|version"
       r"|overview|catch-up)\b|\b(?:a|an) (?:quick|short|brief) " + N + r" minutes\b"),
    _p(_K.TIME, r"\b(?:be quick|be brief|keep it (?:short|brief|quick|tight)|make it (?:quick"
       r"|fast|short)|rush through|speed through|go fast|talk fast|skip the (?:demo|details"
       r"|discovery)|whatever time you have|work with whatever|squeeze (?:it|me|us) in)\b"),
    # "let's not let a few points get in the way", "ten percent shouldn't stand between us":
    # waving the gap away gives it; the kind is in what is waved away
    *(_p(kind, r"\b(?:not|never) let (?:a |an |the |one |that |this |our )?(?:few |couple of"
         r" |little |bit of |\d+ )?(?:" + what + r")\b[^.?!,]{0,30}?\b(?:get in|stand"
         r"|come between|end"
         r"|derail|kill|stop|break|cost us|be (?:the|a) (?:problem|issue|deal-?breaker))"
         # "I don't want a few quid to be the thing that loses us this"
         r"|\b(?:do not|would not) want (?:a |an |the |one |that |this )?(?:few |couple of |little"
         r" |bit of |\d+ )?(?:" + what + r") to (?:be (?:the thing|what)|cost us|lose us|stand"
         r"|get in|come between)"
         r"|\b(?:\d+ )?(?:" + what + r") (?:should not|will not|does not need to|need not"
         r"|is not going to) (?:be (?:what|the thing that) )?(?:stand|come|get)s?"
         r" (?:between us|in (?:the|our)"
         r" way)|\bnot (?:going to )?lose you over (?:a |an |the )?(?:few |couple of )?(?:\d+ )?(?:"
         + what + r")\b", needs_me=False, neg=True)
      for kind, what in (
          (_K.PRICE, r"points?|percent|price|money|dollars|pennies|number|difference|quote|rate"
                     r"|quid|pounds|bucks"),
          (_K.TIME, r"minutes|time|length|meeting length|slot"),
          (_K.SCOPE, r"months?|free months?|onboarding|setup fee|fee|rough quarter|quarter"
                     r"|renewal terms|credit"),
      )),
    # "we'll make it work": gives in to whatever was on the table, the kind from the turn
    _p(_K.TIME, r"\bmake (?:it|that|this|those|them) work\b|\bmake (?:an|one) exception\b"
       r"|\bsay yes to\b|\bstart with whatever you\b"
       # vague room to move, whoever is named: "there's some flexibility we haven't used"
       r"|\b(?:some|a bit of|a little) (?:flexibility|room|leeway)\b"
       r"(?! (?:to grow|for improvement))"
       r"|\bhow much room\b",
       needs_me=False, by_context=True),
    # "the three months, let's call it one", "let's say one month": a figure put as the
    # offer takes its kind and unit from the turn (months said: scope; a price call: percent)
    _p(_K.TIME, r"\b(?:call it|let us say|let us make it) " + N
       + r"(?: (?:percent|minutes|months|days|dollars))?\b(?! (?:of|o'clock|am|pm)\b)",
       needs_me=False, by_context=True),
    # "Is five enough if you sign today?", "Would fifteen be easier on your calendar?": a
    # figure put as a question is offered, its kind from the turn
    _p(_K.TIME, r"^(?:(?:so|and|then|okay|ok|well),? )?(?:is|would|will|could|might)"
       r" (?:a |an |the |just )?" + N + r"(?: (?:percent|minutes|months|days|dollars))?(?: free)?"
       r" (?:be )?(?:enough|easier|better|okay|ok|fine|work|do it|do the trick|help|suit|cut it"
       r"|get|make|sort|swing|close)\b", needs_me=False, by_context=True),
    # "there's a first time for everything": the unusual ask granted, its kind from the turn
    _p(_K.TIME, r"\bfirst time for everything\b", needs_me=False, by_context=True),
    # "the onboarding free", "setup on us": the thing first
    _p(_K.SCOPE, r"\b(?:onboarding|setup|training|implementation|installation|migration|support"
       r"|licen[cs]es?|seats?|users?|pilot|trial|delivery|shipping|access)"
       r"(?: \w+)? (?:free|for free|on us|on the house|at no (?:extra )?(?:cost|charge))\b",
       needs_me=False),
    # a figure with no unit, said as an offer: "Fifteen I can do.", "Twelve it is."
    _p(_K.TIME, r"(?:^|, |\. )" + N + r"(?: (?:percent|minutes|months|days|dollars)(?: free)?)?"
       r"(?: on " + DAY + r")?(?:,? (?:though|then|yes|sure),?)?"
       # "Two, and that's me stretching": a figure given with its limit
       r"(?:,? and (?:that is (?:the|my|our|me|as far as|all)\b|not (?:a|one) (?:point|penny"
       r"|cent|dollar|minute|day|percent) more)| (?:(?:i|we) (?:can|could)"
       r" (?:do|live with|manage|go to"
       r"|work with|stretch to|accept|offer)|it is|then|works|is more than enough"
       r"|is (?:probably |totally |really |honestly )?(?:fine|good|great|plenty|okay"
       r"|ok|doable|enough|no problem)|sounds (?:good|fine|fair|right)|should do|will do"
       # "thirty-five's the least I can do": a limit given
       r"|is (?:the|my|our) (?:least|most|best|lowest|highest|limit|ceiling|floor|max|maximum"
       r"|minimum)))\b",
       needs_me=False,
       by_context=True),
    # info
    _p(_K.INFO, r"\bget (?:it|that|this|something|them|some \w+|(?:that|the|this|a|an|our) \w+)"
       # "get this renewal over the line" sends nothing
       r" (?:over(?! the line)|across|sent)\b"
       r"|\bget you (?:some stuff|something|some (?:info|information"
       r"|materials|details|numbers)|a few things)\b(?! (?:free|extra|off))|\bpull (?:something"
       r"|a few things"
       r"|some \w+) together\b|\bput together (?:a|an|some|something)\b"
       # "marketing will put a pack together and get it to you"
       r"|\b(?:put|pull|throw)\w* (?:a|an|some|the)(?: [\w-]+)? (?:pack|deck|pdf|brochure|summary"
       r"|overview|one-pager|1-pager|document|doc|write-up|bundle|package|few things) together\b"
       r"|\bget (?:it|that|them|this|those|something|the \w+) (?:to|over to|across to) you\b"
       r"|\bin touch with (?:some )?(?:materials|info|information|details)\b|\bpdf do the\b"),
    _p(_K.INFO, r"\b(?:check|keep an eye on|watch) your (?:inbox|email)\b"
                r"|\byou will have (?:it|them|that|everything"
                r"|the \w+) (?:by|in|this|today|tonight"
       r"|tomorrow|before)\b", needs_me=False),
    _p(_K.INFO, r"\b(?:send|email|e-mail|forward|mail)\w*\b(?: [\w-]+){0,4}? (?:over|across"
       r"|along|through)\b"),
    _p(_K.INFO, r"\b(?:send|sent|email|e-mail|forward|shoot|drop|mail|fire)(?:ing)?\b(?: (?:you|it"
                r"|that|them"
       r"|this|over|across|along|through|out|some|a|an|the|our|my|few|couple|of|to|just|whole"
       r"|full|entire))*"
       # "a short video", "the revised deck": one word saying which
       r" ?(?:all )?(?:\d+ )?(?:(?:short|quick|brief|little|recorded|revised|updated|latest"
       r"|new|one-page|written|technical) )?(?:info|information|brochure|documentation|white ?papers?|deck|details|materials?|overview|pdf"
       r"|(?:one|1)[- ]pager"
       r"|case stud(?:y|ies)|pricing|price list|proposal|link|something|stuff|literature|summary"
       r"|the lot"
       r"|an email|email|pack|package|everything|documents|docs|paperwork|references"
       r"|recording|video|recorded (?:demo|walkthrough|version)|demo video|it over|that over|it across|you (?:some|a|an|the|our|something|it|that)"
       r"|it|that|them)\b|\bsend\w*(?: you)? (?:the|a|our|my) \w+ (?:version|copy|write-up)\b"),
    # "everything goes to your email today", "I'll leave everything else for the write-up"
    _p(_K.INFO, r"\b(?:it|everything|that|it all|all of it|the (?:[\w-]+ )?(?:deck|pack|brochure|pdf"
       r"|overview|details|info|information|materials?|write-up|summary))(?: will| is going to"
       r"| can)? (?:goes|go|gets? sent|is sent|be sent|heads?|comes?) (?:straight )?(?:to|into"
       r"|over to) your (?:email|inbox|desk)\b", needs_me=False),
    _p(_K.INFO, r"\bleave (?:everything else|the rest|the details|all the detail)\b[^.?!]{0,15}"
       r"\b(?:for|to|in) (?:the|a|an|my) (?:write-up|email|summary|follow-up|pdf|deck|doc"
       r"|document|recap)\b"),
    # "I'll put it all in writing. The security stuff, the SLAs, all of it."
    _p(_K.INFO, r"\bput (?:it|it all|all of it|everything|all that|that) (?:all )?in writing\b"),
    # "I'll pop the info in an email"
    _p(_K.INFO, r"\b(?:pop|put|stick|drop)\w*\b(?: [\w-]+){0,3}? in (?:an|the) (?:email|post)\b"),
    _p(_K.INFO, r"\b(?:what is (?:your|the best) email|(?:where|what) (?:should|can|do) (?:i|we)"
       r" send)"
       # "where should the materials go, your work address?"
       r"|\bwhere (?:should|shall|do you want|would you like|can) (?:the |those |these )?"
       r"(?:[\w-]+ )?(?:materials?|info|information|pack|deck|brochure|pdf|details|stuff"
       r"|documents|docs|them|it)(?: to)? (?:go|land|be sent|end up)\b"
       # "how about it lands on your desk", "the literature's on its way"
       r"|\b(?:it|that|this|something|everything|the [\w']+|a \w+)(?: will| is going to| should"
       r"| can)? (?:lands?|arrives?) (?:on your desk|in your inbox|in your hands|with you)\b"
       r"|\b(?:on its way|on their way|(?:heading|coming|winging) your way|on the way to you)\b",
       needs_me=False),
    # scope
    _p(_K.SCOPE, r"\bthr[eo]w\w* in\b|\bon the house\b|\bcomp\b(?= (?:the|your|you|that|it)\b)"
                 # "two of those outages were on us" is blame
                 r"|(?<!that is )(?<!that was )(?<!this is )(?<!was )(?<!were )"
                 # "my manager signed off on us coming in at their price"
                 r"(?<!off )\bon us\b"
                 r"|\bfor free\b"
                 r"|\bfree of charge\b|\bfreebies?\b"
       r"|\bcomplimentary\b|\bwaiv\w+\b", needs_me=False),
    _p(_K.SCOPE, r"\b(?:at no|no|without any|without|without a) (?:extra |additional )?(?:cost|charge"
       r"|setup fee|set-up fee|onboarding fee|implementation fee|fee|(?:delivery|shipping"
       r"|freight|postage|carriage|weekend|service|callout|call-out) (?:charge|fee|cost))\b"
       # "no separate line for weekends", "nothing to pay until the summer", "the first
       # quarter won't be billed", "you won't see a line for it"
       r"|\bno (?:separate|extra|additional) (?:line|charge|fee|invoice|bill)\b"
       r"|\bnothing (?:to pay|due|owing|payable|on the bill)\b(?: \w+){0,3}? until\b"
       r"|\b(?:will not|would not|is not going to|are not going to|not) (?:be|get) (?:billed|charged"
       r"|invoiced)\b(?! (?:twice|more|extra|double|again))"
       r"|\byou (?:will not|would not|do not|are not going to) see (?:a |any )?line(?: item)?"
       r" for\b", needs_me=False, neg=True),
    # "consider the outage months credited back in full"
    _p(_K.SCOPE, r"\b(?:months?|weeks?|days?|quarter|outage \w+)\b[^.?!]{0,20}\bcredited(?: back)?\b"
       r"|\bcredit(?:ed)? (?:it |them |those |that )?back\b", needs_me=False),
    # "the system never leaves your firewall": kept on the prospect's own site (bad fit)
    _p(_K.SCOPE, r"\b(?:never|not|will not|does not|would not) (?:leaves?|leave|leaving|go (?:outside"
       r"|beyond)) your (?:firewall|network|building|premises|servers?|site|data ?cent(?:er|re))\b",
       needs_me=False, neg=True, no_figure=True),
    # "we'll fold the Saturday deliveries into the weekday run"
    _p(_K.SCOPE, r"\b(?:fold|roll|bundle)\w* (?:the |your |that |those |it |them )?(?:[\w-]+ ){0,3}?"
       r"(?:into|in with) (?:the|your|our) (?:[\w-]+ )?(?:run|price|package|contract|deal|plan"
       r"|rate|bundle|subscription|renewal)\b"),
    _p(_K.SCOPE, r"\b(?:will not|not going to|do not need to|would not|do not|not) (?:charge|bill"
       r"|invoice)\b|\byou (?:will not|do not (?:have|need) to) pay for\b"
       r"|\byou (?:will not|would not) be (?:paying|charged|billed) for\b", neg=True),
    # "you won't see an invoice from us until April", "the retraining doesn't show up on any
    # bill": nothing billed, said from the bill's side
    _p(_K.SCOPE, r"\byou (?:will not|would not|do not|are not going to) (?:see|get|receive)"
       r" (?:an? |any |the )?(?:invoice|bill|charge)s?\b|\b(?:does not|will not|would not|never"
       r"|not) (?:show up|appear) on (?:any|an|the|your) (?:bill|invoice)s?\b", needs_me=False,
       neg=True),
    # "your billing won't kick in until April", "the implementation fee just won't show up on
    # this one", "the setup charge comes off the table": nothing billed, said by the bill
    _p(_K.SCOPE, r"\b(?:billing|invoic\w*|payments?|charges?|the clock|your (?:contract"
       r"|subscription|term))\b (?:will not|does not|would not|is not going to|not) (?:\w+ )?"
       r"(?:kick in|start|begin|run|apply|come in)\b(?: \w+){0,3}? until\b"
       r"|\b(?:fee|charge|surcharge|line item)s?\b(?: \w+){0,2}? (?:will not|does not|would not"
       r"|is not going to|never|not) (?:show up|appear|be (?:charged|billed|there|on (?:it|there"
       r"|the \w+)))\b|\b(?:fee|charge|surcharge)s? (?:comes?|goes|is coming|will come|can come"
       r"|drops?) off\b|\b(?:fee|charge|surcharge)s? (?:disappears?|goes away|vanish\w*)\b"
       # "your next two invoices are going to come through at zero"
       r"|\b(?:next|first) (?:\d+ )?(?:invoices?|bills?|billing cycles?)\b(?: \w+){0,5}? (?:at"
       r"|to|for) (?:0|nothing|zero)\b", needs_me=False, neg=True),
    # "a few weeks of grace": time to pay given
    _p(_K.SCOPE, r"\b(?:\d+|a few|a couple of|some|an extra|extra|a)(?: \w+)? (?:weeks?|months?"
       r"|days?) (?:of )?grace\b|\bgrace period\b|\bpayment holiday\b", needs_me=False),
    # "we'll start the clock in July", "push the first invoice back": billing deferred
    _p(_K.SCOPE, r"\bstart the clock\b|\b(?:push|delay|defer|hold off|pause|suspend|freeze)\w*(?: back)? (?:on )?"
       r"(?:the |your )?(?:billing|invoic\w*|first invoice|payments?|start date|clock)\b"),
    # "think of the integration as included": the thing counted as part of the deal
    _p(_K.SCOPE, r"\b(?:think of|consider|count|treat)\b (?:the |that |your |this )?(?:[\w-]+ )"
       r"{0,2}?as (?:included|free|done|sorted|covered|part of the (?:package|deal)|on us|a given"
       r"|handled|thrown in)\b", needs_me=False),
    # "the new admin seats come with it"
    _p(_K.SCOPE, r"\b(?:seats?|licen[cs]es?|users?|training|onboarding|setup|modules?"
       r"|upgrades?|add-ons?)\b (?:come|comes|are thrown|get thrown|go) (?:in )?(?:with|along"
       r" with) (?:it|that|this|the renewal|the deal)\b", needs_me=False),
    _p(_K.SCOPE, r"\b(?:will not|would not|does not|do not"
                 r"|is not going to) cost (?:you )?(?:anything"
       r"|a thing|a penny|a cent|extra|a dime)\b", needs_me=False, neg=True),
    _p(_K.SCOPE, r"\bfree (?:\d+[- ]\w+ |premium |extra )?(?:month|months|onboarding|training"
       r"|implementation|setup|set-up|support|upgrade|seats?|licen[cs]es?|users?|trial"
       r"|installation|consulting|hours|migration|add-on|module|premium|pilot|access|delivery"
       r"|shipping)\b"
       r"|(?:" + N + r"|a few) (?:months|days)(?: \w+)?,? (?:free|on us)\b"
       r"|\b" + N + r" (?:months|days) (?:extra|additional|on top)\b"
       r"|\bfirst (?:month|year|\d+ months)(?: is| are)? (?:free|on us)\b", needs_me=False),
    _p(_K.SCOPE, r"\b(?:cover|covered|take care of|handle|sort out|absorb|absorbed|eat|pick up|foot)\b[^.?!]*\b(?:onboarding"
       # "we'll absorb the freight on every order"
       r"|setup|training|implementation|migration|the cost|freight|shipping|delivery|postage"
       r"|carriage)\b|\b(?:onboarding|setup|training"
       r"|implementation)(?:'s|s)?(?: is| are)?(?: side)? (?:handled|covered|taken care of"
       r"|sorted)\b"
       # "the onboarding I'll sort out for you": the thing first, then the rep's verb
       r"|\b(?:onboarding|setup|training|implementation|installation|migration)\b,? (?:i|we)"
       r" (?:will|can|could|would) (?:\w+ )?(?:sort out|sort|cover|handle|take care of|absorb"
       r"|waive)\b"
       # "the setup charge for the new trucks, we'll drop that", "the training fee, let's just
       # forget about it": the fee first, then the rep's verb
       r"|\b(?:fee|charge|surcharge)s?\b[^.?!]{0,40}\b(?:i|we|let us) (?:will |can |could |would )?"
       r"(?:just )?(?:drop|waive|scrap|remove|forget(?: about)?|lose|ditch|kill|skip|cover|absorb"
       r"|eat|take care of|sort out|write off) (?:that|it|them|those)\b"
       r"|\bsweeten\w*\b"
       r"|\b(?:look at|do|give you|offer|throw in|add) (?:a |an )?" + N + r" months free\b"
       r"|\b(?:onboarding|setup|training)\b[^.?!]*\b(?:cover|handle|take care of|absorb) (?:that"
       r"|it)\b|\bsee what (?:i|we) can do (?:on|with|about) (?:the )?renewal\b|\broom to make the"
       r" renewal\b", needs_me=False),
    _p(_K.SCOPE, r"\bextend\w* (?:the |your |that )?(?:free )?(?:trial|pilot)\b|\b(?:give|gave|add"
       r"|include|offer)\w*(?: you)? (?:an? |the |those |that )?(?:extra |additional |bonus )?" + N
       + r" (?:extra |additional |bonus |free )?(?:months|days)\b|\b(?:upgrade|bump) you\b(?! (?:up |down |over )?(?:to|onto|on) (?:the |our |a )?"
       r"(?:[\w-]+ ){0,3}?(?:pricing|price|rate)\b)"
       r"|\b(?:extra|additional|bonus) (?:seats?|licen[cs]es?|users?|training|support|months?)\b"
       # "we'll credit you a month", "set you up with a trial login for a month", "we extend
       # the contract end date by a few weeks"
       r"|\bcredit (?:you|your account)(?: with| for)? (?:" + N + r"|a|an) (?:months?|days?)\b"
       r"|\bset (?:you|them|your \w+) up with (?:a |an )?(?:free )?(?:trial|pilot|sandbox)\b"
       r"|\btrial (?:login|account|licen[cs]e)\b"
       # "let's run a two-week trial on your north depot routes"
       r"|\b(?:run|do|set up|give you|offer you|start)\w* (?:a |an )?(?:" + N + r" (?:days|months)"
       r" |free )?(?:trial|pilot)\b(?! (?:of|run of) (?:the|their))"
       r"|\bextend\w* (?:the |your )?(?:contract(?: end date)?|end date|term) (?:by|for|until"
       r"|into)\b"),
    # promises of what the product does not do (the bad-fit scenario, docs/moves.md): building
    # a custom feature or integration, or guaranteeing a date; "we can not build it" is a refusal
    _p(_K.SCOPE, r"\b(?:(?:build|develop|code|create|add|write|deliver|scop(?=e|ing))\w*"
       r"|(?<!that is )(?<!which is )(?<!that are )built|do|doing"
       r"|figure out"
       r"|sort out|work out|set up)\b(?: [\w-]+){0,4}?"
       # "a custom costing module": one word may name what the custom thing does
       r" (?:integration|connector|(?:custom|bespoke|tailor-made|made-to-measure)(?: [\w-]+)? (?:module|feature|report|reports|build"
       r"|version|workflow|link|integration|connector)"
       r"|(?:a|the|that|your)(?: [\w-]+)? (?:link|module|feature|plug-?in|bridge|connection"
       r"|adapter|interface|sync|api)\b(?= to| into| for| with| between|\W*$|[,.])"
       r"|(?:an |the )?on-?prem(?:ise|ises)?\b)"
       r"|\bbuild (?:it|that|this|one|them|those) (?:for you|to match|to spec|to order|to your"
       r" spec|the same|exactly like|just like)\b"
       # "our team will get building", "start coding"
       r"|\b(?:get|start|begin)s? (?:building|coding|developing)\b"
       # "put it in the contract: the system never leaves your firewall"
       r"|^put (?:it|that|this) in the contract\b(?=\W*(?::|$))"
       # "on a server at your plant"
       r"|\bon (?:a |your |their )?(?:own )?(?:servers?|box|boxes|hardware) (?:at|in|on) your"
       r" (?:plant|site|office|building|premises|factory|depot)\b"
       # "a private hosted setup with a custom link": further from its verb
       r"|\b(?:do|offer|give you|set up|build|add)\b(?: [\w-]+){0,7}? (?:a|an) custom(?: [\w-]+)?"
       r" (?:link|connector|integration|module)\b"
       # "we'd have the costing piece built by launch": the thing first, then built
       r"|\b(?:module|piece|link|integration|connector|feature|report)s? (?:(?:will|would|is going to|can|should) be )?(?:built|done|ready"
       r"|delivered|working|in place) (?:by|in|before|for)\b"
       # "what if we installed it on your own servers": an on-premise install, said plainly
       r"|\b(?:(?:install|host|deploy)\w*|set up|running)(?: it| this| that| everything"
       r"| the \w+| something)? on (?:your|their|you are) (?:own )?(?:servers?|premises"
       r"|hardware|machines|infrastructure|boxes)\b"
       # "us running it on a box in your server room"
       r"|\b(?:(?:install|host|deploy|run)\w*|set up|put)\b[^.?!]{0,30}\bin your (?:own )?(?:server"
       r" room|data ?cent(?:er|re)|racks?|comms room)\b"
       # "the roadmap team will slot your costing logic into the next release"
       r"|\b(?:slot|put|add|build|get|fit|squeeze|include|bake)\w*\b(?: [\w-]+){0,4}? (?:into|in)"
       r" (?:the |our )?(?:next|upcoming|coming|following) (?:release|sprint|build|version"
       r"|update)\b"
       # "our services folks can tailor the whole thing to how you quote jobs"
       r"|\b(?:tailor|customi[sz]e|adapt|bend|mould|mold|rework|rebuild)\w* (?:the whole thing"
       r"|the (?:whole )?(?:system|product|software|platform|tool)|everything)(?: \w+)? (?:to"
       r"|around) (?:how you|your|the way you)\b"
       # "I'll make sure you're up and running before your busy season"
       r"|\b(?:make sure|ensure)\b[^.?!]{0,25}\b(?:up and running|live|installed|integrated)\b"
       r"[^.?!]{0,10}\b(?:by|before|in time for|within)\b"
       # "I won't put 90 days in writing": a date or a build promised in the contract
       r"|\b(?:put|write|wrote|written|writing|putting|include|bake|baking)\w*"
       r" (?:the |a |that |it |your )?(?:target |firm |hard |launch |live )?(?:\d+"
       r" (?:days|weeks|months)|go-live|go live|date"
       r"|deadline|launch|timeline|guarantee|integration|connector|module)\b[^.?!]{0,20}"
       r"\b(?:in|into) (?:writing|the contract)\b"
       r"|\bcustom[- ](?:build|development)\b|\b(?:on-?prem(?:ise|ises)?|on-site) (?:install\w*|version|deployment"
       r"|setup)\b"
       r"|\b(?:will|can|could|going to) (?:\w+ )?(?:integrate|hook (?:\w+ )?into|connect to"
       r"|plug (?:\w+ )?into)\b"
       r"|\b(?:guarante|promis|commit\w* to)\w*\b[^.?!,]*\b(?:live|go-live|launch|deadline"
       r"|integration|connector|module|custom|on-?prem(?:ise|ises)?|install\w*|link|something"
       r"|anything"
       r"|that)\b|\b(?:make|get) (?:it|that|this|them|the [\w -]{0,25}?) (?:talk|connect|link|work"
       r"|sync|integrate|feed)(?: both ways| (?:in )?real time| automatically)? (?:to|with|into)\b"
       # "a go-live guarantee"
       r"|\b(?:go-live|go live|launch|delivery|live|deadline) (?:date )?guarantee\w*\b"
       # "I'll put a guy on it full time": a dedicated build resource promised
       r"|\b(?:put|assign|dedicate)\w* (?:a|an|one|our|my)(?: \w+)? (?:engineers?|developers?"
       r"|devs?|guy|person|team)\b[^.?!]{0,15}\b(?:full[- ]time|dedicated)\b",
       no_figure=True),
    # said object first, the speaker after it: "the costing module we can build"
    _p(_K.SCOPE, r"\b(?:integration|connector|module|link|install|installation|reports?"
       r"|on-?prem(?:ise|ises)?)(?: [\w-]+)?,? (?:i|we) (?:can|could|will|would) (?:\w+ ){0,2}?"
       r"(?:build|write|deliver|do|set up|sort out|make|(?:figure|sort|work) (?:it|that|this)"
       r" out|(?:figure|sort|work) (?:something|a way) out"
       r"|(?:knock|put|throw|cobble|hack|rig) (?:something|it|that|one) together"
       r"|whip (?:something|it|one) up)\b"
       # "my CTO told me a custom module is doable", "putting a date in the contract isn't a
       # problem": the thing said possible
       r"|\b(?:integration|connector|custom(?: [\w-]+)? (?:module|build|feature|report|work"
       r"|development|version)|on-?prem(?:ise|ises)?|on-site (?:deployment|install\w*)s?"
       r"|go-live (?:date|guarantee)|date in the contract)\b[^.?!]{0,50}?\b(?:is|are|would be"
       r"|will be|should be)(?: \w+)? (?:doable|possible|feasible|achievable|no problem|not a"
       r" problem|an option|on the table|easy|straightforward)\b"
       # "the go-live date goes into the contract as a guarantee", "up and running, guaranteed"
       r"|\b(?:go-live|go live|date|deadline|timeline|launch)\b[^.?!]{0,15}\b(?:goes|go|will go"
       r"|gets? written|is written) (?:in|into) (?:the contract|writing)\b"
       r"|\b(?:up and running|live|installed|integrated|working)\b[^.?!]{0,15},? guaranteed\b"
       # "the integration, we might be able to": the thing first, a hedged yes
       r"|\b(?:integration|connector|module|on-?prem(?:ise|ises)?)\b,? (?:i|we) (?:might|may"
       r"|should|could) (?:be able to|manage)\b"
       # "the go-live date, honestly, consider it guaranteed"
       r"|\b(?:go-live|go live|live date|launch date|deadline)\b[^.?!]*\b(?:consider (?:it|that)"
       r"|it is|that is) (?:guaranteed|promised)\b"
       # "put the go-live in the diary, I'll guarantee it"
       r"|\b(?:go-live|live date|launch date|deadline)\b[^.?!]*\b(?:i|we) (?:will|can|could"
       r"|would) (?:\w+ )?(?:guarantee|promise|commit to|put my name on|put our name on"
       r"|stand behind|stake my \w+ on) (?:it|that)\b",
       needs_me=False, no_figure=True),
    # --- fourteenth pass (tune_short8): families said by meaning, not by a give-away verb ---
    # their price taken over: "our number matches theirs now", "align our pricing with the
    # competing proposal", "whatever they quoted, that's your price", "the gap disappears"
    _p(_K.PRICE, r"\b(?:our|my|the) (?:number|price|quote|rate|pricing|offer)s? (?:now |will )?"
       r"(?:matches|match|beats|meets|equals|is level with) (?:theirs|their|the other|the"
       r" competing)\b"
       r"|\b(?:align|match|level|line up|peg)\w* (?:our |my |the )?(?:pricing|price|rate|number"
       r"|quote|offer)s? (?:with|to) (?:the |their |that )?(?:competing|competitor'?s?|other"
       r"|rival) (?:proposal|quote|offer|bid|price|number|pricing)\b"
       r"|\bwhatever (?:they|the other \w+|the competitor) (?:quoted|quote|charge|charged|offered"
       r"|are charging)\b[^.?!]{0,30}\b(?:is|that is) (?:your|the) (?:price|rate|number)\b"
       r"|\b(?:gap|difference)\b[^.?!]{0,40}\b(?:disappears|goes away|vanishes|is gone|closes|will close)\b"
       # "with your price frozen as discussed", "the renewal's cheaper this year", "get you a
       # cheaper rate", "the revised quote at ten percent less"
       r"|\b(?:price|rate|pricing)s? (?:frozen|locked in|locked|held flat)\b"
       r"|\b(?:renewal|bill|invoice|price|rate)(?:'s| is| will be| comes in|s are|s will be) (?:a (?:bit|little"
       r"|touch) )?(?:cheaper|lower) (?:this (?:year|time|round)|for you|next year)\b"
       r"|\b(?:get|give|find|offer)\w* you (?:a )?(?:cheaper|lower|reduced) (?:rate|price|deal"
       r"|number|quote)\b"
       r"|\b(?:quote|price|invoice|bill|proposal|rate)\b[^.?!,]{0,20}\bat " + N
       + r" (?:percent|dollars) (?:less|lower|cheaper|off|below|under)\b", needs_me=False),
    # nothing to pay, said from the prospect's side or from whose budget: "you won't pay for
    # the setup", "the retraining comes out of my budget, not yours", "consider the extra
    # training sessions handled on our side"
    _p(_K.SCOPE, r"\byou (?:will not|do not|would not|are not going to) (?:have to |need to )?pay"
       r" (?:for|a (?:cent|penny|thing) for)\b"
       r"|\b(?:comes?|come|coming|paid|taken) (?:out of|from) (?:my|our) (?:budget|pocket|margin"
       r"|side)\b"
       r"|\b(?:consider|count)\b (?:the |that |your |this |those )?(?:[\w-]+ ){0,3}?(?:handled"
       r"|covered|sorted|taken care of|on us)\b"
       r"|\b(?:handled|covered|taken care of|paid for)\b (?:on|at|from) our (?:side|end)\b",
       needs_me=False, neg=True),
    # a length with its day: "let's put twenty minutes in for Tuesday", "Thursday at noon,
    # fifteen minutes"; a short one said to be enough: "a quick chat is better than none"
    _p(_K.TIME, N + r" minutes (?:in )?(?:for|on|this|next) " + DAY + r"\b"
       r"|\b" + DAY + r"\b[^.?!]{0,25}, " + N + r" minutes\b", needs_me=False),
    _p(_K.TIME, r"\b(?:quick|short|brief|shorter) (?:chat|call|meeting|slot|one|intro|hello)s?"
       r" (?:is|are|beats)(?: \w+)? (?:better than (?:none|nothing|no)|fine|plenty|enough)\b"
       r"|\b(?:only|just) (?:take|took|need|needed|use|used|want|wanted) a (?:few|couple of)"
       r" minutes\b", needs_me=False),
    # the build ready or the date in writing, no speaker needed: "the custom costing piece will
    # be ready before you go live", "you'll get it in writing that we hit your launch date"
    _p(_K.SCOPE, r"\b(?:custom|bespoke|tailor-made|made-to-measure)\b[^.?!]{0,30}\b(?:will be"
       r"|is going to be|would be|can be) (?:ready|built|done|delivered|live|working|in place)\b"
       r"|\bin writing\b[^.?!]{0,20}\b(?:launch|go-live|go live|live date|deadline|delivery date)\b",
       needs_me=False, no_figure=True),
    # "a custom module isn't out of the question, we'll do it": the ask allowed, kind from the turn
    _p(_K.TIME, r"\b(?:is not|not|is never|never) (?:entirely |completely |totally )?out of the"
       r" question\b", needs_me=False, neg=True, by_context=True),
)
