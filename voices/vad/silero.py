"""Silero VAD (the ONNX file faster-whisper ships) run frame by frame with carried state."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime
from faster_whisper.utils import get_assets_path

_FRAME = 512  # samples at 16 kHz (32 ms): the frame size the v5/v6 model is trained on
_CONTEXT = 64  # samples of the previous frame the model sees in front of each frame


class SileroStream:
    """One call's detector state: LSTM state plus the previous frame's tail."""

    frame_samples = _FRAME

    def __init__(self, session: onnxruntime.InferenceSession) -> None:
        self._session = session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, _CONTEXT), dtype=np.float32)

    def probabilities(self, audio: np.ndarray) -> list[float]:
        """Speech probability for each 512-sample frame of `audio`."""
        out: list[float] = []
        for start in range(0, len(audio) - _FRAME + 1, _FRAME):
            frame = audio[start : start + _FRAME].astype(np.float32).reshape(1, _FRAME)
            batch = np.concatenate([self._context, frame], axis=1)
            prob, self._h, self._c = self._session.run(
                None, {"input": batch, "h": self._h, "c": self._c}
            )
            self._context = frame[:, -_CONTEXT:]
            out.append(float(np.asarray(prob).reshape(-1)[0]))
        return out


class SileroVAD:
    """The Silero model, loaded once per process by `load()` and shared by all calls."""

    frame_samples = _FRAME

    def __init__(self, path: Path | None = None) -> None:
        self._path = path or Path(get_assets_path()) / "silero_vad_v6.onnx"
        self._session: onnxruntime.InferenceSession | None = None

    def load(self) -> SileroVAD:
        """Create the ONNX session (single-threaded: frames are tiny)."""
        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.log_severity_level = 4
        self._session = onnxruntime.InferenceSession(
            str(self._path), providers=["CPUExecutionProvider"], sess_options=opts
        )
        return self

    def stream(self) -> SileroStream:
        """A fresh per-call stream."""
        if self._session is None:
            raise RuntimeError("SileroVAD.load() was not called")
        return SileroStream(self._session)
