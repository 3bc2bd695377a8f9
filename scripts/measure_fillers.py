"""Measure how decoding options and audio detection change the scorer on the labelled set.

Transcribes tests/data/audio/*.flac once per decoding configuration and scores each with and
without the audio filler rules (Silero VAD, or frame energy). Prints one line per
combination; the figures in docs/scoring.md come from this script. Run:
    .venv/bin/python scripts/measure_fillers.py [--only NAME ...] [--markdown]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from server.scoring_files import score_transcription
from voices.audio import read_audio
from voices.evalset import (
    LabelledUtterance,
    SetReport,
    evaluate,
    load_labelled_set,
    match_fillers,
)
from voices.stt.whisper import (
    FILLER_PROMPT,
    PROSE_FILLER_PROMPT,
    WhisperOptions,
    WhisperSTT,
)
from voices.vad.silero import SileroVAD

HOTWORDS = "um uh umm uhh er hmm like you know I mean"


@dataclass(frozen=True)
class Config:
    name: str
    options: WhisperOptions


CONFIGS = (
    Config("no-prompt", WhisperOptions(initial_prompt=None)),
    Config("prose-prompt", WhisperOptions(initial_prompt=PROSE_FILLER_PROMPT)),
    Config("prose-prompt-beam5", WhisperOptions(initial_prompt=PROSE_FILLER_PROMPT, beam_size=5)),
    Config("filler-prompt", WhisperOptions(initial_prompt=FILLER_PROMPT)),  # the default
    Config("filler-prompt-beam5", WhisperOptions(initial_prompt=FILLER_PROMPT, beam_size=5)),
    Config("hotwords", WhisperOptions(initial_prompt=None, hotwords=HOTWORDS)),
    Config("prose-prompt+hotwords",
           WhisperOptions(initial_prompt=PROSE_FILLER_PROMPT, hotwords=HOTWORDS)),
)


def _print_misses(utts: list[LabelledUtterance], cards: list[dict]) -> None:
    for utt, card in zip(utts, cards, strict=True):
        found = [f"{e['word']}({e['source'][0]})" for e in card["fillers"]["events"]]
        kinds = {c["kind"] for c in card["concessions"]}
        counts = match_fillers(utt.fillers, [e["word"] for e in card["fillers"]["events"]])
        if counts.fp or counts.fn or kinds != utt.concessions:
            print(f"    {utt.id}: fillers {list(utt.fillers)} -> {found}; concessions "
                  f"{sorted(utt.concessions)} -> {sorted(kinds)}; {card['transcript']!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="configuration names (default: all)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--verbose", action="store_true", help="print each utterance it misses")
    args = parser.parse_args()
    utts = load_labelled_set()
    audio = {u.id: read_audio(u.path) for u in utts}
    seconds = sum(len(a) for a in audio.values()) / 16000
    vad = SileroVAD().load()
    rows: list[tuple[str, str, SetReport, float]] = []
    for config in CONFIGS:
        if args.only and config.name not in args.only:
            continue
        stt = WhisperSTT(config.options).load()
        began = time.perf_counter()
        results = {u.id: stt.transcribe_sync(audio[u.id]) for u in utts}
        rtf = (time.perf_counter() - began) / seconds
        for detector, kwargs in (("off", {"audio_fillers": False}),
                                 ("silero", {"vad": vad, "audio_fillers": True}),
                                 ("energy", {"vad": None, "audio_fillers": True})):
            cards = [score_transcription(u.id, audio[u.id], results[u.id], **kwargs)
                     for u in utts]
            report = evaluate(utts, cards)
            rows.append((config.name, detector, report, rtf))
            print(f"{config.name:20s} audio={detector:6s} rtf={rtf:.3f} {report.summary()}",
                  flush=True)
            if args.verbose:
                _print_misses(utts, cards)
    if args.markdown:
        print("\n| decoding | audio rules | filler P | filler R | filler F1 | hesitation R "
              "| WER | content WER | concession acc | real-time factor |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, detector, r, rtf in rows:
            f = r.fillers
            print(f"| {name} | {detector} | {f.precision:.3f} | {f.recall:.3f} | {f.f1:.3f} "
                  f"| {r.hesitations.recall:.3f} | {r.wer:.3f} | {r.content_wer:.3f} "
                  f"| {r.concession_accuracy:.3f} | {rtf:.3f} |")


if __name__ == "__main__":
    main()
