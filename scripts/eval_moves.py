"""Measure the rep-move classifier on a labelled corpus (tests/data/moves/*.yaml).

Uses only the public `scoring.rep_moves.classify(text, ...)`, so the same script measures an
older checkout: run it with that checkout first on `sys.path` (check the printed module path).
What each figure counts is written in docs/moves.md.

    python scripts/eval_moves.py tests/data/moves/frozen_test.yaml [--markdown out.md]
    python scripts/eval_moves.py FILES... --doc docs/moves.md   # `make eval`
"""

from __future__ import annotations

import argparse
import inspect
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

import scoring.rep_moves as rep_moves

_LOGGER = logging.getLogger(__name__)

# The label priority the writers were given (docs/moves.md): the main move of a turn.
PRIORITY = (
    "concede", "walk_away", "hold_firm", "propose_next_step", "ask_question", "state_value",
    "apologise", "small_talk",
)
# What each built-in scenario's prospect pushes for: a bare "okay, deal" gives in to that.
SCENARIO_DEMAND = {
    "price-pressure": "price", "time-pressure": "time", "send-info": "info",
    "renewal-threat": "scope", "bad-fit": "scope",
}

# Units the labels and the classifier may spell differently for the same amount.
_UNIT_SCALE = {"weeks": ("days", 7.0), "hours": ("minutes", 60.0), "years": ("months", 12.0)}
_REFUSAL_OR_QUESTION = {"hold_firm", "ask_question", "walk_away"}


class CorpusError(ValueError):
    """A corpus file that cannot be read; names the file and the item."""


@dataclass(frozen=True)
class Found:
    kind: str
    conditional: bool
    amount: float | None
    unit: str | None


def _norm_amount(amount: object, unit: object) -> tuple[float | None, str | None]:
    value = None if amount is None else float(amount)  # type: ignore[arg-type]
    u = None if unit in (None, "null") else str(unit)
    if u in _UNIT_SCALE:
        u, scale = _UNIT_SCALE[u]
        value = None if value is None else value * scale
    return value, u


def load_items(path: Path, *, need_move: bool = True) -> list[dict]:
    """The labelled items of a corpus file; CorpusError naming the file when malformed.
    `need_move=False` also reads tests/data/rep_sentences.yaml (moves as a list)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise CorpusError(f"{path}: cannot read: {e}") from e
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise CorpusError(f"{path}: expected a top-level 'items' list")
    for i, item in enumerate(items):
        missing = {"text", "concessions"} - set(item or {})
        if need_move and "move" not in (item or {}):
            missing.add("move")
        if missing:
            raise CorpusError(f"{path}: item {i}: missing {', '.join(sorted(missing))}")
    return items


@lru_cache(maxsize=1)
def _needed_minutes() -> dict[str, float]:
    """Each built-in scenario's meeting length, as the prospect passes it to the classifier."""
    from dialog.scenario import builtin_catalog

    return {s.id: float(s.needed_minutes) for s in builtin_catalog()}


@lru_cache(maxsize=1)
def _people() -> dict[str | None, tuple[str, ...]]:
    """Each built-in scenario's personas, the people a rep may name; an item with no
    scenario may name any of them."""
    from dialog.scenario import builtin_catalog

    out: dict[str | None, tuple[str, ...]] = {s.id: s.people for s in builtin_catalog()}
    out[None] = tuple(n for names in out.values() for n in names)
    return out


def _classifier_kwargs(scenario: str | None) -> dict:
    """Context the installed classifier accepts (older ones take only needed_minutes)."""
    accepted = inspect.signature(rep_moves.classify).parameters
    kwargs: dict = {"needed_minutes": _needed_minutes().get(scenario or "", 45.0)}
    if "people" in accepted:
        kwargs["people"] = _people().get(scenario, _people()[None])
    if "asked" in accepted and scenario in SCENARIO_DEMAND:
        kwargs["asked"] = rep_moves.ConcessionKind(SCENARIO_DEMAND[scenario])
    return kwargs


def run_item(item: dict, classify: Callable[..., list] | None = None) -> tuple[str, list[Found]]:
    """(primary move, concessions found) for one item, as the prospect reads the turn;
    `classify` replaces the installed classifier (the trainer's held-out folds use it)."""
    scenario = item.get("scenario")
    moves = (classify or rep_moves.classify)(item["text"], **_classifier_kwargs(scenario))
    kinds = {str(m.kind) for m in moves}
    primary = next((k for k in PRIORITY if k in kinds), "unclear")
    found: list[Found] = []
    for m in moves:
        if str(m.kind) != "concede":
            continue
        c = m.concession
        if c is None:
            # A bare yes gives in to the prospect's demand (as dialog.machine records it).
            if scenario in SCENARIO_DEMAND:
                found.append(Found(SCENARIO_DEMAND[scenario], False, None, None))
            continue
        amount, unit = _norm_amount(c.amount, c.unit)
        found.append(Found(str(c.kind), bool(c.conditional), amount, unit))
    return primary, found


