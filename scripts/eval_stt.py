"""Measure a decode path over a part of the speech-to-text corpus (docs/transcripts.md).

Prints, per recording condition, word error rate, clips that loop, clips with words timed
outside the audio, filler recall/precision (the scorer's rules over the transcript) and the
real-time factor; `--json` keeps the figures. Run (after `make_stt_corpus.py --part tune`):
  .venv/bin/python scripts/eval_stt.py --part test --path live --path accurate
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict, replace
from pathlib import Path

from voices.audio import SAMPLE_RATE, read_audio
from voices.stt.corpus import (
    TABLE_HEAD,
    TEST_MANIFEST,
    TUNE_DIR,
    ClipResult,
    by_condition,
    load_corpus,
)
from voices.stt.accurate import ACCURATE_PASSES, AccurateTranscriber
from voices.stt.whisper import ACCURATE_OPTIONS, LIVE_OPTIONS, WhisperOptions, WhisperSTT

# Each path is the decoders it runs; more than one is the scorecard's pass (voices/stt/accurate.py)
PATHS: dict[str, tuple[WhisperOptions, ...]] = {
    "live": (LIVE_OPTIONS,),
    "accurate": ACCURATE_PASSES,
    # the candidates the scorecard's pass was chosen from (tune part)
    "base-beam5": (ACCURATE_OPTIONS,),
    "base-beam5-2-threads": (replace(ACCURATE_OPTIONS, cpu_threads=2),),
    "base-greedy": (replace(ACCURATE_OPTIONS, beam_size=1),),
    "tiny-beam5": (replace(LIVE_OPTIONS, beam_size=5),),
    # decoding options tried for the scorecard's pass (tune part; docs/transcripts.md)
    "accurate-full-window": tuple(replace(o, short_window=False) for o in ACCURATE_PASSES),
    "accurate-float32": tuple(replace(o, compute_type="float32") for o in ACCURATE_PASSES),
    "accurate-beam10": tuple(replace(o, beam_size=10) for o in ACCURATE_PASSES),
}


def run(name: str, passes: tuple[WhisperOptions, ...], manifest: Path) -> dict:
    """Decode every clip with one path; print and return its per-condition figures."""
    clips = load_corpus(manifest)
    stt = AccurateTranscriber(passes) if len(passes) > 1 else WhisperSTT(passes[0]).load()
    results = []
    for clip in clips:
        audio = read_audio(clip.path)
        began = time.perf_counter()
        out = stt.transcribe_sync(audio)
        results.append(ClipResult(clip, out.text, out.words, len(audio) / SAMPLE_RATE,
                                  time.perf_counter() - began))
    figures = by_condition(results)
    models = " + ".join(f"{o.model} beam {o.beam_size}" for o in passes)
    print(f"\n{name} ({models}, {passes[0].cpu_threads} threads) on {manifest.name}")
    print(TABLE_HEAD)
    for cond, rep in figures.items():
        print(rep.row(cond))
    stats = stt.stats
    print(f"loop guard: {stats.fallbacks}/{stats.decodes} decodes fell back "
          f"({stats.fallback_s:.1f} s in all), {stats.trimmed} trimmed")
    # what a turn waits for this pass: the second pass must finish while the prospect answers
    # (3-5 s), and the last turn within 1 s of hang-up (docs/transcripts.md)
    seconds = sorted(r.seconds for r in results)
    p90 = seconds[int(0.9 * (len(seconds) - 1))]
    print(f"per turn: median {statistics.median(seconds):.2f} s, 90th percentile {p90:.2f} s, "
          f"max {seconds[-1]:.2f} s; {sum(s <= 1.0 for s in seconds)}/{len(seconds)} within 1 s, "
          f"{sum(s <= 3.0 for s in seconds)}/{len(seconds)} within 3 s "
          f"(turns {statistics.median(r.duration for r in results):.1f} s median)")
    return {"path": name, "options": [asdict(o) for o in passes], "guard": asdict(stats),
            "conditions": {c: {**asdict(r), "fillers": {"recall": r.fillers.recall,
                                                         "precision": r.fillers.precision,
                                                         **asdict(r.fillers)}}
                           for c, r in figures.items()},
            "transcripts": {r.clip.id: r.text for r in results},
            # timed words with their probabilities, so the filler rules can be re-run offline
            "words": {r.clip.id: [[w.text, w.start, w.end, round(w.probability, 4)]
                                  for w in r.words] for r in results},
            "seconds": {r.clip.id: round(r.seconds, 3) for r in results}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("test", "tune"), default="test")
    parser.add_argument("--path", action="append", choices=sorted(PATHS),
                        help="decode paths to run (default: all)")
    parser.add_argument("--manifest", type=Path,
                        help="another rendered tune part (make_stt_corpus.py --seed N --out DIR)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    manifest = TEST_MANIFEST if args.part == "test" else TUNE_DIR.with_suffix(".yaml")
    if args.manifest is not None:
        if args.manifest.resolve() == TEST_MANIFEST.resolve() or args.part == "test":
            parser.error("--manifest names a tune part; the frozen test part is --part test")
        manifest = args.manifest
    out = [run(name, PATHS[name], manifest) for name in args.path or sorted(PATHS)]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
