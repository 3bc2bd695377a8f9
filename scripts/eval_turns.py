"""Compare end-of-turn rules on the labelled turn-end set (docs/turns.md).

Rules: a fixed silence, the early transcript's reading (the rule before Smart Turn), Smart Turn
v3.2 alone, and the two combined. Each clip is played through Silero VAD and the real
`Endpointer` (voices/turn/evalset.py). The frozen test part is reported first.
Run: .venv/bin/python scripts/eval_turns.py [--part test --part tune] [--sweep] [--json out]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from voices.stt.whisper import LIVE_OPTIONS, WhisperSTT
from voices.turn.evalset import (TEST_MANIFEST, TUNE_MANIFEST, Judges, Summary, TurnClip,
                                 VadCache, fixture_turns, load_turns, run_clip, summarise)
from voices.turn.smart_turn import SmartTurn
from voices.vad.endpoint import Combine, Endpointer
from voices.vad.silero import SileroVAD

PARTS = {"test": TEST_MANIFEST, "tune": TUNE_MANIFEST, "fixtures": None}


def part_clips(part: str) -> list[TurnClip]:
    """A part of the set, or the call tests' whole turns (two sentences, a pause mid-sentence)."""
    manifest = PARTS[part]
    return fixture_turns() if manifest is None else load_turns(manifest)


@dataclass(frozen=True)
class Rule:
    """A named end-of-turn rule: endpointer settings and whether it reads the transcript."""

    name: str
    endpointer: Endpointer
    use_text: bool


def rules(threshold: float, check_s: tuple[float, ...], wait_s: float) -> list[Rule]:
    """The compared rules; the model's at the given threshold, check points and long wait."""
    def model(combine: Combine) -> Endpointer:
        return Endpointer(combine=combine, check_s=check_s, done_threshold=threshold,
                          unfinished_silence_s=wait_s)
    return [
        Rule("silence 0.7 s", Endpointer(), use_text=False),
        Rule("silence 1.3 s", Endpointer(silence_s=1.3), use_text=False),
        Rule("text rule (before)", Endpointer(), use_text=True),
        Rule("Smart Turn", model(Combine.MODEL), use_text=False),
        Rule("Smart Turn and text, at once", model(Combine.MODEL_AND_TEXT_AT_ONCE), use_text=True),
        Rule("Smart Turn and text", model(Combine.MODEL_AND_TEXT), use_text=True),
        Rule("Smart Turn or text", model(Combine.MODEL_OR_TEXT), use_text=True),
    ]


def evaluate(rule: Rule, part: str, vad: VadCache, judges: Judges) -> Summary:
    """One rule over one part of the set."""
    clips = part_clips(part)
    return summarise([run_clip(c, rule.endpointer, vad, judges, rule.use_text) for c in clips])


def row(name: str, s: Summary) -> str:
    """A markdown table row."""
    kinds = ", ".join(f"{k} {c}/{n}" for k, (c, n) in sorted(s.cut_by_kind.items())
                      if k not in ("statement", "question"))
    return (f"| {name} | {s.cut_unfinished}/{s.unfinished} ({s.cut_rate:.0%}) | "
            f"{s.cut_finished}/{s.finished} | {s.precision:.2f} | {s.wait_p50_s:.2f} / "
            f"{s.wait_p90_s:.2f} / {s.wait_max_s:.2f} s | {kinds} |")


HEADER = ("| rule | unfinished cut off | finished cut mid-sentence | precision of done | "
          "finished wait p50 / p90 / max | cut-offs by kind |\n|---|---|---|---|---|---|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", action="append", choices=tuple(PARTS))
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--check", type=float, action="append",
                        help="silence (s) at which the model is asked; repeatable")
    parser.add_argument("--wait", type=float, default=1.5,
                        help="silence that ends a turn the model judged unfinished")
    parser.add_argument("--sweep", action="store_true",
                        help="also sweep the model's threshold and check points")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    parts = args.part or ["test", "tune", "fixtures"]
    checks = tuple(args.check or (0.2,))
    stt = WhisperSTT(LIVE_OPTIONS).load()
    model = SmartTurn().load()
    vad = VadCache(SileroVAD().load())
    judges = Judges(transcribe=lambda audio: stt.transcribe_sync(audio).text,
                    turn_model=model.probability_sync)
    results: dict = {}
    for part in parts:
        started = time.perf_counter()
        print(f"\n### {part} part ({len(part_clips(part))} turn ends)\n\n{HEADER}")
        for rule in rules(args.threshold, checks, args.wait):
            summary = evaluate(rule, part, vad, judges)
            results.setdefault(part, {})[rule.name] = asdict(summary)
            print(row(rule.name, summary), flush=True)
        if args.sweep:
            for threshold in (0.3, 0.5, 0.7, 0.9, 0.97):
                for check_s in ((0.1,), (0.2,), (0.3,), (0.2, 0.5)):
                    for rule in rules(threshold, check_s, args.wait)[3:]:
                        name = f"{rule.name} p>={threshold} at {check_s}"
                        summary = evaluate(rule, part, vad, judges)
                        results[part][name] = asdict(summary)
                        print(row(name, summary), flush=True)
        print(f"\n({part}: {time.perf_counter() - started:.0f} s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
