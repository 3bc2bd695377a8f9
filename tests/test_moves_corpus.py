"""The move classifier on the labelled move corpus (docs/moves.md): floors a little under the
figures measured by scripts/eval_moves.py. The frozen test part and the fresh set were written
by a writer who never saw the rules and are never tuned on; a fall below a floor is a
regression, not a reason to tune on them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import eval_moves  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "moves"

# (file, figure) -> (lowest allowed, or highest allowed for the "flagged"/"false" rates).
FLOORS = {
    # never-seen, seventh round (2026-11-30, fourth session): written by a blind writer and
    # measured once, before that session's changes (which left it unchanged): found 0.933,
    # flagged 0.000, move accuracy 0.890
    "fresh_2026-11-30e.yaml": {
        "concession found, right kind": 0.91, "conditional right": 0.95, "amount right": 0.93,
        "refusals/questions flagged": 0.04, "false concession rate": 0.05, "move accuracy": 0.87,
    },
    # never-seen, sixth round (2026-11-30, third session), written after that session's tuning
    # and measured once, on its final code: found 0.978, flagged 0.057, move accuracy 0.910
    "fresh_2026-11-30d.yaml": {
        "concession found, right kind": 0.95, "conditional right": 0.95, "amount right": 0.93,
        "refusals/questions flagged": 0.06, "false concession rate": 0.06, "move accuracy": 0.89,
    },
    # never-seen, fifth round (2026-11-30, third session): measured before any change (found
    # 0.889, flagged 0.073, move accuracy 0.840); 0.911 / 0.073 / 0.850 after that session
    "fresh_2026-11-30c.yaml": {
        "concession found, right kind": 0.88, "conditional right": 0.95, "amount right": 0.93,
        "refusals/questions flagged": 0.08, "false concession rate": 0.10, "move accuracy": 0.83,
    },
    # tune files of the third session's six passes (blind writers; their misses were read):
    # each before -> after in docs/moves.md
    "tune_implicit4.yaml": {
        "concession found, right kind": 0.96, "refusals/questions flagged": 0.03,
        "move accuracy": 0.96,
    },
    "tune_offers4.yaml": {
        "concession found, right kind": 0.97, "refusals/questions flagged": 0.02,
        "move accuracy": 0.97,
    },
    "tune_ramble5.yaml": {
        "concession found, right kind": 0.95, "refusals/questions flagged": 0.05,
        "move accuracy": 0.93,
    },
    "tune_variety6.yaml": {
        "concession found, right kind": 0.97, "refusals/questions flagged": 0.03,
        "move accuracy": 0.97,
    },
    "tune_context7.yaml": {
        "concession found, right kind": 0.96, "refusals/questions flagged": 0.03,
        "move accuracy": 0.95,
    },
    "tune_short8.yaml": {
        "concession found, right kind": 0.97, "refusals/questions flagged": 0.03,
        "move accuracy": 0.95,
    },
    # never-seen, fourth round (2026-11-30, second writer of the day): measured before any change
    # (found 0.911, flagged 0.088, move accuracy 0.920), the same after the sixth pass, then
    # 0.956 / 0.059 / 0.940 after the seventh
    "fresh_2026-11-30b.yaml": {
        "concession found, right kind": 0.93, "conditional right": 0.95, "amount right": 0.89,
        "refusals/questions flagged": 0.07, "false concession rate": 0.05, "move accuracy": 0.92,
    },
    # never-seen, third round (2026-11-30): measured before any change (found 0.756, move
    # accuracy 0.800, flagged 0.031); 0.822 / 0.031 / 0.820 after the seventh pass
    "fresh_2026-11-30.yaml": {
        "concession found, right kind": 0.80, "conditional right": 0.86, "amount right": 0.93,
        "refusals/questions flagged": 0.04, "false concession rate": 0.05, "move accuracy": 0.80,
    },
    # long and multi-move turns by a writer blind to the rules; its refusals taught the rules
    # three things (a story about other customers, a give-away only imagined, the condition of a
    # walk-away); the model is not trained on it (docs/moves.md)
    "tune_multi.yaml": {
        "concession found, right kind": 0.96, "conditional right": 0.96, "amount right": 0.90,
        "refusals/questions flagged": 0.02, "false concession rate": 0.03, "move accuracy": 0.88,
    },
    # long and multi-move turns by a blind writer (seventh pass), tuned on: found 0.910 -> 1.000,
    # refusals/questions flagged 0.061 -> 0.000, move accuracy 0.813 -> 0.960
    "tune_long2.yaml": {
        "concession found, right kind": 0.97, "conditional right": 0.97, "amount right": 0.95,
        "refusals/questions flagged": 0.02, "false concession rate": 0.03, "move accuracy": 0.94,
    },
    # filler_inside, implicit, question, next_step, hedged and numbers turns by a blind writer
    # (eighth pass), tuned on: found 0.838 -> 0.991, refusals/questions flagged 0.069 -> 0.000,
    # move accuracy 0.810 -> 0.980
    "tune_styles3.yaml": {
        "concession found, right kind": 0.97, "conditional right": 0.97, "amount right": 0.96,
        "refusals/questions flagged": 0.02, "false concession rate": 0.02, "move accuracy": 0.96,
    },
    # never-seen, second round: measured before any change of issue 14's fourth pass, then once
    # with the final code (docs/moves.md); found 0.719, move accuracy 0.787 after the seventh
    "fresh_2026-11-29b.yaml": {
        "concession found, right kind": 0.70, "conditional right": 0.95, "amount right": 0.85,
        "refusals/questions flagged": 0.05, "false concession rate": 0.07, "move accuracy": 0.77,
    },
    # never-seen, first round; move accuracy 0.775 -> 0.800 in the eighth pass
    "fresh_2026-11-29.yaml": {
        "concession found, right kind": 0.85, "conditional right": 0.95,
        "refusals/questions flagged": 0.09, "false concession rate": 0.1, "move accuracy": 0.78,
    },
    # the targets, met on 2026-11-30 (third session): found 0.954, conditional 0.990,
    # flagged 0.022, move accuracy 0.923; the floors sit on the targets themselves
    "frozen_test.yaml": {
        "concession found, right kind": 0.95, "conditional right": 0.97, "amount right": 0.98,
        "refusals/questions flagged": 0.03, "false concession rate": 0.03,
        "move accuracy": 0.915,
    },
    "tune.yaml": {
        "concession found, right kind": 0.99, "conditional right": 0.99,
        "refusals/questions flagged": 0.01, "false concession rate": 0.01,
        "move accuracy": 0.98,
    },
    "tune_more.yaml": {
        "concession found, right kind": 0.95, "conditional right": 0.98,
        "refusals/questions flagged": 0.02, "false concession rate": 0.015, "move accuracy": 0.96,
    },
}
_AT_MOST = ("refusals/questions flagged", "false concession rate")


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_corpus_floors(name: str) -> None:
    items = eval_moves.load_items(CORPUS / name)
    total, _ = eval_moves.evaluate(items)
    figures = {k: n / d for k, (n, d) in total.figures().items() if d}
    print(f"\n{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    for figure, bound in FLOORS[name].items():
        if figure in _AT_MOST:
            assert figures[figure] <= bound, f"{name}: {figure} {figures[figure]:.3f} > {bound}"
        else:
            assert figures[figure] >= bound, f"{name}: {figure} {figures[figure]:.3f} < {bound}"


def test_frozen_corpus_is_big_and_labelled() -> None:
    items = eval_moves.load_items(CORPUS / "frozen_test.yaml")
    assert len(items) >= 250
    # written over the four scenarios there were then (bad-fit came later)
    assert {i["scenario"] for i in items} == set(eval_moves.SCENARIO_DEMAND) - {"bad-fit"}
    assert sum(bool(i["concessions"]) for i in items) >= 80


def test_a_bad_corpus_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("items:\n  - {text: hello}\n")
    with pytest.raises(eval_moves.CorpusError, match="bad.yaml: item 0: missing"):
        eval_moves.load_items(bad)
