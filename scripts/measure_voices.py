"""Figures for the personas' voices (docs/scenarios.md, "Personas"): how distinct and how
natural each is, and what a pitch shift costs.

For every built-in scenario, a few of its prospect lines (written by the scenario's author,
not by the voice code) are spoken in the bundled voice's own delivery and in each persona's
voice. Per voice it prints the speaking time against the model's own, the median pitch, the
synthesis time per line (and how much of it the pitch shift's resampling took), and the word
error rate of the bundled recogniser on what was spoken: a voice pushed too far stops being
understood before it stops being a voice. Run: `.venv/bin/python scripts/measure_voices.py`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialog.scenario import builtin_catalog  # noqa: E402
from server.call.catalog import voice_style  # noqa: E402
from voices.audio import SAMPLE_RATE, pcm16_to_float, resample  # noqa: E402
from voices.evalset import word_error_rate  # noqa: E402
from voices.stt.whisper import WhisperSTT  # noqa: E402
from voices.tts.base import DEFAULT_STYLE, VoiceStyle  # noqa: E402
from voices.tts.measure import median_pitch_hz  # noqa: E402
from voices.tts.piper_tts import PiperTTS  # noqa: E402


def measure(tts: PiperTTS, stt: WhisperSTT, style: VoiceStyle, lines: list[str]) -> dict:
    seconds, pitches, tts_ms, heard = [], [], [], []
    for line in lines:
        started = time.perf_counter()
        pcm = tts.synthesize_sync(line, style)
        tts_ms.append((time.perf_counter() - started) * 1000)
        audio = pcm16_to_float(pcm)
        seconds.append(len(audio) / tts.sample_rate)
        pitches.append(median_pitch_hz(audio, tts.sample_rate))
        heard.append(stt.transcribe_sync(resample(audio, tts.sample_rate, SAMPLE_RATE)).text)
    return {"seconds": sum(seconds), "f0_hz": statistics.median(pitches),
            "tts_ms_per_line": statistics.mean(tts_ms), "wer": word_error_rate(lines, heard)}


def resample_ms(tts: PiperTTS, style: VoiceStyle, line: str, runs: int = 5) -> float:
    """What the pitch shift's resampling adds to one line (its synthesis left out)."""
    from voices.tts.piper_tts import pitch_factor

    audio = pcm16_to_float(tts.synthesize_sync(line))
    factor, took = pitch_factor(style), []
    for _ in range(runs):
        started = time.perf_counter()
        resample(audio, tts.sample_rate, round(tts.sample_rate / factor))
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=4, help="lines per scenario")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    tts, stt = PiperTTS().load(), WhisperSTT().load()
    rows = []
    print(f"{'scenario':15} {'voice':17} {'time':>6} {'f0 Hz':>6} {'tts ms':>7} {'WER':>5}")
    for scenario in builtin_catalog():
        lines = [ln for st in scenario.states.values() for ln in st.lines if "{" not in ln]
        lines = lines[:args.lines]
        base = measure(tts, stt, DEFAULT_STYLE, lines)
        voices = [("model's own", DEFAULT_STYLE, base)]
        for persona in scenario.personas:
            style = voice_style(persona)
            voices.append((persona.name, style, measure(tts, stt, style, lines)))
        for name, style, m in voices:
            row = {"scenario": scenario.id, "voice": name, **m,
                   "time_vs_model": m["seconds"] / base["seconds"],
                   "pitch_semitones": style.pitch_semitones,
                   "resample_ms": resample_ms(tts, style, lines[0]) if style.pitch_semitones
                   else 0.0}
            rows.append(row)
            print(f"{scenario.id:15} {name:17} {row['time_vs_model']:6.2f} {m['f0_hz']:6.0f} "
                  f"{m['tts_ms_per_line']:7.0f} {m['wer']:5.2f}")
    personas = [r for r in rows if r["voice"] != "model's own"]
    model = [r for r in rows if r["voice"] == "model's own"]
    print(f"model's own: WER {word_error_rate_mean(model):.3f}, tts {ms_mean(model):.0f} ms/line;"
          f" personas: WER {word_error_rate_mean(personas):.3f}, tts {ms_mean(personas):.0f} "
          f"ms/line, resampling {statistics.mean(r['resample_ms'] for r in personas if r['resample_ms']):.1f} ms/line; "
          f"f0 {min(r['f0_hz'] for r in personas):.0f}-{max(r['f0_hz'] for r in personas):.0f} Hz "
          f"(model {statistics.median(r['f0_hz'] for r in model):.0f})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1))


def word_error_rate_mean(rows: list[dict]) -> float:
    return statistics.mean(r["wer"] for r in rows)


def ms_mean(rows: list[dict]) -> float:
    return statistics.mean(r["tts_ms_per_line"] for r in rows)


if __name__ == "__main__":
    main()
