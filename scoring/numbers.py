"""Spoken and written quantities in transcripts: "ten percent", "$1,500", "half an hour".

Whisper writes numbers either way ("10%", "ten percent", "twenty-five minutes"), so the
concession detector needs one place that turns both into a value and a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SMALL = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000, "million": 1_000_000}
_FUZZY = {"couple": 2, "few": 3}  # "a couple of months", "a few days"

# Unit words -> (canonical unit, multiplier into that unit).
_UNITS: dict[str, tuple[str, float]] = {
    "percent": ("percent", 1), "%": ("percent", 1), "pct": ("percent", 1),
    "minute": ("minutes", 1), "minutes": ("minutes", 1), "min": ("minutes", 1),
    "mins": ("minutes", 1), "hour": ("minutes", 60), "hours": ("minutes", 60),
    "dollar": ("dollars", 1), "dollars": ("dollars", 1), "bucks": ("dollars", 1),
    "usd": ("dollars", 1),
    "month": ("months", 1), "months": ("months", 1),
    "day": ("days", 1), "days": ("days", 1), "week": ("days", 7), "weeks": ("days", 7),
    "year": ("months", 12), "years": ("months", 12),
}
# Words allowed between a number and its unit: "two extra months", "ten free days".
_UNIT_ADJECTIVES = {"extra", "free", "additional", "more", "full", "whole", "bonus", "more"}

_TOKEN = re.compile(r"\$|%|\d[\d,]*(?:\.\d+)?|[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Quantity:
    """A number found in text, with its unit when one follows it."""

    value: float
    unit: str | None
    start: int  # character offsets into the text that was scanned
    end: int
    vague: bool = False  # "a few", "a couple of": a size, not a figure anyone offered

    @property
    def text_span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int
    after_stop: bool = False  # a sentence end (. ! ? ;) comes between it and the token before


_STOP = re.compile(r"[.!?;]")


def _tokens(text: str) -> list[_Tok]:
    low = text.lower()
    out: list[_Tok] = []
    for m in _TOKEN.finditer(low):
        gap = low[out[-1].end:m.start()] if out else ""
        out.append(_Tok(m.group(0), m.start(), m.end(), bool(_STOP.search(gap))))
    return out


def _digit_value(tok: str) -> float | None:
    if tok[0].isdigit():
        try:
            return float(tok.replace(",", ""))
        except ValueError:
            return None
    return None


def _parse_words(toks: list[_Tok], i: int) -> tuple[float, int] | None:
    """Parse a number written in words starting at token i; return (value, tokens used)."""
    total = 0.0
    current = 0.0
    j = i
    seen = False
    while j < len(toks):
        if j > i and toks[j].after_stop:  # "a hundred and fifty. one thousand" is two numbers
            break
        w = toks[j].text
        nxt = toks[j + 1].text if j + 1 < len(toks) and not toks[j + 1].after_stop else ""
        if w == "oh" and j == i:
            break  # "oh yeah, I can send it": an exclamation; "oh" is zero only inside a number
        prev = toks[j - 1].text if j > i else ""
        if (w in _SMALL and prev in _SMALL) or (w in _TENS and (prev in _SMALL or prev in _TENS)):
            break  # "seven, eight percent" is a figure corrected, never fifteen
        if w in _SMALL:
            current += _SMALL[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w in _SCALES and w not in ("k", "grand") and (seen or w == "hundred" or current):
            current = max(current, 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total += current
                current = 0
        elif w == "a" and not seen and nxt in ("hundred", "thousand", "million"):
            current = 1
        elif w == "and" and seen and (nxt in _SMALL or nxt in _TENS):
            pass  # "a hundred and fifty"
        elif w == "point" and seen and nxt in _SMALL:
            current += _SMALL[nxt] / 10
            j += 2
            seen = True
            break
        else:
            break
        seen = seen or w not in ("a", "and")
        j += 1
    if not seen:
        return None
    # "two and a half" / "an hour and a half"
    if [t.text for t in toks[j:j + 3]] == ["and", "a", "half"]:
        current += 0.5
        j += 3
    return total + current, j - i


def _parse_number(toks: list[_Tok], i: int) -> tuple[float, int, str | None] | None:
    """Number at token i: (value, tokens used, unit implied by a prefix such as '$')."""
    t = toks[i].text
    if t == "$" and i + 1 < len(toks):
        inner = _parse_number(toks, i + 1)
        if inner is not None:
            return inner[0], inner[1] + 1, "dollars"
        return None
    value = _digit_value(t)
    if value is not None:
        used = 1
        if (i + 1 < len(toks) and not toks[i + 1].after_stop
                and toks[i + 1].text in ("k", "grand", "thousand", "million")):
            value *= _SCALES[toks[i + 1].text]
            # "5k" and "two grand" are always money when spoken on a sales call.
            unit = "dollars" if toks[i + 1].text in ("k", "grand") else None
            return value, 2, unit
        return value, used, None
    words = _parse_words(toks, i)
    if words is not None:
        value, used = words
        if i + used < len(toks) and toks[i + used].text in ("k", "grand"):
            value *= 1000
            used += 1
            return value, used, "dollars"
        return value, used, None
    return None


def _special(toks: list[_Tok], i: int) -> tuple[float, int, str, bool] | None:
    """Idioms with no digits: 'half an hour', 'an hour', 'a month', 'a couple of weeks'."""
    words = [t.text for t in toks[i:i + 5]]
    if words[:3] in (["half", "an", "hour"], ["a", "half", "hour"]):
        return 30, 3, "minutes", False
    if words[:2] == ["half", "hour"]:  # "the half hour you've got"
        return 30, 2, "minutes", False
    if words[:5] == ["a", "quarter", "of", "an", "hour"]:
        return 15, 5, "minutes", False
    if words[:3] == ["an", "hour", "and"] and words[3:5] == ["a", "half"]:
        return 90, 5, "minutes", False
    if words and words[0] in ("a", "an", "one"):
        k = 1
        if len(words) > 1 and words[1] in _FUZZY:
            k = 2
            mult = _FUZZY[words[1]]
            if len(words) > 2 and words[2] == "of":
                k = 3
        else:
            mult = 1
        while k < len(words) and words[k] in _UNIT_ADJECTIVES:
            k += 1
        if k < len(words) and words[k] in _UNITS and words[k] != "%":
            unit, factor = _UNITS[words[k]]
            return mult * factor, k + 1, unit, mult != 1
    return None


def find_quantities(text: str) -> list[Quantity]:
    """All numbers in `text` (digits or words), each with a canonical unit when one follows.

    Units are "percent", "minutes" (hours are converted), "dollars", "months" (years are
    converted) and "days" (weeks are converted).
    """
    toks = _tokens(text)
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        special = _special(toks, i)
        if special is not None:
            value, used, unit, vague = special
            out.append(Quantity(value, unit, toks[i].start, toks[i + used - 1].end, vague))
            i += used
            continue
        parsed = _parse_number(toks, i)
        if parsed is None:
            i += 1
            continue
        value, used, unit = parsed
        j = i + used
        if unit is None:
            k = j
            while k < len(toks) and toks[k].text in _UNIT_ADJECTIVES:
                k += 1
            if k < len(toks) and toks[k].text == "per" and k + 1 < len(toks) and toks[
                k + 1
            ].text == "cent":
                unit, j = "percent", k + 2
            elif k < len(toks) and toks[k].text in _UNITS:
                unit, factor = _UNITS[toks[k].text]
                value *= factor
                j = k + 1
                # "an hour and a half" handled in _special; "two hours and a half" is rare.
        out.append(Quantity(value, unit, toks[i].start, toks[j - 1].end))
        i = j
    return out


def words_to_number(text: str) -> float | None:
    """The value of a single spoken number such as 'a hundred and fifty' or '25', else None."""
    toks = _tokens(text)
    if not toks:
        return None
    parsed = _parse_number(toks, 0)
    if parsed is None or parsed[1] != len(toks):
        return None
    return parsed[0]


def canonical_quantities(text: str, *, keep_free: bool = False) -> str:
    """`text` with every quantity rewritten as digits plus canonical unit.

    "Half an hour is fine" -> "30 minutes is fine"; "$1,500" -> "1500 dollars". Pattern
    matchers downstream then only need to know one spelling of each number. `keep_free`
    keeps a "free" said inside a quantity, after it: "two free months" -> "2 months free".
    """
    parts: list[str] = []
    pos = 0
    for q in find_quantities(text):
        parts.append(text[pos:q.start])
        inside = text[q.start:q.end]
        free = " free" if keep_free and q.unit and re.search(r"\bfree\b", inside, re.I) else ""
        # "a couple of weeks" names no figure: "a few days", no amount to read
        value = "a few" if keep_free and q.vague else f"{q.value:g}"
        parts.append(value + (f" {q.unit}" if q.unit else "") + free)
        pos = q.end
    parts.append(text[pos:])
    return "".join(parts)