@dataclass
class Tally:
    """Counts behind each figure for one slice of the corpus."""

    items: int = 0
    move_right: int = 0
    bearing: int = 0  # items with at least one labelled concession
    kinds_found: int = 0
    labelled_found: int = 0  # labelled concessions whose kind was found
    conditional_right: int = 0
    amount_right: int = 0
    clean: int = 0  # items with no labelled concession
    clean_flagged: int = 0
    refusal_q: int = 0
    refusal_q_flagged: int = 0
    seconds: list[float] = field(default_factory=list)  # classify time per turn

    def add(self, item: dict, primary: str, found: list[Found]) -> None:
        self.items += 1
        self.move_right += primary == item["move"]
        labels = item["concessions"] or []
        if labels:
            self.bearing += 1
            got_kinds = {f.kind for f in found}
            self.kinds_found += {c["kind"] for c in labels} <= got_kinds
            pool = list(found)
            for c in labels:
                match = next((f for f in pool if f.kind == c["kind"]), None)
                if match is None:
                    continue
                pool.remove(match)
                self.labelled_found += 1
                self.conditional_right += match.conditional == bool(c.get("conditional"))
                self.amount_right += (match.amount, match.unit) == _norm_amount(
                    c.get("amount"), c.get("unit"))
        else:
            self.clean += 1
            self.clean_flagged += bool(found)
            if item["move"] in _REFUSAL_OR_QUESTION:
                self.refusal_q += 1
                self.refusal_q_flagged += bool(found)

    def figures(self) -> dict[str, tuple[int, int]]:
        """Figure name -> (numerator, denominator)."""
        return {
            "concession found, right kind": (self.kinds_found, self.bearing),
            "conditional right": (self.conditional_right, self.labelled_found),
            "amount right": (self.amount_right, self.labelled_found),
            "refusals/questions flagged": (self.refusal_q_flagged, self.refusal_q),
            "false concession rate": (self.clean_flagged, self.clean),
            "move accuracy": (self.move_right, self.items),
        }


def _ratio(pair: tuple[int, int]) -> str:
    num, den = pair
    return f"{num / den:.3f} ({num}/{den})" if den else "n/a"


def evaluate(
    items: list[dict], classify: Callable[..., list] | None = None
) -> tuple[Tally, dict[str, Tally]]:
    """The whole-corpus tally and one per style."""
    total = Tally()
    by_style: dict[str, Tally] = defaultdict(Tally)
    for item in items:
        started = time.perf_counter()
        primary, found = run_item(item, classify)
        total.seconds.append(time.perf_counter() - started)
        total.add(item, primary, found)
        by_style[str(item.get("style", "?"))].add(item, primary, found)
    return total, dict(sorted(by_style.items()))


def markdown(name: str, total: Tally, by_style: dict[str, Tally]) -> str:
    """The figures as markdown tables: the whole corpus, then per style."""
    figs = total.figures()
    out = [f"**{name}** ({total.items} items)", "", "| figure | value |", "|---|---|"]
    out += [f"| {k} | {_ratio(v)} |" for k, v in figs.items()]
    if total.seconds:
        ms = sorted(1000 * s for s in total.seconds)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
        median = ms[len(ms) // 2]
        out.append(f"| ms per turn (median / 95th percentile) | {median:.2f} / {p95:.2f} |")
    short = ("found", "cond.", "amount", "ref/q flagged", "false conc.", "move acc.")
    out += ["", "| style | n | " + " | ".join(short) + " |", "|---" * (len(short) + 2) + "|"]
    for style, t in by_style.items():
        cells = [_ratio(v).split(" ")[0] if v[1] else "–" for v in t.figures().values()]
        out.append(f"| {style} | {t.items} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="+", help="labelled corpus YAML file(s)")
    parser.add_argument("--markdown", type=Path, help="append the figures as markdown here")
    parser.add_argument("--doc", type=Path,
                        help="replace the figures between the markers in this doc (docs/moves.md)")
    parser.add_argument("--misses", action="store_true",
                        help="print wrong items (never on frozen test files)")
    args = parser.parse_args(argv)
    print(f"classifier: {rep_moves.__file__}")
    run_item({"text": "Okay.", "scenario": "price-pressure"})  # load models and scenarios first
    chunks = []
    for path in args.corpus:
        try:
            items = load_items(path)
        except CorpusError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        total, by_style = evaluate(items)
        table = markdown(path.name, total, by_style)
        print(table)
        chunks.append(table)
        if args.misses:
            _print_misses(items)
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as f:
            f.write("\n".join(chunks))
    if args.doc:
        return _write_doc(args.doc, "\n".join(chunks))
    return 0


_BEGIN, _END = "<!-- eval_moves:begin -->", "<!-- eval_moves:end -->"


def _write_doc(doc: Path, tables: str) -> int:
    """Put `tables` between the markers in `doc`, leaving the prose around them."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if _BEGIN not in text or _END not in text:
        print(f"error: {doc}: no {_BEGIN} ... {_END} markers to write between", file=sys.stderr)
        return 2
    head, rest = text.split(_BEGIN, 1)
    tail = rest.split(_END, 1)[1]
    doc.write_text(f"{head}{_BEGIN}\n{tables}{_END}{tail}", encoding="utf-8")
    print(f"wrote figures into {doc}")
    return 0


def _print_misses(items: list[dict]) -> None:
    for item in items:
        primary, found = run_item(item)
        want = sorted(((c["kind"], bool(c.get("conditional")), *_norm_amount(c.get("amount"),
                       c.get("unit"))) for c in item["concessions"] or []), key=repr)
        got = sorted(((f.kind, f.conditional, f.amount, f.unit) for f in found), key=repr)
        if primary != item["move"] or want != got:
            print(f"  [{item.get('style')}] {item['text']!r}\n      move {primary} (want "
                  f"{item['move']}); got {got}; want {want}")


if __name__ == "__main__":
    raise SystemExit(main())
