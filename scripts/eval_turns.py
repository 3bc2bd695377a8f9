"""Compare end-of-turn rules on the labelled turn-end set (docs/turns.md).

Rules: a fixed silence, the early transcript's reading (with the short and the long wait for a
turn that reads unfinished), Smart Turn v3.2 alone, and the two combined. Each clip is played
through Silero VAD and the real `Endpointer` (voices/turn/evalset.py). The frozen test part is
reported first, then how well Smart Turn's P(done) alone separates finished turn ends from
pauses (area under the ROC curve, 0.5 = chance).
Run: .venv/bin/python scripts/eval_turns.py [--part test --part tune] [--sweep] [--clips RULE]
     [--json out]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from voices.stt.whisper import LIVE_OPTIONS, WhisperSTT
from voices.turn.evalset import (FRESH_MANIFEST, TEST_MANIFEST, TUNE_MANIFEST, Judges, Outcome,
                                 Summary, TurnClip, VadCache, fixture_turns, labelled_p_done,
                                 load_turns, run_clip, separation, summarise)
from voices.turn.smart_turn import SmartTurn
from voices.vad.endpoint import Combine, Endpointer
from voices.vad.silero import SileroVAD

PARTS = {"fresh": FRESH_MANIFEST, "test": TEST_MANIFEST, "tune": TUNE_MANIFEST, "fixtures": None}


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


USED = "**text** (used)"


def rules(threshold: float, check_s: tuple[float, ...], wait_s: float) -> list[Rule]:
    """The compared rules; the model's at the given threshold, check points and long wait."""
    def model(combine: Combine, done: float = threshold) -> Endpointer:
        return Endpointer(combine=combine, check_s=check_s, done_threshold=done,
                          unfinished_silence_s=wait_s)
    return [
        Rule("silence 0.7 s", Endpointer(), use_text=False),
        Rule("silence 1.3 s", Endpointer(silence_s=1.3), use_text=False),
        Rule("text, unfinished waits 0.7 s",
             Endpointer(check_s=check_s, unfinished_silence_s=0.7), use_text=True),
        Rule("Smart Turn", model(Combine.MODEL), use_text=False),
        Rule("Smart Turn and text, at once", model(Combine.MODEL_AND_TEXT_AT_ONCE), use_text=True),
        Rule("Smart Turn and text", model(Combine.MODEL_AND_TEXT), use_text=True),
        Rule("Smart Turn or text", model(Combine.MODEL_OR_TEXT), use_text=True),
        Rule("Smart Turn graded (P >= 0.8 the words' wait, P < 0.3 long, else 1 s)",
             model(Combine.GRADED, done=max(threshold, 0.8)), use_text=True),
        Rule(USED, Endpointer(check_s=check_s, unfinished_silence_s=wait_s), use_text=True),
    ]


def outcomes(rule: Rule, part: str, vad: VadCache, judges: Judges) -> list[Outcome]:
    """One rule over one part of the set, clip by clip."""
    return [run_clip(c, rule.endpointer, vad, judges, rule.use_text) for c in part_clips(part)]


def evaluate(rule: Rule, part: str, vad: VadCache, judges: Judges) -> Summary:
    """One rule over one part of the set."""
    return summarise(outcomes(rule, part, vad, judges))


def model_separation(part: str, vad: VadCache, judges: Judges,
                     check_s: tuple[float, ...]) -> tuple[float, list[Outcome]]:
    """Smart Turn's P(done) at each turn end, asked as the listener asks, on a rule that never
    ends a turn early (so every pause is heard); its separation of finished from unfinished."""
    never = Rule("asked only", Endpointer(combine=Combine.MODEL, check_s=check_s,
                                          done_threshold=2.0, unfinished_silence_s=99.0), False)
    played = outcomes(never, part, vad, judges)
    return separation(played), played


def per_clip(rule: Rule, part: str, vad: VadCache, judges: Judges) -> None:
    """Each clip's outcome under `rule`: when it handed over, cut or wait, the model's P."""
    for o in outcomes(rule, part, vad, judges):
        c = o.clip
        verdict = ("cut" if o.cut_off else f"wait {o.wait_s:.2f}" if o.wait_s is not None
                   else "held" if o.ended_s is None or not c.done else "")
        p = " ".join(f"{t:.2f}:{q:.2f}" for t, q in o.checks)
        ended = "never" if o.ended_s is None else f"{o.ended_s:.2f}"
        print(f"{c.id:42s} {c.kind:13s} end {c.turn_end_s:.2f} handed over {ended:>5s} "
              f"{verdict:10s} P {p}")


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
    parser.add_argument("--clips", metavar="RULE",
                        help="also print each clip's outcome under the rules whose name "
                        "contains RULE")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    parts = args.part or ["fresh", "test", "tune", "fixtures"]  # never-seen parts first
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
        auc, played = model_separation(part, vad, judges, checks)
        asked = [p for o in played if (p := labelled_p_done(o)) is not None]
        if auc == auc:  # a part with both finished and unfinished turns (not NaN)
            results[part]["smart_turn_separation"] = auc
            print(f"\nSmart Turn's P(done) at {checks} s into the pause separates finished turn "
                  f"ends from unfinished pauses with AUC {auc:.2f} ({len(asked)} asked)")
        for rule in rules(args.threshold, checks, args.wait):
            if args.clips and args.clips in rule.name:
                print(f"\n{rule.name}, clip by clip:")
                per_clip(rule, part, vad, judges)
        if args.sweep:
            for threshold in (0.3, 0.5, 0.7, 0.9, 0.97):
                for check_s in ((0.1,), (0.2,), (0.3,), (0.2, 0.5)):
                    for rule in rules(threshold, check_s, args.wait)[3:-1]:
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
