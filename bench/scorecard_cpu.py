"""CPU time of `build_scorecard` for a long call (nine rep turns, ~7 minutes), no server.

The scorecard must follow hang-up within about a second; this isolates its own cost from the
speech models. Turns are sentences from the move corpus with even word timings, and the rep
track is a gliding 140 Hz tone with noise, so pitch tracking has voiced audio to work on.
Caches are cleared before the measured build, as for a call whose words are all new.

Run: .venv/bin/python bench/scorecard_cpu.py [--profile]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from scoring.hedges import _hedges
from scoring.rep_moves import _classified
from scoring.scorecard import build_scorecard
from scoring.turns import Speaker, Turn, Word

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "moves" / "tune_more.yaml"
SAMPLE_RATE = 16_000


def long_call(rep_turns: int = 9, sentences_per_turn: int = 8) -> tuple[list[Turn], np.ndarray]:
    """Alternating prospect lines and long rep turns, and a rep track as long as the call."""
    items = yaml.safe_load(CORPUS.read_text())["items"]
    texts = [i["text"] for i in items if i.get("scenario") == "price-pressure"]
    turns: list[Turn] = []
    t = 0.0
    for i in range(rep_turns):
        turns.append(Turn(len(turns), Speaker.PROSPECT,
                          "That's a nice speech. Show me where the extra ten percent goes.",
                          t, t + 4.0))
        t += 4.5
        sentence = " ".join(texts[i * sentences_per_turn:(i + 1) * sentences_per_turn])
        words, w0 = [], t
        for w in sentence.split():
            words.append(Word(w, round(w0, 3), round(w0 + 0.3, 3), 0.9))
            w0 += 0.35
        turns.append(Turn(len(turns), Speaker.REP, sentence, t, w0, tuple(words)))
        t = w0 + 0.6
    clock = np.arange(int(t * SAMPLE_RATE)) / SAMPLE_RATE
    noise = np.random.default_rng(0).standard_normal(len(clock))
    audio = 0.1 * np.sin(2 * np.pi * 140 * clock * (1 + 0.05 * np.sin(clock))) + 0.01 * noise
    return turns, audio.astype(np.float32)


def main() -> None:
    turns, audio = long_call()

    def build() -> dict:
        return build_scorecard(call_id="bench", scenario="price-pressure",
                               outcome="no_decision", turns=turns, rep_audio=audio,
                               sample_rate=SAMPLE_RATE)

    build()  # loads the move model
    _classified.cache_clear()
    _hedges.cache_clear()
    began = time.process_time()
    build()
    cpu = time.process_time() - began
    minutes = turns[-1].end / 60
    words = sum(len(t.words) for t in turns)
    print(f"{minutes:.1f} min call, {sum(t.speaker == Speaker.REP for t in turns)} rep turns, "
          f"{words} words: build_scorecard {cpu:.2f} s CPU")
    if "--profile" in sys.argv:
        _classified.cache_clear()
        _hedges.cache_clear()
        profile = cProfile.Profile()
        profile.runcall(build)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
