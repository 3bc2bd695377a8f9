"""What a prospect line commits to, read from its words: it agrees (a meeting, a price, a
renewal), it refuses or lets the rep go, it defers (an email, another day), or none of these.

Scenario loading uses it to refuse a line whose words and outcome disagree ("Forty-five minutes
Thursday at noon." in a state that would score `no_decision`); docs/scenarios.md, "Outcomes".
Deliberately conservative: a line it cannot place is `OPEN` and never refused.
"""

from __future__ import annotations

import re
from enum import StrEnum

from dialog.outcomes import Outcome


class LineMeaning(StrEnum):
    AGREES = "agrees"
    REFUSES = "refuses"
    DEFERS = "defers"
    OPEN = "open"


_AGREES = re.compile(
    r"\bsend (?:the |me the |over the )?(?:contract|paperwork|renewal|invite|revised quote"
    r"|order form|agreement|purchase order)\b|\bsend it(?: over)?(?: and|,)? (?:i will|i'll) sign\b"
    r"|\b(?:i'll|i will|we'll|we will) (?:sign|renew|go ahead|go with you)\b"
    r"|\blet's (?:go ahead|do it|book it|sign)\b|\bwe'll renew\b|\bit's in the calendar\b"
    r"|\bin my calendar\b|\bsend (?:me )?an invite\b|\bi'll send the invite\b|\bbook(?:ed)? it\b"
    r"|\bwe have a deal\b|\byou've got (?:a deal|your (?:forty-five|meeting|time|hour))\b"
    r"|\bgive you forty-five\b|\bforty-five minutes\b[^.?!]*\b(?:thursday|tuesday|monday"
    r"|wednesday|friday|next week)\b|\bwe'll go with you\b|\bsee you (?:then|thursday"
    r"|tuesday|next week)\b|\bput (?:it|that|them) in writing\b|\bget me the (?:revised )?quote\b",
    re.I)
_REFUSES = re.compile(
    r"\bwe're done\b|\bgo with the other\b|\b(?:with|call|to) the other (?:supplier|quote"
    r"|vendor)\b|\bthe other (?:supplier|quote|vendor)\b[^.?!]*\b(?:happy|have us|win)"
    r"|\bstart looking\b|\brun the tender\b|\bdon't expect us to renew\b"
    r"|\b(?:not|isn't) a (?:fit|priority)\b|\bleave it (?:there|for now)\b|\blet's leave it\b"
    r"|\bcalling procurement\b|\bwe'll look elsewhere\b|\blook(?:ing)? elsewhere\b"
    r"|\bgoing with (?:the other|someone else|them)\b|\bwe'll pass\b|\bsuit yourself\b"
    r"|\bno deal\b|\bgood luck\b", re.I)
_DEFERS = re.compile(
    r"\b(?:email|e-mail) me\b|\bdrop me an email\b|\bsend me (?:something|an email)\b"
    r"|\bget back to you\b|\bpick this up\b|\bi'll (?:take a )?look\b|\bkeep an eye out\b"
    r"|\bthink it over\b|\banother day\b|\bcall back\b|\bnext quarter\b|\bwe'll see\b"
    r"|\bi'll decide\b|\bout of time\b", re.I)

_FITS = {
    LineMeaning.AGREES: {Outcome.WON, Outcome.WON_WITH_CONCESSIONS},
    LineMeaning.REFUSES: {Outcome.LOST, Outcome.WALKED, Outcome.NO_DECISION},
    LineMeaning.DEFERS: {Outcome.NO_DECISION, Outcome.LOST, Outcome.WALKED},
}


# "Give us three months free and we'll sign" names a price for agreeing; it does not agree,
# and "tell me straight if we're not a fit" does not refuse: such clauses are left out.
_IF_CLAUSE = re.compile(r"\b(?:if|unless)\b[^.!?,]*", re.I)
_ASK_THEN_AGREE = re.compile(
    r"\b(?:give|make|match|call it|go to)\b[^.!?]*\band (?:i'll|we'll|i will|we will|we're)\b",
    re.I)


def read_meaning(text: str) -> LineMeaning:
    """What `text` commits to; OPEN when its words say none, or more than one, clearly."""
    text = text.replace("\u2019", "'")
    said = " ".join(_IF_CLAUSE.sub("", s) for s in re.findall(r"[^.!?]+[.!?]*", text)
                    if not _ASK_THEN_AGREE.search(s))
    found = [m for m, rx in ((LineMeaning.AGREES, _AGREES), (LineMeaning.REFUSES, _REFUSES),
                             (LineMeaning.DEFERS, _DEFERS)) if rx.search(said)]
    if found == [LineMeaning.REFUSES, LineMeaning.DEFERS]:  # "leave it; try me next quarter"
        return LineMeaning.REFUSES
    return found[0] if len(found) == 1 else LineMeaning.OPEN


def fits(meaning: LineMeaning, outcome: Outcome | None) -> bool:
    """Whether a line that means `meaning` may leave the call at `outcome` (None: undecided).

    A line that agrees needs a won outcome; one that refuses or defers may not be a win; an
    OPEN line fits anything."""
    if meaning is LineMeaning.OPEN:
        return True
    if outcome is None:
        return meaning is not LineMeaning.AGREES
    return outcome in _FITS[meaning]
