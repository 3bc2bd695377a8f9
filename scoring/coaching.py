"""Firm lines to say instead of a concession, and the checks every suggested line must pass.

The lines come from the scenario's `coaching:` block (docs/coaching.md), falling back to the
generic block in `rubric.yaml`. Each is filled with the rep's own number and checked before it
is shown: a sentence a person says, no filler or hedge, and not itself a concession.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from itertools import pairwise

import yaml

from scoring.concessions import ConcessionKind
from scoring.fillers import detect_fillers
from scoring.hedges import detect_hedges
from scoring.rep_moves import MoveKind, classify
from scoring.turns import Speaker, Turn

_LOGGER = logging.getLogger(__name__)

# Placeholders a coaching line may use: the rep's own number ("10%", "20 minutes") and the
# meeting length the rep needs ("45 minutes").
PLACEHOLDERS = frozenset({"amount", "need"})


class CoachingError(ValueError):
    """A coaching block that cannot be used; `field` says where."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class Tactic(StrEnum):
    HOLD = "hold"  # keep it and explain the cost to use
    TRADE = "trade"  # give nothing without a commitment in return
    ASK = "ask"  # find out what is behind the ask


TACTIC_LABELS = {
    Tactic.HOLD: "Hold your ground and say why it pays",
    Tactic.TRADE: "Trade it for a commitment",
    Tactic.ASK: "Ask what is behind the ask",
}
# Which tactic fits a give-away first, per kind; later give-aways of a kind take the next.
_TACTIC_ORDER = {
    ConcessionKind.PRICE: (Tactic.HOLD, Tactic.ASK, Tactic.TRADE),
    ConcessionKind.TIME: (Tactic.HOLD, Tactic.TRADE, Tactic.ASK),
    ConcessionKind.INFO: (Tactic.ASK, Tactic.TRADE, Tactic.HOLD),
    ConcessionKind.SCOPE: (Tactic.TRADE, Tactic.HOLD, Tactic.ASK),
}


@dataclass(frozen=True)
class CoachingLines:
    """Lines per concession kind and tactic; templates may use `PLACEHOLDERS`."""

    lines: Mapping[str, Mapping[Tactic, tuple[str, ...]]] = field(default_factory=dict)

    def get(self, kind: str, tactic: Tactic) -> tuple[str, ...]:
        return tuple(self.lines.get(kind, {}).get(tactic, ()))


def placeholders(line: str) -> set[str]:
    """The `{names}` a template uses; ValueError on bad braces."""
    return {n for _, n, _, _ in string.Formatter().parse(line) if n is not None}


def parse_coaching(raw: object, where: str = "coaching") -> CoachingLines:
    """Validate a `coaching:` mapping (kind -> tactic -> lines); CoachingError names the field."""
    if raw is None:
        return CoachingLines()
    if not isinstance(raw, Mapping):
        raise CoachingError(where, "expected a mapping of concession kinds")
    kinds = {k.value for k in ConcessionKind}
    out: dict[str, dict[Tactic, tuple[str, ...]]] = {}
    for kind, tactics in raw.items():
        here = f"{where}.{kind}"
        if kind not in kinds:
            raise CoachingError(here, f"not a concession kind (one of {', '.join(sorted(kinds))})")
        if not isinstance(tactics, Mapping):
            raise CoachingError(here, "expected a mapping of tactics (hold, trade, ask)")
        out[kind] = {}
        for tactic, lines in tactics.items():
            if tactic not in {t.value for t in Tactic}:
                raise CoachingError(f"{here}.{tactic}", "not a tactic (hold, trade or ask)")
            if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
                raise CoachingError(f"{here}.{tactic}", "expected a list of lines")
            for i, line in enumerate(lines):
                try:
                    unknown = placeholders(line) - PLACEHOLDERS
                except ValueError as exc:
                    raise CoachingError(f"{here}.{tactic}[{i}]", f"bad braces: {exc}") from exc
                if unknown:
                    raise CoachingError(f"{here}.{tactic}[{i}]", f"unknown placeholder "
                                        f"{{{min(unknown)}}}; use {{amount}} or {{need}}")
            if lines and all("amount" in placeholders(x) for x in lines):
                raise CoachingError(f"{here}.{tactic}", "needs one line without {amount} "
                                    "for a give-away said without a number")
            out[kind][Tactic(tactic)] = tuple(lines)
    return CoachingLines(out)


