"""The five-minute call bench's own arithmetic (bench/long_call.py); the bench itself is run by
hand, it takes the whole five minutes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from scoring.rep_moves import MoveKind, classify
from server.calltest.client import CallResult

_SPEC = importlib.util.spec_from_file_location(
    "long_call", Path(__file__).resolve().parent.parent / "bench" / "long_call.py")
assert _SPEC is not None and _SPEC.loader is not None
long_call = importlib.util.module_from_spec(_SPEC)
sys.modules["long_call"] = long_call  # its dataclasses look their module up
_SPEC.loader.exec_module(long_call)


def _tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def _quiet(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * 16000), dtype=np.float32)


def test_long_pauses_inside_a_turn_are_cut_and_its_edges_kept() -> None:
    audio = np.concatenate([_quiet(0.3), _tone(1.0), _quiet(0.6), _tone(1.0), _quiet(0.2),
                            _tone(0.5), _quiet(0.3)])
    out = long_call.tighten_pauses(audio)
    # the 0.6 s pause is now 0.35 s (+ up to a frame either side); 0.2 s and the edges stay
    assert abs((len(audio) - len(out)) / 16000 - 0.25) <= 0.02
    assert np.all(out[:4000] == 0) and np.all(out[-4800:] == 0)
    assert long_call.tighten_pauses(_quiet(1.0)).shape == (16000,)


def test_every_turn_proposes_a_next_step_and_gives_nothing_away() -> None:
    # a firm turn would win the call early, a stall would end it, a concession would squeeze
    for text in long_call.TURNS:
        kinds = {m.kind for m in classify(text)}
        assert MoveKind.PROPOSE_NEXT_STEP in kinds, text
        assert not kinds & {MoveKind.CONCEDE, MoveKind.HOLD_FIRM, MoveKind.WALK_AWAY,
                            MoveKind.SMALL_TALK, MoveKind.APOLOGISE}, text


def test_coverage_counts_turns_the_second_pass_missed() -> None:
    result = CallResult(events=[
        {"type": "transcript", "turn": 1, "text": "Let's meet on Tuesday."},
        {"type": "transcript", "turn": 3, "text": "Thursday at two works."},
        {"type": "transcript", "turn": 5, "text": "Talk soon."},
    ])
    result.scorecard = {"turns": [
        {"index": 1, "speaker": "rep", "text": "Let's meet on Tuesday."},
        {"index": 3, "speaker": "rep", "text": "Thursday at 2 works."},
        {"index": 5, "speaker": "rep", "text": "Talk soon."},
    ]}
    log = ("INFO voices.stt.accurate: second pass: turn 5 not done in 0.8 s; live transcript "
           "kept\nINFO voices.stt.accurate: second pass: turn 9 not done in 0.8 s; live "
           "transcript kept\n")
    cov = long_call.coverage(result, log)
    assert (cov.rep_turns, cov.not_done, cov.failed, cov.changed, cov.covered) == (3, 1, 0, 1, 2)
