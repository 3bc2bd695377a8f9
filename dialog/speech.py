"""Numbers as words for prospect lines, since every line is synthesised to speech."""

from __future__ import annotations

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _int_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {_int_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{_int_words(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + _int_words(rest)


def say_number(value: float) -> str:
    """'fifteen', 'seven and a half', 'two thousand'; digits beyond a million or odd fractions."""
    if value < 0 or value >= 1_000_000:
        return f"{value:g}"
    whole = int(value)
    frac = round(value - whole, 2)
    if frac == 0:
        return _int_words(whole)
    if frac == 0.5:
        return ("a half" if whole == 0 else f"{_int_words(whole)} and a half")
    return f"{value:g}"
