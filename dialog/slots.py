"""What the rep just said that the prospect's next line can pick up: the amount given, the day
and time proposed, the rep's own reason or question (docs/scenarios.md, "Lines that listen").

Filled from the move classifier's reading of the turn (scoring.rep_moves.classify): the amount
comes from the concession it found, a question only when it found one. A slot the turn does not
fill is empty, and the machine then picks a line that does not use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialog.speech import say_number
from scoring.canonical import strip_fillers
from scoring.rep_moves import Move, MoveKind

# The placeholders these slots fill; every line group keeps a line without them.
REP_SLOTS = ("amount", "when", "reason", "question")

_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DAY = re.compile(
    rf"\b(?:(next|this) )?({_DAYS}|tomorrow)(?: (morning|afternoon|evening))?\b|\bnext week\b")
_WORD_HOUR = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve")
_TIME = re.compile(
    r"\b(?:at |around |say )(\d{1,2})(?::(\d\d))? ?([ap])?\.?m?\.?(?![\w%])"
    rf"|\b(?:at |around |say )({_WORD_HOUR})(?: (thirty|fifteen|forty-five|o'clock))?\b"
    r"|\b(\d{1,2}) ?([ap])\.?m\.?(?!\w)|\b(noon|midday|lunchtime)\b")
_REASON = re.compile(r"\b(?:because|since|so that)\b,? (.+)$")
_MAX_WORDS = 12
# First and second person swap when the prospect repeats the rep's words back.
_SWAP = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "we": "you", "us": "you",
    "our": "your", "ours": "yours", "your": "my", "yours": "mine", "i'm": "you're",
    "we're": "you're", "you're": "I'm", "i'll": "you'll", "we'll": "you'll", "you'll": "I'll",
    "i've": "you've", "we've": "you've", "you've": "I've", "myself": "yourself",
    "ourselves": "yourselves", "yourself": "myself", "am": "are",
}
# After these, "you" is an object ("cost you", "for you") and becomes "me".
_OBJECT_BEFORE = frozenset(
    "for to with at from cost costs give gives tell tells show shows help helps let lets send "
    "call ask asked see meet get gets save saves about than by of on into".split())


@dataclass(frozen=True)
class RepSlots:
    """What the last rep turn said that a line may fill in; empty strings where it said none."""

    amount: str = ""  # "fifteen percent"
    when: str = ""  # "Thursday at ten"
    reason: str = ""  # "the cost to use you is lower" (pronouns as the prospect says them)
    question: str = ""  # "what does an hour of downtime cost my plant"

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in REP_SLOTS}


def read_slots(rep_text: str, moves: tuple[Move, ...] | list[Move]) -> RepSlots:
    """The slots one rep turn fills, from its text and the classifier's moves."""
    text = strip_fillers(rep_text)
    kinds = {m.kind for m in moves}
    return RepSlots(
        amount=_amount(moves),
        when=_when(text.lower()),
        reason=_reason(text) if kinds & {MoveKind.STATE_VALUE, MoveKind.HOLD_FIRM} else "",
        # "Can we book Thursday?" is a next step, not a question to repeat back
        question=_question(text) if MoveKind.ASK_QUESTION in kinds
        and MoveKind.PROPOSE_NEXT_STEP not in kinds else "",
    )


def _amount(moves: tuple[Move, ...] | list[Move]) -> str:
    for m in moves:
        c = m.concession
        if c is not None and c.amount is not None:
            return say_number(c.amount) + (f" {c.unit}" if c.unit else "")
    return ""


def _hour(digits: str, minutes: str | None, half: str | None) -> str:
    spoken = say_number(int(digits))
    if minutes and minutes != "00":
        spoken += " " + ("oh " if minutes.startswith("0") else "") + say_number(int(minutes))
    if half:
        spoken += " in the morning" if half == "a" else " in the afternoon"
    return spoken


def _when(low: str) -> str:
    day_m = _DAY.search(low)
    day = ""
    if day_m is not None:
        day = day_m.group(0)
        day = " ".join(w.capitalize() if re.fullmatch(_DAYS, w) else w for w in day.split())
    time_m = _TIME.search(low)
    time = ""
    if time_m is not None:
        g = time_m.groups()
        if g[0]:
            time = _hour(g[0], g[1], g[2])
        elif g[3]:
            time = g[3] + (f" {g[4]}" if g[4] else "")
        elif g[5]:
            time = _hour(g[5], None, g[6])
        else:
            time = "noon" if g[7] in ("noon", "midday") else "lunchtime"
    if day and time:
        return f"{day} at {time}"
    return day or (f"at {time}" if time else "")


def flip_person(words: str) -> str:
    """The rep's words as the prospect repeats them: "our price" -> "your price"."""
    tokens = words.split()
    out: list[str] = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low == "you":
            prev = tokens[i - 1].lower() if i else ""
            out.append("me" if prev in _OBJECT_BEFORE else "I")
        elif low in _SWAP:
            out.append(_SWAP[low])
        else:
            out.append(tok)
    text = " ".join(out)
    # "I are" / "are I" after the swap
    text = re.sub(r"\bI are\b", "I am", text)
    text = re.sub(r"\bare I\b", "am I", text)
    return text


def _clip(words: str) -> str:
    """Up to a short phrase, cut at a clause break rather than mid-thought; '' if too long."""
    words = re.split(r"[,;:]| - ", words)[0].strip()
    tokens = words.split()
    return "" if not tokens or len(tokens) > _MAX_WORDS else " ".join(tokens)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.findall(r"[^.!?]+[.!?]*", text) if re.search(r"\w", s)]


def _reason(text: str) -> str:
    for sentence in _sentences(text):
        m = _REASON.search(sentence.rstrip(".!?"))
        if m is not None:
            clipped = _clip(m.group(1))
            if clipped:
                return flip_person(clipped[0].lower() + clipped[1:])
    return ""


def _question(text: str) -> str:
    asked = [s for s in _sentences(text) if s.endswith("?")]
    if not asked:
        return ""
    # the clause that asks: "Happy to, but can I ask what's missing?"
    clause = re.split(r"[,;:]", asked[-1].rstrip("?"))[-1].strip()
    body = re.sub(r"^(?:so|and|but|okay|ok|well|then|honestly|look)\b,? ", "", clause,
                  flags=re.I).strip()
    # "can I ask what's missing" asks "what's missing"
    body = re.sub(r"^(?:can|could|may) i ask(?: you)? ", "", body, flags=re.I)
    clipped = _clip(body)
    return flip_person(clipped[0].lower() + clipped[1:]) if clipped else ""
