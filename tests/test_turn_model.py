"""Smart Turn v3.2 behind voices/turn: the real model on recorded turn ends."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from voices.audio import SAMPLE_RATE, read_audio
from voices.engines import Engines, warm
from voices.turn.base import TurnModelError
from voices.turn.features import WINDOW_SAMPLES, compute_whisper_log_mel_features
from voices.turn.install import MODEL_SHA256, sha256
from voices.turn.smart_turn import SmartTurn, model_window
from voices.turn.evalset import TUNE_MANIFEST, load_turns


@pytest.fixture(scope="module")
def smart_turn() -> SmartTurn:
    return SmartTurn().load()


def test_installed_model_is_the_pinned_file() -> None:
    assert sha256(SmartTurn().path) == MODEL_SHA256


def test_window_keeps_the_last_8_s_and_pads_in_front() -> None:
    short = np.ones(SAMPLE_RATE, dtype=np.float32)
    padded = model_window(short)
    assert len(padded) == WINDOW_SAMPLES and padded[0] == 0 and padded[-1] == 1
    long = np.arange(WINDOW_SAMPLES + 10, dtype=np.float32)
    assert model_window(long)[0] == 10
    assert compute_whisper_log_mel_features(padded).shape == (80, 800)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TurnModelError, match="make deps"):
        SmartTurn(tmp_path / "absent.onnx").load()
    with pytest.raises(TurnModelError, match="could not be loaded"):
        (tmp_path / "bad.onnx").write_bytes(b"not a model")
        SmartTurn(tmp_path / "bad.onnx").load()


def test_no_audio_is_a_clear_error(smart_turn: SmartTurn) -> None:
    with pytest.raises(TurnModelError, match="no audio"):
        smart_turn.probability_sync(np.zeros(0, dtype=np.float32))


def _at_pause(kind: str) -> list[np.ndarray]:
    """Tune-part clips of `kind`, cut 0.2 s into the pause that ends their first words."""
    clips = [c for c in load_turns(TUNE_MANIFEST) if c.kind == kind]
    return [read_audio(c.path)[: int((c.turn_end_s + 0.2) * SAMPLE_RATE)] for c in clips]


def test_finished_statements_read_done_and_a_pause_after_um_does_not(
        smart_turn: SmartTurn) -> None:
    done = [smart_turn.probability_sync(a) for a in _at_pause("statement")]
    filler = [smart_turn.probability_sync(a) for a in _at_pause("filler")]
    assert len(done) >= 8 and len(filler) >= 4
    assert np.median(done) > 0.7 and np.median(filler) < 0.3, (done, filler)


async def test_async_probability_matches_the_blocking_one(smart_turn: SmartTurn) -> None:
    audio = _at_pause("statement")[0]
    assert await smart_turn.probability(audio) == pytest.approx(smart_turn.probability_sync(audio))


def test_warm_up_runs_each_model_once_without_the_slow_fallback(engines: Engines) -> None:
    """One decode (the short window, not the loop guard's 30 s fallback), one decision."""
    assert engines.turn is not None
    before = replace(engines.stt.stats)  # a copy: the counters change in place
    warm(engines.stt, engines.tts, engines.vad, engines.turn)
    after = engines.stt.stats
    assert (after.decodes - before.decodes, after.fallbacks - before.fallbacks) == (1, 0)
