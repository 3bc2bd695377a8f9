"""A small learned reader of rep turns, next to the rules: which move, which concession kinds,
whether it is a trade.

Logistic regression over hashed features: words and word pairs of the canonical text, letter
groups of each word (so recognition slips still share most of their features), and what the
rules found (scoring/rep_moves.py passes them in as tags). Weights are trained by
`scripts/train_move_model.py` from our own tune corpus and kept in `move_model.npz`; numpy
only, deterministic, well under a millisecond a turn. What it adds is measured in docs/moves.md.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

_LOGGER = logging.getLogger(__name__)

MOVES = (
    "concede", "walk_away", "hold_firm", "propose_next_step", "ask_question", "state_value",
    "apologise", "small_talk",
)
KINDS = ("price", "time", "info", "scope")
OUTPUTS = (*MOVES, *KINDS, "conditional")
DIM = 1 << 15
MODEL_PATH = Path(__file__).with_name("move_model.npz")


class ModelFileError(RuntimeError):
    """The weights file is missing or does not fit this code."""


_NEGATORS = {"not", "no", "never", "without", "nothing", "instead", "rather", "zero"}


def _slot(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (DIM - 1)


def feature_slots(canon: str, ends_with_question: bool, tags: Iterable[str]) -> np.ndarray:
    """The hashed feature slots of one turn (sorted, unique)."""
    text = re.sub(r"\d+(?:\.\d+)?", "<n>", canon)
    words = re.findall(r"<n>|[a-z']+", text)
    feats = [f"w:{w}" for w in words]
    feats += [f"b:{a}_{b}" for a, b in zip(words, words[1:])]
    feats += [f"s:{w}" for w in words[:2]]
    # what a negation governs ("not ... discount") reads apart from the same word said plainly
    marked = re.findall(r"<n>|[a-z']+|[,.;?!]", text)
    scope = 0
    for w in marked:
        if w in _NEGATORS:
            scope = 4
        elif w in ",.;?!":
            scope = 0
        elif scope:
            feats.append(f"n:{w}")
            scope -= 1
    # the last sentence of a longer turn often carries the decision ("... Twenty's good.")
    sentences = [s for s in re.split(r"[.?!]+", text) if s.strip()]
    if len(sentences) > 1:
        feats += [f"l:{w}" for w in re.findall(r"<n>|[a-z']+", sentences[-1])]
    for w in words:
        padded = f"<{w}>"
        feats += [f"c:{padded[i:i + 4]}" for i in range(max(1, len(padded) - 3))]
    feats += [f"t:{t}" for t in tags]
    if ends_with_question:
        feats.append("q:?")
    return np.unique(np.fromiter((_slot(f) for f in feats), dtype=np.int64))


@dataclass(frozen=True)
class Prediction:
    """Probabilities: `moves` over MOVES (softmax), `kinds` per KINDS and `conditional`."""

    moves: dict[str, float]
    kinds: dict[str, float]
    conditional: float

    @property
    def move(self) -> str:
        return max(self.moves, key=self.moves.__getitem__)


@dataclass(frozen=True)
class MoveModel:
    """Weights (DIM x len(OUTPUTS)) and biases; `settings` holds the decision thresholds."""

    weights: np.ndarray
    bias: np.ndarray
    settings: dict[str, float]

    def logits(self, slots: np.ndarray) -> np.ndarray:
        scale = 1.0 / np.sqrt(max(1, len(slots)))
        return self.weights[slots].sum(axis=0) * scale + self.bias

    def predict(self, slots: np.ndarray) -> Prediction:
        z = self.logits(slots).astype(np.float64)
        m = z[: len(MOVES)]
        p = np.exp(m - m.max())
        p /= p.sum()
        sig = 1.0 / (1.0 + np.exp(-z[len(MOVES):]))
        return Prediction(
            dict(zip(MOVES, p.tolist())), dict(zip(KINDS, sig[: len(KINDS)].tolist())),
            float(sig[-1]),
        )

    def save(self, path: Path) -> None:
        keys = sorted(self.settings)
        np.savez_compressed(
            path, weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32),
            setting_names=np.array(keys), setting_values=np.array([self.settings[k] for k in keys]),
            outputs=np.array(OUTPUTS),
        )


def load_model(path: Path = MODEL_PATH) -> MoveModel:
    """The weights at `path`; ModelFileError when missing or made for other outputs."""
    try:
        with np.load(path) as data:
            if tuple(data["outputs"].tolist()) != OUTPUTS or data["weights"].shape[0] != DIM:
                raise ModelFileError(f"{path}: trained for other outputs; retrain it")
            settings = dict(zip(data["setting_names"].tolist(),
                                map(float, data["setting_values"].tolist())))
            return MoveModel(data["weights"].astype(np.float32), data["bias"], settings)
    except (OSError, KeyError, ValueError) as e:
        raise ModelFileError(f"{path}: cannot load the move model: {e}") from e


@lru_cache(maxsize=1)
def default_model() -> MoveModel | None:
    """The shipped model, or None (rules only) when it has not been trained yet."""
    if not MODEL_PATH.exists():
        _LOGGER.warning("no %s: reading rep moves with rules only", MODEL_PATH.name)
        return None
    return load_model()


def train(
    rows: Sequence[np.ndarray], targets: np.ndarray, mask: np.ndarray, *, l2: float = 1e-3,
    epochs: int = 300, lr: float = 0.05, settings: dict[str, float] | None = None,
) -> MoveModel:
    """Fit the weights with full-batch Adam (deterministic: zero start, fixed steps).

    `targets` is (n, len(OUTPUTS)): a one-hot move, then 0/1 per kind and conditional; `mask`
    says which outputs each row is labelled for (the conditional only on concessions). A row
    masked for moves whose targets are all zero says only "no give-away" ("Wave goodbye to
    the setup headaches."): it is fitted to a low concede probability, -log(1 - p).
    """
    n, k, nm = len(rows), len(OUTPUTS), len(MOVES)
    used = np.unique(np.concatenate(list(rows)))  # train on the slots seen, scatter back after
    col = {int(s): j for j, s in enumerate(used)}
    x = np.zeros((n, len(used)), dtype=np.float32)
    for i, slots in enumerate(rows):
        x[i, [col[int(s)] for s in slots]] = 1.0 / np.sqrt(max(1, len(slots)))
    params = [np.zeros((len(used), k), dtype=np.float32), np.zeros(k, dtype=np.float32)]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    t = targets.astype(np.float32)
    msk = mask.astype(np.float32)
    # Rows labelled only "not a give-away": no move label and no kind.
    only_not = ((msk[:, :nm].sum(axis=1) == 0) & (t[:, nm:nm + len(KINDS)].sum(axis=1) == 0)
                & (msk[:, nm:nm + len(KINDS)].sum(axis=1) > 0)).astype(np.float32)[:, None]
    concede = MOVES.index("concede")
    for step in range(1, epochs + 1):
        w, b = params
        z = x @ w + b
        grad = np.empty_like(z)
        zm = z[:, :nm] - z[:, :nm].max(axis=1, keepdims=True)
        pm = np.exp(zm)
        pm /= pm.sum(axis=1, keepdims=True)
        grad[:, :nm] = (pm - t[:, :nm]) * msk[:, :nm]
        # d/dz of -log(1 - p_concede): p_concede at concede, -p_c p_j / (1 - p_c) elsewhere.
        pc = pm[:, concede:concede + 1]
        not_grad = -pc * pm / np.maximum(1.0 - pc, 1e-6)
        not_grad[:, concede] = pc[:, 0]
        grad[:, :nm] += only_not * not_grad
        grad[:, nm:] = (1.0 / (1.0 + np.exp(-z[:, nm:])) - t[:, nm:]) * msk[:, nm:]
        grads = [x.T @ grad / n + l2 * w, grad.mean(axis=0)]
        for p, g, (m1, m2) in zip(params, grads, moments):
            m1 *= 0.9
            m1 += 0.1 * g
            m2 *= 0.999
            m2 += 0.001 * g * g
            p -= lr * (m1 / (1 - 0.9**step)) / (np.sqrt(m2 / (1 - 0.999**step)) + 1e-8)
    weights = np.zeros((DIM, k), dtype=np.float32)
    weights[used] = params[0]
    return MoveModel(weights, params[1], dict(settings or {}))
