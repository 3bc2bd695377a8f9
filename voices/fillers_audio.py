"""Filler sounds the recogniser left out, found from the audio and the word timings.

Whisper drops many "uh"/"um" even when prompted. What is left of them is either a voiced
stretch that no recognised word covers, or a word whose timing was stretched across a pause to
swallow the sound ("Er, the pilot" -> "The[0.00-1.08] pilot"). Both are reported as
`FillerEvent(word="uh", source=AUDIO)`; `scoring.fillers.merge_events` drops any that overlap a
transcript filler.

Word timestamps from tiny.en are coarse (zero-length words, words that start at the
segment start), so the rules only look at short voiced runs bounded by silence, where a
filler lives, and ignore anything near a filler the transcript already has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.fillers import FillerEvent, FillerSource, detect_fillers
from scoring.turns import Speaker, Turn, Word
from voices.audio import SAMPLE_RATE, loud_frames
from voices.vad.base import VoiceActivityModel

FRAME_SAMPLES = 512  # the Silero frame (32 ms at 16 kHz); the energy fallback uses it too
AUDIO_FILLER_WORD = "uh"  # the spelling an unrecognised hesitation is counted under


@dataclass(frozen=True)
class AudioFillerOptions:
    """Thresholds, in seconds unless named otherwise."""

    vad_threshold: float = 0.5
    merge_gap_s: float = 0.1  # stop closures inside a word make the VAD blink; bridge them
    min_filler_s: float = 0.15
    max_filler_s: float = 0.9  # a hesitation is one held syllable, not a phrase
    uncovered_frac: float = 0.6  # share of a run that no word may cover
    stretch_into_s: float = 0.15  # how far a swallowing word must reach into the next run
    near_filler_s: float = 0.5  # a transcript filler this close is the same sound, mistimed
    energy_floor_db: float = 35.0  # energy fallback: voiced when within this of the peak


Run = tuple[float, float]


def speech_probabilities(
    audio: np.ndarray, vad: VoiceActivityModel | None, options: AudioFillerOptions
) -> np.ndarray:
    """Per-frame speech probability: Silero when given (a fresh stream), else frame energy."""
    if vad is not None:
        return np.asarray(vad.stream().probabilities(audio), dtype=np.float32)
    return loud_frames(audio, FRAME_SAMPLES, options.energy_floor_db).astype(np.float32)


def voiced_runs(probabilities: np.ndarray, options: AudioFillerOptions) -> list[Run]:
    """Voiced stretches (turn-local seconds) with short gaps bridged."""
    frame_s = FRAME_SAMPLES / SAMPLE_RATE
    runs: list[Run] = []
    start: int | None = None
    for i, voiced in enumerate([*(probabilities >= options.vad_threshold), False]):
        if voiced and start is None:
            start = i
        elif not voiced and start is not None:
            run = (start * frame_s, i * frame_s)
            if runs and run[0] - runs[-1][1] < options.merge_gap_s:
                runs[-1] = (runs[-1][0], run[1])
            else:
                runs.append(run)
            start = None
    return runs


def _overlap(a: Run, b: Run) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _swallowed(run: Run, runs: Sequence[Run], spans: Sequence[Run], opts: AudioFillerOptions
               ) -> bool:
    """True when one word covers `run` and reaches well into a neighbouring run."""
    length = run[1] - run[0]
    for span in spans:
        if _overlap(run, span) < 0.7 * length:
            continue
        # The run must be this word's alone: another word inside it means it is real speech.
        if sum(1 for s in spans if _overlap(run, s) > 0.05) > 1:
            return False
        return any(other is not run and _overlap(other, span) >= opts.stretch_into_s
                   for other in runs)
    return False


def find_audio_fillers(
    audio: np.ndarray,
    words: Sequence[Word],
    *,
    turn: int = 0,
    offset: float = 0.0,
    vad: VoiceActivityModel | None = None,
    options: AudioFillerOptions | None = None,
) -> list[FillerEvent]:
    """Hesitations in one turn's audio that the words miss.

    `audio` is the turn's mono float32 16 kHz audio starting at `offset` call seconds;
    `words` are its recognised words on the call clock. Events are on the call clock.
    """
    opts = options or AudioFillerOptions()
    runs = voiced_runs(speech_probabilities(audio, vad, opts), opts)
    spans = [(w.start - offset, w.end - offset) for w in words]
    heard = detect_fillers(Turn(turn, Speaker.REP, " ".join(w.text for w in words),
                                words[0].start if words else offset,
                                words[-1].end if words else offset, tuple(words)))
    known = [(e.start - offset, e.end - offset) for e in heard]
    events: list[FillerEvent] = []
    for run in runs:
        length = run[1] - run[0]
        if not opts.min_filler_s <= length <= opts.max_filler_s:
            continue
        if any(k[0] - opts.near_filler_s < run[1] and run[0] < k[1] + opts.near_filler_s
               for k in known):
            continue
        covered = min(length, sum(_overlap(run, s) for s in spans))
        if length - covered >= opts.uncovered_frac * length or _swallowed(run, runs, spans, opts):
            events.append(FillerEvent(AUDIO_FILLER_WORD, turn, round(offset + run[0], 3),
                                      round(offset + run[1], 3), FillerSource.AUDIO))
    return events
