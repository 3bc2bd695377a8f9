"""Scoring recorded rep speech with no dialog (`walkaway score`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress

from dialog.scenario import Scenario
from scoring.scorecard import build_scorecard
from scoring.turns import Speaker, Turn
from server.audio_limits import AudioLimitError, AudioLimits, read_bounded_audio
from voices.audio import SAMPLE_RATE, AudioDecodeError
from voices.fillers_audio import find_audio_fillers
from voices.stt.accurate import ACCURATE_PASSES, AccurateTranscriber
from voices.stt.base import SpeechToTextError, Transcription
from voices.stt.whisper import ACCURATE_OPTIONS
from voices.vad.base import VoiceActivityModel
from voices.vad.silero import SileroVAD


def score_transcription(
    name: str,
    audio: np.ndarray,
    result: Transcription,
    vad: VoiceActivityModel | None = None,
    audio_fillers: bool = False,
    scenario: Scenario | str | None = None,
) -> dict[str, Any]:
    """Score one transcribed recording as a single rep turn (16 kHz mono `audio`).

    A known `scenario` lends its coaching lines and the meeting time it needs to the
    scorecard's "say this instead" lines (docs/coaching.md); an id alone only names it.

    `audio_fillers` adds hesitations found in the audio that no word covers (Silero `vad`,
    or frame energy without one). Off by default: on the labelled set it added no filler the
    default prompt missed and cost precision (docs/scoring.md).
    """
    duration = len(audio) / SAMPLE_RATE
    start = result.words[0].start if result.words else 0.0
    end = result.words[-1].end if result.words else duration
    turns = [Turn(0, Speaker.REP, result.text, start, end, result.words)] if result.text else []
    heard = (find_audio_fillers(audio, result.words, turn=0, vad=vad)
             if audio_fillers and turns else [])
    if isinstance(scenario, Scenario):
        return build_scorecard(call_id=name, scenario=scenario.id, outcome=None, turns=turns,
                               rep_audio=audio, sample_rate=SAMPLE_RATE, audio_fillers=heard,
                               coaching=scenario.coaching_lines(),
                               needed_minutes=scenario.needed_minutes,
                               people=scenario.people)
    return build_scorecard(call_id=name, scenario=scenario, outcome=None, turns=turns,
                           rep_audio=audio, sample_rate=SAMPLE_RATE, audio_fillers=heard)


def score_file(
    stt: AccurateTranscriber, path: Path, vad: VoiceActivityModel | None = None,
    audio_fillers: bool = False, limits: AudioLimits | None = None,
) -> dict[str, Any]:
    """Decode (within `limits`), transcribe and score one file; raises AudioDecodeError,
    AudioLimitError or SpeechToTextError."""
    audio = read_bounded_audio(path, limits or AudioLimits())
    result = stt.transcribe_sync(audio)
    return score_transcription(path.stem, audio, result, vad, audio_fillers)


def score_files(
    paths: Sequence[Path],
    progress_console: Console,
    model: str | None = None,
    audio_fillers: bool = False,
    limits: AudioLimits | None = None,
) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Score each file in turn; an unreadable file yields {'error': ...} and the rest go on.

    Transcribed by the scorecard's accurate pass (docs/transcripts.md)."""
    passes = ACCURATE_PASSES if model is None else (replace(ACCURATE_OPTIONS, model=model),)
    stt = AccurateTranscriber(tuple(replace(p, cpu_threads=2) for p in passes))
    vad = SileroVAD().load() if audio_fillers else None
    with Progress(console=progress_console, transient=True,
                  disable=len(paths) < 2) as progress:
        task = progress.add_task("scoring", total=len(paths))
        for path in paths:
            try:
                yield path, score_file(stt, path, vad, audio_fillers, limits)
            except (AudioDecodeError, AudioLimitError, SpeechToTextError) as err:
                yield path, {"error": str(err)}
            progress.advance(task)
