"""Smart Turn v3.2 (pipecat-ai's BSD-2 end-of-turn model: Whisper-tiny encoder, ~8.7 MB ONNX).

It reads the last 8 s of a turn's audio (the silence after the last word included) and says how
likely the speaker is done, from intonation and rhythm rather than words: "the price is..." with
a level pitch reads unfinished, a falling "...what it costs to run." finished. The file is
installed from the pipecat-ai wheel by `python -m voices.turn.install` (`make` runs it).
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import onnxruntime

from voices.turn.base import TurnModelError
from voices.turn.features import WINDOW_SAMPLES, compute_whisper_log_mel_features
from voices.turn.install import MODEL_NAME, install_dir


def default_model_path() -> Path:
    """$WALKAWAY_TURN_MODEL if set, else the installed copy (voices/turn/install.py)."""
    if env := os.environ.get("WALKAWAY_TURN_MODEL"):
        return Path(env)
    return install_dir() / MODEL_NAME


def model_window(audio: np.ndarray) -> np.ndarray:
    """The model's input: the last 8 s of `audio`, zero-padded in front when shorter."""
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    if len(audio) >= WINDOW_SAMPLES:
        return audio[-WINDOW_SAMPLES:]
    return np.pad(audio, (WINDOW_SAMPLES - len(audio), 0))


class SmartTurn:
    """The ONNX session, loaded once per process by `load()` and shared by all calls.

    One single-threaded worker: a decision takes tens of milliseconds, is made once per pause,
    and must not hold the thread pool that voice activity and file writes share.
    """

    def __init__(self, path: Path | None = None, threads: int = 1) -> None:
        self.path = path or default_model_path()
        self._threads = threads
        self._session: onnxruntime.InferenceSession | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smart-turn")

    def load(self) -> SmartTurn:
        """Create the ONNX session; a missing file is a `TurnModelError` naming the fix."""
        if not self.path.is_file():
            raise TurnModelError(
                f"turn model {self.path} is not installed: run `make deps` "
                "(or `.venv/bin/python -m voices.turn.install`)")
        opts = onnxruntime.SessionOptions()
        opts.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = self._threads
        opts.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 4
        try:
            self._session = onnxruntime.InferenceSession(
                str(self.path), providers=["CPUExecutionProvider"], sess_options=opts)
        except Exception as err:  # onnxruntime raises its own untyped errors on a bad file
            raise TurnModelError(f"turn model {self.path} could not be loaded: {err}") from err
        return self

    def probability_sync(self, audio: np.ndarray) -> float:
        """P(done) for a turn's mono float32 16 kHz audio up to now (blocking)."""
        if self._session is None:
            raise TurnModelError("SmartTurn.load() was not called")
        if audio.size == 0:
            raise TurnModelError("turn model given no audio")
        features = compute_whisper_log_mel_features(model_window(audio))[np.newaxis]
        try:
            (logits,) = self._session.run(None, {"input_features": features})
        except (RuntimeError, ValueError) as err:  # onnxruntime's failures derive from these
            raise TurnModelError(f"turn model failed: {err}") from err
        # the exported graph ends in a sigmoid: its "logits" output is already a probability
        return float(np.asarray(logits).reshape(-1)[0])

    async def probability(self, audio: np.ndarray) -> float:
        """P(done) computed on the model's own worker."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.probability_sync, audio)

    def warm(self) -> None:
        """One decision on silence, so the first real one does not pay for lazy set-up."""
        self.probability_sync(np.zeros(SAMPLE_WARM, dtype=np.float32))


SAMPLE_WARM = 16_000
