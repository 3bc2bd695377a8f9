"""The rep's moves in one turn: text in, moves out. Read by the prospect (dialog) and the scorer.

Concessions and refusals come from the shared detector in `scoring.concessions` (a negated
concession cue is the rep holding firm); the other moves are keyword patterns on the
canonical text (lower case, contractions expanded, numbers as digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from scoring.concessions import NEXT_STEP, Concession, ConcessionKind, canonical, scan_cues


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
    r"|\b(?:rather than|instead of) (?:cut|lower|drop|discount|match|knock|send)\w*\b"
    r"|\bnot how we (?:work|do business)\b|\b(?:time|a time) when you have (?:4[5-9]|[5-9]\d) minutes\b"
)
_VALUE = re.compile(
    r"\bcost (?:to|of) (?:get|use|own|run|ownership|switching|downtime)\b|\btotal cost\b"
    r"|\breturn on\b|\broi\b|\bpays? for (?:itself|the difference|themselves)\b|\bsav(?:e|es|ed|ing|ings)\b"
    r"|\bdowntime\b|\b(?:our |other |most )?customers (?:who|that|like|tell|stay|see|gladly)\b"
    r"|\bthe difference (?:buys|gets|is|comes)\b|\bwhat you (?:get|are getting)\b|\bworth\b"
    r"|\buptime\b|\bproductivity\b|\brevenue\b|\bin half\b|\bresults?\b|\bvalue\b"
    r"|\breduce[sd]? (?:your )?(?:risk|cost|costs|churn|downtime|waste)\b|\btrack record\b"
    r"|\bbecause\b|\bwhat (?:we|i) will do is\b|\bcosts? (?:you )?(?:far |much |a lot )?more\b|\bwe (?:help|helped|make sure|guarantee)\b|\bcheaper (?:up front|to buy)\b"
    r"|\bcosts? (?:you|more) (?:in|over|down|to run|to use|to own)\b|\bover (?:the life|\d+ (?:months|years))\b"
)
_WALK = re.compile(
    r"\bwalk away\b|\bwalk from\b|\bnot (?:be )?(?:a|the right) fit\b|\bisn't a fit\b"
    r"|\bnot a fit\b|\b(?:happy|fine|okay|ok|prepared|willing|ready) to (?:walk|step back|part ways"
    r"|pass)\b|\bpart ways\b|\bstay with (?:your|the) (?:current|other|existing)\b"
    r"|\b(?:should|might|could) (?:go|stick|stay) with (?:them|the competitor|the cheaper)\b"
    r"|\bno hard feelings\b|\bi will pass\b|\bwe will pass\b|\bokay to say no\b"
    r"|\brather lose the (?:deal|business)\b|\bbest of luck with\b"
)
_APOLOGY = re.compile(
    r"\bsorry\b|\bapologi[sz]\w*\b|\bmy (?:bad|fault|mistake)\b|\b(?:that|this) (?:is|was) on us\b"
    r"|\bwe (?:dropped|messed up|fumbled)\b"
)
_SMALL_TALK = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon|evening))\b|\bhow are you\b"
    r"|\bhow (?:was|is|were) (?:your|the) (?:day|weekend|week|conference|trip|holiday|vacation"
    r"|summer|game|family)\b|\bnice to (?:meet|talk|speak)\b|\bthanks for (?:taking|having|your time)"
    r"|\bweather\b|\bhope you (?:are|had|have)\b"
)
_QUESTION_START = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|then),? )?(?:(?:would|could|can|do|does|did|is|are|was|have|has"
    r"|will|should)\s+(?:you|it|that|this|there|price|the|your|we|i|a|an)\b|(?:what|why|how|which"
    r"|who|where|when)\b(?! (?:i|we) (?:can|could|will|would) (?:do|offer)))"
)
_BARE_ACCEPT = re.compile(
    r"^(?:(?:ok|okay|sure|fine|alright|all right|deal|yes|yeah|yep|of course|no problem|absolutely"
    r"|great|perfect|done)[,.! ]*)+(?:\d+(?: percent| minutes| months| days| dollars)?"
    r"(?: then| it is)?[.!]?)?$|\b(?:that|this|it|which) works\b|\bworks (?:for me|great|well)\b|\b(?:that works|sounds good|works for me|happy with that"
    r"|let us do (?:it|that)|you have got (?:a deal|it)|you got it|we have a deal|it is a deal)\b"
)
_ORDER = list(MoveKind)


def _sentences(text: str) -> list[tuple[str, str]]:
    """(raw, canonical) per sentence."""
    out = []
    for m in re.finditer(r"[^.!?]+(?:[.!?]+|$)", text):
        raw = m.group(0).strip()
        if re.search(r"[a-z0-9]", raw, re.I):
            out.append((raw, canonical(raw)))
    return out


def _is_question(raw: str, canon: str) -> bool:
    return raw.endswith("?") or bool(_QUESTION_START.match(canon))


def classify(text: str, *, needed_minutes: float = 45) -> list[Move]:
    """The moves in one rep turn, most decisive first; [Move(UNCLEAR)] when nothing is said.

    `needed_minutes` is the meeting length the rep needs (agreeing to it is not a concession).
    """
    sents = [(r, c) for r, c in _sentences(text) if c]
    if not sents:
        return [Move(MoveKind.UNCLEAR)]
    moves: list[Move] = []
    for cue in scan_cues(text, needed_minutes=needed_minutes):
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
        if any(rx.search(c) for _, c in sents):
            moves.append(Move(kind))
    # "How was your weekend?" is small talk, not a discovery question.
    if any(_is_question(r, c) and not _SMALL_TALK.search(c) for r, c in sents):
        moves.append(Move(MoveKind.ASK_QUESTION))
    kinds = {m.kind for m in moves}
    # "Okay, sounds good" with nothing firmer in the turn gives in to whatever was asked.
    if not kinds & {MoveKind.CONCEDE, MoveKind.HOLD_FIRM, MoveKind.PROPOSE_NEXT_STEP,
                    MoveKind.WALK_AWAY, MoveKind.STATE_VALUE} and _BARE_ACCEPT.search(whole):
        moves.append(Move(MoveKind.CONCEDE))
    if not moves:
        return [Move(MoveKind.UNCLEAR)]
    unique: list[Move] = []
    for m in moves:
        if m not in unique:
            unique.append(m)
    return sorted(unique, key=lambda m: _ORDER.index(m.kind))


def kinds(moves: list[Move] | tuple[Move, ...]) -> set[MoveKind]:
    """The set of move kinds in `moves` (a convenience for callers and tests)."""
    return {m.kind for m in moves}