@lru_cache(maxsize=1)
def default_coaching() -> CoachingLines:
    """The generic lines in `rubric.yaml`, used where a scenario has none for a kind."""
    text = resources.files("scoring").joinpath("rubric.yaml").read_text(encoding="utf-8")
    return parse_coaching((yaml.safe_load(text) or {}).get("coaching"), "rubric.yaml: coaching")


def amount_text(amount: float | None, unit: str | None) -> str | None:
    """The rep's number as a person writes it: "10%", "20 minutes", "$500", "a month"."""
    if amount is None:
        return None
    n = f"{amount:g}" if amount != int(amount) else f"{int(amount)}"
    if unit == "percent":
        return f"{n}%"
    if unit == "dollars":
        return f"${int(amount):,}" if amount == int(amount) else f"${amount:,.2f}"
    if unit in ("minutes", "months", "days", "weeks", "hours", "years"):
        return f"a {unit[:-1]}" if amount == 1 else f"{n} {unit}"
    return None


# ---------------------------------------------------------------- what a shown line must be

_END = re.compile(r"[.?!]$")
# Verbs and verb endings common in sales talk: enough to tell a sentence from a fragment.
_VERBS = frozenset(
    "am is are was were be been being do does did done have has had having can could will would "
    "shall should may must let let's need needs want wants take takes give gives get gets make "
    "makes go goes come comes see sees know knows think say said tell show shows walk keep keeps "
    "put book find found send sends sent sign signs cost costs pay pays run runs use uses help "
    "helps work works mean means look looks matter matters stand stays stay hold holds add "
    "understand leave lose lost agree agreed talk meet fix fixes change changes spend spends save "
    "saves bring choose decide decided move moves start starts set cover covers compare happen "
    "happens ask asked hear heard rather prefer check owe solve buy buys call sit try suit suits "
    "fit fits join".split()
)
# "I can, do it": a comma between a modal and its verb is a cut, not a pause a person writes.
_SPLIT_VERB = re.compile(r"\b(?:can|could|will|would|should|must|shall|do|does|did|\w+'ll|\w+'d)"
                         r"(?:n't)?, "
                         r"(?!and\b|but\b|or\b|so\b|if\b|because\b|too\b)[a-z]", re.IGNORECASE)
_CONTRACTION = re.compile(r"\b\w+'(?:s|re|m|ll|ve|d)\b|\b\w+n't\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9$%'-]+")


def sentence_problem(text: str) -> str | None:
    """Why `text` does not read as sentences a person says, or None when it does."""
    text = text.strip()
    if not text:
        return "empty"
    parts = [p.strip() for p in re.findall(r"[^.?!]+[.?!]+|[^.?!]+$", text) if p.strip()]
    for part in parts:
        first = part.lstrip("\"'\u201c(")
        if not first or not (first[0].isupper() or first[0].isdigit() or first[0] == "$"):
            return f"does not start with a capital: {part!r}"
        if not _END.search(part):
            return f"no end punctuation: {part!r}"
        if re.search(r"\s[,.;:?!%]|[,;:]\s*[,.;:?!]|[,;:]$", part):
            return f"stray punctuation: {part!r}"
        if _SPLIT_VERB.search(part):
            return f"a comma inside the verb: {part!r}"
        words = [w.lower().strip("'") for w in _WORD.findall(part)]
        if any(a == b or b.startswith(a + "'") for a, b in pairwise(words)):
            return f"a doubled word: {part!r}"
        if len(words) < 2 and words[:1] not in (["no"], ["yes"], ["agreed"]):
            return f"too short: {part!r}"
        if not (_CONTRACTION.search(part) or any(w in _VERBS or w.endswith("ed") for w in words)):
            return f"no verb: {part!r}"
    return None


