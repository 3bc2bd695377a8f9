"""Time one end-of-turn decision of Smart Turn v3.2 (voices/turn), the way the listener asks.

Prints load time, the first decision (cold), then per-decision figures over the turn-end set's
clips cut 0.2 s into their pause: features (numpy) and model (ONNX, one thread) apart, and the
decision's CPU time on its thread (close to its wall time on an idle core, even on a busy
machine). Wall figures need a quiet machine; the answer latency end to end is `walkaway bench`.
Run: .venv/bin/python bench/turn_model.py [--rounds 3] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from voices.audio import SAMPLE_RATE, read_audio
from voices.turn.evalset import TEST_MANIFEST, TUNE_MANIFEST, load_turns
from voices.turn.features import compute_whisper_log_mel_features
from voices.turn.smart_turn import SmartTurn, model_window


def _ms(values: list[float]) -> str:
    arr = np.array(values) * 1000
    return (f"p50 {np.percentile(arr, 50):6.1f}  p95 {np.percentile(arr, 95):6.1f}  "
            f"max {arr.max():6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    clips = load_turns(TEST_MANIFEST) + load_turns(TUNE_MANIFEST)
    audios = [read_audio(c.path)[: int((c.turn_end_s + 0.2) * SAMPLE_RATE)] for c in clips]
    started = time.perf_counter()
    model = SmartTurn(threads=args.threads).load()
    loaded = time.perf_counter()
    model.probability_sync(audios[0])
    first = time.perf_counter()
    features_s, model_s, total_s, cpu_s = [], [], [], []
    for _ in range(args.rounds):
        for audio in audios:
            c0, t0 = time.thread_time(), time.perf_counter()
            features = compute_whisper_log_mel_features(model_window(audio))[np.newaxis]
            t1 = time.perf_counter()
            model._session.run(None, {"input_features": features})  # noqa: SLF001 - timing
            t2, c2 = time.perf_counter(), time.thread_time()
            features_s.append(t1 - t0)
            model_s.append(t2 - t1)
            total_s.append(t2 - t0)
            cpu_s.append(c2 - c0)
    load1 = os.getloadavg()[0]
    print(f"Smart Turn v3.2, {len(audios)} turn ends x {args.rounds}, "
          f"{args.threads} thread(s), load average {load1:.1f} on {os.cpu_count()} cores")
    print(f"load {1000 * (loaded - started):.0f} ms, first decision {1000 * (first - loaded):.0f} ms")
    print(f"features  {_ms(features_s)}")
    print(f"model     {_ms(model_s)}")
    print(f"decision  {_ms(total_s)}")
    # with one ONNX thread the work runs on this thread: its CPU time is what a decision costs
    # on an idle core, even while other processes hold the machine
    print(f"CPU time  {_ms(cpu_s)}  (this thread; the wall figures above include waiting)")


if __name__ == "__main__":
    main()
