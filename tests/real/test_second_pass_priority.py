"""A scripted call's accurate second pass runs at the process's priority, a live call's below it.

On a saturated machine the low-priority pass got about a tenth of a core, and a scripted call's
scorecard kept the live transcript of some turns and not others (docs/security.md, item 8).
"""

from __future__ import annotations

import os
import threading

import numpy as np

from server.call.session import second_pass
from voices.stt.accurate import AccurateTranscriber
from voices.stt.whisper import LIVE_OPTIONS
from tests.support.engines import scripted_engines


def _accurate_threads() -> set[int]:
    """The native ids of the accurate passes' worker threads now."""
    return {t.native_id for t in threading.enumerate()
            if t.name.startswith("accurate-stt") and t.native_id is not None}


async def test_the_scripted_pass_runs_at_the_process_priority_and_the_live_one_below() -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    silence = np.zeros(16000, dtype=np.float32)
    niceness = {}
    for background in (True, False):
        before = _accurate_threads()
        accurate = AccurateTranscriber([LIVE_OPTIONS], background=background)
        await accurate.retranscribe(silence)  # loads the model on its worker and decodes there
        [worker] = _accurate_threads() - before  # the one this transcriber started
        niceness[background] = os.getpriority(os.PRIO_PROCESS, worker)
    assert niceness[False] == own
    assert niceness[True] == min(19, own + 10)


def test_a_scripted_call_takes_the_foreground_pass_and_a_live_call_the_background_one() -> None:
    engines, _stt, _tts = scripted_engines()
    live, scripted = AccurateTranscriber([LIVE_OPTIONS]), AccurateTranscriber(
        [LIVE_OPTIONS], background=False)
    both = type(engines)(stt=engines.stt, tts=engines.tts, vad=engines.vad,
                         accurate=live, scripted_accurate=scripted)
    assert second_pass(both, 0.8, deterministic=True).transcriber is scripted
    assert second_pass(both, 0.8, deterministic=False).transcriber is live
    assert second_pass(both, 0.0, deterministic=False) is None  # the scorecard would not wait
    # engines without a foreground pass (older callers): a scripted call uses the background one
    only_live = type(engines)(stt=engines.stt, tts=engines.tts, vad=engines.vad, accurate=live)
    assert second_pass(only_live, 0.0, deterministic=True).transcriber is live