@lru_cache(maxsize=4096)
def line_problem(text: str, *, needed_minutes: float = 45) -> str | None:
    """Why a suggested line must not be shown: not a sentence, a filler or hedge, a give-away."""
    if (problem := sentence_problem(text)) is not None:
        return problem
    turn = Turn(0, Speaker.REP, text, 0.0, max(1.0, 0.3 * len(text.split())))
    if found := detect_fillers(turn):
        return f"filler {found[0].word!r}"
    if found_hedges := detect_hedges(turn):
        return f"hedge {found_hedges[0].phrase!r}"
    if any(m.kind == MoveKind.CONCEDE for m in classify(text, needed_minutes=needed_minutes)):
        return "it gives something away"
    return None


# ---------------------------------------------------------------- choosing lines for one call


@dataclass(frozen=True)
class GiveAway:
    """What a firm line answers: the kind given away and the rep's own number, at a moment."""

    kind: str
    amount: float | None
    unit: str | None
    turn: int
    quote: str


@dataclass(frozen=True)
class Suggestion:
    text: str
    tactic: Tactic


class Coach:
    """Picks firm lines for one call's give-aways: the scenario's first, never the same twice.

    One per scorecard; it remembers what it has suggested so every moment gets its own line.
    """

    def __init__(self, lines: CoachingLines | None = None, *, needed_minutes: float = 45,
                 fallback: CoachingLines | None = None, people: Sequence[str] = ()) -> None:
        self.lines = lines or CoachingLines()
        self.fallback = default_coaching() if fallback is None else fallback
        self.needed_minutes = needed_minutes
        self.people = tuple(people)  # the names on the call, for reading the rep's sentences
        self._used: set[str] = set()  # lines shown, and templates filled, this call
        self._chosen: dict[tuple[int, str, Tactic | None], Suggestion | None] = {}
        self._tactics: dict[str, Tactic] = {}
        self._seen_kinds: dict[str, list[tuple[int, str]]] = {}

    def _fill(self, template: str, give: GiveAway) -> str | None:
        amount = amount_text(give.amount, give.unit)
        if "amount" in placeholders(template) and amount is None:
            return None
        need = f"{self.needed_minutes:g} minutes"
        text = template.format(amount=amount or "", need=need).strip()
        return text[:1].upper() + text[1:]

    def _candidates(self, kind: str, tactic: Tactic) -> Iterable[str]:
        yield from self.lines.get(kind, tactic)
        yield from self.fallback.get(kind, tactic)

    def usable(self, text: str) -> bool:
        """Not shown yet this call, and passes `line_problem`."""
        if text in self._used:
            return False
        problem = line_problem(text, needed_minutes=self.needed_minutes)
        if problem is not None:
            _LOGGER.debug("coaching line skipped (%s): %s", problem, text)
        return problem is None

    def take(self, text: str) -> None:
        self._used.add(text)

    def firm_line(self, give: GiveAway, tactic: Tactic | None = None) -> Suggestion | None:
        """A firm line for `give`, by `tactic` if it has one, else the kind's next tactic."""
        key = (give.turn, give.quote, tactic)
        if key in self._chosen:
            return self._chosen[key]
        kind = ConcessionKind(give.kind)
        earlier = self._seen_kinds.setdefault(kind.value, [])
        if (give.turn, give.quote) not in earlier:
            earlier.append((give.turn, give.quote))
        order = _TACTIC_ORDER[kind]
        k = earlier.index((give.turn, give.quote)) % len(order)
        tactics = ((tactic,) if tactic else ()) + order[k:] + order[:k]
        found: Suggestion | None = None
        for t in dict.fromkeys(tactics):
            for template in self._candidates(kind.value, t):
                if template in self._used:
                    continue  # "20 minutes won't..." then "15 minutes won't..." is one line
                text = self._fill(template, give)
                if text is not None and self.usable(text):
                    found = Suggestion(text, t)
                    self.take(template)
                    break
            if found:
                break
        if found:
            self.take(found.text)
            self._tactics[found.text] = found.tactic
        self._chosen[key] = found
        return found

    def tactic_of(self, line: str) -> Tactic | None:
        """The tactic of a firm line this coach suggested; None for any other line."""
        return self._tactics.get(line)
