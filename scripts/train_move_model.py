"""Train the learned move reader (scoring/move_model.py) from our own tune corpus.

Reads tests/data/moves/tune.yaml, tests/data/moves/tune_extra.yaml and
tests/data/rep_sentences.yaml (never the frozen test files), picks the regularisation and the
decision thresholds by 5-fold cross-validation on the tune items, prints the held-out figures
next to the rules alone, and writes scoring/move_model.npz trained on everything.

    python scripts/train_move_model.py [--check]   # --check: report only, write nothing
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import eval_moves  # noqa: E402
from scoring import move_model as mm  # noqa: E402
from scoring.rep_moves import Move, MoveKind, decide, read_rules  # noqa: E402

DATA = ROOT / "tests" / "data"
TUNE = [DATA / "moves" / "tune.yaml", DATA / "moves" / "tune_extra.yaml"]
SEED_SET = DATA / "rep_sentences.yaml"
FOLDS = 5
L2 = (1e-4, 1e-3)
CONCEDE = (0.4, 0.55, 0.7)
UNSURE = (0.3, 0.45, 0.6)
CONDITIONAL = (0.4, 0.5)


def _seed_items() -> list[dict]:
    """tests/data/rep_sentences.yaml in the corpus format (its move is the first by priority)."""
    out = []
    for item in eval_moves.load_items(SEED_SET, need_move=False):
        labelled = [m for m in eval_moves.PRIORITY if m in (item.get("moves") or [])]
        move = "concede" if item["concessions"] else (labelled[0] if labelled else None)
        out.append({**item, "move": move, "scenario": None, "style": item.get("category")})
    return out


def _row(item: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    kw = eval_moves._classifier_kwargs(item.get("scenario"))
    reading = read_rules(item["text"], **kw)
    canon = reading.canon if reading else ""
    slots = mm.feature_slots(canon, bool(reading and reading.question_mark),
                             reading.tags if reading else ())
    target = np.zeros(len(mm.OUTPUTS), dtype=np.float32)
    mask = np.ones(len(mm.OUTPUTS), dtype=np.float32)
    if item.get("move") in mm.MOVES:
        target[mm.MOVES.index(item["move"])] = 1.0
    else:
        mask[: len(mm.MOVES)] = 0.0
    kinds = {c["kind"] for c in item["concessions"] or []}
    for k in kinds:
        target[len(mm.MOVES) + mm.KINDS.index(k)] = 1.0
    if kinds:
        target[-1] = float(any(c.get("conditional") for c in item["concessions"]))
    else:
        mask[-1] = 0.0
    return slots, target, mask


def _fit(items: list[dict], l2: float) -> mm.MoveModel:
    rows, targets, masks = zip(*(_row(i) for i in items))
    return mm.train(list(rows), np.stack(targets), np.stack(masks), l2=l2)


def _classifier(model: mm.MoveModel | None):
    def classify(text: str, *, needed_minutes: float = 45, asked=None) -> list[Move]:
        reading = read_rules(text, needed_minutes=needed_minutes, asked=asked)
        if reading is None:
            return [Move(MoveKind.UNCLEAR)]
        if model is None:
            return list(reading.moves) or [Move(MoveKind.UNCLEAR)]
        return decide(model, reading, text, asked)
    return classify


def _score(t: eval_moves.Tally) -> float:
    f = {k: (n / d if d else 0.0) for k, (n, d) in t.figures().items()}
    return (f["move accuracy"] + f["concession found, right kind"] + 0.5 * f["conditional right"]
            - 4 * f["refusals/questions flagged"] - 2 * f["false concession rate"])


def _line(name: str, t: eval_moves.Tally) -> str:
    return f"{name:38s} " + "  ".join(
        f"{k.split(',')[0][:14]}={n / d:.3f}" if d else f"{k[:14]}=n/a"
        for k, (n, d) in t.figures().items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only; write no model")
    args = parser.parse_args(argv)
    tune = [i for p in TUNE if p.exists() for i in eval_moves.load_items(p)]
    seed = _seed_items()
    print(f"tune items: {len(tune)}; seed sentences: {len(seed)}")
    folds = [[i for n, i in enumerate(tune) if n % FOLDS == f] for f in range(FOLDS)]
    rules, _ = eval_moves.evaluate(tune, _classifier(None))
    print(_line("rules only (all tune items)", rules))
    best: tuple[float, dict[str, float]] | None = None
    for l2 in L2:
        models = [_fit([i for g, fold in enumerate(folds) if g != f for i in fold] + seed, l2)
                  for f in range(FOLDS)]
        for unsure, cond, concede in itertools.product(UNSURE, CONDITIONAL, CONCEDE):
            settings = {"unsure": unsure, "conditional": cond, "concede": concede}
            total = eval_moves.Tally()
            for f, model in enumerate(models):
                tuned = mm.MoveModel(model.weights, model.bias, settings)
                t, _ = eval_moves.evaluate(folds[f], _classifier(tuned))
                for field in vars(total):
                    setattr(total, field, getattr(total, field) + getattr(t, field))
            score = _score(total)
            if best is None or score > best[0]:
                best = (score, {"l2": l2, **settings})
                print(_line(f"held-out l2={l2} {settings}", total))
    assert best is not None
    chosen = best[1]
    print(f"chosen: {chosen}")
    if args.check:
        return 0
    model = _fit(tune + seed, chosen["l2"])
    final = mm.MoveModel(model.weights, model.bias, {k: v for k, v in chosen.items() if k != "l2"})
    final.save(mm.MODEL_PATH)
    print(f"wrote {mm.MODEL_PATH} ({mm.MODEL_PATH.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
